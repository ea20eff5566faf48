import { temporal } from 'zundo';
import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import { shouldRecordStep } from './history.ts';
import { STORAGE_KEY, STORAGE_VERSION, markLoaded, migrateSaved, planStorage, readSaved, takeLoadProblem, type PersistedState } from './persistence.ts';
import { createExportSlice } from './slices/exportSlice.ts';
import { createNoticeSlice } from './slices/noticeSlice.ts';
import { createPlanSlice } from './slices/planSlice.ts';
import { createRulesTableSlice } from './slices/rulesTableSlice.ts';
import { createUiSlice } from './slices/uiSlice.ts';
import type { StoreState } from './types.ts';

/** What undo and redo restore: the document, never the view or the table filters. */
export type UndoState = Pick<StoreState, 'plan' | 'roleText'>;

export const useStore = create<StoreState>()(
  persist(
    temporal(
      (...a) => ({
        ...createPlanSlice(...a),
        ...createUiSlice(...a),
        ...createExportSlice(...a),
        ...createRulesTableSlice(...a),
        ...createNoticeSlice(...a),
      }),
      {
        partialize: (s): UndoState => ({ plan: s.plan, roleText: s.roleText }),
        // every plan action makes new objects, so a change is a change of reference
        equality: (past, current) => past.plan === current.plan && past.roleText === current.roleText,
        limit: 200,
        handleSet: (handleSet) => (pastState, replace, currentState, deltaState) => {
          // zundo hands its internal recorder typed as setState; it takes these four arguments
          if (shouldRecordStep()) (handleSet as unknown as (...args: unknown[]) => void)(pastState, replace, currentState, deltaState);
        },
      },
    ),
    {
      name: STORAGE_KEY,
      version: STORAGE_VERSION,
      storage: planStorage,
      partialize: (s): PersistedState => ({ plan: s.plan, roleText: s.roleText, exportOptions: s.exportOptions }),
      migrate: (persisted, version) => migrateSaved(persisted, version),
      // called with undefined when nothing was saved yet
      merge: (persisted, current) => (persisted === undefined ? current : { ...current, ...readSaved(persisted) }),
    },
  ),
);

// loading the autosave is not an edit: start with an empty history, and report what could not be read
useStore.temporal.getState().clear();
markLoaded(useStore.getState());
useStore.persist.onFinishHydration((state) => markLoaded(state));
const problem = takeLoadProblem();
if (problem) useStore.getState().setStorageProblem(problem);
