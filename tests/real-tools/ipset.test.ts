/**
 * The ipset companion and the iptables --ipset rules that use it, loaded by the real tools in a
 * scratch network namespace (the machine's own sets are untouched), twice: a changed plan can be
 * re-applied over the sets of the last one.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'vitest';
import { exportPlan, type Scope } from '../../src/engine/index.ts';
import { parsePlanText } from '../../src/engine/schema.ts';
import { gatedDescribe, rootAndTools } from '../enforcement/gate.ts';

const plan = (() => {
  const r = parsePlanText(readFileSync(join(import.meta.dirname, '../fixtures/plans/large.json'), 'utf8'));
  if (!r.ok) throw new Error('fixture');
  return r.plan;
})();

function both(scope: Scope) {
  const rules = exportPlan(plan, 'iptables', { scope, defaultDrop: true, ipset: true });
  const sets = exportPlan(plan, 'ipset', { scope, defaultDrop: true });
  if (!rules.ok || !sets.ok) throw new Error('export failed');
  return { rules: rules.text, sets: sets.text };
}

gatedDescribe('real tools: ipset companion', rootAndTools(['ip', 'ipset', 'iptables-restore']), () => {
  it('is accepted by ipset restore and iptables-restore --test in a scratch namespace', () => {
    const ns = `fwpipset${process.pid}`;
    execFileSync('ip', ['netns', 'add', ns]);
    try {
      for (const scope of [{ kind: 'gateway' } as const, { kind: 'host', node: 'vault-02' } as const]) {
        const { rules, sets } = both(scope);
        execFileSync('ip', ['netns', 'exec', ns, 'ipset', 'restore'], { input: sets });
        // loading twice works too: a changed plan can be re-applied
        execFileSync('ip', ['netns', 'exec', ns, 'ipset', 'restore'], { input: sets });
        execFileSync('ip', ['netns', 'exec', ns, 'iptables-restore', '--test'], { input: rules });
      }
    } finally {
      execFileSync('ip', ['netns', 'del', ns]);
    }
  });
});
