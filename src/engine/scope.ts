import type { AddressEntry, Endpoint, ExpandedRule, RuleSet } from './model/rules.ts';
import { parseAddress } from './net/address.ts';

export type Scope = { kind: 'gateway' } | { kind: 'host'; address: string };

export type ScopeResult =
  | { ok: true; rules: ExpandedRule[]; node?: AddressEntry }
  | { ok: false; message: string };

export function parseScope(text: string): Scope | undefined {
  if (text === 'gateway') return { kind: 'gateway' };
  if (text.startsWith('host:') && text.length > 5) return { kind: 'host', address: text.slice(5) };
  return undefined;
}

export function scopeLabel(scope: Scope): string {
  return scope.kind === 'gateway' ? 'gateway' : `host ${scope.address}`;
}

function without(endpoint: Endpoint, node: AddressEntry, key: string): Endpoint {
  return { ...endpoint, key, entries: endpoint.entries.filter((e) => e.network.cidr !== node.network.cidr) };
}

/**
 * Cut the rule set down to what one firewall enforces.
 * gateway: every rule, forwarded. host:ADDRESS: the rules whose destination is that node
 * (inbound) and whose source is it (outbound); ADDRESS must be a node (PRD, or MBR in a cluster).
 */
export function applyScope(ruleSet: RuleSet, scope: Scope): ScopeResult {
  if (scope.kind === 'gateway') return { ok: true, rules: ruleSet.rules.map((r) => ({ ...r, direction: 'forward' })) };
  const parsed = parseAddress(scope.address);
  if (!parsed.ok) return { ok: false, message: `host:${scope.address}: the address ${parsed.reason}` };
  const node = ruleSet.nodes.find((n) => n.network.cidr === parsed.network.cidr);
  if (!node) {
    return { ok: false, message: `host:${scope.address} is not a senhasegura node of this plan (an entry of PRD, or of MBR with cluster mode on)` };
  }
  const self: Endpoint = { key: `NODE/v${node.network.family}`, role: node.role, family: node.network.family, entries: [node] };
  const isNodeSide = (ep: Endpoint) => (ep.role === 'CLUSTER' || ep.role === 'PRD') && ep.entries.some((e) => e.network.cidr === node.network.cidr);
  const out: ExpandedRule[] = [];
  for (const rule of ruleSet.rules) {
    if (rule.family !== node.network.family) continue;
    if (isNodeSide(rule.destination)) {
      const source = rule.distinctPairs ? without(rule.source, node, `${rule.source.key}-others`) : rule.source;
      if (source.entries.length > 0) out.push({ ...rule, key: `${rule.key}/in`, source, destination: self, direction: 'in' });
    }
    if (isNodeSide(rule.source)) {
      const destination = rule.distinctPairs ? without(rule.destination, node, `${rule.destination.key}-others`) : rule.destination;
      if (destination.entries.length > 0) out.push({ ...rule, key: `${rule.key}/out`, source: self, destination, direction: 'out' });
    }
  }
  return { ok: true, rules: out, node };
}
