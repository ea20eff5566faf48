import type { Entry, ParsedEntries } from '../engine/index.ts';

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

/**
 * Entry lists the page has already read, address by address: the plan's list of a box and the
 * box's tokens, index for index (parseRoleText's tokens; a valid entry carries its network). When
 * the worker's rule set names such a list, the page rebuilds its entries from these (see
 * decodeRuleSet in ./expansion/wire.ts) instead of reading 20,000 addresses a second time.
 */
const parsedLists = new WeakMap<readonly Entry[], ParsedEntries>();

/** `parsed[i]` must be the reading of `list[i]` (planEntries makes both from the same tokens). */
export function rememberParsed(list: readonly Entry[], parsed: ParsedEntries): void {
  parsedLists.set(list, parsed);
}

export function parsedOf(list: readonly Entry[]): ParsedEntries | undefined {
  return parsedLists.get(list);
}
