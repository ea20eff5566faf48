import type { AddressEntry, Endpoint, ExpandedRule, Protocol } from './model/rules.ts';
import type { Family } from './net/address.ts';

/**
 * Which address pairs a rule stands for: the one definition every renderer, listing, count and
 * check uses. A cluster rule never pairs a node with itself.
 */
export function isPair(rule: { readonly distinctPairs: boolean }, s: AddressEntry, d: AddressEntry): boolean {
  return !(rule.distinctPairs && (s === d || s.network.cidr === d.network.cidr));
}

/** Every (source, destination) address pair of a rule or group of rules. */
export function* pairs(rule: { readonly source: Endpoint; readonly destination: Endpoint; readonly distinctPairs: boolean }): Generator<[AddressEntry, AddressEntry]> {
  for (const s of rule.source.entries) {
    for (const d of rule.destination.entries) {
      if (isPair(rule, s, d)) yield [s, d];
    }
  }
}

/** How many address pairs a rule stands for, without listing them. */
export function pairCount(rule: { readonly source: Endpoint; readonly destination: Endpoint; readonly distinctPairs: boolean }): number {
  const s = rule.source.entries.length;
  const d = rule.destination.entries.length;
  if (!rule.distinctPairs) return s * d;
  const dst = new Set(rule.destination.entries.map((e) => e.network.cidr));
  let same = 0;
  for (const e of rule.source.entries) if (dst.has(e.network.cidr)) same++;
  return s * d - same;
}

/** One flow: an entry to an entry on one port, and the rule it comes from. */
export interface Flow {
  readonly ruleId: string;
  readonly covers: readonly string[];
  readonly family: Family;
  readonly protocol: Protocol;
  readonly port: number;
  /** the last port of a range (equal to port for one) */
  readonly portEnd: number;
  readonly source: AddressEntry;
  readonly destination: AddressEntry;
  /** the group or role each side stands for: "USERW Administrators" */
  readonly sourceName: string;
  readonly destinationName: string;
}

/** Every flow of a list of rules, in rule order. */
export function* flowsOf(rules: readonly ExpandedRule[]): Generator<Flow> {
  for (const rule of rules) {
    for (const [source, destination] of pairs(rule)) {
      yield {
        ruleId: rule.ruleId,
        covers: rule.covers,
        family: rule.family,
        protocol: rule.protocol,
        port: rule.port,
        portEnd: rule.portEnd,
        source,
        destination,
        sourceName: rule.source.name,
        destinationName: rule.destination.name,
      };
    }
  }
}

/** A flow's identity for comparing plans: what passes, between which written entries. */
export function flowKey(f: Pick<Flow, 'protocol' | 'port' | 'portEnd' | 'source' | 'destination'>): string {
  const port = f.portEnd === f.port ? String(f.port) : `${f.port}-${f.portEnd}`;
  return `${f.protocol}/${port} ${f.source.network.cidr} > ${f.destination.network.cidr}`;
}
