import { pairs } from '../flows.ts';
import type { PortSpan } from '../model/plan.ts';
import type { AddressEntry, Direction, Endpoint, Finding } from '../model/rules.ts';
import { aggregate, contains, type Family } from '../net/address.ts';
import { BASELINE, baselineSummary, type Icmp4Type, type Icmp6Type } from './baseline.ts';
import { addressSets, append, countLines, multiportChunks, portList, directionsOf, dropsDirection, fitName, groupByPorts, groupComment, headerLines, ipsetName, type PortGroup } from './common.ts';
import { iptablesComment, lineComment } from './quote.ts';
import type { Renderer, RenderInput, RenderOutput } from './types.ts';

const CHAIN: Record<Direction, { own: string; builtin: string }> = {
  forward: { own: 'FWPLAN-FWD', builtin: 'FORWARD' },
  in: { own: 'FWPLAN-IN', builtin: 'INPUT' },
  out: { own: 'FWPLAN-OUT', builtin: 'OUTPUT' },
};

/** multiport takes at most 15 ports */
const MULTIPORT_MAX = 15;

/**
 * Rules for a group of s sources and d destinations: s·d pairs written out, or one rule per
 * address of the smaller side jumping to a chain of the larger side's addresses (shared by every
 * group that names that side), which keeps the count linear in the addresses, not their product.
 */
function writePairs(s: number, d: number): boolean {
  return s * d <= Math.min(s, d) + 1;
}

function ports(group: PortGroup, list: readonly PortSpan[]): string {
  const proto = `-p ${group.protocol}`;
  if (list.length === 1) return `${proto} -m ${group.protocol} --dport ${portList(list, ':', ',')}`;
  return `${proto} -m multiport --dports ${portList(list, ':', ',')}`;
}

function addr(e: AddressEntry): string {
  return e.network.display;
}

/**
 * One rule per entry of an address chain, each with its label; where adjacent or overlapping
 * entries can be written as fewer networks, the merged networks instead (a renderer's saving:
 * the plan and every listing keep the entries as written), each naming the entries it covers.
 */
function addressChainLines(chain: string, flag: '-s' | '-d', ep: Endpoint): string[] {
  const merged = aggregate(ep.entries.map((e) => e.network));
  if (merged.length >= ep.entries.length) {
    // one line per entry, thousands of them: the common head made once
    const head = `-A ${chain} ${flag} `;
    return ep.entries.map((e) => (e.label ? `${head}${addr(e)} -m comment --comment ${iptablesComment(e.label)} -j ACCEPT` : `${head}${addr(e)} -j ACCEPT`));
  }
  return merged.map((n) => {
    const inside = ep.entries.filter((e) => contains(n, e.network));
    const one = inside.length === 1 ? inside[0] : undefined;
    const comment = one ? one.label : `${inside.length} entries: ${inside.map((e) => (e.label ? `${e.written} (${e.label})` : e.written)).join(', ')}`;
    return `-A ${chain} ${flag} ${n.display}${comment ? ` -m comment --comment ${iptablesComment(comment)}` : ''} -j ACCEPT`;
  });
}

const STATES = { established: 'ESTABLISHED', related: 'RELATED', invalid: 'INVALID' } as const;

/** The baseline's ICMPv6 vocabulary in ip6tables' names (MLD has no name: its type numbers). */
const ICMP6_NAME: Record<Icmp6Type, string> = {
  'destination-unreachable': 'destination-unreachable',
  'packet-too-big': 'packet-too-big',
  'time-exceeded': 'time-exceeded',
  'parameter-problem': 'parameter-problem',
  'echo-request': 'echo-request',
  'router-solicitation': 'router-solicitation',
  'router-advertisement': 'router-advertisement',
  'neighbor-solicitation': 'neighbour-solicitation',
  'neighbor-advertisement': 'neighbour-advertisement',
  'mld-query': '130',
  'mld-report': '131',
  'mld-done': '132',
  'mld2-report': '143',
};

/** The baseline's ICMP for the chain `chain` of family `family`. */
function icmpLines(family: Family, chain: string, local: boolean): string[] {
  if (family === 4) {
    const types: Icmp4Type[] = [...BASELINE.icmp4, ...(local ? BASELINE.icmp4Local : [])];
    return types.map((t) => `-A ${chain} -p icmp -m icmp --icmp-type ${t} -j ACCEPT`);
  }
  const types: Icmp6Type[] = [...BASELINE.icmp6, ...(local ? BASELINE.icmp6Local : [])];
  const lines = types.map((t) => `-A ${chain} -p ipv6-icmp -m icmp6 --icmpv6-type ${ICMP6_NAME[t]} -j ACCEPT`);
  if (local) {
    // neighbour discovery and MLD never cross a router; they must reach the host itself
    for (const t of BASELINE.neighbourDiscovery) lines.push(`-A ${chain} -p ipv6-icmp -m icmp6 --icmpv6-type ${ICMP6_NAME[t]} -m hl --hl-eq 255 -j ACCEPT`);
    for (const t of BASELINE.multicastListener) lines.push(`-A ${chain} -s fe80::/10 -p ipv6-icmp -m icmp6 --icmpv6-type ${ICMP6_NAME[t]} -j ACCEPT`);
  }
  return lines;
}

/** One address inline, several through the kernel ipset of the same name (see the ipset export). */
function setMatch(ep: Endpoint, dir: 'src' | 'dst'): string {
  const only = ep.entries[0];
  if (ep.entries.length === 1 && only) return `${dir === 'src' ? '-s' : '-d'} ${addr(only)}`;
  return `-m set --match-set ${ipsetName(ep)} ${dir}`;
}

/** iptables chain names hold at most 28 characters. */
function chainName(side: 'SRC' | 'DST', ep: Endpoint): string {
  const base = ep.key.replace(/\/v[46]/, '').replace(/[^A-Za-z0-9]+/g, '-');
  return fitName(`FWPLAN-${side}-${base}`, 28);
}

export function renderIptablesFamily(input: RenderInput, family: Family): RenderOutput {
  const { options } = input;
  const rules = input.rules.filter((r) => r.family === family);
  const tool = family === 4 ? 'iptables' : 'ip6tables';
  const hostScope = options.scope.kind === 'host';
  const directions: Direction[] = directionsOf(options.scope);
  const lines: string[] = [];
  const file = input.fileName;
  const ipsetFile = file.replace(/\.ip6?tables\.rules$/, '.ipset');
  const before = `/root/${tool}.before`;
  const setsBefore = `/root/${tool}.ipset.before`;
  // with --ipset the sets are part of the state too: the ones of this family the companion loads
  // (those this file uses, and the anti-lockout's that the other variant uses) go back to their
  // content before (flushed and refilled when a restored rule still uses them, else re-created),
  // or away when they did not exist
  const usedSets = options.ipset ? [...addressSets(groupByPorts(rules)).keys()] : [];
  const companionSets = options.ipset ? [...addressSets(groupByPorts((input.companionRules ?? rules).filter((r) => r.family === family))).keys()] : [];
  const setNames = [...new Set([...usedSets, ...companionSets])].sort();
  const setsRollback = setNames.length === 0
    ? ''
    : `; for s in ${setNames.join(' ')}; do ipset destroy $s 2>/dev/null || ipset flush $s; done; grep -E "^(create|add) (${setNames.join('|')}) " ${setsBefore} | ipset -exist restore`;
  const rollback = `${tool}-restore < ${before}${setsRollback}`;
  const noflush = options.defaultDrop ? '' : ' --noflush';
  lines.push(
    '#',
    options.defaultDrop
      ? '# A complete policy: it REPLACES the filter table. Apply it safely (as root):'
      : '# Only adds ACCEPT rules in its own chains; the existing policy stays. Apply it safely (as root), with --noflush:',
    `#   ${tool}-save -t filter > ${before}${setNames.length > 0 ? `; ipset save > ${setsBefore}` : ''}   # 1. snapshot`,
    options.ipset
      ? `#   unshare --net sh -c 'ipset restore < ${ipsetFile} && ${tool}-restore --test${noflush} < ${file}'   # 2. check (with the sets, in a scratch network namespace)`
      : `#   ${tool}-restore --test${noflush} < ${file}   # 2. check`,
    `#   nohup sh -c 'sleep 120 && ${rollback}' >/dev/null 2>&1 &   # 3. automatic rollback in 120 s, even if your session drops`,
    `#   ${options.ipset ? `ipset restore < ${ipsetFile} && ` : ''}${tool}-restore${noflush} < ${file}   # 4. apply${options.ipset ? ' (the sets first: fwplan export --format ipset)' : ''}`,
    '#   kill $!   # 5. still have access (open a NEW session)? keep the rules: stops the rollback of step 3',
    `# Roll back: ${rollback}`,
    `# (Not ${tool}-apply: when the session drops while it waits for the answer, it deletes its own backup and keeps the new rules.)`,
  );
  if (hostScope && options.defaultDrop && (input.openFamilies ?? []).includes(family)) {
    // the node has no address of this family in the plan, but another node has only this family:
    // perhaps the same machine, so its traffic is left as it is rather than dropped
    // it replaces the filter table too: the same snapshot and timed rollback as any complete policy
    append(lines, [
      `# The plan gives this node no IPv${family} address, while another node has only IPv${family}: its IPv${family}`,
      `# traffic is left as it is (policies ACCEPT). Make the two one node to filter both families.`,
      '*filter',
      ':INPUT ACCEPT [0:0]',
      ':FORWARD ACCEPT [0:0]',
      ':OUTPUT ACCEPT [0:0]',
      'COMMIT',
      '',
    ]);
    return { text: [...headerLines({ ...input, rules: [] }, `${tool}-restore input (IPv${family})`, 0), ...lines].join('\n'), findings: [] };
  }

  if (options.defaultDrop) {
    if (!hostScope) lines.push(`# Gateway scope filters FORWARD only; INPUT and OUTPUT of the router are left open (policy ACCEPT).`);
    lines.push(`# Before the plan's rules it accepts: ${baselineSummary(hostScope)}.`);
  } else {
    lines.push(
      `# Each apply inserts one more jump at the top of ${directions.map((d) => CHAIN[d].builtin).join('/')}; remove old ones with`,
      ...directions.map((d) => `#   ${tool} -D ${CHAIN[d].builtin} -j ${CHAIN[d].own}`),
    );
  }
  if (options.ipset) {
    lines.push(`# Matches roles through kernel ipsets (${usedSets.length > 0 ? usedSets.join(', ') : 'none needed here'}), loaded from ${ipsetFile}.`);
  }
  lines.push('*filter');
  if (options.defaultDrop) {
    if (hostScope) lines.push(':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', `:OUTPUT ${dropsDirection(options, 'out') ? 'DROP' : 'ACCEPT'} [0:0]`);
    // a router's own access is not this plan's business: only forwarded traffic is filtered
    else lines.push(':INPUT ACCEPT [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]');
  }
  for (const d of directions) lines.push(`:${CHAIN[d].own} - [0:0]`);

  const groups = groupByPorts(rules);
  const addressChains = new Map<string, { side: 'SRC' | 'DST'; endpoint: Endpoint }>();
  const body: string[] = [];
  for (const g of groups) {
    const chain = CHAIN[g.direction].own;
    const comment = iptablesComment(groupComment(g));
    const s = g.source.entries.length;
    const dN = g.destination.entries.length;
    for (const list of multiportChunks(g.ports, MULTIPORT_MAX)) {
      const match = ports(g, list);
      if (options.ipset && !g.distinctPairs) {
        body.push(`-A ${chain} ${setMatch(g.source, 'src')} ${setMatch(g.destination, 'dst')} ${match} -m comment --comment ${comment} -j ACCEPT`);
      } else if (g.distinctPairs || writePairs(s, dN)) {
        for (const [src, dst] of pairs(g)) {
          body.push(`-A ${chain} -s ${addr(src)} -d ${addr(dst)} ${match} -m comment --comment ${comment} -j ACCEPT`);
        }
      } else if (dN >= s) {
        const target = chainName('DST', g.destination);
        addressChains.set(target, { side: 'DST', endpoint: g.destination });
        for (const src of g.source.entries) body.push(`-A ${chain} -s ${addr(src)} ${match} -m comment --comment ${comment} -j ${target}`);
      } else {
        const target = chainName('SRC', g.source);
        addressChains.set(target, { side: 'SRC', endpoint: g.source });
        for (const dst of g.destination.entries) body.push(`-A ${chain} -d ${addr(dst)} ${match} -m comment --comment ${comment} -j ${target}`);
      }
    }
  }
  const chainNames = [...addressChains.keys()].sort();
  for (const name of chainNames) lines.push(`:${name} - [0:0]`);

  if (options.defaultDrop) {
    const builtins: { chain: string; local: boolean }[] = hostScope
      ? [{ chain: 'INPUT', local: true }, ...(dropsDirection(options, 'out') ? [{ chain: 'OUTPUT', local: true }] : [])]
      : [{ chain: 'FORWARD', local: false }];
    for (const { chain, local } of builtins) {
      lines.push(
        `-A ${chain} -m conntrack --ctstate ${BASELINE.accept.map((x) => STATES[x]).join(',')} -j ACCEPT`,
        `-A ${chain} -m conntrack --ctstate ${BASELINE.drop.map((x) => STATES[x]).join(',')} -j DROP`,
      );
      if (local) lines.push(`-A ${chain} -${chain === 'OUTPUT' ? 'o' : 'i'} lo -j ACCEPT`);
      lines.push(...icmpLines(family, chain, local));
    }
    for (const d of directions) lines.push(`-A ${CHAIN[d].builtin} -j ${CHAIN[d].own}`);
    const logged = hostScope ? ['INPUT', ...(dropsDirection(options, 'out') ? ['OUTPUT'] : [])] : ['FORWARD'];
    for (const chain of logged) {
      const log = BASELINE.log;
      lines.push(`-A ${chain} -m limit --limit ${log.perMinute}/min --limit-burst ${log.burst} -j LOG --log-prefix "${log.prefix} ${chain}: "`);
    }
  } else {
    for (const d of directions) lines.push(`-I ${CHAIN[d].builtin} 1 -j ${CHAIN[d].own}`);
  }
  append(lines, body);
  for (const name of chainNames) {
    const { side, endpoint } = addressChains.get(name) as { side: 'SRC' | 'DST'; endpoint: Endpoint };
    append(lines, addressChainLines(name, side === 'SRC' ? '-s' : '-d', endpoint));
  }
  lines.push('COMMIT');
  // joined once: counted as the text it is, then written out after the header
  const text = lines.join('\n');
  const written = countIptables(text);
  const findings: Finding[] = [];
  if (rules.length === 0) {
    findings.push({
      code: 'family-without-rules',
      severity: options.defaultDrop ? 'warning' : 'note',
      message: options.defaultDrop
        ? `no IPv${family} rule in this plan: this ${tool} file blocks all IPv${family} traffic except ICMP${family === 6 ? 'v6' : ''}`
        : `no IPv${family} rule in this plan: this ${tool} file adds nothing`,
    });
  }
  const header = headerLines({ ...input, rules }, `${tool}-restore input (IPv${family})`, written);
  return { text: [...header, text, `# end of fwplan export (${lineComment(`${written} firewall rules`)})`, ''].join('\n'), findings };
}

/** Every -A and -I line: the rules iptables-save would list. */
export function countIptables(text: string): number {
  return countLines(text, '-A ', '-I ');
}

const OPTIONS = { scope: true, defaultDrop: true, ipset: true, egress: true } as const;

export const iptablesRenderer: Renderer = {
  id: 'iptables',
  label: 'iptables (IPv4)',
  description: 'iptables-restore input for IPv4, in fwplan\'s own chains. IPv6 needs the ip6tables file as well.',
  mediaType: 'text/plain',
  suffix: '.iptables.rules',
  options: OPTIONS,
  families: [4],
  checkCommand: (file) => `iptables-restore --test < ${file}`,
  countRules: countIptables,
  countMeaning: 'rule lines (-A/-I)',
  companion: (options) => (options.ipset ? 'ipset' : undefined),
  render: (input) => renderIptablesFamily(input, 4),
  delta: {
    suffix: '.delta.iptables.rules',
    mediaType: 'text/plain',
    description: "iptables-restore --noflush input that turns fwplan's own chains from OLD's export into NEW's.",
  },
};

export const ip6tablesRenderer: Renderer = {
  id: 'ip6tables',
  label: 'ip6tables (IPv6)',
  description: 'ip6tables-restore input for IPv6 (the IPv4 rules are in the iptables file).',
  mediaType: 'text/plain',
  suffix: '.ip6tables.rules',
  options: OPTIONS,
  families: [6],
  checkCommand: (file) => `ip6tables-restore --test < ${file}`,
  countRules: countIptables,
  countMeaning: 'rule lines (-A/-I)',
  companion: (options) => (options.ipset ? 'ipset' : undefined),
  render: (input) => renderIptablesFamily(input, 6),
  delta: {
    suffix: '.delta.ip6tables.rules',
    mediaType: 'text/plain',
    description: "ip6tables-restore --noflush input that turns fwplan's own chains from OLD's export into NEW's.",
  },
};
