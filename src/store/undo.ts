import { useStore as useZustand } from 'zustand';
import { breakBurst } from './history.ts';
import { useStore } from './store.ts';

export function undo(): void {
  breakBurst();
  useStore.temporal.getState().undo();
}

export function redo(): void {
  breakBurst();
  useStore.temporal.getState().redo();
}

/** How many steps can be undone and redone, for the toolbar buttons. */
export function useHistoryDepth(): { past: number; future: number } {
  const past = useZustand(useStore.temporal, (t) => t.pastStates.length);
  const future = useZustand(useStore.temporal, (t) => t.futureStates.length);
  return { past, future };
}
