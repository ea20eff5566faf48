import { describe, expect, it } from 'vitest';
import { expandPlan } from '../engine/index.ts';
import { breakBurst } from './history.ts';
import { examplePlan } from './examplePlan.ts';
import { isPlanInProgress } from './planStatus.ts';
import { ruleSetOf } from './selectors.ts';
import { startingPlan } from './slices/planSlice.ts';
import { createAppStore } from './store.ts';

/** A fresh store per test: no state leaks from one test to the next. */
function fresh() {
  const store = createAppStore();
  store.getState().replacePlan(startingPlan());
  store.temporal.getState().clear();
  breakBurst();
  return store;
}

describe('plan store', () => {
  it('keeps typed text, and keeps every token in the plan — invalid ones too, so nothing typed is lost', () => {
    const store = fresh();
    store.getState().setRoleText('NTP', '192.0.2.123 # ntp\nnot-an-ip');
    const s = store.getState();
    expect(s.roleText.NTP).toBe('192.0.2.123 # ntp\nnot-an-ip');
    expect(s.plan.roles.NTP).toEqual([{ address: '192.0.2.123', label: 'ntp' }, 'not-an-ip']);
    // the engine reports what is not an address: an error in the findings, not a silent drop
    expect(expandPlan(s.plan).findings.find((f) => f.code === 'invalid-entry')?.path).toBe('roles.NTP[1]');
    store.getState().setRoleText('NTP', '');
    expect(store.getState().plan.roles.NTP).toBeUndefined();
  });

  it('reads node boxes as named nodes: one line or one label with both families is one node', () => {
    const store = fresh();
    store.getState().setRoleText('PRD', '192.0.2.10, 2001:db8::10 # vault-01');
    store.getState().setRoleText('MBR', '192.0.2.11 # vault-02\n2001:db8::11 # vault-02\n192.0.2.12');
    expect(store.getState().plan.nodes).toEqual([
      { name: 'vault-01', role: 'PRD', addresses: ['192.0.2.10', '2001:db8::10'] },
      { name: 'vault-02', role: 'MBR', addresses: ['192.0.2.11', '2001:db8::11'] },
      { name: '192.0.2.12', role: 'MBR', addresses: ['192.0.2.12'] },
    ]);
  });

  it('edits groups: entries, name, services, presets; adds and removes groups', () => {
    const store = fresh();
    const s = () => store.getState();
    s().setGroupText('DVC', 0, '203.0.113.0/24 # servers');
    s().setGroupName('DVC', 0, 'Windows servers');
    s().applyPreset('DVC', 0, 'windows');
    expect(s().plan.deviceGroups[0]).toEqual({ name: 'Windows servers', entries: [{ address: '203.0.113.0/24', label: 'servers' }], services: ['prd-dvc-tcp-3389', 'prd-dvc-tcp-135', 'prd-dvc-tcp-139', 'prd-dvc-tcp-445'] });
    s().setGroupService('DVC', 0, 'prd-dvc-tcp-22', true);
    s().setGroupService('DVC', 0, 'prd-dvc-tcp-139', false);
    expect(s().plan.deviceGroups[0]?.services).toEqual(['prd-dvc-tcp-22', 'prd-dvc-tcp-3389', 'prd-dvc-tcp-135', 'prd-dvc-tcp-445']);
    s().addGroup('DVC', 'linux');
    expect(s().plan.deviceGroups[1]).toEqual({ name: 'Linux/Unix servers', entries: [], services: ['prd-dvc-tcp-22'] });
    expect(s().groupText.DVC).toEqual(['203.0.113.0/24 # servers', '']);
    s().removeGroup('DVC', 0);
    expect(s().plan.deviceGroups.map((g) => g.name)).toEqual(['Linux/Unix servers']);
    expect(s().groupText.DVC).toEqual(['']);
  });

  it('switches rules: catalog rows through disabled, optional rows through enabled', () => {
    const store = fresh();
    const { setRuleOn } = store.getState();
    setRuleOn('prd-dvc-tcp-23', false);
    setRuleOn('prd-mbr-tcp-4248', true);
    expect(store.getState().plan.disabled).toEqual(['prd-dvc-tcp-23']);
    expect(store.getState().plan.enabled).toEqual(['prd-mbr-tcp-4248']);
    setRuleOn('prd-dvc-tcp-23', true);
    expect(store.getState().plan.disabled).toEqual([]);
  });

  it('stores a port only when it differs from the article', () => {
    const store = fresh();
    store.getState().setPortOverride('prd-mail-tcp-420', 587);
    expect(store.getState().plan.ports).toEqual({ 'prd-mail-tcp-420': 587 });
    store.getState().setPortOverride('prd-mail-tcp-420', 420);
    expect(store.getState().plan.ports).toEqual({});
  });

  it('undoes and redoes plan edits, not view changes', () => {
    const store = fresh();
    const s = store.getState();
    const { undo, redo } = store.temporal.getState();
    s.setCluster(true);
    s.setView('export');
    s.setRuleOn('prd-dvc-tcp-23', false);
    undo();
    expect(store.getState().plan.disabled).toEqual([]);
    expect(store.getState().plan.cluster).toBe(true);
    expect(store.getState().view).toBe('export');
    undo();
    expect(store.getState().plan.cluster).toBe(false);
    redo();
    expect(store.getState().plan.cluster).toBe(true);
  });

  it('collapses a burst of typing in one box into one undo step', () => {
    const store = fresh();
    const s = store.getState();
    s.setRoleText('DNS', '1');
    s.setRoleText('DNS', '19');
    s.setRoleText('DNS', '192.0.2.53');
    s.setRoleText('NTP', '192.0.2.123');
    expect(store.temporal.getState().pastStates).toHaveLength(2);
    store.temporal.getState().undo();
    expect(store.getState().roleText.NTP).toBeUndefined();
    expect(store.getState().roleText.DNS).toBe('192.0.2.53');
  });

  it('rewrites every box when a plan replaces the current one, and says when it was upgraded', () => {
    const store = fresh();
    store.getState().replacePlan(examplePlan());
    expect(store.getState().roleText.PRD).toBe('192.0.2.10, 2001:db8:10::10 # vault-01');
    expect(store.getState().groupText.DVC).toEqual(['203.0.113.5 # dc01\n203.0.113.64/26', '203.0.113.128/26', '203.0.113.200 # core switch']);
    expect(store.getState().upgradeNotice).toBeNull();
    expect(isPlanInProgress(store.getState())).toBe(true);
    store.getState().replacePlan(examplePlan(), { upgradedFrom: 1 });
    expect(store.getState().upgradeNotice).toMatch(/upgraded to version 2/);
  });

  it('two stores do not share state', () => {
    const a = fresh();
    const b = fresh();
    a.getState().setRoleText('NTP', '192.0.2.1');
    expect(b.getState().roleText.NTP).toBeUndefined();
  });

  it('derives the rule set without storing it, and reuses it across unrelated edits', () => {
    const store = fresh();
    store.getState().replacePlan(examplePlan());
    const before = ruleSetOf(store.getState().plan);
    expect(before.rules.length).toBeGreaterThan(0);
    store.getState().setPlanName('renamed');
    store.getState().setChangeRequest({ changeId: 'CHG-1' });
    expect(ruleSetOf(store.getState().plan)).toBe(before);
    expect(Object.values(store.getState()).some((v) => v === before)).toBe(false);
  });
});

describe('derived rule set', () => {
  it('follows every part of the plan that changes the rules, site flows included', () => {
    const store = createAppStore();
    store.getState().replacePlan(examplePlan());
    const before = ruleSetOf(store.getState().plan);
    store.getState().addCustomFlow({ name: 'jump', source: { entries: ['198.51.100.50'] }, destination: { role: 'PRD' }, protocol: 'tcp', ports: '5000-5100', reason: '' });
    const after = ruleSetOf(store.getState().plan);
    expect(after).not.toBe(before);
    expect(after.rules.some((r) => r.ruleId === 'site-jump' && r.portEnd === 5100)).toBe(true);
  });
});
