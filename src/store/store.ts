import { temporal } from 'zundo';
import { createStore, useStore as useZustandStore } from 'zustand';
import { persist } from 'zustand/middleware';
import { shouldRecordStep } from './history.ts';
import { STORAGE_KEY, STORAGE_VERSION, markLoaded, migrateSaved, planStorage, readSaved, takeLoadProblem, type PersistedState } from './persistence.ts';
import { createExportSlice } from './slices/exportSlice.ts';
import { UPGRADE_NOTICE, createNoticeSlice } from './slices/noticeSlice.ts';
import { createPlanSlice } from './slices/planSlice.ts';
import { createRulesTableSlice } from './slices/rulesTableSlice.ts';
import { createUiSlice } from './slices/uiSlice.ts';
import type { Plan } from '../engine/index.ts';
import type { StoreState } from './types.ts';

/** What undo and redo restore: the document, never the view or the table filters. */
export type UndoState = Pick<StoreState, 'plan' | 'roleText' | 'groupText'>;

/**
 * A fresh store: the app makes one (with the autosave), every test may make its own. Slices are
 * combined first, then undo (zundo) and the autosave (persist) wrap the combined store.
 */
export function createAppStore() {
  return createStore<StoreState>()(
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
          partialize: (s): UndoState => ({ plan: s.plan, roleText: s.roleText, groupText: s.groupText }),
          // every plan action makes new objects, so a change is a change of reference
          equality: (past, current) => past.plan === current.plan && past.roleText === current.roleText && past.groupText === current.groupText,
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
        partialize: (s): PersistedState => ({ plan: s.plan, roleText: s.roleText, groupText: s.groupText, exportOptions: s.exportOptions }),
        migrate: (persisted, version) => migrateSaved(persisted, version),
        // called with undefined when nothing was saved yet
        merge: (persisted, current) => {
          if (persisted === undefined) return current;
          const { upgradedFrom, ...loaded } = readSaved(persisted);
          return { ...current, ...loaded, upgradeNotice: upgradedFrom ? UPGRADE_NOTICE : current.upgradeNotice };
        },
      },
    ),
  );
}

export type AppStore = ReturnType<typeof createAppStore>;

/** The app's store, with its autosave loaded. */
export const appStore = createAppStore();

// loading the autosave is not an edit: start with an empty history, and report what could not be read
appStore.temporal.getState().clear();
let opened: Plan | undefined = appStore.getState().plan;
appStore.persist.onFinishHydration((state) => {
  opened = state.plan;
});

/** The plan as it was when this page opened (the autosave it started from): a baseline to compare with. */
export function planAtOpen(): Plan | undefined {
  return opened;
}
markLoaded(appStore.getState());
appStore.persist.onFinishHydration((state) => markLoaded(state));
const problem = takeLoadProblem();
if (problem) appStore.getState().setStorageProblem(problem);

/** React's view of the app store: useStore(selector), plus the store's own methods. */
export const useStore = Object.assign(<T>(selector: (s: StoreState) => T): T => useZustandStore(appStore, selector), appStore);
