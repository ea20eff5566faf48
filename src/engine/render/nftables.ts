import type { Direction, Endpoint } from '../model/rules.ts';
import { coveredRanges, parseAddress, rangeText, type Network } from '../net/address.ts';
import { BASELINE, baselineSummary, type Icmp6Type } from './baseline.ts';
import { append, chunk, directionsOf, portList, dropsDirection, fitName, groupByPorts, groupComment, headerLines } from './common.ts';
import { changeCounts, deltaHeaderLines, listDiff, shortHash } from './diff.ts';
import { nftString, shellWord } from './quote.ts';
import type { DeltaInput, DeltaOutput, Renderer, RenderInput, RenderOutput } from './types.ts';

const HOOK: Record<Direction, string> = { forward: 'forward', in: 'input', out: 'output' };

/** Elements per line of a set: keeps lines readable and diffs small. */
const ELEMENTS_PER_LINE = 8;

/** nft set names: letters, digits and _, at most 63 characters here (nft allows more; fitName keeps cut names unique). */
function setName(ep: Endpoint): string {
  return fitName(ep.key.replace(/[^A-Za-z0-9_]/g, '_'), 63);
}

/** The baseline's ICMPv6 vocabulary in nft's names. */
const ICMP6_NAME: Record<Icmp6Type, string> = {
  'destination-unreachable': 'destination-unreachable',
  'packet-too-big': 'packet-too-big',
  'time-exceeded': 'time-exceeded',
  'parameter-problem': 'parameter-problem',
  'echo-request': 'echo-request',
  'router-solicitation': 'nd-router-solicit',
  'router-advertisement': 'nd-router-advert',
  'neighbor-solicitation': 'nd-neighbor-solicit',
  'neighbor-advertisement': 'nd-neighbor-advert',
  'mld-query': 'mld-listener-query',
  'mld-report': 'mld-listener-report',
  'mld-done': 'mld-listener-done',
  'mld2-report': 'mld2-listener-report',
};

/** How a side of a rule is matched: one address inline, several through a named set. */
function match(ep: Endpoint, dir: 'saddr' | 'daddr', sets: Map<string, Endpoint>): string {
  const fam = ep.family === 4 ? 'ip' : 'ip6';
  const only = ep.entries[0];
  if (ep.entries.length === 1 && only) return `${fam} ${dir} ${only.network.display}`;
  const name = setName(ep);
  sets.set(name, ep);
  return `${fam} ${dir} @${name}`;
}

function icmpRules(local: boolean): string[] {
  const v4 = [...BASELINE.icmp4, ...(local ? BASELINE.icmp4Local : [])];
  const v6 = [...BASELINE.icmp6, ...(local ? BASELINE.icmp6Local : [])].map((t) => ICMP6_NAME[t]);
  const lines = [`meta nfproto ipv4 icmp type { ${v4.join(', ')} } accept`, `meta nfproto ipv6 icmpv6 type { ${v6.join(', ')} } accept`];
  if (local) {
    lines.push(
      `icmpv6 type { ${BASELINE.neighbourDiscovery.map((t) => ICMP6_NAME[t]).join(', ')} } ip6 hoplimit 255 accept`,
      `ip6 saddr fe80::/10 icmpv6 type { ${BASELINE.multicastListener.map((t) => ICMP6_NAME[t]).join(', ')} } accept`,
    );
  }
  return lines;
}

/**
 * Every rule carries a tag at the start of its comment ("fwplan:k3x9q0m2ab …"): a hash of its
 * chain, its text and its comment (and which copy of an identical rule it is), so the same rule
 * has the same tag in every export and a delta can find it in the kernel (`nft -a list`) by tag
 * to delete it. Comments stay within nft's 128 bytes (nftString cuts the tail).
 */
const TAG = /comment "fwplan:([0-9a-z]{10})[ "]/;

function tagger(chain: string): (statement: string, comment?: string) => string {
  const seen = new Map<string, number>();
  return (statement, comment) => {
    const key = `${chain}\n${statement}\n${comment ?? ''}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    const tag = shortHash(`${key}\n${n}`);
    return `${statement} comment ${nftString(`fwplan:${tag}${comment === undefined ? '' : ` ${comment}`}`)}`;
  };
}

export function renderNftables(input: RenderInput): RenderOutput {
  const { options } = input;
  const hostScope = options.scope.kind === 'host';
  const directions: Direction[] = directionsOf(options.scope);
  const file = input.fileName;
  const lines: string[] = [];
  lines.push(
    '#',
    '# Replaces only the table "inet fwplan"; other tables are left alone. Apply it safely:',
    '#   nft list ruleset > /root/nft.before           # snapshot',
    `#   nft -c -f ${file}                             # check`,
    `#   nft -f ${file}; sleep 60; nft delete table inet fwplan   # try: the table is removed after 60 s`,
    `#   nft -f ${file}                                # then apply for good once you still have access`,
    '# Roll back: nft delete table inet fwplan',
  );
  if (options.defaultDrop && !hostScope) {
    lines.push("# Gateway scope filters forwarded traffic only; the router's own input and output are not touched.");
  }
  if (options.defaultDrop) lines.push(`# Before the plan's rules it accepts: ${baselineSummary(hostScope)}.`);
  if (!options.defaultDrop) {
    lines.push(
      '# Without --default-drop the chains accept by default: an accept here does not override a drop',
      '# in another table, so copy these rules into your own table or export with --default-drop.',
    );
  }

  const sets = new Map<string, Endpoint>();
  const tags = new Map<Direction, ReturnType<typeof tagger>>(directions.map((d) => [d, tagger(HOOK[d])]));
  const chains = new Map<Direction, string[]>(directions.map((d) => [d, []]));
  for (const g of groupByPorts(input.rules)) {
    const body = chains.get(g.direction);
    const tag = tags.get(g.direction);
    if (!body || !tag) continue;
    const portMatch = g.ports.length === 1 ? `${g.protocol} dport ${portList(g.ports, '-', '')}` : `${g.protocol} dport { ${portList(g.ports, '-', ', ')} }`;
    const src = match(g.source, 'saddr', sets);
    const dst = match(g.destination, 'daddr', sets);
    body.push(tag(`${src} ${dst} ${portMatch} accept`, groupComment(g).replace(/^fwplan /, '')));
  }

  lines.push('table inet fwplan', 'delete table inet fwplan', 'table inet fwplan {');
  for (const name of [...sets.keys()].sort()) {
    const ep = sets.get(name) as Endpoint;
    lines.push(`\tset ${name} {`, `\t\ttype ${ep.family === 4 ? 'ipv4_addr' : 'ipv6_addr'}`, '\t\tflags interval', '\t\tauto-merge');
    const elements = ep.entries.map((e) => e.network.display);
    const rows = chunk(elements, ELEMENTS_PER_LINE).map((c) => c.join(', '));
    lines.push('\t\telements = {');
    rows.forEach((row, i) => lines.push(`\t\t\t${row}${i < rows.length - 1 ? ',' : ''}`));
    lines.push('\t\t}', '\t}');
  }
  for (const d of directions) {
    const local = d !== 'forward';
    const drops = dropsDirection(options, d);
    const tag = tags.get(d) ?? tagger(HOOK[d]);
    lines.push(`\tchain ${HOOK[d]} {`, `\t\ttype filter hook ${HOOK[d]} priority filter; policy ${drops ? 'drop' : 'accept'};`);
    if (drops) {
      for (const f of input.openFamilies ?? []) lines.push(`\t\t${tag(`meta nfproto ipv${f} accept`, `no IPv${f} address of this node in the plan: left as it is`)}`);
      lines.push(`\t\t${tag(`ct state ${BASELINE.accept.join(',')} accept`)}`, `\t\t${tag(`ct state ${BASELINE.drop.join(',')} drop`)}`);
      if (local) lines.push(`\t\t${tag(`${d === 'in' ? 'iif' : 'oif'} lo accept`)}`);
      lines.push(...icmpRules(local).map((l) => `\t\t${tag(l)}`));
    }
    append(lines, (chains.get(d) ?? []).map((l) => `\t\t${l}`));
    const log = BASELINE.log;
    if (drops) lines.push(`\t\t${tag(`limit rate ${log.perMinute}/minute burst ${log.burst} packets log prefix "${log.prefix} ${HOOK[d]}: "`)}`);
    lines.push('\t}');
  }
  lines.push('}', '');
  const body = lines.join('\n');
  const header = ['#!/usr/sbin/nft -f', ...headerLines(input, 'nftables (nft -f), table inet fwplan', countNftables(body))];
  return { text: `${header.join('\n')}\n${body}`, findings: [] };
}

/** Rule statements of an nft -f file: lines inside chain blocks other than the chain's `type` line. */
export function countNftables(text: string): number {
  let count = 0;
  let inChain = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (!inChain) {
      if (/^chain \S+ \{$/.test(line)) inChain = true;
      continue;
    }
    if (line === '}') inChain = false;
    else if (!line.startsWith('type ')) count++;
  }
  return count;
}

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

export const nftablesRenderer: Renderer = {
  id: 'nftables',
  label: 'nftables',
  description: 'One nft -f file, table inet fwplan: IPv4 and IPv6 together, addresses in named sets.',
  mediaType: 'text/plain',
  suffix: '.nft',
  options: { scope: true, defaultDrop: true, ipset: false, egress: true },
  families: [4, 6],
  checkCommand: (file) => `nft -c -f ${file}`,
  countRules: countNftables,
  countMeaning: 'rule statements in chains',
  render: renderNftables,
  delta: {
    suffix: '.delta-nft.sh',
    mediaType: 'text/x-shellscript',
    description: "A bash script that turns table inet fwplan from OLD's export into NEW's in one nft transaction.",
    diff: deltaNftables,
  },
};
