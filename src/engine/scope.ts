import type { AddressEntry, Endpoint, ExpandedRule, RuleSet } from './model/rules.ts';
import { parseAddress } from './net/address.ts';

export type Scope = { kind: 'gateway' } | { kind: 'host'; address: string };

export type ScopeResult =
  | { ok: true; rules: ExpandedRule[]; nodes: AddressEntry[] }
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
 * A dual-stack node is named by both of its addresses, comma-separated (host:192.0.2.10,2001:db8::10),
 * so that neither family's export locks the other out.
 */
export function applyScope(ruleSet: RuleSet, scope: Scope): ScopeResult {
  if (scope.kind === 'gateway') return { ok: true, rules: ruleSet.rules.map((r) => ({ ...r, direction: 'forward' })), nodes: [] };
  const nodes: AddressEntry[] = [];
  for (const text of scope.address.split(',')) {
    const parsed = parseAddress(text);
    if (!parsed.ok) return { ok: false, message: `host:${scope.address}: "${text}" ${parsed.reason}` };
    const node = ruleSet.nodes.find((n) => n.network.cidr === parsed.network.cidr);
    if (!node) {
      return { ok: false, message: `host:${scope.address}: ${text} is not a senhasegura node of this plan (an entry of PRD, or of MBR with cluster mode on)` };
    }
    if (nodes.some((n) => n.network.family === node.network.family)) {
      return { ok: false, message: `host:${scope.address}: one address per family (a node's IPv4 and IPv6 address)` };
    }
    nodes.push(node);
  }
  const out: ExpandedRule[] = [];
  for (const node of nodes) {
    const self: Endpoint = { key: `NODE/v${node.network.family}`, role: node.role, family: node.network.family, entries: [node] };
    const isNodeSide = (ep: Endpoint) => (ep.role === 'CLUSTER' || ep.role === 'PRD') && ep.entries.some((e) => e.network.cidr === node.network.cidr);
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
  }
  return { ok: true, rules: out, nodes };
}

/** The nodes of the other address family that carry the same label: the same machine, dual-stack. */
export function sameNodeOtherFamily(all: readonly AddressEntry[], node: AddressEntry): AddressEntry[] {
  if (node.label === undefined || node.label === '') return [];
  return all.filter((n) => n.network.family !== node.network.family && n.label === node.label);
}

/**
 * Nodes that look like the same machine as a scoped node but are left out of the scope: a host
 * export for one family would lock the other out.
 */
export function dualStackPeers(ruleSet: RuleSet, nodes: readonly AddressEntry[]): AddressEntry[] {
  return nodes.flatMap((node) => sameNodeOtherFamily(ruleSet.nodes, node).filter((n) => !nodes.includes(n)));
}
