import type { AddressEntry, Direction, Endpoint, ExpandedRule, Protocol } from '../model/rules.ts';
import type { Family } from '../net/address.ts';
import { scopeLabel, type Scope } from '../scope.ts';
import type { RenderInput, RenderOptions } from './types.ts';
import { lineComment } from './quote.ts';

/** Whether this export drops, by default, what the plan does not allow in direction `d`. */
export function dropsDirection(options: RenderOptions, d: Direction): boolean {
  return options.defaultDrop && !(d === 'out' && options.egress === 'open');
}

/** Rules that differ only in port, gathered so a format can match several ports at once. */
export interface PortGroup {
  readonly direction: Direction;
  readonly family: Family;
  readonly protocol: Protocol;
  readonly source: Endpoint;
  readonly destination: Endpoint;
  readonly distinctPairs: boolean;
  readonly ports: readonly number[];
  readonly rules: readonly ExpandedRule[];
}

/** Group rules by (direction, family, protocol, source set, destination set), in first-seen order. */
export function groupByPorts(rules: readonly ExpandedRule[]): PortGroup[] {
  const groups = new Map<string, { head: ExpandedRule; ports: number[]; rules: ExpandedRule[] }>();
  for (const r of rules) {
    const key = `${r.direction}|${r.family}|${r.protocol}|${r.source.key}|${r.destination.key}|${r.distinctPairs}`;
    const g = groups.get(key);
    if (g) {
      if (!g.ports.includes(r.port)) g.ports.push(r.port);
      g.rules.push(r);
    } else {
      groups.set(key, { head: r, ports: [r.port], rules: [r] });
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

/** Whether (s, d) is a pair of the rule: cluster rules never pair a node with itself. */
export function isPair(rule: { distinctPairs: boolean }, s: AddressEntry, d: AddressEntry): boolean {
  return !(rule.distinctPairs && s.network.cidr === d.network.cidr);
}

/** Every (source, destination) address pair of a rule or group. */
export function* pairs(group: { source: Endpoint; destination: Endpoint; distinctPairs: boolean }): Generator<[AddressEntry, AddressEntry]> {
  for (const s of group.source.entries) {
    for (const d of group.destination.entries) {
      if (isPair(group, s, d)) yield [s, d];
    }
  }
}

export function groupComment(group: PortGroup): string {
  const ids = group.rules.map((r) => r.ruleId).join(' ');
  return `fwplan ${group.source.role}->${group.destination.role} ${group.protocol} ${group.ports.join(',')} ${ids}`;
}

/** "HQ vault!" → "hq-vault": a file-name-safe slug, never empty. */
export function slugify(name: string | undefined): string {
  const slug = (name ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/g, '');
  return slug === '' ? 'fwplan' : slug;
}

export function scopeSlug(scope: Scope): string {
  return scope.kind === 'gateway' ? 'gateway' : `host-${scope.address.replace(/[^0-9A-Za-z]+/g, '-')}`;
}

/** The common header of every firewall file: what it is, for which plan, and what was left out. */
export function headerLines(input: RenderInput, format: string, prefix = '# '): string[] {
  const { plan, ruleSet, options } = input;
  const lines = [
    `fwplan export — ${format}`,
    `plan: ${plan.name ?? '(unnamed)'}`,
    `scope: ${scopeLabel(options.scope)} · cluster: ${plan.cluster ? 'on' : 'off'} · default-drop: ${options.defaultDrop ? 'yes' : 'no'}`,
    `rules: ${input.rules.length} (from ${ruleSet.rules.length} in the plan); skipped catalog rows: ${ruleSet.skipped.length} (see fwplan lint)`,
  ];
  return lines.map((l) => `${prefix}${lineComment(l)}`);
}

/** Kernel ipset and firewalld ipset names: at most 31 characters of letters, digits and -. */
export function ipsetName(ep: Endpoint): string {
  return `fwplan-${ep.key.replace(/[^A-Za-z0-9]+/g, '-')}`.toLowerCase().slice(0, 31);
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
