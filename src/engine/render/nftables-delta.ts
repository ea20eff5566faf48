/** The nftables delta (Renderer.delta's logic): loaded with src/engine/delta.ts, not with the renderer. */
import { coveredRanges, parseAddress, rangeText, type Network } from '../net/address.ts';
import { append, chunk } from './common.ts';
import { changeCounts, deltaHeaderLines, listDiff } from './diff.ts';
import { shellWord } from './quote.ts';
import type { DeltaInput, DeltaOutput } from './types.ts';
import { TAG } from './nftables.ts';

/** One export's table inet fwplan, read back: sets with their elements, chains with their tagged rules. */
interface NftTable {
  readonly sets: Map<string, { readonly declaration: readonly string[]; readonly elements: readonly string[] }>;
  readonly chains: Map<string, { readonly header: string; readonly rules: readonly { readonly tag: string; readonly text: string }[] }>;
}

/** Read an nftables export of fwplan back (only fwplan's own layout: one statement per line). */
export function parseNftExport(text: string): { ok: true; table: NftTable } | { ok: false; message: string } {
  const table: NftTable = { sets: new Map(), chains: new Map() };
  let inTable = false;
  let set: { name: string; declaration: string[]; elements: string[]; inElements: boolean } | undefined;
  let chain: { name: string; header: string; rules: { tag: string; text: string }[] } | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (!inTable) {
      if (line === 'table inet fwplan {') inTable = true;
      continue;
    }
    if (set) {
      if (set.inElements) {
        if (line === '}') set.inElements = false;
        else for (const e of line.split(',')) if (e.trim() !== '') set.elements.push(e.trim());
      } else if (line === 'elements = {') set.inElements = true;
      else if (line === '}') {
        table.sets.set(set.name, { declaration: set.declaration, elements: set.elements });
        set = undefined;
      } else set.declaration.push(line);
      continue;
    }
    if (chain) {
      if (line === '}') {
        table.chains.set(chain.name, { header: chain.header, rules: chain.rules });
        chain = undefined;
      } else if (line.startsWith('type ')) chain.header = line;
      else {
        const tag = TAG.exec(line)?.[1];
        if (tag === undefined) return { ok: false, message: `a rule of chain ${chain.name} has no fwplan tag: ${line.slice(0, 80)}` };
        if (chain.rules.some((r) => r.tag === tag)) return { ok: false, message: `two rules of chain ${chain.name} have the tag fwplan:${tag}` };
        chain.rules.push({ tag, text: line });
      }
      continue;
    }
    const opened = /^(set|chain) (\S+) \{$/.exec(line);
    if (opened?.[1] === 'set') set = { name: opened[2] as string, declaration: [], elements: [], inElements: false };
    else if (opened?.[1] === 'chain') chain = { name: opened[2] as string, header: '', rules: [] };
    else if (line === '}') inTable = false;
    else return { ok: false, message: `unexpected line in table inet fwplan: ${line.slice(0, 80)}` };
  }
  if (table.chains.size === 0) return { ok: false, message: 'no table inet fwplan with chains in the export' };
  return { ok: true, table };
}

function networksOf(elements: readonly string[]): Network[] {
  return elements.flatMap((e) => {
    const p = parseAddress(e);
    return p.ok ? [p.network] : [];
  });
}

/** One line of the transaction: fixed text, or text around a rule handle looked up when the script runs. */
type TxLine = { readonly text: string } | { readonly before: string; readonly handle: string; readonly after: string };

const ELEMENTS_PER_COMMAND = 64;

/**
 * The nftables delta: a bash script that checks the table holds exactly OLD's rules (by tag),
 * looks up the handles of the rules it deletes or inserts before (`nft -a list table inet
 * fwplan`), writes one transaction — sets and elements added, rules inserted where NEW has them,
 * rules, elements and sets deleted — checks it with `nft -c -f` and loads it with one `nft -f`:
 * all of it or nothing, and nothing outside table inet fwplan.
 */
export function deltaNftables(input: DeltaInput): DeltaOutput {
  const before = parseNftExport(input.old);
  const after = parseNftExport(input.new);
  if (!before.ok) return { ok: false, message: `OLD's nftables export: ${before.message}` };
  if (!after.ok) return { ok: false, message: `NEW's nftables export: ${after.message}` };
  const a = before.table;
  const b = after.table;
  const chainsA = [...a.chains.keys()].sort().join(', ');
  const chainsB = [...b.chains.keys()].sort().join(', ');
  if (chainsA !== chainsB) return { ok: false, message: `the exports have different chains (${chainsA} / ${chainsB}): load NEW's full export instead` };
  for (const [name, c] of b.chains) {
    const old = a.chains.get(name);
    if (old && old.header !== c.header) return { ok: false, message: `chain ${name} changes from "${old.header}" to "${c.header}": a delta does not change a chain's policy; load NEW's full export instead` };
  }

  const tx: TxLine[] = [];
  const handles = new Map<string, string>();
  const handle = (chain: string, tag: string): string => {
    const key = `${chain} ${tag}`;
    let v = handles.get(key);
    if (v === undefined) {
      v = `h${handles.size + 1}`;
      handles.set(key, v);
    }
    return v;
  };
  const elementCommands = (verb: 'add' | 'delete', set: string, elements: readonly string[]) => {
    for (const part of chunk(elements, ELEMENTS_PER_COMMAND)) tx.push({ text: `${verb} element inet fwplan ${set} { ${part.join(', ')} }` });
  };

  // sets: new ones with their elements; changed ones by the runs the kernel holds (auto-merge
  // keeps maximal runs, and nft deletes only a whole run): changed runs out, new runs in
  let setsAdded = 0;
  let elementsAdded = 0;
  let elementsRemoved = 0;
  for (const [name, s] of b.sets) {
    const old = a.sets.get(name);
    if (!old) {
      setsAdded++;
      tx.push({ text: `add set inet fwplan ${name} { ${s.declaration.join('; ')}; }` });
      elementCommands('add', name, s.elements);
      elementsAdded += s.elements.length;
      continue;
    }
    if (old.declaration.join(';') !== s.declaration.join(';')) return { ok: false, message: `set ${name} changes its type or flags: load NEW's full export instead` };
    const key = (r: { start: bigint; end: bigint }) => `${r.start}-${r.end}`;
    const runs = listDiff(coveredRanges(networksOf(old.elements)), coveredRanges(networksOf(s.elements)), key);
    elementCommands('delete', name, runs.removed.map(rangeText));
    elementCommands('add', name, runs.added.map(rangeText));
    elementsAdded += runs.added.length;
    elementsRemoved += runs.removed.length;
  }

  // rules: each new rule goes before the next rule NEW has after it that OLD has too (the log
  // rule, for the plan's rules), so the chain's order is NEW's; then OLD's rules NEW lacks go
  let rulesAdded = 0;
  let rulesRemoved = 0;
  const deletes: TxLine[] = [];
  const expected: [string, string[]][] = [];
  for (const [name, c] of b.chains) {
    const old = a.chains.get(name) as NonNullable<ReturnType<typeof a.chains.get>>;
    expected.push([name, old.rules.map((r) => r.tag)]);
    const oldByTag = new Map(old.rules.map((r) => [r.tag, r.text]));
    for (const r of c.rules) {
      const was = oldByTag.get(r.tag);
      if (was !== undefined && was !== r.text) return { ok: false, message: `two different rules share the tag fwplan:${r.tag}; load NEW's full export instead` };
    }
    const newTags = new Set(c.rules.map((r) => r.tag));
    c.rules.forEach((r, i) => {
      if (oldByTag.has(r.tag)) return;
      rulesAdded++;
      const anchor = c.rules.slice(i + 1).find((x) => oldByTag.has(x.tag));
      if (anchor) tx.push({ before: `insert rule inet fwplan ${name} position `, handle: handle(name, anchor.tag), after: ` ${r.text}` });
      else tx.push({ text: `add rule inet fwplan ${name} ${r.text}` });
    });
    for (const r of old.rules) {
      if (newTags.has(r.tag)) continue;
      rulesRemoved++;
      deletes.push({ before: `delete rule inet fwplan ${name} handle `, handle: handle(name, r.tag), after: '' });
    }
  }
  append(tx, deletes);
  let setsRemoved = 0;
  for (const name of a.sets.keys()) {
    if (b.sets.has(name)) continue;
    setsRemoved++;
    tx.push({ text: `delete set inet fwplan ${name}` });
  }

  const counts = `${changeCounts('rules', rulesAdded, rulesRemoved)}; ${changeCounts('sets', setsAdded, setsRemoved)}; set elements (runs): ${elementsAdded} added, ${elementsRemoved} removed`;
  const file = input.fileName;
  const lines = [
    '#!/usr/bin/env bash',
    ...deltaHeaderLines(input, 'nftables, table inet fwplan (bash script, one nft transaction)', counts),
    '#',
    "# Turns the table inet fwplan loaded from OLD's export into NEW's, in one transaction. Run it",
    "# where OLD's export is loaded (made by this fwplan version: every rule carries its fwplan tag):",
    `#   bash -n ${file}    # check the script`,
    `#   bash ${file}       # checks the table is OLD's, writes the transaction, nft -c -f, then nft -f`,
    '# If the table is not exactly OLD\'s, or nft refuses the transaction, nothing is changed.',
    "# Nothing outside table inet fwplan is touched. Roll back: the delta from NEW to OLD, or OLD's full export.",
    'set -euo pipefail',
    '',
    "listing=$(nft -a list table inet fwplan) || { echo 'fwplan delta: there is no table inet fwplan here: load the old export first' >&2; exit 1; }",
    '',
    '# every rule of the table, one pass: its chain, its tag (or "untagged") and its handle',
    'rules=$(awk \'',
    '  $1 == "set" { c = ""; next }',
    '  $1 == "chain" { c = $2; next }',
    '  c != "" && / # handle [0-9]+$/ { t = "untagged"; if (match($0, /comment "fwplan:[0-9a-z]+/)) t = substr($0, RSTART + 16, RLENGTH - 16); print c, t, $NF }',
    '\' <<<"$listing")',
    '',
    "# a chain must hold exactly OLD's rules (their tags, sorted)",
    'expect() {',
    '  local got',
    '  got=$(awk -v chain="$1" \'$1 == chain { print $2 }\' <<<"$rules" | LC_ALL=C sort | tr \'\\n\' \' \')',
    '  if [ "$got" != "$2" ]; then',
    '    echo "fwplan delta: chain $1 does not hold the old export\'s rules: nothing was changed" >&2',
    '    exit 1',
    '  fi',
    '}',
  ];
  for (const [name, list] of expected) lines.push(`expect ${name} ${shellWord([...list].sort().map((t) => `${t} `).join(''))}`);
  lines.push('');
  if (tx.length === 0) {
    lines.push("echo 'fwplan delta: nothing to change: table inet fwplan already holds the new export'", '');
  } else {
    lines.push('declare -A handle=()', 'while read -r chain tag h; do handle["$chain $tag"]=$h; done <<<"$rules"');
    for (const [key, v] of handles) lines.push(`${v}=\${handle[${key}]}`);
    lines.push('', 'tx=$(mktemp "${TMPDIR:-/tmp}/fwplan-delta.XXXXXX")', "trap 'rm -f \"$tx\"' EXIT", '{');
    for (const t of tx) {
      if ('text' in t) lines.push(`  printf '%s\\n' ${shellWord(t.text)}`);
      else lines.push(`  printf '%s%s%s\\n' ${shellWord(t.before)} "$${t.handle}" ${shellWord(t.after)}`);
    }
    lines.push(
      '} >"$tx"',
      'nft -c -f "$tx"',
      'nft -f "$tx"',
      `echo ${shellWord(`fwplan delta: applied (${counts})`)}`,
      '',
    );
  }
  return { ok: true, text: lines.join('\n'), added: rulesAdded, removed: rulesRemoved, afterwards: [] };
}
