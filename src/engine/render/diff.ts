/**
 * What every format's delta shares: comparing two lists, reading back the scripts fwplan itself
 * wrote, and the delta file's header. Each format's delta lives in its renderer's file and works
 * from the two rendered exports, so it knows exactly what OLD's export loaded.
 * (Here rather than in src/engine/delta.ts: the renderers import these, and delta.ts imports the
 * renderers through the registry.)
 */
import { scopeLabel } from '../scope.ts';
import { lineComment } from './quote.ts';
import type { DeltaInput } from './types.ts';

/**
 * What is in `next` and not in `old`, and the other way round, by key. A multiset difference: an
 * item listed twice on one side and once on the other counts once. Both lists keep their order.
 */
export function listDiff<T>(old: readonly T[], next: readonly T[], key: (item: T) => string): { added: T[]; removed: T[] } {
  const count = (items: readonly T[]) => {
    const m = new Map<string, number>();
    for (const item of items) {
      const k = key(item);
      m.set(k, (m.get(k) ?? 0) + 1);
    }
    return m;
  };
  const take = (items: readonly T[], other: Map<string, number>): T[] => {
    const left = new Map(other);
    const out: T[] = [];
    for (const item of items) {
      const k = key(item);
      const n = left.get(k) ?? 0;
      if (n > 0) left.set(k, n - 1);
      else out.push(item);
    }
    return out;
  };
  return { added: take(next, count(old)), removed: take(old, count(next)) };
}

/** Whether two lists hold the same items in the same order. */
export function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * A short, stable tag for a text: 10 characters of [0-9a-z] from a 53-bit hash (cyrb53). Not a
 * security measure: a delta checks that equal tags stand for equal texts before it trusts them.
 */
export function shortHash(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const value = 4294967296 * (2097151 & h2) + (h1 >>> 0);
  return value.toString(36).padStart(11, '0').slice(-10);
}

/**
 * The part of a ufw or firewalld export that makes the rules: the body of its `fwplan_rules()`
 * function (script.ts writes it at column 0, closed by a `}` line). The rest — the snapshot,
 * apply, confirm and rollback frame, the header — says nothing about the plan's rules and is
 * never part of a delta. A text without that function (an older export) is read whole.
 */
export function scriptRules(text: string): string {
  const lines = text.split('\n');
  const start = lines.indexOf('fwplan_rules() {');
  if (start === -1) return text;
  const end = lines.indexOf('}', start + 1);
  return lines.slice(start + 1, end === -1 ? undefined : end).join('\n');
}

/**
 * The commands of a bash script fwplan wrote: comment and blank lines dropped, a line ending in
 * a backslash joined with the next. Only for fwplan's own scripts (no heredocs, no multi-line
 * quotes: its shell words never hold a newline).
 */
export function shellCommands(text: string): string[] {
  const out: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (current === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1).trimEnd()} `;
      continue;
    }
    out.push(current + line);
    current = '';
  }
  if (current !== '') out.push(current.trimEnd());
  return out;
}

/**
 * A command split into its words as written (quotes kept), on unquoted blanks: single-quoted
 * parts, double-quoted parts and backslash escapes outside quotes stay inside their word.
 */
export function shellWords(command: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < command.length; i++) {
    const c = command.charAt(i);
    if (c === "'") {
      const end = command.indexOf("'", i + 1);
      const stop = end === -1 ? command.length : end + 1;
      word += command.slice(i, stop);
      inWord = true;
      i = stop - 1;
    } else if (c === '"') {
      let j = i + 1;
      while (j < command.length && command.charAt(j) !== '"') j += command.charAt(j) === '\\' ? 2 : 1;
      word += command.slice(i, j + 1);
      inWord = true;
      i = j;
    } else if (c === '\\') {
      word += command.slice(i, i + 2);
      inWord = true;
      i++;
    } else if (c === ' ' || c === '\t') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** The header every delta file starts with: what it changes, from which plan to which, and how much. */
export function deltaHeaderLines(input: DeltaInput, format: string, counts: string, prefix = '# '): string[] {
  const { options } = input;
  const lines = [
    `fwplan delta - ${format}`,
    `from plan: ${input.oldPlan}`,
    `to plan:   ${input.newPlan}`,
    `scope: ${scopeLabel(options.scope)}; default-drop: ${options.defaultDrop ? 'yes' : 'no'}${options.egress === 'open' ? '; egress: open' : ''}${options.ipset ? '; ipsets' : ''}`,
    `changes: ${counts}`,
  ];
  return lines.map((l) => `${prefix}${lineComment(l)}`);
}

/** "3 rules added, 1 removed" */
export function changeCounts(what: string, added: number, removed: number): string {
  return `${added} ${what} added, ${removed} removed`;
}
