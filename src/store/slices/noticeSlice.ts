import type { Plan, PlanError } from '../../engine/index.ts';
import type { SliceCreator } from '../types.ts';

/** The saved plan could not be read (fully): what was wrong, and the saved text, kept for download. */
export interface StorageProblem {
  message: string;
  details: string[];
  raw: string;
  /** whether part of the saved plan could be recovered and loaded */
  recovered: boolean;
}

/** A plan waiting for the user to confirm that it may replace the one in progress. */
export interface PendingReplace {
  plan: Plan;
  /** the plan was written in an older version and upgraded */
  upgradedFrom?: 1;
  source: 'share-link' | 'example' | 'new';
}

/** A plan file or share link that could not be loaded: nothing was changed. */
export interface LoadFailure {
  source: string;
  errors: PlanError[];
}

export interface Toast {
  id: number;
  text: string;
}

/** Said when a plan written in version 1 (file, share link, autosave) was read and upgraded. */
export const UPGRADE_NOTICE =
  'This plan was written in plan version 1 and has been upgraded to version 2: PRD and MBR lines are now named nodes (lines with the same label and different address families are one node), USERW and DVC are one group each with every service of their rows. The flows are the same. Save the plan file to keep it in the new form.';

export interface NoticeSlice {
  /** the plan in use was upgraded from an older plan version */
  upgradeNotice: string | null;
  setUpgradeNotice: (notice: string | null) => void;
  storageProblem: StorageProblem | null;
  pendingReplace: PendingReplace | null;
  loadFailure: LoadFailure | null;
  toast: Toast | null;
  /** another tab of this browser saved a different plan into the autosave slot */
  otherTabSaved: boolean;
  setOtherTabSaved: (saved: boolean) => void;
  setStorageProblem: (problem: StorageProblem | null) => void;
  setPendingReplace: (pending: PendingReplace | null) => void;
  setLoadFailure: (failure: LoadFailure | null) => void;
  showToast: (text: string) => void;
  dismissToast: () => void;
}

let toastId = 0;

export const createNoticeSlice: SliceCreator<NoticeSlice> = (set) => ({
  upgradeNotice: null,
  setUpgradeNotice: (upgradeNotice) => set({ upgradeNotice }),
  storageProblem: null,
  pendingReplace: null,
  loadFailure: null,
  toast: null,
  otherTabSaved: false,
  setOtherTabSaved: (otherTabSaved) => set({ otherTabSaved }),
  setStorageProblem: (storageProblem) => set({ storageProblem }),
  setPendingReplace: (pendingReplace) => set({ pendingReplace }),
  setLoadFailure: (loadFailure) => set({ loadFailure }),
  showToast: (text) => set({ toast: { id: ++toastId, text } }),
  dismissToast: () => set({ toast: null }),
});
