/**
 * The harness every enforcement test file uses: build a topology, start its listeners, load one
 * export per round (into the router for gateway scope, into a node for host scope, always with
 * --default-drop), send the packets and report what went wrong.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, expect } from 'vitest';
import { expandPlan, exportPlan, nodeFamilies, parseScope, type Plan, type PlanNodeRef, type RenderOptions } from '../../src/engine/index.ts';
import { deltaExport } from '../../src/engine/delta.ts';
import { parsePlan } from '../../src/engine/schema.ts';
import { gatedIt, rootAndTools, tools, type Gate } from './gate.ts';
import { listFirewall, loadExport, machineFirewallConfig, resetFirewall, type LoadFormat, type Loadable, type Unload } from './firewall.ts';
import { antiLockoutFlows, flowKey, flowsFor, flowUniverse, type Flow, type FlowUniverse } from './flows.ts';
import { Lab, NS_PREFIX, type Family, type HostAddress } from './netns.ts';
import { Agents, checkFlows, formatFailures, type Failure } from './probe.ts';
import { planInput, type Topology } from './topologies.ts';

/** Root, the tools, and namespaces that can be made: checked once, synchronously, at collection. */
export function enforcementGate(extra: readonly string[] = []): Gate {
  const base = rootAndTools(['ip', 'nft', 'iptables-restore', 'ip6tables-restore', 'ipset', 'unshare', 'sh', ...extra]);
  if (!base.ok) return base;
  const name = `${NS_PREFIX}gate`;
  const add = spawnSync('ip', ['netns', 'add', name], { encoding: 'utf8' });
  if (add.status !== 0) return { ok: false, reason: `cannot create a network namespace: ${(add.stderr ?? '').trim()}` };
  spawnSync('ip', ['netns', 'delete', name]);
  return { ok: true };
}

export function planOf(t: Topology): Plan {
  const parsed = parsePlan(planInput(t));
  if (!parsed.ok) throw new Error(`test plan ${t.name} is invalid: ${parsed.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  return parsed.plan;
}

export type ScopeChoice = { readonly kind: 'gateway' } | { readonly kind: 'host'; readonly host: string; readonly family: Family };

export interface RoundResult {
  readonly failures: Failure[];
  /** how many flows were probed, and how many of them had to pass */
  readonly probed: number;
  readonly mustPass: number;
}

/** A delta round: OLD's export loaded, the delta to this lab's plan applied, and NEW's export loaded alone for comparison. */
export interface DeltaRoundResult extends RoundResult {
  /** what the firewall held after OLD's export and the delta, and after NEW's export alone (listFirewall) */
  readonly afterDelta: string;
  readonly fresh: string;
  /** rules the delta added and removed */
  readonly added: number;
  readonly removed: number;
}

export interface RoundOptions {
  /** change the export (deltaRound: the delta) text before loading it (to prove the checker catches a broken renderer) */
  readonly mutate?: (text: string) => string;
}

const FAMILIES: Record<LoadFormat, readonly Family[]> = {
  iptables: [4],
  ip6tables: [6],
  'iptables+ipset': [4],
  'ip6tables+ipset': [6],
  nftables: [4, 6],
  ufw: [4, 6],
  firewalld: [4, 6],
};

export class EnforcementLab {
  private constructor(
    readonly topology: Topology,
    readonly lab: Lab,
    readonly plan: Plan,
    readonly universe: FlowUniverse,
    readonly agents: Agents,
  ) {}

  /**
   * Build the lab of a topology and start its agents. `extra` flows are probed too and must be
   * dropped (a delta test passes the flows only the old plan allowed).
   */
  static async create(topology: Topology, extra: readonly Flow[] = []): Promise<EnforcementLab> {
    const plan = planOf(topology);
    const own = flowUniverse(plan, topology.hosts, topology.groups);
    const seen = new Set([...own.planned, ...own.negatives].map(flowKey));
    const more = extra.filter((f) => !seen.has(flowKey(f)) && !own.allowed.has(flowKey(f)) && seen.add(flowKey(f)));
    const universe: FlowUniverse = { ...own, negatives: [...own.negatives, ...more] };
    const lab = await Lab.create(topology.name, topology.hosts);
    try {
      const agents = await Agents.start(lab, [...universe.planned, ...universe.negatives]);
      const built = new EnforcementLab(topology, lab, plan, universe, agents);
      // without a firewall every probe — also those that must be dropped later — has to get
      // through: otherwise a "dropped" would not prove that the firewall dropped it
      const baseline = await checkFlows(agents, [...universe.planned, ...universe.negatives], () => true);
      if (baseline.length > 0) throw new Error(`lab ${topology.name}: without any firewall, ${formatFailures(baseline)}`);
      return built;
    } catch (e) {
      await lab.destroy();
      throw e;
    }
  }

  allowed = (f: Flow): boolean => this.universe.allowed.has(flowKey(f));

  /**
   * The plan node a host scope protects: the node one of the lab host's addresses belongs to (a
   * machine written as two single-family nodes is protected as the node of that family), with the
   * lab addresses the node has in the plan, and the lab host's other family if the node lacks it.
   */
  node(scope: ScopeChoice): { plan: PlanNodeRef; addresses: HostAddress[]; open: HostAddress[] } | undefined {
    if (scope.kind === 'gateway') return undefined;
    const h = this.lab.host(scope.host);
    const address = scope.family === 4 ? h.v4?.address : h.v6?.address;
    if (address === undefined) throw new Error(`${scope.host} has no IPv${scope.family} address`);
    const ruleSet = expandPlan(this.plan);
    const parsed = parseScope(ruleSet, `host:${address}`);
    if (!parsed.ok || parsed.scope.kind !== 'host') throw new Error(`${scope.host}: ${parsed.ok ? 'not a host' : parsed.message}`);
    const name = parsed.scope.node;
    const plan = ruleSet.nodes.find((n) => n.name === name) as PlanNodeRef;
    const families = nodeFamilies(plan);
    const mine = (['v4', 'v6'] as const).flatMap((k) => (h[k] ? [{ host: h.id, family: (k === 'v4' ? 4 : 6) as Family, address: h[k].address }] : []));
    return { plan, addresses: mine.filter((a) => families.includes(a.family)), open: mine.filter((a) => !families.includes(a.family)) };
  }

  /** The export options of a round: the scope's node (by name), and --default-drop unless said otherwise. */
  private optionsFor(scope: ScopeChoice, defaultDrop = true): RenderOptions {
    const node = this.node(scope);
    return { scope: node ? { kind: 'host', node: node.plan.name } : { kind: 'gateway' }, defaultDrop };
  }

  /** The export of this lab's plan (or another plan) in a format and scope, with --default-drop (and its ipset companion). */
  exportFor(format: LoadFormat, scope: ScopeChoice, plan: Plan = this.plan, defaultDrop = true): Loadable {
    const options = this.optionsFor(scope, defaultDrop);
    const text = (f: 'iptables' | 'ip6tables' | 'nftables' | 'ufw' | 'firewalld' | 'ipset', opts: RenderOptions): string => {
      const result = exportPlan(plan, f, opts);
      if (!result.ok) throw new Error(`export ${f}: ${result.message}`);
      return result.text;
    };
    if (format === 'iptables+ipset' || format === 'ip6tables+ipset') {
      const base = format === 'iptables+ipset' ? 'iptables' : 'ip6tables';
      return { rules: text(base, { ...options, ipset: true }), ipset: text('ipset', options) };
    }
    return { rules: text(format, options) };
  }

  /** `fwplan delta` from another plan to this lab's plan (with its ipset delta for the +ipset formats). */
  deltaFor(format: LoadFormat, scope: ScopeChoice, oldPlan: Plan, defaultDrop = true): Loadable & { added: number; removed: number } {
    const options = this.optionsFor(scope, defaultDrop);
    const base = format.replace('+ipset', '') as 'iptables' | 'ip6tables' | 'nftables' | 'ufw' | 'firewalld';
    const withSets = format.endsWith('+ipset');
    const rules = deltaExport(oldPlan, this.plan, base, { ...options, ipset: withSets });
    if (!rules.ok) throw new Error(`delta ${format}: ${rules.message}`);
    if (!withSets) return { rules: rules.text, added: rules.added, removed: rules.removed };
    const sets = deltaExport(oldPlan, this.plan, 'ipset', options);
    if (!sets.ok) throw new Error(`delta ipset: ${sets.message}`);
    return { rules: rules.text, ipset: sets.text, afterwards: sets.afterwards, added: rules.added, removed: rules.removed };
  }

  /**
   * What a firewall in this scope must let through: the planned flows, and on a node with
   * --default-drop the anti-lockout flows (the admin shell from ADMINW) as well.
   */
  allowedIn(scope: ScopeChoice): (f: Flow) => boolean {
    const node = this.node(scope);
    if (node === undefined) return this.allowed;
    const kept = new Set(antiLockoutFlows(this.plan, this.topology.hosts, node.addresses).map(flowKey));
    return (f) => this.allowed(f) || kept.has(flowKey(f));
  }

  /**
   * The flows a round probes: the firewall's families, and in host scope the node's flows only.
   * A family the node lacks in the plan (left open by the export, never dropped) is probed for its
   * planned flows only: they must still pass.
   */
  flows(format: LoadFormat, scope: ScopeChoice): Flow[] {
    const node = this.node(scope);
    if (node === undefined) return flowsFor(this.universe, FAMILIES[format]);
    const families = FAMILIES[format].filter((f) => node.addresses.some((a) => a.family === f));
    const flows = flowsFor(this.universe, families, node.addresses);
    const seen = new Set(flows.map(flowKey));
    const openFamilies = FAMILIES[format].filter((f) => node.open.some((a) => a.family === f));
    const open = flowsFor(this.universe, openFamilies, node.open).filter((f) => this.allowed(f));
    return [...flows, ...open, ...antiLockoutFlows(this.plan, this.topology.hosts, node.addresses).filter((f) => !seen.has(flowKey(f)))];
  }

  /** Load the export where it belongs, probe, wipe the firewall again (also when probing fails). */
  async round(format: LoadFormat, scope: ScopeChoice, options: RoundOptions = {}): Promise<RoundResult> {
    const where = scope.kind === 'gateway' ? 'router' : scope.host;
    const load = this.exportFor(format, scope);
    const flows = this.flows(format, scope);
    const allowed = this.allowedIn(scope);
    await resetFirewall(this.lab, where);
    const before = await machineFirewallConfig();
    let unload: Unload | undefined;
    let failures: Failure[];
    try {
      unload = await loadExport(this.lab, where, format, options.mutate ? { ...load, rules: options.mutate(load.rules) } : load);
      failures = await checkFlows(this.agents, flows, allowed);
    } finally {
      await unload?.();
      await resetFirewall(this.lab, where);
    }
    // the machine's own ufw and firewalld configuration is never touched
    if ((await machineFirewallConfig()) !== before) {
      throw new Error(`${format}: the machine's /etc/ufw, /etc/default/ufw or /etc/firewalld changed during the round`);
    }
    return { failures, probed: flows.length, mustPass: flows.filter(allowed).length };
  }

  /**
   * The delta proof: load OLD's export, apply the delta to this lab's plan, probe (with
   * --default-drop: every flow must behave as this lab's plan says — its planned flows pass, the
   * old plan's flows it dropped and its own negatives are dropped), list what the firewall holds;
   * then wipe, load NEW's export alone and list that too.
   */
  async deltaRound(format: LoadFormat, scope: ScopeChoice, oldPlan: Plan, defaultDrop = true, options: RoundOptions = {}): Promise<DeltaRoundResult> {
    const where = scope.kind === 'gateway' ? 'router' : scope.host;
    const old = this.exportFor(format, scope, oldPlan, defaultDrop);
    const fresh = this.exportFor(format, scope, this.plan, defaultDrop);
    const made = this.deltaFor(format, scope, oldPlan, defaultDrop);
    const delta = options.mutate ? { ...made, rules: options.mutate(made.rules) } : made;
    const flows = defaultDrop ? this.flows(format, scope) : [];
    const allowed = this.allowedIn(scope);
    const before = await machineFirewallConfig();
    const loaded = async (load: Loadable, deltas: Loadable[], probe: boolean): Promise<{ listing: string; failures: Failure[] }> => {
      await resetFirewall(this.lab, where);
      let unload: Unload | undefined;
      try {
        unload = await loadExport(this.lab, where, format, load, deltas);
        const failures = probe ? await checkFlows(this.agents, flows, allowed) : [];
        return { listing: await listFirewall(this.lab, where, format), failures };
      } finally {
        await unload?.();
        await resetFirewall(this.lab, where);
      }
    };
    const afterDelta = await loaded(old, [delta], defaultDrop);
    const alone = await loaded(fresh, [], false);
    if ((await machineFirewallConfig()) !== before) {
      throw new Error(`${format}: the machine's /etc/ufw, /etc/default/ufw or /etc/firewalld changed during the round`);
    }
    return {
      failures: afterDelta.failures,
      probed: flows.length,
      mustPass: flows.filter(allowed).length,
      afterDelta: afterDelta.listing,
      fresh: alone.listing,
      added: delta.added,
      removed: delta.removed,
    };
  }

  async destroy(): Promise<void> {
    await this.lab.destroyChecked();
  }
}

/**
 * beforeAll/afterAll for one topology inside a describe(): the getter returns the lab once built
 * (and checked: without a firewall every probe gets through). The lab is destroyed after the last
 * test, whether the tests passed or not, and no namespace of it may be left.
 */
export function useEnforcementLab(topology: Topology, extra: () => readonly Flow[] = () => []): () => EnforcementLab {
  let lab: EnforcementLab | undefined;
  beforeAll(async () => {
    lab = await EnforcementLab.create(topology, extra());
  }, 60_000);
  afterAll(async () => {
    await lab?.destroy();
  }, 60_000);
  return () => {
    if (!lab) throw new Error(`lab ${topology.name} was not built (see the beforeAll error)`);
    return lab;
  };
}

export interface RoundSpec {
  readonly format: LoadFormat;
  readonly scope: ScopeChoice;
  /** at least this many flows must have had to pass (guards against a vacuous round) */
  readonly minPass: number;
}

/** Programs a format needs beyond the suite's own gate. */
const NEEDS: Partial<Record<LoadFormat, readonly string[]>> = {
  ufw: ['ufw', 'bash'],
  firewalld: ['firewalld', 'firewall-cmd', 'dbus-daemon', 'bash'],
};

/** Slow formats: a script of many real tool calls. */
const TIMEOUT_MS: Partial<Record<LoadFormat, number>> = { ufw: 120_000, firewalld: 240_000 };

export function scopeTitle(scope: ScopeChoice): string {
  return scope.kind === 'gateway' ? 'gateway scope, loaded on the router' : `host scope, loaded on ${scope.host} (its IPv${scope.family} address)`;
}

/** One test per round: load, probe, and every flow must behave as planned. */
export function defineRounds(lab: () => EnforcementLab, rounds: readonly RoundSpec[]): void {
  for (const spec of rounds) {
    gatedIt(
      `${spec.format}, ${scopeTitle(spec.scope)}: every planned flow passes, the sample of other flows is dropped`,
      tools(NEEDS[spec.format] ?? []),
      async () => {
        const r = await lab().round(spec.format, spec.scope);
        expect(r.failures, formatFailures(r.failures)).toEqual([]);
        expect(r.mustPass).toBeGreaterThanOrEqual(spec.minPass);
      },
      TIMEOUT_MS[spec.format],
    );
  }
}
