import { spanText, type PortSpan } from '../model/plan.ts';
import type { AddressEntry, Direction, Endpoint, ExpandedRule, Finding, PlanNodeRef, Protocol } from '../model/rules.ts';
import { contains, type Family } from '../net/address.ts';
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
 * rules it really holds (`written`, counted the way the format's countRules counts them).
 */
export function headerLines(input: RenderInput, format: string, written: number, what = 'firewall rules', prefix = '# '): string[] {
  const { plan, ruleSet, options } = input;
  const families = [...new Set(input.rules.map((r) => r.family))];
  const lines = [
    `fwplan export — ${format}`,
    `plan: ${plan.name ?? '(unnamed)'}`,
    `scope: ${scopeLabel(options.scope)} · cluster: ${plan.cluster ? 'on' : 'off'} · default-drop: ${options.defaultDrop ? 'yes' : 'no'}`,
    `${what} in this file: ${written}, for ${input.rules.length} plan rule${input.rules.length === 1 ? '' : 's'}${families.length > 0 ? ` (IPv${families.sort().join(' and IPv')})` : ''}; skipped catalog rows: ${ruleSet.skipped.length} (see fwplan lint)`,
  ];
  return lines.map((l) => `${prefix}${lineComment(l)}`);
}

/** Lines that start with one of the prefixes, counted without splitting a (possibly huge) text. */
export function countLines(text: string, ...prefixes: string[]): number {
  let count = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    if (prefixes.some((p) => text.startsWith(p, start))) count++;
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
  for (const item of items) target.push(item);
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
