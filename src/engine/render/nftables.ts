import type { Direction, Endpoint } from '../model/rules.ts';
import { chunk, dropsDirection, groupByPorts, groupComment, headerLines, scopeSlug, slugify } from './common.ts';
import { nftString } from './quote.ts';
import type { Renderer, RenderInput, RenderOutput } from './types.ts';

const HOOK: Record<Direction, string> = { forward: 'forward', in: 'input', out: 'output' };

/** Elements per line of a set: keeps lines readable and diffs small. */
const ELEMENTS_PER_LINE = 8;

function setName(ep: Endpoint): string {
  return ep.key.replace(/\//g, '_').replace(/[^A-Za-z0-9_]/g, '_');
}

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
  const lines = [
    'meta nfproto ipv4 icmp type { destination-unreachable, time-exceeded, parameter-problem, echo-request } accept',
    'meta nfproto ipv6 icmpv6 type { destination-unreachable, packet-too-big, time-exceeded, parameter-problem, echo-request } accept',
  ];
  if (local) {
    lines.push(
      'icmpv6 type { nd-router-solicit, nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert } ip6 hoplimit 255 accept',
      'ip6 saddr fe80::/10 icmpv6 type { mld-listener-query, mld-listener-report, mld-listener-done, mld2-listener-report } accept',
    );
  }
  return lines;
}

export function renderNftables(input: RenderInput): RenderOutput {
  const { options } = input;
  const hostScope = options.scope.kind === 'host';
  const directions: Direction[] = hostScope ? ['in', 'out'] : ['forward'];
  const file = `${slugify(input.plan.name)}-${scopeSlug(options.scope)}.nft`;
  const lines: string[] = ['#!/usr/sbin/nft -f', ...headerLines(input, 'nftables (nft -f), table inet fwplan')];
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
  if (!options.defaultDrop) {
    lines.push(
      '# Without --default-drop the chains accept by default: an accept here does not override a drop',
      '# in another table, so copy these rules into your own table or export with --default-drop.',
    );
  }

  const sets = new Map<string, Endpoint>();
  const chains = new Map<Direction, string[]>(directions.map((d) => [d, []]));
  for (const g of groupByPorts(input.rules)) {
    const body = chains.get(g.direction);
    if (!body) continue;
    const portMatch = g.ports.length === 1 ? `${g.protocol} dport ${g.ports[0]}` : `${g.protocol} dport { ${g.ports.join(', ')} }`;
    const src = match(g.source, 'saddr', sets);
    const dst = match(g.destination, 'daddr', sets);
    body.push(`${src} ${dst} ${portMatch} accept comment ${nftString(groupComment(g))}`);
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
    lines.push(`\tchain ${HOOK[d]} {`, `\t\ttype filter hook ${HOOK[d]} priority filter; policy ${drops ? 'drop' : 'accept'};`);
    if (drops) {
      lines.push('\t\tct state established,related accept', '\t\tct state invalid drop');
      if (local) lines.push(`\t\t${d === 'in' ? 'iif' : 'oif'} lo accept`);
      lines.push(...icmpRules(local).map((l) => `\t\t${l}`));
    }
    lines.push(...(chains.get(d) ?? []).map((l) => `\t\t${l}`));
    if (drops) lines.push(`\t\tlimit rate 5/minute burst 10 packets log prefix "fwplan-drop ${HOOK[d]}: "`);
    lines.push('\t}');
  }
  lines.push('}', '');
  return { text: lines.join('\n'), findings: [] };
}

export const nftablesRenderer: Renderer = {
  id: 'nftables',
  label: 'nftables',
  mediaType: 'text/plain',
  firewall: true,
  fileName: (slug, scope) => `${slug}-${scopeSlug(scope)}.nft`,
  render: renderNftables,
};
