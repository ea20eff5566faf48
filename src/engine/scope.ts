import { FAMILIES, makeEndpoint, makeRule, nodeAddress, nodeFamilies } from './expand.ts';
import { catalogRule } from './catalog/senhasegura.ts';
import type { AddressEntry, Endpoint, EndpointRef, ExpandedRule, PlanNodeRef, RuleSet } from './model/rules.ts';
import { contains, parseAddress, type Family } from './net/address.ts';
import type { PortSpan } from './model/plan.ts';
import { quoted } from './text.ts';

/** Where an export runs: a router between the zones, or the host firewall of one node (by name). */
export type Scope = { readonly kind: 'gateway' } | { readonly kind: 'host'; readonly node: string };

export const GATEWAY: Scope = { kind: 'gateway' };

export type ScopeResult =
  | { ok: true; rules: ExpandedRule[]; node?: PlanNodeRef }
  | { ok: false; message: string };

export function scopeLabel(scope: Scope): string {
  return scope.kind === 'gateway' ? 'gateway' : `host ${scope.node}`;
}

/** The node a scope protects, or why there is none. */
export function scopeNode(ruleSet: RuleSet, scope: Scope): { ok: true; node?: PlanNodeRef } | { ok: false; message: string } {
  if (scope.kind === 'gateway') return { ok: true };
  const node = ruleSet.allNodes.find((n) => n.name === scope.node);
  if (!node) return { ok: false, message: `host:${scope.node}: no node of this plan is named ${quoted(scope.node)}` };
  if (!ruleSet.nodes.includes(node)) {
    return { ok: false, message: `host:${scope.node}: ${quoted(node.name)} is an MBR node and cluster mode is off, so no rule holds for it` };
  }
  if (!node.v4 && !node.v6) return { ok: false, message: `host:${scope.node}: node ${quoted(node.name)} has no valid address` };
  return { ok: true, node };
}

/**
 * A scope as written at the edge (command line, saved option): `gateway`, `host:NAME`, or
 * `host:ADDRESS[,ADDRESS]` — an address selects the node it belongs to, and two addresses must
 * be the same node's.
 */
export function parseScope(ruleSet: RuleSet, text: string): { ok: true; scope: Scope } | { ok: false; message: string } {
  if (text === 'gateway') return { ok: true, scope: GATEWAY };
  if (!text.startsWith('host:') || text.length === 5) return { ok: false, message: `${quoted(text)}: use gateway or host:NODE (a node's name or address)` };
  const what = text.slice(5);
  const byName = ruleSet.allNodes.find((n) => n.name === what);
  if (byName) return { ok: true, scope: { kind: 'host', node: byName.name } };
  const found: PlanNodeRef[] = [];
  for (const part of what.split(',')) {
    const parsed = parseAddress(part);
    if (!parsed.ok) {
      const names = ruleSet.nodes.map((n) => n.name).join(', ');
      return { ok: false, message: `host:${what}: no node is named ${quoted(part)}, and it is not an address (${parsed.reason}); nodes: ${names || 'none'}` };
    }
    const node = ruleSet.allNodes.find((n) => FAMILIES.some((f) => nodeAddress(n, f)?.network.cidr === parsed.network.cidr));
    if (!node) return { ok: false, message: `host:${what}: ${part} is not the address of a senhasegura node of this plan` };
    if (!found.includes(node)) found.push(node);
  }
  if (found.length > 1) return { ok: false, message: `host:${what}: the addresses belong to different nodes (${found.map((n) => quoted(n.name)).join(', ')}); name one node` };
  const node = found[0] as PlanNodeRef;
  return { ok: true, scope: { kind: 'host', node: node.name } };
}

function minus(ep: Endpoint, self: AddressEntry, node: PlanNodeRef): Endpoint {
  const entries = ep.entries.filter((e) => e.network.cidr !== self.network.cidr);
  if (entries.length === ep.entries.length) return ep;
  const ref: EndpointRef = ep.ref.kind === 'nodes' ? { kind: 'other-nodes', node: node.name } : { kind: 'without-node', base: ep.ref, node: node.name };
  return makeEndpoint(ref, ep.family, entries, { node: node.slug });
}

/**
 * Cut the rule set down to what one firewall enforces, flow for flow the same as the gateway
 * export: gateway keeps every rule (forwarded); a host keeps, for each family the node has, every
 * rule whose destination holds the node's address (inbound) or whose source does (outbound) —
 * also where the node lies inside a range of another role. Traffic of the node to itself never
 * leaves it and is left out.
 */
export function applyScope(ruleSet: RuleSet, scope: Scope): ScopeResult {
  if (scope.kind === 'gateway') return { ok: true, rules: ruleSet.rules.map((r) => (r.direction === 'forward' ? r : { ...r, direction: 'forward' })) };
  const found = scopeNode(ruleSet, scope);
  if (!found.ok) return found;
  const node = found.node as PlanNodeRef;
  const out: ExpandedRule[] = [];
  for (const family of nodeFamilies(node)) {
    const self = nodeAddress(node, family) as AddressEntry;
    const selfEp = makeEndpoint({ kind: 'node', node: node.name }, family, [self], { node: node.slug });
    const holds = (ep: Endpoint) => ep.entries.some((e) => contains(e.network, self.network));
    for (const rule of ruleSet.rules) {
      if (rule.family !== family) continue;
      if (holds(rule.destination)) {
        const source = minus(rule.source, self, node);
        if (source.entries.length > 0) out.push({ ...rule, key: `${rule.key}/in`, source, destination: selfEp, direction: 'in' });
      }
      if (holds(rule.source)) {
        const destination = minus(rule.destination, self, node);
        if (destination.entries.length > 0) out.push({ ...rule, key: `${rule.key}/out`, source: selfEp, destination, direction: 'out' });
      }
    }
  }
  return { ok: true, rules: out, node };
}

/** A rule for a host export made outside the plan's rules (anti-lockout): built by the one factory. */
export function hostRule(node: PlanNodeRef, family: Family, ruleId: string, port: PortSpan, source: Endpoint): ExpandedRule | undefined {
  const rule = catalogRule(ruleId);
  const self = nodeAddress(node, family);
  if (!rule || !self) return undefined;
  const destination = makeEndpoint({ kind: 'node', node: node.name }, family, [self], { node: node.slug });
  return makeRule({ rule, port, family, source, destination, direction: 'in', origin: 'anti-lockout' });
}
