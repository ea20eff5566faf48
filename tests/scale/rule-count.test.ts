import { describe, expect, it } from 'vitest';
import { expandPlan, exportPlan, type FormatId, type Plan, type RuleSet, type Scope } from '../../src/engine/index.ts';
import { parsePlan } from '../../src/engine/schema.ts';
import { countRules } from '../../bench/count.ts';
import { benchPlan, type AddressMix } from '../../bench/plans.ts';

/**
 * How the size of an export grows with the number of addresses, counted from the export text
 * (each renderer's countRules): nftables matches roles through named sets, so its rule count must not move;
 * iptables jumps to per-role address chains, so it may grow by at most one rule per address.
 * Counts only, never time.
 */

/**
 * DVC sizes; USERW is a tenth. Spread addresses: aggregation cannot shrink them. The smallest
 * size already has both families in every large role and more address pairs than a renderer
 * writes out one by one, so what is compared is growth, not a change of layout.
 */
const SIZES = [400, 800, 1_600, 3_200] as const;

function plan(dvc: number, nodes: number, mix: AddressMix): { plan: Plan; ruleSet: RuleSet; addresses: number } {
  const parsed = parsePlan(benchPlan({ dvc, userw: Math.round(dvc / 10), nodes, mix }));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors.slice(0, 3)));
  const ruleSet = expandPlan(parsed.plan);
  // the spread addresses really are distinct entries: none overlaps another
  expect(ruleSet.findings.filter((f) => f.code === 'overlapping-entry' || f.code === 'duplicate-entry')).toEqual([]);
  return { plan: parsed.plan, ruleSet, addresses: dvc + Math.round(dvc / 10) };
}

function count(p: { plan: Plan; ruleSet: RuleSet }, format: FormatId, scope: Scope, defaultDrop: boolean, ipset = false): number {
  const out = exportPlan(p.plan, format, { scope, defaultDrop, ipset }, p.ruleSet);
  if (!out.ok) throw new Error(out.message);
  return countRules(format, out.text);
}

const SERIES = [
  { nodes: 1, mix: 'v4' },
  { nodes: 3, mix: 'v4' },
  { nodes: 3, mix: 'dual' },
  { nodes: 8, mix: 'dual' },
] as const;

const SCOPES: { name: string; scope: Scope; defaultDrop: boolean }[] = [
  { name: 'gateway', scope: { kind: 'gateway' }, defaultDrop: false },
  { name: 'gateway, default drop', scope: { kind: 'gateway' }, defaultDrop: true },
  { name: 'host vault-01 (192.0.2.10), default drop', scope: { kind: 'host', node: 'vault-01' }, defaultDrop: true },
];

describe.each(SERIES)('$nodes node(s), $mix', ({ nodes, mix }) => {
  const plans = SIZES.map((size) => plan(size, nodes, mix));

  it.each(SCOPES)('nftables: the rule count does not depend on the number of addresses ($name)', ({ scope, defaultDrop }) => {
    const counts = plans.map((p) => count(p, 'nftables', scope, defaultDrop));
    expect(counts[0]).toBeGreaterThan(0);
    expect(new Set(counts).size).toBe(1);
  });

  it.each(SCOPES)('iptables and ip6tables with --ipset: the rule count does not depend on the number of addresses ($name)', ({ scope, defaultDrop }) => {
    for (const format of ['iptables', 'ip6tables'] as const) {
      const counts = plans.map((p) => count(p, format, scope, defaultDrop, true));
      expect(new Set(counts).size, `${format}: ${counts.join(', ')}`).toBe(1);
    }
    // and the companion ipset file carries every address instead
    const elements = plans.map((p) => count(p, 'ipset', scope, defaultDrop));
    expect(elements.every((n, i) => i === 0 || n > (elements[i - 1] as number))).toBe(true);
  });

  it.each(SCOPES)('iptables and ip6tables: at most one more rule per address ($name)', ({ scope, defaultDrop }) => {
    for (const format of ['iptables', 'ip6tables'] as const) {
      const counts = plans.map((p) => count(p, format, scope, defaultDrop));
      for (let i = 1; i < plans.length; i++) {
        const added = (counts[i] as number) - (counts[i - 1] as number);
        const moreAddresses = (plans[i]?.addresses ?? 0) - (plans[i - 1]?.addresses ?? 0);
        expect(added, `${format}: ${counts.join(' -> ')}`).toBeGreaterThanOrEqual(0);
        expect(added, `${format}: ${counts.join(' -> ')} for ${plans.map((p) => p.addresses).join(' -> ')} addresses`).toBeLessThanOrEqual(moreAddresses);
      }
    }
  });
});

describe('the counting itself', () => {
  it('counts what each format calls a rule', () => {
    const p = plan(20, 3, 'v4');
    const byFormat = Object.fromEntries((['iptables', 'nftables', 'csv', 'json'] as const).map((f) => [f, count(p, f, { kind: 'gateway' }, false)]));
    // the JSON export has one entry per expanded rule
    expect(byFormat.json).toBe(p.ruleSet.rules.length);
    // the CSV export has one row per rule and address pair
    const pairs = p.ruleSet.rules.reduce((n, r) => n + r.source.entries.length * r.destination.entries.length - (r.distinctPairs ? r.source.entries.length : 0), 0);
    expect(byFormat.csv).toBe(pairs);
    // nftables: the baseline-free gateway file holds one accept per (direction, family, protocol, sides) group
    const groups = new Set(p.ruleSet.rules.map((r) => `${r.family}|${r.protocol}|${r.source.key}|${r.destination.key}`));
    expect(byFormat.nftables).toBe(groups.size);
    // iptables: one jump per source entry into a chain of destinations, or one rule per pair; at least a rule per group
    expect(byFormat.iptables).toBeGreaterThanOrEqual(groups.size + 1);
  });
});
