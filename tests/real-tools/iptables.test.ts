/**
 * iptables and ip6tables exports (with address chains, and with --ipset plus the ipset companion)
 * for every fixture plan, scope and --default-drop setting, checked by the real tools in a fresh
 * network namespace: `iptables-restore --test` accepts the file, loading it for real works, and the
 * kernel then holds exactly as many rules as the file has — nothing silently dropped.
 */
import { describe, expect, it } from 'vitest';
import { gatedDescribe, rootAndTools } from '../enforcement/gate.ts';
import { exportCases, render, type ExportCase } from './exports.ts';
import { failureText, inFreshNetns } from './sandbox.ts';

/** -A and -I lines of the *filter table. */
function ruleLines(text: string): number {
  return text.split('\n').filter((l) => l.startsWith('-A ') || l.startsWith('-I ')).length;
}

async function check(c: ExportCase, tool: 'iptables' | 'ip6tables', ipset: boolean): Promise<void> {
  const rules = render(c, tool, { ipset });
  const sets = ipset ? render(c, 'ipset') : '';
  // without --default-drop the file adds to the existing rules: its header says to apply it with --noflush
  const noflush = c.defaultDrop ? '' : '--noflush';
  const script = [
    ipset ? 'ipset restore < "$1/sets"' : ':',
    `${tool}-restore --test ${noflush} < "$1/rules"`,
    `${tool}-restore ${noflush} < "$1/rules"`,
    `${tool}-save -t filter`,
  ].join('\n');
  const r = await inFreshNetns(script, { rules, sets });
  expect(r.code, failureText(r)).toBe(0);
  expect(ruleLines(r.stdout), 'rules in the kernel vs rules in the file').toBe(ruleLines(rules));
}

gatedDescribe('real tools: iptables-restore / ip6tables-restore', rootAndTools(['unshare', 'iptables-restore', 'ip6tables-restore', 'iptables-save', 'ip6tables-save', 'ipset']), () => {
  const cases = exportCases();
  for (const c of cases) {
    describe(c.title, () => {
      for (const tool of ['iptables', 'ip6tables'] as const) {
        it(`${tool}: accepted by ${tool}-restore --test and loaded whole`, () => check(c, tool, false));
        it(`${tool} --ipset: the ipset companion and the rules are accepted and loaded whole`, () => check(c, tool, true));
      }
    });
  }

  it('the checks cover every fixture plan in both scopes and both --default-drop settings', () => {
    const plans = new Set(cases.map((c) => c.planName));
    expect(plans.size).toBeGreaterThanOrEqual(3);
    for (const p of plans) {
      const mine = cases.filter((c) => c.planName === p);
      expect(mine.some((c) => c.scope.kind === 'gateway' && c.defaultDrop)).toBe(true);
      expect(mine.some((c) => c.scope.kind === 'gateway' && !c.defaultDrop)).toBe(true);
      expect(mine.some((c) => c.scope.kind === 'host' && c.defaultDrop)).toBe(true);
      expect(mine.some((c) => c.scope.kind === 'host' && !c.defaultDrop)).toBe(true);
    }
  });

  it('the check fails on a file the kernel refuses (so it can fail)', async () => {
    const r = await inFreshNetns('iptables-restore --test < "$1/rules"', { rules: '*filter\n:X - [0:0]\n-A X -p tcp -m multiport --dports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16 -j ACCEPT\nCOMMIT\n' });
    expect(r.code).not.toBe(0);
  });
});
