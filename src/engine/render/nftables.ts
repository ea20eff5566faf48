import type { Direction, Endpoint } from '../model/rules.ts';
import { BASELINE, baselineSummary, type Icmp6Type } from './baseline.ts';
import { append, chunk, directionsOf, portList, dropsDirection, fitName, groupByPorts, groupComment, headerLines } from './common.ts';
import { shortHash } from './diff.ts';
import { nftString } from './quote.ts';
import type { Renderer, RenderInput, RenderOutput } from './types.ts';

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
export const TAG = /comment "fwplan:([0-9a-z]{10})[ "]/;

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
    '# Replaces only the table "inet fwplan"; other tables are left alone. Apply it safely (as root):',
    "#   { echo 'table inet fwplan'; echo 'delete table inet fwplan'; nft list table inet fwplan 2>/dev/null || true; } > /root/nft-fwplan.before   # 1. snapshot of the table",
    `#   nft -c -f ${file}   # 2. check`,
    "#   nohup sh -c 'sleep 120 && nft -f /root/nft-fwplan.before' >/dev/null 2>&1 &   # 3. automatic rollback in 120 s, even if your session drops",
    `#   nft -f ${file}   # 4. apply`,
    '#   kill $!   # 5. still have access (open a NEW session)? keep the rules: stops the rollback of step 3',
    '# Roll back: nft -f /root/nft-fwplan.before   # the table as it was before, or none if there was none',
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
  // the rules are counted as they are written (countNftables reads the same number back from
  // the text, which meant splitting a file of thousands of set elements once more)
  let ruleCount = 0;
  for (const d of directions) {
    const local = d !== 'forward';
    const drops = dropsDirection(options, d);
    const tag = tags.get(d) ?? tagger(HOOK[d]);
    const rules: string[] = [];
    if (drops) {
      for (const f of input.openFamilies ?? []) rules.push(tag(`meta nfproto ipv${f} accept`, `no IPv${f} address of this node in the plan: left as it is`));
      rules.push(tag(`ct state ${BASELINE.accept.join(',')} accept`), tag(`ct state ${BASELINE.drop.join(',')} drop`));
      if (local) rules.push(tag(`${d === 'in' ? 'iif' : 'oif'} lo accept`));
      for (const l of icmpRules(local)) rules.push(tag(l));
    }
    append(rules, chains.get(d) ?? []);
    const log = BASELINE.log;
    if (drops) rules.push(tag(`limit rate ${log.perMinute}/minute burst ${log.burst} packets log prefix "${log.prefix} ${HOOK[d]}: "`));
    lines.push(`\tchain ${HOOK[d]} {`, `\t\ttype filter hook ${HOOK[d]} priority filter; policy ${drops ? 'drop' : 'accept'};`);
    append(lines, rules.map((l) => `\t\t${l}`));
    lines.push('\t}');
    ruleCount += rules.length;
  }
  lines.push('}', '');
  const body = lines.join('\n');
  const header = ['#!/usr/sbin/nft -f', ...headerLines(input, 'nftables (nft -f), table inet fwplan', ruleCount)];
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
  },
};
