import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expandPlan, GATEWAY } from '../../engine/index.ts';
import { parsePlanText } from '../../engine/schema.ts';
import { auditView } from './audit-model.ts';

const AUDIT = new URL('../../../tests/fixtures/audit/', import.meta.url);
const file = (name: string) => ({ name, text: readFileSync(new URL(name, AUDIT), 'utf8') });
const parsed = parsePlanText(readFileSync(new URL('../../../tests/fixtures/plans/single-node.json', import.meta.url), 'utf8'));
if (!parsed.ok) throw new Error('fixture plan');
const plan = parsed.plan;
const ruleSet = expandPlan(plan);

describe('the audit view model', () => {
  it('a clean ruleset: one summary sentence, every flow allowed, nothing beyond', () => {
    const v = auditView(plan, ruleSet, GATEWAY, [file('gateway-drop.iptables-save')]);
    if (!v.ok) throw new Error(v.errors.join());
    expect(v.clean).toBe(true);
    expect(v.summary).toBe(`Every planned flow (${v.counts.allowed}) is allowed, and nothing beyond the plan.`);
    expect(v.flows.every((f) => f.status === 'allowed')).toBe(true);
    expect(v.beyond).toEqual([]);
    expect(v.sources).toBe('gateway-drop.iptables-save (iptables-save)');
  });

  it('a changed ruleset: the blocked flow first with its reason, the extra accept beyond with its rule', () => {
    const v = auditView(plan, ruleSet, GATEWAY, [file('gateway-changed.iptables-save')]);
    if (!v.ok) throw new Error(v.errors.join());
    expect(v.clean).toBe(false);
    expect(v.flows[0]).toMatchObject({ status: 'blocked', ruleId: 'prd-radius-udp-1812', service: 'udp/1812', source: '192.0.2.10 · PRD', destination: '192.0.2.31 · RADIUS' });
    expect(v.flows[0]?.why).toMatch(/policy drop/);
    expect(v.flows.slice(1).every((f) => f.status === 'allowed')).toBe(true);
    expect(v.beyond).toEqual([
      {
        key: '0',
        service: 'tcp/8443',
        source: '198.51.100.200 (helpdesk "jump" host) · USERW User workstations',
        destination: '192.0.2.10 · node vault-01',
        acceptedBy: 'iptables filter line 29: -A FWPLAN-FWD -s 198.51.100.200/32 -d 192.0.2.10/32 -p tcp -m tcp --dport 8443 -j ACCEPT',
        antiLockout: false,
      },
    ]);
    expect(v.summary).toBe(`1 blocked, 0 unknown and ${v.counts.allowed} allowed planned flows; 1 allowed beyond the plan.`);
  });

  it('refused files give the reasons, naming the file', () => {
    const v = auditView(plan, ruleSet, GATEWAY, [file('host-drop.nft.txt')]);
    expect(v).toEqual({ ok: false, errors: ["host-drop.nft.txt: this is nft's text listing: give its JSON form instead, as `nft -j list ruleset` prints it"] });
    const scope = auditView(plan, ruleSet, { kind: 'host', node: 'nobody' }, [file('gateway-drop.iptables-save')]);
    expect(scope.ok).toBe(false);
  });
});
