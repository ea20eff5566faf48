import type { GroupRole } from '../../engine/index.ts';
import type { SliceCreator } from '../types.ts';
import type { TextRole } from './planSlice.ts';

export const VIEW_IDS = ['addresses', 'services', 'rules', 'findings', 'export', 'change-request'] as const;
export type ViewId = (typeof VIEW_IDS)[number];

/** A place in the form a finding points at; the panel that owns it scrolls there and focuses it. */
export type FocusTarget =
  | { kind: 'role'; role: TextRole; entryIndex?: number }
  | { kind: 'group'; role: GroupRole; index: number; entryIndex?: number; field?: 'name' | 'services' }
  | { kind: 'rule'; ruleId: string }
  | { kind: 'port'; ruleId: string }
  | { kind: 'cluster' }
  | { kind: 'name' };

export interface UiSlice {
  view: ViewId;
  focusTarget: FocusTarget | null;
  setView: (view: ViewId) => void;
  /** switch to the view that holds the target and ask it to focus the target */
  focus: (target: FocusTarget) => void;
  clearFocus: () => void;
}

function viewOf(target: FocusTarget): ViewId {
  switch (target.kind) {
    case 'role':
    case 'group':
    case 'name':
      return 'addresses';
    case 'rule':
    case 'port':
    case 'cluster':
      return 'services';
    default: {
      const never: never = target;
      return never;
    }
  }
}

export const createUiSlice: SliceCreator<UiSlice> = (set) => ({
  view: 'addresses',
  focusTarget: null,
  setView: (view) => set({ view }),
  focus: (target) => set({ view: viewOf(target), focusTarget: target }),
  clearFocus: () => set({ focusTarget: null }),
});
