/**
 * What a test network must let through, worked out from the vendor catalog and the product's
 * semantics directly (shared/design/product.md) — not from the engine's expansion — so a bug in the
 * expansion shows up as well as a bug in a renderer.
 *
 * A flow is one (source address, destination address, protocol, port). `plannedFlows` are the ones
 * the plan allows; `negativeFlows` a sample of ones it does not: the other direction, neighbouring
 * ports, address pairs with no rule at all, disabled rules, cluster rules while cluster mode is off,
 * optional rules left off, and the article's port of a rule whose port the plan overrides.
 */
import { SENHASEGURA_CATALOG, type CatalogRule, type Plan, type RoleCode } from '../../src/engine/index.ts';
import type { Family, HostAddress, HostSpec } from './netns.ts';
import type { TopologyGroup } from './topologies.ts';

export type Protocol = 'tcp' | 'udp';

export interface Flow {
  readonly src: HostAddress;
  readonly dst: HostAddress;
  readonly proto: Protocol;
  readonly port: number;
  /** why this flow is probed: the rule that allows it, or why it must be dropped */
  readonly why: string;
  /** a planned flow of a port range: the whole range it stands for (its probes are the ends and the middle) */
  readonly range?: { readonly from: number; readonly to: number };
}

/** A port or a range, as the plan writes it: 443 or "5000-5100". */
export function spanOf(value: number | string): { from: number; to: number } {
  if (typeof value === 'number') return { from: value, to: value };
  const [a, b] = value.split('-').map(Number);
  return { from: a as number, to: (b ?? a) as number };
}

/** The ports probed for a span: both ends and the middle. */
function probePorts(span: { from: number; to: number }): number[] {
  return [...new Set([span.from, Math.floor((span.from + span.to) / 2), span.to])];
}

export function flowKey(f: Pick<Flow, 'src' | 'dst' | 'proto' | 'port'>): string {
  return `${f.proto} ${f.src.address} > ${f.dst.address} port ${f.port}`;
}

export function describeFlow(f: Flow): string {
  return `${f.proto}/${f.port} ${f.src.host}(${f.src.address}) -> ${f.dst.host}(${f.dst.address})`;
}

function addressesOf(h: HostSpec): HostAddress[] {
  const out: HostAddress[] = [];
  if (h.v4) out.push({ host: h.id, family: 4, address: h.v4.address });
  if (h.v6) out.push({ host: h.id, family: 6, address: h.v6.address });
  return out;
}

/**
 * The flows one catalog row stands for, host by host.
 * Cluster off: MBR takes part in nothing. Cluster on: the nodes are PRD ∪ MBR; a cluster row holds
 * between every ordered pair of distinct nodes; every other row naming PRD holds for every node.
 * A flow never mixes IPv4 and IPv6.
 */
export function rowFlows(rule: CatalogRule, portSpec: number | string, hosts: readonly HostSpec[], cluster: boolean, why: string, groups?: readonly TopologyGroup[]): Flow[] {
  const span = spanOf(portSpec);
  const nodes = hosts.filter((h) => h.role === 'PRD' || (cluster && h.role === 'MBR'));
  // with groups (a version 2 plan), a user or device host takes part in a row only if its group lists it
  const inGroup = (h: HostSpec) => groups === undefined || h.group === undefined || groups.some((g) => g.name === h.group && g.role === h.role && g.services.includes(rule.id));
  const side = (role: RoleCode): readonly HostSpec[] => {
    if (role === 'PRD') return nodes;
    if (role === 'MBR') return cluster ? nodes : [];
    return hosts.filter((h) => h.role === role && inGroup(h));
  };
  const sources = rule.section === 'cluster' ? nodes : side(rule.source);
  const destinations = rule.section === 'cluster' ? nodes : side(rule.destination);
  const out: Flow[] = [];
  for (const s of sources) {
    for (const d of destinations) {
      if (s.id === d.id) continue;
      for (const sa of addressesOf(s)) {
        for (const da of addressesOf(d)) {
          if (sa.family !== da.family) continue;
          for (const port of probePorts(span)) out.push({ src: sa, dst: da, proto: rule.protocol, port, why, ...(span.from !== span.to ? { range: span } : {}) });
        }
      }
    }
  }
  return out;
}

function isActive(plan: Plan, rule: CatalogRule): boolean {
  if (rule.optional && !plan.enabled.includes(rule.id)) return false;
  if (plan.disabled.includes(rule.id)) return false;
  if (rule.section === 'cluster' && !plan.cluster) return false;
  return true;
}

/** Every flow the plan allows. */
export function plannedFlows(plan: Plan, hosts: readonly HostSpec[], groups?: readonly TopologyGroup[]): Flow[] {
  const out = new Map<string, Flow>();
  for (const rule of SENHASEGURA_CATALOG) {
    if (!isActive(plan, rule)) continue;
    const port = plan.ports[rule.id] ?? rule.port;
    for (const f of rowFlows(rule, port, hosts, plan.cluster, `planned: ${rule.id}`, groups)) if (!out.has(flowKey(f))) out.set(flowKey(f), f);
  }
  return [...out.values()];
}

export interface FlowUniverse {
  readonly planned: readonly Flow[];
  readonly negatives: readonly Flow[];
  /** keys of the planned flows */
  readonly allowed: ReadonlySet<string>;
}

/**
 * The plan's site flows whose sides are literal entries: every host whose address is one of the
 * entries, each port of the range probed at its ends and middle.
 */
function siteFlows(plan: Plan, hosts: readonly HostSpec[]): Flow[] {
  const out: Flow[] = [];
  for (const flow of plan.customFlows) {
    const side = (s: (typeof flow)['source']): HostAddress[] => {
      if (!('entries' in s)) throw new Error('the oracle reads site flows of literal entries only');
      const written = new Set(s.entries.map((e) => (typeof e === 'string' ? e : e.address)));
      return hosts.flatMap(addressesOf).filter((a) => written.has(a.address));
    };
    const span = spanOf(flow.ports);
    for (const sa of side(flow.source)) {
      for (const da of side(flow.destination)) {
        if (sa.family !== da.family || sa.host === da.host) continue;
        for (const port of probePorts(span)) out.push({ src: sa, dst: da, proto: flow.protocol, port, why: `site flow ${flow.name}`, ...(span.from !== span.to ? { range: span } : {}) });
      }
    }
  }
  return out;
}

/** The planned flows plus a sample of flows the plan does not allow (never one it allows). */
export function flowUniverse(plan: Plan, hosts: readonly HostSpec[], groups?: readonly TopologyGroup[]): FlowUniverse {
  const planned = plannedFlows(plan, hosts, groups);
  const allowed = new Set(planned.map(flowKey));
  const negatives = new Map<string, Flow>();
  const add = (f: Flow) => {
    const k = flowKey(f);
    if (!allowed.has(k) && !negatives.has(k) && f.port >= 1 && f.port <= 65535) negatives.set(k, f);
  };

  for (const rule of SENHASEGURA_CATALOG) {
    const port = plan.ports[rule.id] ?? rule.port;
    if (plan.disabled.includes(rule.id)) {
      rowFlows(rule, port, hosts, plan.cluster || rule.section === 'cluster', `disabled rule ${rule.id}`).forEach(add);
    } else if (rule.section === 'cluster' && !plan.cluster) {
      rowFlows(rule, port, hosts, true, `cluster rule ${rule.id} while cluster mode is off`).forEach(add);
    } else if (rule.optional && !plan.enabled.includes(rule.id)) {
      rowFlows(rule, port, hosts, plan.cluster, `optional rule ${rule.id}, not enabled`).forEach(add);
    }
    if (plan.ports[rule.id] !== undefined && String(plan.ports[rule.id]) !== String(rule.port)) {
      rowFlows(rule, rule.port, hosts, plan.cluster, `the article's port of ${rule.id}, overridden to ${port}`).forEach(add);
    }
    // least privilege: a group row for the hosts of the groups that do not list it
    if (groups !== undefined && isActive(plan, rule)) rowFlows(rule, port, hosts, plan.cluster, `${rule.id} for a group that does not list it`).forEach(add);
  }
  // the admin shell: nobody but the administrators' workstations may reach it
  const shell = SENHASEGURA_CATALOG.find((r) => r.id === 'adminw-prd-tcp-59022');
  if (shell) {
    const port = spanOf(plan.ports[shell.id] ?? shell.port).from;
    const nodes = hosts.filter((h) => h.role === 'PRD' || (plan.cluster && h.role === 'MBR'));
    for (const s of hosts.filter((h) => h.role !== 'ADMINW')) {
      for (const n of nodes) {
        if (s.id === n.id) continue;
        for (const sa of addressesOf(s)) for (const da of addressesOf(n)) if (sa.family === da.family) add({ src: sa, dst: da, proto: 'tcp', port, why: `admin shell from ${s.role} ${s.id}, not an administrator` });
      }
    }
  }
  // site flows, from the topology's own description of them
  for (const s of siteFlows(plan, hosts)) {
    if (!allowed.has(flowKey(s))) planned.push(s);
    allowed.add(flowKey(s));
  }
  for (const f of planned) add({ src: f.dst, dst: f.src, proto: f.proto, port: f.port, why: `reverse of ${f.why}` });
  for (const f of planned) {
    const { range, ...plain } = f;
    add({ ...plain, port: (range?.from ?? f.port) - 1, why: `port below ${f.why}` });
    add({ ...plain, port: (range?.to ?? f.port) + 1, why: `port above ${f.why}` });
  }
  // address pairs with no rule between them at all: one probe each, on a port open elsewhere
  const services = [...new Map(planned.map((f) => [`${f.proto}/${f.port}`, { proto: f.proto, port: f.port }])).values()];
  const talks = new Set(planned.map((f) => `${f.src.address}>${f.dst.address}`));
  const all = hosts.flatMap((h) => addressesOf(h).map((a) => ({ a, role: h.role })));
  let i = 0;
  for (const s of all) {
    for (const d of all) {
      if (s.a.host === d.a.host || s.a.family !== d.a.family || talks.has(`${s.a.address}>${d.a.address}`)) continue;
      const svc = services[i++ % Math.max(services.length, 1)];
      if (svc) add({ src: s.a, dst: d.a, proto: svc.proto, port: svc.port, why: `no rule from ${s.role} ${s.a.host} to ${d.role} ${d.a.host}` });
    }
  }
  return { planned, negatives: [...negatives.values()], allowed };
}

/**
 * Anti-lockout: a host export with --default-drop always lets the administrators' workstations
 * (ADMINW) reach the admin shell (59022/tcp, or its override) of the node it protects — even where
 * the plan disabled that rule — so applying it can never cut the admins' own way in.
 */
export const ADMIN_RULE_IDS = ['adminw-prd-tcp-59022'] as const;

export function antiLockoutFlows(plan: Plan, hosts: readonly HostSpec[], node: readonly HostAddress[]): Flow[] {
  const out: Flow[] = [];
  for (const id of ADMIN_RULE_IDS) {
    const rule = SENHASEGURA_CATALOG.find((r) => r.id === id);
    if (!rule) throw new Error(`catalog has no ${id}`);
    const port = spanOf(plan.ports[id] ?? rule.port).from;
    for (const h of hosts) {
      if (h.role !== 'ADMINW') continue;
      for (const a of addressesOf(h)) {
        for (const n of node) if (a.family === n.family) out.push({ src: a, dst: n, proto: 'tcp', port, why: `anti-lockout: ${id}` });
      }
    }
  }
  return out;
}

/** The flows one firewall sees: of the given families, and in host scope only those of the node's addresses. */
export function flowsFor(universe: FlowUniverse, families: readonly Family[], node?: readonly HostAddress[]): Flow[] {
  const mine = new Set((node ?? []).map((a) => a.address));
  return [...universe.planned, ...universe.negatives].filter(
    (f) => families.includes(f.src.family) && (node === undefined || mine.has(f.src.address) || mine.has(f.dst.address)),
  );
}
