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

export interface NoticeSlice {
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
