import { LIMITS, parseAddress, type Entry, type Network, type ParseResult } from '../engine/index.ts';

/** One valid address taken from a role's text box, with where it sits in the text. */
export interface TextEntry {
  readonly written: string;
  readonly label?: string;
  readonly network: Network;
  readonly hostBitsSet: boolean;
  /** 1-based line number */
  readonly line: number;
  /** character offsets of the address in the whole text */
  readonly start: number;
  readonly end: number;
}

/** A piece of the text that is not a usable entry, with the engine's reason. */
export interface TextError {
  readonly text: string;
  readonly reason: string;
  readonly line: number;
  readonly start: number;
  readonly end: number;
}

export interface RoleTextParse {
  readonly entries: readonly TextEntry[];
  readonly errors: readonly TextError[];
  readonly v4: number;
  readonly v6: number;
  readonly hostBits: number;
}

const TOKEN = /[^\s,;]+/g;

// Parsing the same address twice is common (every keystroke re-reads the whole box), so results
// are cached; the cache is dropped whole when it grows, which keeps it bounded and simple.
const cache = new Map<string, ParseResult>();
const CACHE_MAX = 200_000;

function parseCached(text: string): ParseResult {
  let result = cache.get(text);
  if (result === undefined) {
    if (cache.size >= CACHE_MAX) cache.clear();
    result = parseAddress(text);
    cache.set(text, result);
  }
  return result;
}

/**
 * Read what a user typed or pasted into a role's box. Entries are separated by newlines, commas,
 * semicolons or white space; `# text` after the addresses of a line labels every one of them.
 * Nothing is dropped silently: whatever is not an address comes back as an error with its reason.
 */
export function parseRoleText(text: string): RoleTextParse {
  const entries: TextEntry[] = [];
  const errors: TextError[] = [];
  let v4 = 0;
  let v6 = 0;
  let hostBits = 0;
  let lineStart = 0;
  let lineNo = 0;
  while (lineStart <= text.length) {
    lineNo++;
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    const line = text.slice(lineStart, lineEnd);
    const hash = line.indexOf('#');
    const body = hash === -1 ? line : line.slice(0, hash);
    const labelText = hash === -1 ? '' : line.slice(hash + 1).trim();
    const label = labelText === '' ? undefined : labelText;
    const labelTooLong = label !== undefined && label.length > LIMITS.labelLength;
    for (const m of body.matchAll(TOKEN)) {
      const token = m[0];
      const start = lineStart + (m.index ?? 0);
      const end = start + token.length;
      const parsed = parseCached(token);
      if (!parsed.ok) {
        errors.push({ text: token, reason: parsed.reason, line: lineNo, start, end });
      } else if (labelTooLong) {
        errors.push({ text: token, reason: `has a label longer than ${LIMITS.labelLength} characters`, line: lineNo, start, end });
      } else if (entries.length >= LIMITS.entriesPerRole) {
        errors.push({ text: token, reason: `is beyond the limit of ${LIMITS.entriesPerRole} entries per role`, line: lineNo, start, end });
      } else {
        entries.push({ written: token, network: parsed.network, hostBitsSet: parsed.hostBitsSet, line: lineNo, start, end, ...(label !== undefined ? { label } : {}) });
        if (parsed.network.family === 4) v4++;
        else v6++;
        if (parsed.hostBitsSet) hostBits++;
      }
    }
    lineStart = lineEnd + 1;
  }
  return { entries, errors, v4, v6, hostBits };
}

/** The plan's entries for the valid part of a role's text. */
export function planEntries(parse: RoleTextParse): Entry[] {
  return parse.entries.map((e) => (e.label !== undefined ? { address: e.written, label: e.label } : e.written));
}

/** A role's text box content for entries that came from a plan file (one entry a line). */
export function roleTextFromEntries(entries: readonly Entry[]): string {
  return entries
    .map((e) => {
      if (typeof e === 'string') return e;
      const label = e.label?.replace(/[\r\n]+/g, ' ').trim();
      return label ? `${e.address} # ${label}` : e.address;
    })
    .join('\n');
}
