import { describe, expect, it } from 'vitest';
import { expandPlan, exportPlan, type Plan, type RuleSet, type Scope } from '../../src/engine/index.ts';
import { parsePlan } from '../../src/engine/schema.ts';
import { countRules } from '../../bench/count.ts';
import { benchPlan, type AddressMix } from '../../bench/plans.ts';

/**
 * Firewalls in the path name addresses through object groups: the number of policies (FortiGate),
 * security rules (PAN-OS) and access-list entries (ASA) must not depend on the number of
 * addresses, and the file grows by a bounded number of lines per address (its object and its
 * group membership). Counts only, never time.
 */
const SIZES = [400, 800, 1_600, 3_200] as const;
const FORMATS = ['fortigate', 'panos', 'panos-xml', 'asa'] as const;

/** Lines a file may grow by per added address: FortiGate writes 3 per address object plus a member line per 50. */
const LINES_PER_ADDRESS = { fortigate: 4, panos: 2, 'panos-xml': 6, asa: 2 } as const;

function plan(dvc: number, nodes: number, mix: AddressMix): { plan: Plan; ruleSet: RuleSet; addresses: number } {
  const parsed = parsePlan(benchPlan({ dvc, userw: Math.round(dvc / 10), nodes, mix }));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors.slice(0, 3)));
  return { plan: parsed.plan, ruleSet: expandPlan(parsed.plan), addresses: dvc + Math.round(dvc / 10) };
}

const SERIES = [
  { nodes: 1, mix: 'v4' },
  { nodes: 3, mix: 'v4' },
  { nodes: 3, mix: 'dual' },
] as const;

const SCOPES: { name: string; scope: Scope; defaultDrop: boolean }[] = [
  { name: 'gateway', scope: { kind: 'gateway' }, defaultDrop: false },
  { name: 'gateway, default drop', scope: { kind: 'gateway' }, defaultDrop: true },
  { name: 'host vault-01 (192.0.2.10), default drop', scope: { kind: 'host', node: 'vault-01' }, defaultDrop: true },
];

describe.each(SERIES)('$nodes node(s), $mix', ({ nodes, mix }) => {
  const plans = SIZES.map((size) => plan(size, nodes, mix));

  it.each(SCOPES)('policies, rules and access-list entries do not depend on the number of addresses ($name)', ({ scope, defaultDrop }) => {
    for (const format of FORMATS) {
      const outs = plans.map((p) => {
        const out = exportPlan(p.plan, format, { scope, defaultDrop }, p.ruleSet);
        if (!out.ok) throw new Error(out.message);
        return out.text;
      });
      const counts = outs.map((text) => countRules(format, text));
      expect(counts[0], format).toBeGreaterThan(0);
      expect(new Set(counts).size, `${format}: ${counts.join(', ')}`).toBe(1);
      // the addresses are in the file once each, in objects and groups: lines grow linearly, with a small factor
      const lines = outs.map((text) => text.split('\n').length);
      for (let i = 1; i < plans.length; i++) {
        const added = (lines[i] as number) - (lines[i - 1] as number);
        const more = (plans[i]?.addresses ?? 0) - (plans[i - 1]?.addresses ?? 0);
        expect(added, `${format}: ${lines.join(' -> ')} lines`).toBeLessThanOrEqual(more * LINES_PER_ADDRESS[format]);
      }
    }
  });
});
