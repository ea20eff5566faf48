/** The ipset delta (Renderer.delta's logic): loaded with src/engine/delta.ts, not with the renderer. */
import { deltaHeaderLines, listDiff } from './diff.ts';
import type { DeltaInput, DeltaOutput } from './types.ts';

/** An ipset export read back: each set's create line and entries, in file order. */
export function parseIpsetExport(text: string): Map<string, { create: string; entries: string[] }> {
  const sets = new Map<string, { create: string; entries: string[] }>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const create = /^create (\S+) /.exec(line);
    if (create) sets.set(create[1] as string, { create: line, entries: [] });
    const add = /^add (\S+) (\S+)$/.exec(line);
    if (add) sets.get(add[1] as string)?.entries.push(add[2] as string);
  }
  return sets;
}

/**
 * The ipset delta: `ipset restore` input that creates the sets NEW adds and adds and deletes
 * entries of the others (hash:net keeps each entry apart, so entries are exact). Sets NEW no
 * longer has are still named by OLD's iptables rules until their deltas are in: they are
 * destroyed afterwards (the file lists the commands).
 */
export function deltaIpset(input: DeltaInput): DeltaOutput {
  const a = parseIpsetExport(input.old);
  const b = parseIpsetExport(input.new);
  const lines: string[] = [];
  let added = 0;
  let removed = 0;
  for (const [name, s] of b) {
    const old = a.get(name);
    if (old && old.create !== s.create) return { ok: false, message: `set ${name} changes its type or size ("${old.create}" → "${s.create}"): it must be created anew; load NEW's full exports instead` };
    const d = old ? listDiff([...new Set(old.entries)], [...new Set(s.entries)], (e) => e) : { added: [...new Set(s.entries)], removed: [] };
    if (!old) lines.push(s.create);
    for (const e of d.added) lines.push(`add ${name} ${e}`);
    for (const e of d.removed) lines.push(`del ${name} ${e}`);
    added += d.added.length;
    removed += d.removed.length;
  }
  const gone = [...a.keys()].filter((name) => !b.has(name));
  for (const name of gone) removed += new Set(a.get(name)?.entries ?? []).size;
  const afterwards = gone.map((name) => `ipset destroy ${name}`);
  const file = input.fileName;
  const text = [
    ...deltaHeaderLines(input, 'ipset restore input (companion of the iptables/ip6tables deltas with --ipset)', `set elements: ${added} added, ${removed} removed; sets: ${[...b.keys()].filter((n) => !a.has(n)).length} added, ${gone.length} removed`),
    '#',
    `# Load it before the iptables and ip6tables deltas:  ipset restore < ${file}`,
    '# It adds what NEW needs and removes entries NEW no longer has; other sets are left alone.',
    ...(gone.length > 0
      ? ['# Once the iptables and ip6tables deltas are loaded, remove the sets NEW no longer uses:', ...afterwards.map((c) => `#   ${c}`)]
      : []),
    ...lines,
    '',
  ].join('\n');
  return { ok: true, text, added, removed, afterwards };
}
