import { create } from 'zustand';

/** Whether autosave works. Kept apart from the main store: a failed save must not trigger a save. */
export interface SaveStatus {
  ok: boolean;
  message: string;
}

export const useSaveStatus = create<SaveStatus>()(() => ({ ok: true, message: '' }));

export function reportSave(ok: boolean, message = ''): void {
  const cur = useSaveStatus.getState();
  if (cur.ok !== ok || cur.message !== message) useSaveStatus.setState({ ok, message });
}
