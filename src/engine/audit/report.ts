/**
 * The audit of a plan against what a machine has loaded: for every planned flow of one scope,
 * whether the loaded rulesets let it through (with the rule that decides), and what they let
 * through beyond the plan between the plan's own addresses.
 *
 * Each flow is asked with representative packets, never guessed from the rules' text: the first
 * (and, for a network, the last) address of each side, every port of the flow (the two ends of a
 * span wider than SPAN_ALL), the connection's first packet (state new) and its reply (state
 * established). Packets are taken as arriving and leaving on a network interface that is not
 * loopback; a rule that tests another interface makes the answer unknown, with the rule named.
 *
 * "Beyond the plan" probes every ordered pair of the plan's addresses of one family (gateway), or
 * the node and every other address of the plan (host, both directions), on every port of the
 * catalog, of the plan and named by the loaded rules, TCP and UDP; a probe whose first packet is
 * accepted and that no planned flow covers is listed.
 */
import { SENHASEGURA_CATALOG } from '../catalog/senhasegura.ts';
import { effectivePort, expandPlan, nodeFamilies } from '../expand.ts';
import { antiLockout } from '../export.ts';
import { flowsOf, isPair, type Flow } from '../flows.ts';
import type { Plan } from '../model/plan.ts';
import type { AddressEntry, Direction, ExpandedRule, Protocol, RuleSet } from '../model/rules.ts';
import { makeNetwork, type Family, type Network } from '../net/address.ts';
import { applyScope, type Scope } from '../scope.ts';
import { evaluate, type Loaded } from './evaluate.ts';
import { ipsetContains } from './ipset.ts';
import type { Chain, Evaluation, Match, Packet, Step, Test } from './types.ts';
import { addressValue } from './values.ts';

/** Spans of at most this many ports are asked port by port; wider ones at their two ends. */
export const SPAN_ALL = 16;
/** At most this many beyond-the-plan probes (packets); past it the rest is said to be left out. */
export const MAX_PROBES = 400_000;
/** The source port of every request (and destination port of its reply): the first dynamic port. */
export const CLIENT_PORT = 49152;

export type FlowStatus = 'allowed' | 'blocked' | 'unknown';

export interface AuditedFlow {
  readonly flow: Flow;
  readonly direction: Direction;
  readonly status: FlowStatus;
  /** blocked: the packet that was dropped and the rule or policy that dropped it; unknown: what could not be evaluated */
  readonly why?: string;
  /** the evaluator's trace of the deciding packet (jumps taken, deciding rule) */
  readonly trace?: readonly string[];
  /** how many packets were asked (requests and replies) */
  readonly packets: number;
}

export interface BeyondFlow {
  readonly family: Family;
  readonly protocol: Protocol;
  readonly direction: Direction;
  readonly source: AddressEntry;
  readonly destination: AddressEntry;
  /** the ports the ruleset accepts between the two and no planned flow covers, ascending */
  readonly ports: readonly number[];
  /** the deciding lines for the first port: what accepted it */
  readonly acceptedBy: readonly string[];
  /** kept by fwplan's own host exports so the admins are not locked out (not counted as a difference) */
  readonly antiLockout: boolean;
}

export interface Unevaluated {
  readonly reason: string;
  readonly probes: number;
  /** one probe it happened to, as text */
  readonly example: string;
}

export interface AuditReport {
  readonly scope: Scope;
  readonly scopeText: string;
  readonly flows: readonly AuditedFlow[];
  readonly counts: Readonly<Record<FlowStatus, number>>;
  readonly beyond: readonly BeyondFlow[];
  /** beyond-the-plan probes whose verdict is unknown, by reason */
  readonly unevaluated: readonly Unevaluated[];
  /** addresses and ordered pairs of them probed, ports per pair, pairs of address classes asked, packets evaluated (planned flows too), probes left out */
  readonly probes: { readonly addresses: number; readonly pairs: number; readonly ports: number; readonly classes: number; readonly packets: number; readonly skipped: number };
  /** assumptions and things the evaluator said it did not evaluate, once each */
  readonly notes: readonly string[];
  /** every planned flow allowed, nothing beyond (anti-lockout aside), nothing left unknown */
  readonly clean: boolean;
}

export interface AuditOptions {
  readonly scope: Scope;
  /** passed to the expansion: site flows expired before it are not planned */
  readonly today?: string;
  /** a rule set already expanded for this plan (with the same today) */
  readonly ruleSet?: RuleSet;
}

export type AuditResult = { readonly ok: true; readonly report: AuditReport } | { readonly ok: false; readonly message: string };

function hostAddress(family: Family, value: bigint): string {
  return makeNetwork(family, value, family === 4 ? 32 : 128).address;
}

/** The ends of a network (one address for a host). */
function endsOf(n: Network): bigint[] {
  return n.start === n.end ? [n.start] : [n.start, n.end];
}

function portsOf(from: number, to: number): number[] {
  if (to - from + 1 <= SPAN_ALL) return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  return [from, to];
}

type Way = { readonly request: Packet['hook']; readonly reply: Packet['hook'] };

function hooksOf(direction: Direction): Way {
  if (direction === 'forward') return { request: 'forward', reply: 'forward' };
  return direction === 'in' ? { request: 'input', reply: 'output' } : { request: 'output', reply: 'input' };
}

function request(family: Family, hook: Packet['hook'], proto: Protocol, src: string, dst: string, dport: number): Packet {
  return { family, hook, proto, src, dst, sport: CLIENT_PORT, dport, state: 'new', notLoopback: true };
}

function reply(family: Family, hook: Packet['hook'], proto: Protocol, src: string, dst: string, dport: number): Packet {
  return { family, hook, proto, src: dst, dst: src, sport: dport, dport: CLIENT_PORT, state: 'established', notLoopback: true };
}

function packetText(p: Packet): string {
  return `${p.state === 'new' ? 'request' : 'reply'} ${p.proto} ${p.src}:${p.sport ?? '?'} -> ${p.dst}:${p.dport ?? '?'} (${p.hook})`;
}

/** Every destination port the loaded rules name (the ends of ranges), for the beyond-the-plan probes. */
export function rulesetPorts(loaded: Loaded): number[] {
  const ports = new Set<number>();
  const fromMatch = (m: Match): void => {
    for (const t of [m.test, ...m.deps]) {
      if (t.kind === 'port' && t.dir !== 'src') {
        for (const r of t.ranges) {
          ports.add(r.lo);
          ports.add(r.hi);
          // the first port past a negated or bounded range is where the answer may change
          if (r.lo > 1) ports.add(r.lo - 1);
          if (r.hi < 65535) ports.add(r.hi + 1);
        }
      }
    }
  };
  const fromSteps = (steps: readonly Step[]): void => {
    for (const s of steps) {
      if (s.kind === 'match') fromMatch(s.match);
      else if (s.kind === 'vmap') for (const e of s.entries) fromMatch(e.match);
    }
  };
  const fromChains = (chains: ReadonlyMap<string, Chain> | undefined): void => {
    for (const c of chains?.values() ?? []) for (const r of c.rules) fromSteps(r.steps);
  };
  fromChains(loaded.iptables?.filter?.chains);
  fromChains(loaded.ip6tables?.filter?.chains);
  for (const t of loaded.nft?.tables ?? []) fromChains(t.chains);
  ports.delete(0);
  return [...ports].filter((p) => p >= 1 && p <= 65535).sort((a, b) => a - b);
}

/** The plan's addresses: nodes, roles, groups and site flows' own entries, once each, per family. */
function planAddresses(ruleSet: RuleSet): AddressEntry[] {
  const out = new Map<string, AddressEntry>();
  const add = (e: AddressEntry | undefined): void => {
    if (e && !out.has(e.network.cidr)) out.set(e.network.cidr, e);
  };
  for (const n of ruleSet.allNodes) {
    add(n.v4);
    add(n.v6);
  }
  for (const list of Object.values(ruleSet.roles)) list.forEach(add);
  for (const g of [...ruleSet.userGroups, ...ruleSet.deviceGroups]) g.entries.forEach(add);
  for (const r of ruleSet.rules) {
    r.source.entries.forEach(add);
    r.destination.entries.forEach(add);
  }
  return [...out.values()];
}

function inside(n: Network, v: bigint): boolean {
  return n.start <= v && v <= n.end;
}

/** Whether some rule of the list lets (src → dst, proto, port) through in this direction. */
function coveredBy(rules: readonly ExpandedRule[], family: Family, proto: Protocol, direction: Direction, src: bigint, dst: bigint, port: number): boolean {
  return rules.some((r) => {
    if (r.family !== family || r.protocol !== proto || r.direction !== direction || port < r.port || port > r.portEnd) return false;
    for (const s of r.source.entries) {
      if (!inside(s.network, src)) continue;
      for (const d of r.destination.entries) if (inside(d.network, dst) && isPair(r, s, d)) return true;
    }
    return false;
  });
}

/**
 * Addresses the loaded rules cannot tell apart: two addresses that every address test of every rule
 * (addresses, ranges, nft sets, ipsets) puts on the same side get the same verdict for the same
 * packet otherwise, so each class is asked once. The class of an address is the list of the tests
 * it passes.
 */
export function addressClasses(loaded: Loaded): (family: Family, value: bigint) => string {
  const tests: Test[] = [];
  const seen = new Set<Test>();
  const fromMatch = (m: Match): void => {
    for (const t of [m.test, ...m.deps]) {
      if ((t.kind === 'addr' || t.kind === 'ipset') && !seen.has(t)) {
        seen.add(t);
        tests.push(t);
      }
    }
  };
  const fromChains = (chains: ReadonlyMap<string, Chain> | undefined): void => {
    for (const c of chains?.values() ?? []) {
      for (const r of c.rules) {
        for (const st of r.steps) {
          if (st.kind === 'match') fromMatch(st.match);
          else if (st.kind === 'vmap') for (const e of st.entries) fromMatch(e.match);
        }
      }
    }
  };
  fromChains(loaded.iptables?.filter?.chains);
  fromChains(loaded.ip6tables?.filter?.chains);
  for (const t of loaded.nft?.tables ?? []) fromChains(t.chains);
  const cache = new Map<string, string>();
  return (family, value) => {
    const key = `${family}|${value}`;
    let sig = cache.get(key);
    if (sig !== undefined) return sig;
    const bits: string[] = [];
    for (const t of tests) {
      if (t.kind === 'addr') {
        if (t.family === family) bits.push(t.ranges.some((r) => r.lo <= value && value <= r.hi) ? '1' : '0');
      } else if (t.kind === 'ipset') {
        const set = loaded.ipsets?.sets.get(t.name);
        bits.push(set && set.unsupported === undefined && set.family === family ? (ipsetContains(set, value) ? '1' : '0') : '-');
      }
    }
    sig = `${family}:${bits.join('')}`;
    cache.set(key, sig);
    return sig;
  };
}

/** evaluate(), asked once per packet shape and pair of address classes. */
function classEvaluator(loaded: Loaded): { ask: (p: Packet) => Evaluation; classOf: (family: Family, value: bigint) => string; asked: () => number } {
  const classOf = addressClasses(loaded);
  const memo = new Map<string, Evaluation>();
  let count = 0;
  const ask = (p: Packet): Evaluation => {
    const src = addressValue(p.src, p.family);
    const dst = addressValue(p.dst, p.family);
    if (src === undefined || dst === undefined) return evaluate(loaded, p);
    const key = `${p.hook}|${p.proto}|${p.state}|${p.sport}|${p.dport}|${classOf(p.family, src)}|${classOf(p.family, dst)}`;
    let e = memo.get(key);
    if (!e) {
      e = evaluate(loaded, p);
      count++;
      memo.set(key, e);
    }
    return e;
  };
  return { ask, classOf, asked: () => count };
}

/** Audit one scope of a plan against the loaded rulesets. */
export function auditPlan(plan: Plan, loaded: Loaded, options: AuditOptions): AuditResult {
  const ruleSet = options.ruleSet ?? expandPlan(plan, options.today !== undefined ? { today: options.today } : {});
  const scoped = applyScope(ruleSet, options.scope);
  if (!scoped.ok) return { ok: false, message: scoped.message };
  const notes = new Set<string>();
  const { ask, classOf, asked } = classEvaluator(loaded);
  const note = (e: Evaluation): void => {
    for (const n of e.notes) notes.add(n);
  };

  // planned flows
  const flows: AuditedFlow[] = [];
  const counts: Record<FlowStatus, number> = { allowed: 0, blocked: 0, unknown: 0 };
  for (const rule of scoped.rules) {
    const way = hooksOf(rule.direction);
    for (const flow of flowsOf([rule])) {
      let blocked: { why: string; trace: readonly string[] } | undefined;
      let unknown: { why: string; trace: readonly string[] } | undefined;
      let packets = 0;
      const s = endsOf(flow.source.network);
      const d = endsOf(flow.destination.network);
      // first with first, last with last: both ends of both sides are asked
      for (let k = 0; k < Math.max(s.length, d.length) && !blocked; k++) {
        const src = s[Math.min(k, s.length - 1)] as bigint;
        const dst = d[Math.min(k, d.length - 1)] as bigint;
        if (src === dst) continue;
        const [a, b] = [hostAddress(flow.family, src), hostAddress(flow.family, dst)];
        for (const port of portsOf(flow.port, flow.portEnd)) {
          const req = request(flow.family, way.request, flow.protocol, a, b, port);
          const asked = [req, reply(flow.family, way.reply, flow.protocol, a, b, port)];
          for (const p of asked) {
            const e = ask(p);
            packets++;
            note(e);
            if (e.verdict === 'drop') {
              blocked = { why: `${packetText(p)}: ${e.reason}`, trace: e.trace };
              break;
            }
            if (e.verdict === 'unknown') {
              unknown ??= { why: `${packetText(p)}: ${e.reason}`, trace: e.trace };
              // a request that is not known to pass says nothing about its reply
              break;
            }
          }
          if (blocked) break;
        }
      }
      const status: FlowStatus = blocked ? 'blocked' : unknown ? 'unknown' : packets === 0 ? 'unknown' : 'allowed';
      const decided = blocked ?? unknown;
      counts[status]++;
      flows.push({
        flow,
        direction: rule.direction,
        status,
        packets,
        ...(decided ? { why: decided.why, trace: decided.trace } : packets === 0 ? { why: 'source and destination are the same address: no packet between them can be asked' } : {}),
      });
    }
  }

  // beyond the plan
  const kept = scoped.node ? antiLockout(plan, ruleSet, scoped.node, scoped.rules).rules : [];
  const keptRules: ExpandedRule[] = kept.map((r) => ({ ...r, direction: 'in' }));
  const catalogPorts = new Map<Protocol, Set<number>>([['tcp', new Set()], ['udp', new Set()]]);
  for (const row of SENHASEGURA_CATALOG) {
    const span = effectivePort(plan, row);
    for (const p of [row.port, ...portsOf(span.from, span.to)]) catalogPorts.get(row.protocol)?.add(p);
  }
  for (const r of scoped.rules) for (const p of portsOf(r.port, r.portEnd)) catalogPorts.get(r.protocol)?.add(p);
  for (const p of rulesetPorts(loaded)) {
    catalogPorts.get('tcp')?.add(p);
    catalogPorts.get('udp')?.add(p);
  }
  const probePorts: [Protocol, number][] = (['tcp', 'udp'] as const).flatMap((proto) => [...(catalogPorts.get(proto) ?? [])].sort((a, b) => a - b).map((p): [Protocol, number] => [proto, p]));

  const addresses = planAddresses(ruleSet);
  const pairsList: { source: AddressEntry; destination: AddressEntry; direction: Direction }[] = [];
  if (scoped.node) {
    for (const family of nodeFamilies(scoped.node)) {
      const self = family === 4 ? scoped.node.v4 : scoped.node.v6;
      if (!self) continue;
      for (const other of addresses) {
        if (other.network.family !== family || other.network.cidr === self.network.cidr) continue;
        pairsList.push({ source: other, destination: self, direction: 'in' });
        pairsList.push({ source: self, destination: other, direction: 'out' });
      }
    }
  } else {
    for (const a of addresses) {
      for (const b of addresses) {
        if (a !== b && a.network.family === b.network.family) pairsList.push({ source: a, destination: b, direction: 'forward' });
      }
    }
  }

  // pairs whose ends the loaded rules cannot tell apart are asked once, on their first pair
  const groups = new Map<string, typeof pairsList>();
  for (const pair of pairsList) {
    const family = pair.source.network.family;
    if (pair.source.network.start === pair.destination.network.start) continue;
    const key = `${pair.direction}|${classOf(family, pair.source.network.start)}|${classOf(family, pair.destination.network.start)}`;
    const g = groups.get(key);
    if (g) g.push(pair);
    else groups.set(key, [pair]);
  }
  const beyond: BeyondFlow[] = [];
  const unevaluated = new Map<string, { probes: number; example: string }>();
  let probed = 0;
  let skipped = 0;
  const open = new Map<typeof pairsList[number], Map<string, BeyondFlow & { ports: number[] }>>();
  for (const group of groups.values()) {
    const first = group[0] as (typeof pairsList)[number];
    const family = first.source.network.family;
    const a = hostAddress(family, first.source.network.start);
    const b = hostAddress(family, first.destination.network.start);
    const hook = hooksOf(first.direction).request;
    // asked first with no destination port: a verdict that never needed the port holds for every port
    const whole = new Map<Protocol, Evaluation>();
    for (const proto of ['tcp', 'udp'] as const) {
      const { dport: _, ...anyPort } = request(family, hook, proto, a, b, 0);
      const e = ask(anyPort);
      if (e.verdict !== 'unknown') whole.set(proto, e);
    }
    for (const [proto, port] of probePorts) {
      const p = request(family, hook, proto, a, b, port);
      let e = whole.get(proto);
      if (e === undefined) {
        if (probed >= MAX_PROBES) {
          skipped += group.length;
          continue;
        }
        probed++;
        e = ask(p);
      }
      if (e.verdict === 'drop') continue;
      for (const pair of group) {
        const src = pair.source.network.start;
        const dst = pair.destination.network.start;
        if (coveredBy(scoped.rules, family, proto, pair.direction, src, dst, port)) continue;
        note(e);
        if (e.verdict === 'unknown') {
          const u = unevaluated.get(e.reason);
          if (u) u.probes++;
          else unevaluated.set(e.reason, { probes: 1, example: packetText({ ...p, src: hostAddress(family, src), dst: hostAddress(family, dst) }) });
          continue;
        }
        // one line per pair and protocol, anti-lockout ports apart
        const lockout = coveredBy(keptRules, family, proto, pair.direction, src, dst, port);
        let lines = open.get(pair);
        if (!lines) {
          lines = new Map();
          open.set(pair, lines);
        }
        const key = `${proto}|${lockout}`;
        const got = lines.get(key);
        if (got) got.ports.push(port);
        else lines.set(key, { family, protocol: proto, direction: pair.direction, source: pair.source, destination: pair.destination, ports: [port], acceptedBy: e.trace, antiLockout: lockout });
      }
    }
  }
  // in the order of the pairs, whatever the grouping
  for (const pair of pairsList) beyond.push(...(open.get(pair)?.values() ?? []));
  if (skipped > 0) notes.add(`beyond the plan: ${skipped} probes past the limit of ${MAX_PROBES} were not asked`);
  if (pairsList.some((p) => p.source.network.start !== p.source.network.end || p.destination.network.start !== p.destination.network.end)) {
    notes.add('beyond the plan: a network of the plan is probed at its first address');
  }
  const unevaluatedList = [...unevaluated].map(([reason, u]) => ({ reason, probes: u.probes, example: u.example }));
  const counted = beyond.filter((b) => !b.antiLockout);
  return {
    ok: true,
    report: {
      scope: options.scope,
      scopeText: options.scope.kind === 'gateway' ? 'gateway' : `host:${options.scope.node}`,
      flows,
      counts,
      beyond,
      unevaluated: unevaluatedList,
      probes: { addresses: addresses.length, pairs: pairsList.length, ports: probePorts.length, classes: groups.size, packets: asked(), skipped },
      notes: [...notes].sort(),
      clean: counts.blocked === 0 && counts.unknown === 0 && counted.length === 0 && unevaluatedList.length === 0 && skipped === 0,
    },
  };
}


/** Who an address of the plan is: "node vault-01", "USERW Administrators", "NTP", "flow backup-sync source". */
export function ownerName(e: AddressEntry): string {
  const o = e.owner;
  switch (o.kind) {
    case 'node':
      return `node ${o.node}`;
    case 'group':
      return `${o.role} ${o.group}`;
    case 'role':
      return o.role;
    case 'flow':
      return `flow ${o.flow} ${o.side}`;
  }
}

/** An address as the plan writes it, with its label. */
export function entryText(e: AddressEntry): string {
  return e.label ? `${e.written} (${e.label})` : e.written;
}

/** A port list as ranges: 22, 80-82, 443. */
export function portsText(ports: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < ports.length; ) {
    let j = i;
    while (j + 1 < ports.length && (ports[j + 1] as number) === (ports[j] as number) + 1) j++;
    out.push(j === i ? String(ports[i]) : `${ports[i]}-${ports[j]}`);
    i = j + 1;
  }
  return out.join(', ');
}

/** The report as plain JSON data, the same for the command line and the web page's download. */
export function auditJson(report: AuditReport, sources: readonly { readonly name: string; readonly kind: string }[] = []): unknown {
  return {
    scope: report.scopeText,
    against: sources.map((s) => ({ file: s.name, kind: s.kind })),
    clean: report.clean,
    planned: report.counts,
    flows: report.flows.map((f) => ({
      status: f.status,
      ruleId: f.flow.ruleId,
      direction: f.direction,
      family: f.flow.family,
      protocol: f.flow.protocol,
      port: f.flow.port,
      ...(f.flow.portEnd !== f.flow.port ? { portEnd: f.flow.portEnd } : {}),
      source: f.flow.source.written,
      sourceName: f.flow.sourceName,
      destination: f.flow.destination.written,
      destinationName: f.flow.destinationName,
      packets: f.packets,
      ...(f.why !== undefined ? { why: f.why } : {}),
      ...(f.status !== 'allowed' && f.trace && f.trace.length > 0 ? { trace: f.trace } : {}),
    })),
    beyond: report.beyond.map((b) => ({
      direction: b.direction,
      family: b.family,
      protocol: b.protocol,
      ports: b.ports,
      source: b.source.written,
      sourceName: ownerName(b.source),
      destination: b.destination.written,
      destinationName: ownerName(b.destination),
      acceptedBy: b.acceptedBy,
      ...(b.antiLockout ? { antiLockout: true } : {}),
    })),
    unevaluated: report.unevaluated,
    probes: report.probes,
    notes: report.notes,
  };
}
