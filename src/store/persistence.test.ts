import { describe, expect, it } from 'vitest';
import { parsePlan } from '../engine/schema.ts';
import { migrateSaved, readSaved, salvagePlan } from './persistence.ts';
import { startingPlan } from './slices/planSlice.ts';

describe('autosave reading', () => {
  it('loads a version 1 autosave, upgrades it and keeps the boxes the user typed', () => {
    const saved = migrateSaved(
      {
        plan: { version: 1, name: 'x', cluster: false, roles: { PRD: ['192.0.2.10', 'not-an-address'], DVC: ['203.0.113.5'] }, disabled: [], enabled: [], ports: {} },
        roleText: { PRD: '192.0.2.10\nnot-an-address', DVC: '203.0.113.5', NTP: 'stale text that the plan does not hold: 192.0.2.99' },
        exportOptions: { format: 'ufw', scope: 'host', hostAddress: '192.0.2.10', defaultDrop: true },
      },
      1,
    );
    const loaded = readSaved(saved);
    expect(loaded.upgradedFrom).toBe(1);
    expect(loaded.plan.nodes.map((n) => n.addresses)).toEqual([['192.0.2.10'], ['not-an-address']]);
    // invalid lines typed by the user survive a reload
    expect(loaded.roleText.PRD).toBe('192.0.2.10\nnot-an-address');
    expect(loaded.groupText.DVC).toEqual(['203.0.113.5']);
    // text that no longer matches the plan is not trusted
    expect(loaded.roleText.NTP).toBeUndefined();
    expect(loaded.exportOptions).toEqual({ format: 'ufw', scope: 'host', hostNode: '192.0.2.10', defaultDrop: true, ipset: false, egress: 'filter', from: '', to: '', deviceGroup: '' });
  });

  it('keeps the valid part of a partly broken plan', () => {
    const value = { version: 2, name: 'n', nodes: [{ name: 'a', role: 'PRD', addresses: ['192.0.2.10'] }, { name: 'b', role: 'XYZ' }], roles: { NTP: ['192.0.2.1'], XYZ: [] }, ports: { 'prd-mail-tcp-420': 70000 }, wat: 1 };
    const parsed = parsePlan(value);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const plan = salvagePlan(value, parsed.errors);
    expect(plan?.nodes).toEqual([{ name: 'a', role: 'PRD', addresses: ['192.0.2.10'] }]);
    expect(plan?.roles).toEqual({ NTP: ['192.0.2.1'] });
    expect(plan?.ports).toEqual({});
    expect(plan?.name).toBe('n');
  });

  it('says a partly broken version 1 autosave was upgraded, as a whole one is', () => {
    const loaded = readSaved({ plan: { version: 1, name: 'v1', roles: { PRD: ['192.0.2.10'] }, ports: { 'prd-mail-tcp-420': 70000 } } });
    expect(loaded.plan.nodes).toEqual([{ name: '192.0.2.10', role: 'PRD', addresses: ['192.0.2.10'] }]);
    expect(loaded.plan.ports).toEqual({});
    expect(loaded.upgradedFrom).toBe(1);
    expect(readSaved({ plan: { version: 2, name: 'v2', ports: { 'prd-mail-tcp-420': 70000 } } }).upgradedFrom).toBeUndefined();
  });

  it('starts a fresh plan when nothing can be used', () => {
    expect(readSaved({ plan: 'garbage' }).plan).toEqual(startingPlan());
  });

  it('migrates a bare plan (version 0) into the autosave shape', () => {
    expect(migrateSaved({ version: 1, roles: {} }, 0)).toEqual({ plan: { version: 1, roles: {} } });
  });
});
