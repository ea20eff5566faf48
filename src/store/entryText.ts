import type { Entry } from '../engine/index.ts';

/**
 * Entry lists whose text is known: the plan's list of a box in which every line is one address is
 * exactly that text's lines. The list goes to the expansion worker as this one string (see
 * compactEntries in ./expansion/wire.ts) without joining 20,000 strings again. The plan is
 * immutable, so a list keeps its text as long as it lives.
 */
const known = new WeakMap<readonly Entry[], string>();

/** `text` must be `list.join('\n')`: parseRoleText's plainText and the entries it made from it. */
export function rememberEntryText(list: readonly Entry[], text: string): void {
  known.set(list, text);
}

export function entryTextOf(list: readonly Entry[]): string | undefined {
  return known.get(list);
}
