import { describe, expect, it } from 'vitest';
import { emptyPlan, parsePlan } from '../engine/index.ts';
import { migrateSaved, readSaved, salvagePlan } from './persistence.ts';

describe('autosave reading', () => {
  it('loads a valid saved state and keeps the raw role text that matches the plan', () => {
    const loaded = readSaved({
      plan: { version: 1, name: 'x', cluster: false, roles: { PRD: ['192.0.2.10'] }, disabled: [], enabled: [], ports: {} },
      roleText: { PRD: '192.0.2.10\nnot-an-address', DVC: 'stale text that the plan does not hold: 192.0.2.99' },
      exportOptions: { format: 'ufw', scope: 'host', hostAddress: '192.0.2.10', defaultDrop: true },
    });
    expect(loaded.plan.roles.PRD).toEqual(['192.0.2.10']);
    // invalid lines typed by the user survive a reload
    expect(loaded.roleText.PRD).toBe('192.0.2.10\nnot-an-address');
    // text that no longer matches the plan is not trusted
    expect(loaded.roleText.DVC).toBeUndefined();
    expect(loaded.exportOptions).toEqual({ format: 'ufw', scope: 'host', hostAddress: '192.0.2.10', defaultDrop: true, ipset: false, egress: 'filter' });
  });

  it('keeps the valid part of a partly broken plan', () => {
    const value = { version: 1, name: 'n', roles: { PRD: ['192.0.2.10', 'bad'], XYZ: ['192.0.2.1'] }, ports: { 'prd-mail-tcp-420': 70000 }, wat: 1 };
    const parsed = parsePlan(value);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const plan = salvagePlan(value, parsed.errors);
    expect(plan?.roles).toEqual({ PRD: ['192.0.2.10'] });
    expect(plan?.ports).toEqual({});
    expect(plan?.name).toBe('n');
  });

  it('starts an empty plan when nothing can be used', () => {
    const loaded = readSaved({ plan: 'garbage' });
    expect(loaded.plan).toEqual(emptyPlan());
  });

  it('migrates a bare plan (version 0) into the autosave shape', () => {
    expect(migrateSaved({ version: 1, roles: {} }, 0)).toEqual({ plan: { version: 1, roles: {} } });
  });
});
