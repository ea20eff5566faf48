import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportPlan, type Scope } from '../src/engine/index.ts';
import { parsePlanText } from '../src/engine/schema.ts';

/**
 * iptables --ipset and its ipset companion: the rules use the sets, the sets hold every address,
 * and the kernel accepts both (in a scratch network namespace, so the host's sets are untouched).
 */
const plan = (() => {
  const r = parsePlanText(readFileSync(join(import.meta.dirname, 'fixtures/plans/large.json'), 'utf8'));
  if (!r.ok) throw new Error('fixture');
  return r.plan;
})();

export function both(scope: Scope, family: 'iptables' | 'ip6tables' = 'iptables') {
  const rules = exportPlan(plan, family, { scope, defaultDrop: true, ipset: true });
  const sets = exportPlan(plan, 'ipset', { scope, defaultDrop: true });
  if (!rules.ok || !sets.ok) throw new Error('export failed');
  return { rules: rules.text, sets: sets.text };
}

describe('iptables with ipsets', () => {
  it('matches every multi-address role through a set that the companion defines', () => {
    const { rules, sets } = both({ kind: 'gateway' });
    const used = new Set([...rules.matchAll(/--match-set (\S+) (?:src|dst)/g)].map((m) => m[1]));
    const defined = new Set([...sets.matchAll(/^create (\S+) hash:net/gm)].map((m) => m[1]));
    expect([...used].sort()).toEqual([...defined].sort());
    // every entry as written: 10.40.0.0/16 and the two /17 halves of 10.41.0.0/16 (hash:net merges nothing away)
    expect(sets).toMatch(/^add fwplan-dvc-managed-devices-v4 10\.40\.0\.0\/16$/m);
    expect(sets).toMatch(/^add fwplan-dvc-managed-devices-v4 10\.41\.128\.0\/17$/m);
    // tens of rules instead of one per address
    expect(rules.split('\n').filter((l) => l.startsWith('-A ')).length).toBeLessThan(60);
    const chains = exportPlan(plan, 'iptables', { scope: { kind: 'gateway' }, defaultDrop: true });
    expect(chains.ok && chains.text.split('\n').filter((l) => l.startsWith('-A ')).length).toBeGreaterThan(150);
  });

});
