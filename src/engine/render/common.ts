import { spanText, type PortSpan } from '../model/plan.ts';
import type { AddressEntry, Direction, Endpoint, EndpointRef, ExpandedRule, Finding, PlanNodeRef, Protocol } from '../model/rules.ts';
import { compareNetworks, contains, type Family, type Network } from '../net/address.ts';
import { scopeLabel, type Scope } from '../scope.ts';
import { plural, slugify } from '../text.ts';
import { lineComment } from './quote.ts';
import type { Json, RenderInput, RenderOptions } from './types.ts';

/** Whether this export drops, by default, what the plan does not allow in direction `d`. */
export function dropsDirection(options: RenderOptions, d: Direction): boolean {
  return options.defaultDrop && !(d === 'out' && options.egress === 'open');
}

/** The directions a scope's firewall filters: forwarded traffic, or the node's in and out. */
export function directionsOf(scope: Scope): Direction[] {
  return scope.kind === 'host' ? ['in', 'out'] : ['forward'];
}

/** Rules that differ only in port, gathered so a format can match several ports at once. */
export interface PortGroup {
  readonly direction: Direction;
  readonly family: Family;
  readonly protocol: Protocol;
  readonly source: Endpoint;
  readonly destination: Endpoint;
  readonly distinctPairs: boolean;
  /** one port or a range each, in first-seen order */
  readonly ports: readonly PortSpan[];
  readonly rules: readonly ExpandedRule[];
}

/** A group's ports in a format's syntax: "22,5000:5100" (iptables, ufw) or "22, 5000-5100" (nft). */
export function portList(ports: readonly PortSpan[], rangeSeparator: string, listSeparator: string): string {
  return ports.map((p) => spanText(p, rangeSeparator)).join(listSeparator);
}

/**
 * Split ports into lists a multiport match takes: at most 15 ports, a range counting as two
 * (iptables multiport, and ufw which hands lists to it).
 */
export function multiportChunks(ports: readonly PortSpan[], max = 15): PortSpan[][] {
  const out: PortSpan[][] = [];
  let current: PortSpan[] = [];
  let used = 0;
  for (const p of ports) {
    const cost = p.from === p.to ? 1 : 2;
    if (used + cost > max) {
      out.push(current);
      current = [];
      used = 0;
    }
    current.push(p);
    used += cost;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** Group rules by (direction, family, protocol, source set, destination set), in first-seen order. */
export function groupByPorts(rules: readonly ExpandedRule[]): PortGroup[] {
  const groups = new Map<string, { head: ExpandedRule; ports: PortSpan[]; rules: ExpandedRule[] }>();
  for (const r of rules) {
    const key = `${r.direction}|${r.family}|${r.protocol}|${r.source.key}|${r.destination.key}|${r.distinctPairs}`;
    const g = groups.get(key);
    if (g) {
      if (!g.ports.some((p) => p.from === r.port && p.to === r.portEnd)) g.ports.push({ from: r.port, to: r.portEnd });
      g.rules.push(r);
    } else {
      groups.set(key, { head: r, ports: [{ from: r.port, to: r.portEnd }], rules: [r] });
    }
  }
  return [...groups.values()].map(({ head, ports, rules: rs }) => ({
    direction: head.direction,
    family: head.family,
    protocol: head.protocol,
    source: head.source,
    destination: head.destination,
    distinctPairs: head.distinctPairs,
    ports,
    rules: rs,
  }));
}

/** Split a list into chunks of at most `size` (iptables multiport takes 15 ports). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function groupComment(group: PortGroup): string {
  const ids = [...new Set(group.rules.map((r) => r.ruleId))].join(' ');
  const site = group.rules.some((r) => r.provenance === 'site') ? ' (site flow)' : '';
  return `fwplan ${group.source.name} -> ${group.destination.name} ${group.protocol} ${portList(group.ports, '-', ',')} ${ids}${site}`;
}

export function scopeSlug(scope: Scope): string {
  return scope.kind === 'gateway' ? 'gateway' : `host-${slugify(scope.node, 'node')}`;
}

/** `<plan>-<scope><suffix>`: every export's file name says which plan and which firewall it is for. */
export function exportFileName(planName: string | undefined, scope: Scope, suffix: string): string {
  return `${slugify(planName)}-${scopeSlug(scope)}${suffix}`;
}

/**
 * The common header of every firewall file: what it is, for which plan and scope, and how many
 * rules it really holds (`written`, counted the way the format's countRules counts them). Its own
 * words are ASCII: a file whose text is all Latin-1 is built by V8 at half the memory (one
 * dash here made every export UTF-16 in memory), and any target reads ASCII the same in any locale.
 */
export function headerLines(input: RenderInput, format: string, written: number, what = 'firewall rules', prefix = '# '): string[] {
  const { plan, ruleSet, options } = input;
  const families = [...new Set(input.rules.map((r) => r.family))];
  const lines = [
    `fwplan export - ${format}`,
    `plan: ${plan.name ?? '(unnamed)'}`,
    `scope: ${scopeLabel(options.scope)}; cluster: ${plan.cluster ? 'on' : 'off'}; default-drop: ${options.defaultDrop ? 'yes' : 'no'}`,
    `${what} in this file: ${written}, for ${input.rules.length} plan rule${input.rules.length === 1 ? '' : 's'}${families.length > 0 ? ` (IPv${families.sort().join(' and IPv')})` : ''}; skipped catalog rows: ${ruleSet.skipped.length} (see fwplan lint)`,
  ];
  return lines.map((l) => `${prefix}${lineComment(l)}`);
}

/** Lines that start with one of the prefixes, counted without splitting a (possibly huge) text. */
export function countLines(text: string, ...prefixes: string[]): number {
  // indexed loops, no closure per line: a cold export runs this once over thousands of lines
  let count = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    for (let i = 0; i < prefixes.length; i++) {
      if (text.startsWith(prefixes[i] as string, start)) {
        count++;
        break;
      }
    }
    start = end + 1;
  }
  return count;
}

export function countOccurrences(text: string, needle: string): number {
  let count = 0;
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) count++;
  return count;
}

/** Cut a name to `max` characters; a cut name gets a short hash of the whole, so cut names stay unique. */
export function fitName(name: string, max: number): string {
  if (name.length <= max) return name;
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  const tag = h.toString(36).padStart(7, '0').slice(0, 6);
  return `${name.slice(0, max - tag.length - 1)}-${tag}`;
}

/** Kernel ipset and firewalld ipset names: at most 31 characters of letters, digits and -. */
export function ipsetName(ep: Endpoint): string {
  return fitName(`fwplan-${ep.key.replace(/[^A-Za-z0-9]+/g, '-')}`.toLowerCase(), 31);
}

/**
 * The address sets a set-matching export needs: every side of a non-cluster group that holds
 * more than one address (a single address is matched inline), by set name, in name order.
 */
export function addressSets(groups: readonly PortGroup[]): Map<string, Endpoint> {
  const sets = new Map<string, Endpoint>();
  for (const g of groups) {
    if (g.distinctPairs) continue;
    for (const ep of [g.source, g.destination]) if (ep.entries.length > 1) sets.set(ipsetName(ep), ep);
  }
  return new Map([...sets].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Append without spreading: `push(...list)` fails on lists longer than the call stack allows. */
export function append<T>(target: T[], items: Iterable<T>): void {
  // an array by index: before V8 compiles this, a for-of allocates per item
  if (Array.isArray(items)) {
    const list = items as readonly T[];
    for (let i = 0; i < list.length; i++) target.push(list[i] as T);
    return;
  }
  for (const item of items) target.push(item);
}

// ---------------------------------------------------------------------------------------------
// Firewalls in the path (FortiGate, PAN-OS, Cisco ASA): one model of policies over named objects,
// which each of those renderers writes in its own syntax.

/** How a rule crosses a firewall in the path, seen from the senhasegura nodes. */
export type Crossing = 'to-nodes' | 'from-nodes' | 'between-nodes' | 'through';

function isNodeSide(ref: EndpointRef): boolean {
  return ref.kind === 'nodes' || ref.kind === 'node' || ref.kind === 'other-nodes';
}

/**
 * A host export is the node's own traffic: inbound rules go to it, outbound rules come from it.
 * At a gateway the sides say it: a side that is the nodes (all, one, or the others) is the
 * nodes' side; a site flow between two other sides just passes through.
 */
export function crossingOf(rule: ExpandedRule): Crossing {
  if (rule.direction === 'in') return 'to-nodes';
  if (rule.direction === 'out') return 'from-nodes';
  const s = isNodeSide(rule.source.ref);
  const d = isNodeSide(rule.destination.ref);
  return s && d ? 'between-nodes' : d ? 'to-nodes' : s ? 'from-nodes' : 'through';
}

/** Where a policy sits: the interface or zone its traffic comes from and goes to. */
export interface Placement {
  readonly from: string;
  readonly to: string;
}

/**
 * The export's `from` is the far side (users, devices, management servers) and `to` the side of
 * the senhasegura nodes: traffic to the nodes goes from → to, traffic from them to → from,
 * traffic between nodes stays on the nodes' side (to → to).
 */
export function placementOf(crossing: Crossing, where: Placement): Placement {
  switch (crossing) {
    case 'from-nodes':
      return { from: where.to, to: where.from };
    case 'between-nodes':
      return { from: where.to, to: where.to };
    default:
      return where;
  }
}

/** One destination port or range of one protocol. */
export interface Service {
  readonly protocol: Protocol;
  readonly from: number;
  readonly to: number;
}

export function compareServices(a: Service, b: Service): number {
  return a.protocol === b.protocol ? a.from - b.from || a.to - b.to : a.protocol < b.protocol ? -1 : 1;
}

/** "tcp-443", "tcp-5000-5100": a service's name, the same in every plan. */
export function serviceText(s: Service, separator = '-'): string {
  return `${s.protocol}${separator}${s.from === s.to ? s.from : `${s.from}-${s.to}`}`;
}

/** The two sides of a policy in one address family. */
export interface PathSides {
  readonly family: Family;
  readonly source: Endpoint;
  readonly destination: Endpoint;
}

/**
 * One policy of a firewall in the path: from one role, group or node to another, every service
 * those rules allow, in one or both address families (both when their services are the same).
 */
export interface PathPolicy {
  readonly crossing: Crossing;
  readonly placement: Placement;
  /** IPv4 first; a dual-stack policy has both */
  readonly sides: readonly PathSides[];
  /** sorted: tcp before udp, by port */
  readonly services: readonly Service[];
  readonly rules: readonly ExpandedRule[];
  /** cluster rules: the firewall's policy also matches a node to itself, which never crosses it */
  readonly distinctPairs: boolean;
}

/** An endpoint's key without its family: the role, group or node it stands for. */
export function refKey(ep: Endpoint): string {
  return ep.key.replace(/\/v[46]$/, '');
}

/**
 * Rules grouped into policies: one per (crossing, source, destination, family) with every service
 * of those rules, and the IPv4 and IPv6 policies of the same sides made one where their services
 * are the same. In the order the rules come (the catalog's).
 */
export function pathPolicies(rules: readonly ExpandedRule[], where: Placement): PathPolicy[] {
  interface Draft { crossing: Crossing; side: PathSides; services: Service[]; rules: ExpandedRule[]; distinctPairs: boolean }
  const drafts = new Map<string, Draft>();
  for (const r of rules) {
    const crossing = crossingOf(r);
    const key = `${crossing}|${r.family}|${r.source.key}|${r.destination.key}|${r.distinctPairs}`;
    let d = drafts.get(key);
    if (!d) {
      d = { crossing, side: { family: r.family, source: r.source, destination: r.destination }, services: [], rules: [], distinctPairs: r.distinctPairs };
      drafts.set(key, d);
    }
    if (!d.services.some((s) => s.protocol === r.protocol && s.from === r.port && s.to === r.portEnd)) d.services.push({ protocol: r.protocol, from: r.port, to: r.portEnd });
    d.rules.push(r);
  }
  const merged = new Map<string, { crossing: Crossing; sides: PathSides[]; services: Service[]; rules: ExpandedRule[]; distinctPairs: boolean }>();
  for (const d of drafts.values()) {
    d.services.sort(compareServices);
    const services = d.services.map((s) => serviceText(s)).join(' ');
    const key = `${d.crossing}|${refKey(d.side.source)}|${refKey(d.side.destination)}|${d.distinctPairs}|${services}`;
    const m = merged.get(key);
    if (m && !m.sides.some((x) => x.family === d.side.family)) {
      m.sides.push(d.side);
      append(m.rules, d.rules);
    } else {
      merged.set(m ? `${key}|v${d.side.family}` : key, { crossing: d.crossing, sides: [d.side], services: d.services, rules: d.rules, distinctPairs: d.distinctPairs });
    }
  }
  return [...merged.values()].map((m) => ({
    crossing: m.crossing,
    placement: placementOf(m.crossing, where),
    sides: m.sides.sort((a, b) => a.family - b.family),
    services: m.services,
    rules: m.rules,
    distinctPairs: m.distinctPairs,
  }));
}

/** A network that an address object of the export stands for, with what to say about it. */
export interface AddressObject {
  readonly network: Network;
  /** the entry's label, or the node it belongs to */
  readonly comment?: string;
}

function entryComment(e: AddressEntry): string | undefined {
  if (e.label !== undefined && e.label.trim() !== '') return e.label;
  return e.owner.kind === 'node' ? `node ${e.owner.node}` : undefined;
}

/** Every network the policies name, once, sorted (IPv4 first), with the first label seen for it. */
export function addressObjects(policies: readonly PathPolicy[]): AddressObject[] {
  const seen = new Map<string, { network: Network; comment?: string }>();
  for (const p of policies) {
    for (const side of p.sides) {
      for (const ep of [side.source, side.destination]) {
        for (const e of ep.entries) {
          const had = seen.get(e.network.cidr);
          const comment = entryComment(e);
          if (!had) seen.set(e.network.cidr, comment === undefined ? { network: e.network } : { network: e.network, comment });
          else if (had.comment === undefined && comment !== undefined) had.comment = comment;
        }
      }
    }
  }
  return [...seen.values()].sort((a, b) => compareNetworks(a.network, b.network));
}

/** Every endpoint the policies name, once (by key), in first-seen order. */
export function pathEndpoints(policies: readonly PathPolicy[]): Endpoint[] {
  const seen = new Map<string, Endpoint>();
  for (const p of policies) for (const side of p.sides) for (const ep of [side.source, side.destination]) if (!seen.has(ep.key)) seen.set(ep.key, ep);
  return [...seen.values()];
}

/** Every service the policies name, once, sorted. */
export function pathServices(policies: readonly PathPolicy[]): Service[] {
  const seen = new Map<string, Service>();
  for (const p of policies) for (const s of p.services) seen.set(serviceText(s), s);
  return [...seen.values()].sort(compareServices);
}

/** A policy's comment: its sides, services and the catalog rules it realises. */
export function policyComment(p: PathPolicy): string {
  const first = p.sides[0] as PathSides;
  const ids = [...new Set(p.rules.map((r) => r.ruleId))].join(' ');
  const site = p.rules.some((r) => r.provenance === 'site') ? ' (site flow)' : '';
  const families = p.sides.map((s) => `IPv${s.family}`).join('+');
  return `fwplan ${first.source.name} -> ${first.destination.name} ${families} ${p.services.map((s) => serviceText(s, '/')).join(' ')}: ${ids}${site}`;
}

/**
 * Names unique within one export, in the order they are asked for: `fit` makes a wanted name
 * valid for the target; a name another key already has gets -2, -3 … The same key always gets
 * the same name.
 */
export function uniqueNames(fit: (wanted: string) => string): (key: string, wanted: string) => string {
  const byKey = new Map<string, string>();
  const taken = new Set<string>();
  return (key, wanted) => {
    const had = byKey.get(key);
    if (had !== undefined) return had;
    let name = fit(wanted);
    for (let n = 2; taken.has(name); n++) name = fit(`${wanted}-${n}`);
    taken.add(name);
    byKey.set(key, name);
    return name;
  };
}

/** A dotted IPv4 netmask: 24 → 255.255.255.0. */
export function ipv4Mask(prefix: number): string {
  const bits = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [bits >>> 24, (bits >>> 16) & 255, (bits >>> 8) & 255, bits & 255].join('.');
}

/** The part of an address object's name that says its network: 10.0.0.0_24, 2001.db8..10_128. */
export function networkNamePart(n: Network): string {
  return n.cidr.replace(/:/g, '.').replace('/', '_');
}

/** What every export for a firewall in the path says about itself (findings). */
export function pathFindings(input: RenderInput, policies: readonly PathPolicy[], target: string): Finding[] {
  const findings: Finding[] = [];
  if (policies.some((p) => p.distinctPairs)) {
    findings.push({
      code: 'target-limit',
      severity: 'note',
      message: `${target} cannot leave out a node's traffic to itself: a cluster policy from the nodes to the nodes also matches it. That traffic never crosses the firewall, so nothing more passes than the plan allows`,
    });
  }
  if (input.node) {
    findings.push({
      code: 'placement',
      severity: 'note',
      message: `host scope on ${target}: only the traffic of node ${input.node.name}, for a firewall in front of it — its inbound policies from the far side to the node's side, its outbound ones back`,
    });
  }
  if (policies.length === 0) {
    findings.push({ code: 'family-without-rules', severity: input.options.defaultDrop ? 'warning' : 'note', message: `no rule of this plan holds in this scope: the ${target} file ${input.options.defaultDrop ? 'only denies' : 'adds nothing'}` });
  }
  return findings;
}

/** Header lines for a firewall in the path: how policies are placed and what the firewall does by default. */
export function pathPlacementLines(where: Placement, names: { from: string; to: string }, implicitDeny: string, prefix: string): string[] {
  const lines = [
    `Placement: ${names.from} ${where.from} is the far side (users, devices, management servers), ${names.to} ${where.to} the side of`,
    `the senhasegura nodes. Policies toward the nodes go ${where.from} -> ${where.to}, policies from them ${where.to} -> ${where.from},`,
    `policies between nodes stay on ${where.to}. Change them with the export's from and to options.`,
    implicitDeny,
    'Stateful: replies and their ICMP errors pass without policies of their own (no baseline is needed).',
  ];
  return lines.map((l) => `${prefix}${lineComment(l)}`);
}

/**
 * The families an explicit final deny covers: both, except one a host export leaves as it is (the
 * node has no address of it while another node has only that family — perhaps the same machine).
 */
export function deniedFamilies(input: RenderInput): Family[] {
  const open = input.openFamilies ?? [];
  return ([4, 6] as const).filter((f) => !open.includes(f));
}

/** A senhasegura node and its address of one family. */
export interface NodeAddress {
  readonly node: PlanNodeRef;
  readonly entry: AddressEntry;
}

/** The nodes (of the endpoint's family) whose address an endpoint holds: the machines a firewall on the nodes filters it at. */
export function nodesHeld(ep: Endpoint, nodes: readonly PlanNodeRef[]): NodeAddress[] {
  const out: NodeAddress[] = [];
  for (const node of nodes) {
    const entry = ep.family === 4 ? node.v4 : node.v6;
    if (entry && ep.entries.some((e) => contains(e.network, entry.network))) out.push({ node, entry });
  }
  return out;
}

/**
 * Cloud firewalls filter at the senhasegura nodes' own network interfaces (security groups, NSGs
 * on the nodes): a flow with no node on either side never reaches them. For the gateway scope,
 * one finding per rule that has such flows — all of them, or the part between non-node entries.
 */
export function outsideNodes(rules: readonly ExpandedRule[], nodes: readonly PlanNodeRef[], target: string): Finding[] {
  const nodeCidrs = new Set(nodes.flatMap((n) => [n.v4, n.v6]).filter((a) => a !== undefined).map((a) => a.network.cidr));
  const isNode = (e: AddressEntry) => nodeCidrs.has(e.network.cidr);
  const findings: Finding[] = [];
  for (const r of rules) {
    const src = r.source.entries.filter((e) => !isNode(e));
    const dst = r.destination.entries.filter((e) => !isNode(e));
    if (src.length === 0 || dst.length === 0) continue;
    const none = nodesHeld(r.source, nodes).length === 0 && nodesHeld(r.destination, nodes).length === 0;
    const what = `${r.ruleId} (${r.source.name} -> ${r.destination.name}, ${r.protocol} ${spanText({ from: r.port, to: r.portEnd })}, IPv${r.family})`;
    findings.push({
      code: 'outside-target',
      severity: 'warning',
      ruleId: r.ruleId,
      message: none
        ? `${what} has no senhasegura node on either side: ${target} on the nodes never sees this traffic, so it is not in this file. Filter it where those machines are`
        : `${what}: only the flows to or from a senhasegura node are in this file; the rest (between ${plural(src.length, 'source entry', 'source entries')} and ${plural(dst.length, 'destination entry', 'destination entries')} that are not nodes) never reaches ${target} on the nodes`,
    });
  }
  return findings;
}

/** Port spans merged where they overlap or touch (22, 23 → 22-23): fewer rules, the same ports. */
export function mergeSpans(spans: readonly PortSpan[]): PortSpan[] {
  const sorted = [...spans].sort((a, b) => a.from - b.from || a.to - b.to);
  const out: PortSpan[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.from <= last.to + 1) out[out.length - 1] = { from: last.from, to: Math.max(last.to, s.to) };
    else out.push({ from: s.from, to: s.to });
  }
  return out;
}

/** "1,234": counts in headers and findings. */
export function countText(n: number): string {
  return n.toLocaleString('en-US');
}

/** JSON with two-space indents, but objects of plain values on one line and lists of short strings (addresses) eight to a line. */
export function compactJson(value: Json, indent = ''): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const inner = `${indent}  `;
  const plain = (v: Json) => v === null || typeof v !== 'object';
  if (Array.isArray(value)) {
    const list = value as readonly Json[];
    if (list.length === 0) return '[]';
    let short = true;
    for (const v of list) {
      if (!((typeof v === 'string' || typeof v === 'number') && JSON.stringify(v).length <= 45)) {
        short = false;
        break;
      }
    }
    if (short) {
      const rows = chunk(list.map((v) => JSON.stringify(v)), 8).map((r) => r.join(', '));
      return rows.length === 1 ? `[${rows[0]}]` : `[\n${rows.map((r) => `${inner}${r}`).join(',\n')}\n${indent}]`;
    }
    const parts: string[] = [];
    for (const v of list) parts.push(`${inner}${compactJson(v, inner)}`);
    return `[\n${parts.join(',\n')}\n${indent}]`;
  }
  const object = value as { readonly [k: string]: Json };
  const keys = Object.keys(object);
  if (keys.length === 0) return '{}';
  if (keys.every((k) => plain(object[k] as Json))) {
    let line = '{ ';
    keys.forEach((k, i) => {
      line += `${i > 0 ? ', ' : ''}${JSON.stringify(k)}: ${JSON.stringify(object[k])}`;
    });
    return `${line} }`;
  }
  return `{\n${keys.map((k) => `${inner}${JSON.stringify(k)}: ${compactJson(object[k] as Json, inner)}`).join(',\n')}\n${indent}}`;
}
