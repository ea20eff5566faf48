/**
 * The engine's side of the flow-for-flow comparison of firewalls in the path: the planned flows
 * of a scope, keyed by where their policy sits, in the same normal form the readers' flows take.
 */
import { applyScope, flowsOf, type EndpointRef, type ExpandedRule, type RuleSet, type Scope } from '../../src/engine/index.ts';
import type { ReadFlow } from './readers.ts';

export const PATH_FORMATS = ['fortigate', 'panos', 'panos-xml', 'asa'] as const;
export type PathFormat = (typeof PATH_FORMATS)[number];

/** Each format's placement defaults (its renderer's options.placement). */
export const DEFAULTS: Record<PathFormat, [string, string]> = { fortigate: ['any', 'any'], panos: ['any', 'any'], 'panos-xml': ['any', 'any'], asa: ['outside', 'inside'] };

/** Where a rule's policy sits, worked out here from the rule alone (not with the renderers' helper). */
export function expectedPlacement(format: PathFormat, rule: ExpandedRule, from: string, to: string): string {
  const nodeSide = (ref: EndpointRef) => ref.kind === 'nodes' || ref.kind === 'node' || ref.kind === 'other-nodes';
  let pair: [string, string];
  if (rule.direction === 'in') pair = [from, to];
  else if (rule.direction === 'out') pair = [to, from];
  else {
    const s = nodeSide(rule.source.ref);
    const d = nodeSide(rule.destination.ref);
    pair = s && d ? [to, to] : s ? [to, from] : [from, to];
  }
  // an ASA access list is bound to the interface traffic enters
  return format === 'asa' ? pair[0] : `${pair[0]}>${pair[1]}`;
}

/**
 * Flows keyed by placement, protocol and networks, their ports merged into sorted spans, as
 * sorted lines. A node's traffic to itself is left out (it never crosses a firewall).
 */
export function normalise(flows: Iterable<ReadFlow>, nodeAddresses: ReadonlySet<string>): string[] {
  const map = new Map<string, [number, number][]>();
  for (const f of flows) {
    if (f.source === f.destination && nodeAddresses.has(f.source)) continue;
    const key = `${f.placement} ${f.protocol} ${f.source} > ${f.destination}`;
    const list = map.get(key) ?? [];
    list.push([f.from, f.to]);
    map.set(key, list);
  }
  const out: string[] = [];
  for (const [key, spans] of map) {
    spans.sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const [a, b] of spans) {
      const last = merged[merged.length - 1];
      if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
      else merged.push([a, b]);
    }
    out.push(`${key} ${merged.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',')}`);
  }
  return out.sort();
}

export function nodeAddressesOf(ruleSet: RuleSet): Set<string> {
  return new Set(ruleSet.allNodes.flatMap((n) => [n.v4, n.v6]).filter((a) => a !== undefined).map((a) => a.network.cidr));
}

/** The engine's flows of a scope (flowsOf over the scoped rules), placed as `format` places them. */
export function engineFlows(ruleSet: RuleSet, scope: Scope, format: PathFormat, from: string, to: string): ReadFlow[] {
  const scoped = applyScope(ruleSet, scope);
  if (!scoped.ok) throw new Error(scoped.message);
  return scoped.rules.flatMap((rule) =>
    [...flowsOf([rule])].map((f) => ({ source: f.source.network.cidr, destination: f.destination.network.cidr, protocol: f.protocol, from: f.port, to: f.portEnd, placement: expectedPlacement(format, rule, from, to) })),
  );
}
