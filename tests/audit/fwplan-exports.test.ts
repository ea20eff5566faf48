/**
 * The audit evaluator agrees with fwplan's own exports as a kernel holds them: every fixture plan,
 * exported with --default-drop for the gateway and for a node (iptables + ip6tables, the same with
 * --ipset after the ipset export, nftables), loaded into a network namespace, read back with the
 * real tools and evaluated (no packets: the plans' addresses are not on any test link).
 *
 * The oracle is the plan's expansion cut to the scope (plus the anti-lockout rules a node export
 * keeps): every (source address, destination address, port) of every rule must be accepted — and
 * its reply too —, the reversed flow dropped unless some rule allows it, and a seeded sample of
 * flows near the rules (another port, the other protocol, another address of the plan) accepted
 * exactly when a rule allows them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { evaluate, type Evaluation, type Loaded, type Packet } from '../../src/engine/audit/index.ts';
import { makeNetwork } from '../../src/engine/net/address.ts';
import { antiLockout } from '../../src/engine/export.ts';
import { parsePlanText } from '../../src/engine/schema.ts';
import {
  applyScope,
  expandPlan,
  exportPlan,
  pairs,
  parseAddress,
  type AddressEntry,
  type ExpandedRule,
  type Network,
  type Plan,
  type RenderOptions,
  type Scope,
} from '../../src/engine/index.ts';
import { loadExport, resetFirewall, type LoadFormat } from '../enforcement/firewall.ts';
import { gatedDescribe } from '../enforcement/gate.ts';
import { Lab } from '../enforcement/netns.ts';
import { enforcementGate } from '../enforcement/suite.ts';
import { parseReadBack, readBack } from './readback.ts';

const PLANS = new URL('../fixtures/plans/', import.meta.url);
const SEED = 7411;
const RANDOM_FLOWS = 400;

type Fam = 4 | 6;

interface Flow {
  readonly family: Fam;
  readonly proto: 'tcp' | 'udp';
  readonly src: string;
  readonly dst: string;
  readonly dport: number;
  /** gateway: forward; node: in (to the node) or out (from it) */
  readonly direction: 'forward' | 'in' | 'out';
}

function loadPlan(file: string): Plan {
  const parsed = parsePlanText(readFileSync(new URL(file, PLANS), 'utf8'));
  if (!parsed.ok) throw new Error(`${file}: ${parsed.errors.map((e) => e.message).join('; ')}`);
  return parsed.plan;
}

/** The node scope of a plan: its first PRD node, as `fwplan export --scope host:NAME` takes it. */
function nodeScope(plan: Plan): Scope {
  const node = expandPlan(plan).nodes.find((n) => n.role === 'PRD');
  if (!node) throw new Error('no PRD node');
  return { kind: 'host', node: node.name };
}

/** Three addresses of a network (first, middle, last), as text. */
function addressesOf(n: Network): string[] {
  const full = n.family === 4 ? 32 : 128;
  const values = [...new Set([n.start, n.start + (n.end - n.start) / 2n, n.end])];
  return values.map((v) => makeNetwork(n.family, v, full).address);
}

function valueOf(address: string): bigint {
  const p = parseAddress(address);
  if (!p.ok) throw new Error(`${address}: ${p.reason}`);
  return p.network.start;
}

function holds(n: Network, value: bigint): boolean {
  return n.start <= value && value <= n.end;
}

/** The rules a scope's export enforces: the plan's, cut to the scope, and on a node with --default-drop the anti-lockout ones. */
function enforced(plan: Plan, scope: Scope): ExpandedRule[] {
  const ruleSet = expandPlan(plan);
  const scoped = applyScope(ruleSet, scope);
  if (!scoped.ok) throw new Error(scoped.message);
  return scoped.node ? [...antiLockout(plan, ruleSet, scoped.node, scoped.rules).rules, ...scoped.rules] : [...scoped.rules];
}

const pairsOf = new WeakMap<ExpandedRule, [AddressEntry, AddressEntry][]>();

function allowedBy(rules: readonly ExpandedRule[], f: Flow): boolean {
  let src: bigint | undefined;
  let dst: bigint | undefined;
  return rules.some((r) => {
    if (r.family !== f.family || r.protocol !== f.proto || f.dport < r.port || f.dport > r.portEnd || r.direction !== f.direction) return false;
    let list = pairsOf.get(r);
    if (!list) {
      list = [...pairs(r)];
      pairsOf.set(r, list);
    }
    src ??= valueOf(f.src);
    dst ??= valueOf(f.dst);
    const [a, b] = [src, dst];
    return list.some(([s, d]) => holds(s.network, a) && holds(d.network, b));
  });
}

function packets(f: Flow): { request: Packet; reply: Packet } {
  const base = { family: f.family, proto: f.proto } as const;
  if (f.direction === 'forward') {
    return {
      request: { ...base, hook: 'forward', src: f.src, dst: f.dst, sport: 40000, dport: f.dport, state: 'new', iif: 'eth0', oif: 'eth1' },
      reply: { ...base, hook: 'forward', src: f.dst, dst: f.src, sport: f.dport, dport: 40000, state: 'established', iif: 'eth1', oif: 'eth0' },
    };
  }
  const inbound = f.direction === 'in';
  return {
    request: { ...base, hook: inbound ? 'input' : 'output', src: f.src, dst: f.dst, sport: 40000, dport: f.dport, state: 'new', ...(inbound ? { iif: 'eth0' } : { oif: 'eth0' }) },
    reply: { ...base, hook: inbound ? 'output' : 'input', src: f.dst, dst: f.src, sport: f.dport, dport: 40000, state: 'established', ...(inbound ? { oif: 'eth0' } : { iif: 'eth0' }) },
  };
}

function describeFlow(f: Flow): string {
  return `${f.direction} IPv${f.family} ${f.proto} ${f.src} -> ${f.dst}:${f.dport}`;
}

/** The exports a format loads: rules for each family, and the ipset companion for the +ipset formats. */
function exportsFor(plan: Plan, scope: Scope, format: 'iptables' | 'iptables+ipset' | 'nftables'): { format: LoadFormat; rules: string; ipset?: string }[] {
  const options: RenderOptions = { scope, defaultDrop: true, ...(format === 'iptables+ipset' ? { ipset: true } : {}) };
  const text = (f: 'iptables' | 'ip6tables' | 'nftables' | 'ipset', o: RenderOptions = options): string => {
    const r = exportPlan(plan, f, o);
    if (!r.ok) throw new Error(`export ${f}: ${r.message}`);
    return r.text;
  };
  if (format === 'nftables') return [{ format: 'nftables', rules: text('nftables') }];
  if (format === 'iptables') return [{ format: 'iptables', rules: text('iptables') }, { format: 'ip6tables', rules: text('ip6tables') }];
  const sets = text('ipset', { scope, defaultDrop: true });
  return [
    { format: 'iptables+ipset', rules: text('iptables'), ipset: sets },
    // the sets are loaded once, with the first
    { format: 'ip6tables', rules: text('ip6tables') },
  ];
}

gatedDescribe('audit: the evaluator agrees with the kernel on fwplan exports', enforcementGate(['iptables-save', 'ip6tables-save']), () => {
  let lab: Lab | undefined;
  const totals = { planned: 0, reversed: 0, sampled: 0, sampledAccepted: 0 };
  const started = Date.now();
  beforeAll(async () => {
    lab = await Lab.create('audexp', []);
  }, 60_000);
  afterAll(async () => {
    console.log(`[audit] fwplan exports: ${totals.planned} planned flows (and replies), ${totals.reversed} reversed, ${totals.sampled} sampled (${totals.sampledAccepted} of them planned), ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await lab?.destroyChecked();
  }, 60_000);

  const files = readdirSync(PLANS).filter((f) => f.endsWith('.json')).sort();
  for (const file of files) {
    const plan = loadPlan(file);
    for (const scope of [{ kind: 'gateway' } as Scope, nodeScope(plan)]) {
      for (const format of ['iptables', 'iptables+ipset', 'nftables'] as const) {
        const title = `${file}, ${scope.kind === 'gateway' ? 'gateway' : `host:${scope.node}`}, ${format} --default-drop`;
        it(`${title}: planned flows and their replies accepted, reversed flows dropped, sampled flows as planned`, async () => {
          if (!lab) throw new Error('the namespace was not made (see the beforeAll error)');
          await resetFirewall(lab, 'router');
          let loaded: Loaded;
          try {
            for (const e of exportsFor(plan, scope, format)) await loadExport(lab, 'router', e.format, { rules: e.rules, ...(e.ipset ? { ipset: e.ipset } : {}) });
            loaded = parseReadBack(await readBack(lab, 'router'));
          } finally {
            await resetFirewall(lab, 'router');
          }
          const rules = enforced(plan, scope);
          const wrong: string[] = [];
          const check = (f: Flow, expected: boolean, why: string): void => {
            const { request, reply } = packets(f);
            const req = evaluate(loaded, request);
            const rep = evaluate(loaded, reply);
            const ok = (e: Evaluation): boolean => e.verdict === (expected ? 'accept' : 'drop');
            if (!ok(req) || (expected && rep.verdict !== 'accept')) {
              wrong.push(`${why}: ${describeFlow(f)}: expected ${expected ? 'accept' : 'drop'}, got ${req.verdict} (${req.reason})${expected ? `, reply ${rep.verdict} (${rep.reason})` : ''}`);
            }
          };

          // every pair of every rule, in both directions
          let planned = 0;
          let reversed = 0;
          for (const r of rules) {
            for (const [s, d] of pairs(r)) {
              const srcs = addressesOf(s.network);
              const dsts = addressesOf(d.network);
              for (let k = 0; k < Math.max(srcs.length, dsts.length); k++) {
                const src = srcs[Math.min(k, srcs.length - 1)] as string;
                const dst = dsts[Math.min(k, dsts.length - 1)] as string;
                if (src === dst) continue;
                const f: Flow = { family: r.family, proto: r.protocol, src, dst, dport: r.port, direction: r.direction };
                check(f, true, r.key);
                planned++;
                const back: Flow = { ...f, src: dst, dst: src, direction: r.direction === 'in' ? 'out' : r.direction === 'out' ? 'in' : 'forward' };
                check(back, allowedBy(rules, back), `reverse of ${r.key}`);
                reversed++;
              }
            }
          }

          // a seeded sample of flows near the rules: a rule's flow with its port, protocol, source or
          // destination changed (or not), and the plan says whether it is allowed
          const ruleSet = expandPlan(plan);
          const sample = fc.sample(
            fc.record({
              rule: fc.nat(),
              port: fc.constantFrom('same', 'same', 'minus', 'plus', 'other'),
              otherPort: fc.integer({ min: 1, max: 65535 }),
              flipProto: fc.integer({ min: 0, max: 3 }),
              src: fc.constantFrom('same', 'same', 'any'),
              dst: fc.constantFrom('same', 'same', 'any'),
              any: fc.nat(),
              pick: fc.nat(2),
            }),
            { seed: SEED, numRuns: RANDOM_FLOWS },
          );
          let sampled = 0;
          for (const x of sample) {
            const r = rules[x.rule % rules.length] as ExpandedRule;
            const family = r.family;
            const others = ruleSet.rules.flatMap((q) => [...q.source.entries, ...q.destination.entries]).filter((e) => e.network.family === family);
            const addressOf = (entries: readonly AddressEntry[], k: number): string => {
              const e = entries[k % entries.length] as AddressEntry;
              const list = addressesOf(e.network);
              return list[x.pick % list.length] as string;
            };
            // a node scope: the node's side stays the node
            const src = x.src === 'any' && r.direction !== 'out' ? addressOf(others, x.any) : addressOf(r.source.entries, x.any);
            const dst = x.dst === 'any' && r.direction !== 'in' ? addressOf(others, x.any + 1) : addressOf(r.destination.entries, x.any + 1);
            if (src === dst) continue;
            const dport = x.port === 'same' ? r.port : x.port === 'minus' ? Math.max(1, r.port - 1) : x.port === 'plus' ? Math.min(65535, r.port + 1) : x.otherPort;
            const proto = x.flipProto === 0 ? (r.protocol === 'tcp' ? 'udp' : 'tcp') : r.protocol;
            const f: Flow = { family, proto, src, dst, dport, direction: r.direction };
            const expected = allowedBy(rules, f);
            check(f, expected, 'sampled');
            sampled++;
            if (expected) totals.sampledAccepted++;
          }

          totals.planned += planned;
          totals.reversed += reversed;
          totals.sampled += sampled;
          expect(wrong, `${wrong.length} flow(s) wrong:\n${wrong.slice(0, 30).join('\n')}`).toEqual([]);
          expect(planned).toBeGreaterThan(0);
          expect(reversed).toBe(planned);
          expect(sampled).toBeGreaterThan(RANDOM_FLOWS / 3);
        }, 120_000);
      }
    }
  }
});
