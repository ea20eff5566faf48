import { LIMITS, parseAddress, type Entry, type Network, type ParseResult } from '../engine/index.ts';
import { rememberEntryText, rememberParsed } from './entryText.ts';

/** One piece of a role's text box, with where it sits in the text: an entry of the plan, valid or not. */
export interface TextToken {
  readonly written: string;
  readonly label?: string;
  /** 1-based line number */
  readonly line: number;
  /** character offsets of the token in the whole text */
  readonly start: number;
  readonly end: number;
}

/** A token that is a usable address. */
export interface TextEntry extends TextToken {
  readonly network: Network;
}

/** A token that is not a usable entry, with the engine's reason (and, for host bits, the two meanings). */
export interface TextError extends TextToken {
  readonly text: string;
  readonly reason: string;
  readonly choices?: readonly string[];
}

export interface RoleTextParse {
  /** every token, in order: what the plan keeps (invalid ones too, so nothing typed is lost) */
  readonly tokens: readonly TextToken[];
  readonly entries: readonly TextEntry[];
  readonly errors: readonly TextError[];
  readonly v4: number;
  readonly v6: number;
  /**
   * Set when every line is one address and nothing else (blank lines only at the end): the
   * entries joined by line breaks, which is the text without its trailing line breaks.
   */
  readonly plainText?: string;
}

const TOKEN = /[^\s,;]+/g;

// Parsing the same address twice is common (every keystroke re-reads the whole box), so IPv6
// results are cached; the cache is dropped whole when it grows, which keeps it bounded and simple.
// IPv4 is not: its parse (a loop over the characters) costs less than hashing the text for a
// lookup, and filling a cache with the 20,000 addresses of a paste cost more than parsing them.
const cache = new Map<string, ParseResult>();
const CACHE_MAX = 200_000;

function parseCached(text: string): ParseResult {
  if (!text.includes(':')) return parseAddress(text);
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
 * Nothing is dropped: whatever is not an address is kept as a token and reported with its reason;
 * a CIDR with host bits set is an error offering its two meanings.
 */
export function parseRoleText(text: string): RoleTextParse {
  const tokens: TextToken[] = [];
  const entries: TextEntry[] = [];
  const errors: TextError[] = [];
  let v4 = 0;
  let v6 = 0;
  let lineStart = 0;
  let lineNo = 0;
  // every line so far is one address alone; `plainEnd`: where the last such line ends
  let allPlain = true;
  let plainEnd = 0;
  let plainLines = 0;
  const add = (raw: string, start: number, line: number, label: string | undefined, labelTooLong: boolean) => {
    const written = raw.length > LIMITS.entryLength ? raw.slice(0, LIMITS.entryLength) : raw;
    const end = start + raw.length;
    if (tokens.length >= LIMITS.entriesPerRole) {
      errors.push({ written, line, start, end, ...(label !== undefined ? { label } : {}), text: written, reason: `is beyond the limit of ${LIMITS.entriesPerRole} entries per role (not kept)` });
      return;
    }
    const parsed = parseCached(written);
    if (parsed.ok && !parsed.hostBitsSet && !labelTooLong) {
      // the common case: one object serves as the token and the entry
      const entry: TextEntry = label !== undefined ? { written, line, start, end, label, network: parsed.network } : { written, line, start, end, network: parsed.network };
      tokens.push(entry);
      entries.push(entry);
      if (parsed.network.family === 4) v4++;
      else v6++;
      return;
    }
    const token: TextToken = { written, line, start, end, ...(label !== undefined ? { label } : {}) };
    tokens.push(token);
    if (!parsed.ok) {
      errors.push({ ...token, text: written, reason: parsed.reason });
    } else if (parsed.hostBitsSet && parsed.host) {
      const choices = [parsed.host.display, parsed.network.display];
      errors.push({ ...token, text: written, reason: `has host bits set: ${choices[0]} (the one host) or ${choices[1]} (the whole network)?`, choices });
    } else {
      errors.push({ ...token, text: written, reason: `has a label longer than ${LIMITS.labelLength} characters: it is cut` });
      entries.push({ ...token, network: parsed.network });
      if (parsed.network.family === 4) v4++;
      else v6++;
    }
  };
  while (lineStart <= text.length) {
    lineNo++;
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    // the common line: one address, nothing else (no separator, space or label); no regex, no slices
    let plain = lineEnd > lineStart;
    for (let i = lineStart; plain && i < lineEnd; i++) {
      const c = text.charCodeAt(i);
      // white space (\t \v \f \r and space), ',' ';' '#', and anything beyond ASCII (Unicode spaces)
      plain = c > 32 && c !== 44 && c !== 59 && c !== 35 && c < 127;
    }
    if (plain) {
      // a blank line before this one, or a token cut at the length limit, spoils the joined form
      if ((plainLines === 0 ? lineStart !== 0 : plainEnd !== lineStart - 1) || lineEnd - lineStart > LIMITS.entryLength) allPlain = false;
      plainEnd = lineEnd;
      plainLines++;
      add(text.slice(lineStart, lineEnd), lineStart, lineNo, undefined, false);
      lineStart = lineEnd + 1;
      continue;
    }
    if (lineEnd > lineStart) allPlain = false;
    const line = text.slice(lineStart, lineEnd);
    const hash = line.indexOf('#');
    const body = hash === -1 ? line : line.slice(0, hash);
    const labelText = hash === -1 ? '' : line.slice(hash + 1).trim();
    const label = labelText === '' ? undefined : labelText.slice(0, LIMITS.labelLength);
    const labelTooLong = labelText.length > LIMITS.labelLength;
    for (const m of body.matchAll(TOKEN)) add(m[0], lineStart + (m.index ?? 0), lineNo, label, labelTooLong);
    lineStart = lineEnd + 1;
  }
  const joined = allPlain && tokens.length > 0 && tokens.length <= LIMITS.entriesPerRole ? { plainText: text.slice(0, plainEnd) } : {};
  return { tokens, entries, errors, v4, v6, ...joined };
}

/** The plan's entries for a role's text: every token, as written, with its label. */
export function planEntries(parse: RoleTextParse): Entry[] {
  let entries: Entry[];
  if (parse.plainText !== undefined) {
    entries = parse.tokens.map((t) => t.written);
    rememberEntryText(entries, parse.plainText);
  } else {
    entries = parse.tokens.map((t) => (t.label !== undefined ? { address: t.written, label: t.label } : t.written));
  }
  rememberParsed(entries, parse.tokens);
  return entries;
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

/** The text with one token replaced (a fix the user picked, e.g. one meaning of a host-bits CIDR). */
export function replaceToken(text: string, token: Pick<TextToken, 'start' | 'end'>, replacement: string): string {
  return `${text.slice(0, token.start)}${replacement}${text.slice(token.end)}`;
}
