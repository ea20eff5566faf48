/**
 * Which plan edits become one undo step. Typing in one box is a burst of edits: they collapse into
 * one step until the user pauses for a second or edits something else. Toggles are always a step.
 */
const BURST_MS = 1000;

let pendingKey: string | undefined;
let last: { key: string; at: number } | undefined;

/** Called by an action just before it changes the plan; `key` names what a burst is made of. */
export function markEdit(key?: string): void {
  pendingKey = key;
}

/** Called by the undo middleware when the plan did change: whether to keep a history step. */
export function shouldRecordStep(now = Date.now()): boolean {
  const key = pendingKey;
  pendingKey = undefined;
  const coalesce = key !== undefined && last !== undefined && last.key === key && now - last.at < BURST_MS;
  last = key === undefined ? undefined : { key, at: now };
  return !coalesce;
}

/** After undo or redo the next edit always starts a new step. */
export function breakBurst(): void {
  last = undefined;
  pendingKey = undefined;
}
