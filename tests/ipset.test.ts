import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandPlan, exportPlan, type Plan, type Scope } from '../src/engine/index.ts';
import { parsePlan, parsePlanText } from '../src/engine/schema.ts';
import { fixturePlans } from './real-tools/exports.ts';

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

  /**
   * The companion holds every set either variant names — with default drop a host file's
   * anti-lockout can name the ADMINW set that the file without it does not. Loading the companion
   * creates them all, so each file's roll back must cover every set of its family the companion
   * creates, or a set stays behind after the roll back (issue 16, item 5).
   */
  it('the roll back line of each iptables/ip6tables --ipset file covers every set of its family the companion creates', () => {
    const adminShellOff = (() => {
      const raw = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures/plans/objects.json'), 'utf8')) as { roles: Record<string, unknown>; disabled?: string[] };
      raw.roles.ADMINW = ['198.51.100.7', '198.51.100.9'];
      raw.disabled = [...(raw.disabled ?? []), 'adminw-prd-tcp-59022'];
      const r = parsePlan(raw);
      if (!r.ok) throw new Error(JSON.stringify(r.errors));
      return r.plan;
    })();
    const plans: { name: string; plan: Plan }[] = [...fixturePlans(), { name: 'objects, admin shell off, two ADMINW', plan: adminShellOff }];
    let checked = 0;
    let beyondOwn = 0;
    for (const { name, plan: p } of plans) {
      const scopes: Scope[] = [{ kind: 'gateway' }, ...expandPlan(p).nodes.map((n): Scope => ({ kind: 'host', node: n.name }))];
      for (const scope of scopes) {
        for (const defaultDrop of [false, true]) {
          const sets = exportPlan(p, 'ipset', { scope, defaultDrop });
          if (!sets.ok) throw new Error(sets.message);
          for (const [tool, family] of [['iptables', 'inet'], ['ip6tables', 'inet6']] as const) {
            const rules = exportPlan(p, tool, { scope, defaultDrop, ipset: true });
            if (!rules.ok) throw new Error(rules.message);
            const created = [...sets.text.matchAll(new RegExp(`^create (\\S+) hash:net family ${family} `, 'gm'))].map((m) => m[1] ?? '');
            const rolledBack = /^# Roll back: .*?for s in ([^;]*); do/m.exec(rules.text)?.[1]?.split(' ') ?? [];
            const used = new Set([...rules.text.matchAll(/--match-set (\S+) (?:src|dst)/g)].map((m) => m[1]));
            expect(created.filter((s) => !rolledBack.includes(s)), `${name} ${JSON.stringify(scope)}${defaultDrop ? ' --default-drop' : ''} ${tool}`).toEqual([]);
            if (created.some((s) => !used.has(s))) beyondOwn++;
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(40);
    // the case that needs it is there: a file whose companion creates a set the file does not use
    expect(beyondOwn).toBeGreaterThan(0);
  });

});
