import { beforeEach, describe, expect, it } from 'vitest';
import { emptyPlan } from '../engine/index.ts';
import { examplePlan } from './examplePlan.ts';
import { isPlanInProgress } from './planStatus.ts';
import { ruleSetOf } from './selectors.ts';
import { useStore } from './store.ts';
import { redo, undo } from './undo.ts';

function reset() {
  useStore.getState().replacePlan(emptyPlan());
  useStore.temporal.getState().clear();
}

describe('plan store', () => {
  beforeEach(reset);

  it('keeps typed text and puts only valid entries in the plan', () => {
    useStore.getState().setRoleText('PRD', '192.0.2.10 # vault\nnot-an-ip');
    const s = useStore.getState();
    expect(s.roleText.PRD).toBe('192.0.2.10 # vault\nnot-an-ip');
    expect(s.plan.roles.PRD).toEqual([{ address: '192.0.2.10', label: 'vault' }]);
    useStore.getState().setRoleText('PRD', '');
    expect(useStore.getState().plan.roles.PRD).toBeUndefined();
  });

  it('switches rules: catalog rows through disabled, optional rows through enabled', () => {
    const { setRuleOn } = useStore.getState();
    setRuleOn('prd-dvc-tcp-23', false);
    setRuleOn('prd-mbr-tcp-4248', true);
    expect(useStore.getState().plan.disabled).toEqual(['prd-dvc-tcp-23']);
    expect(useStore.getState().plan.enabled).toEqual(['prd-mbr-tcp-4248']);
    setRuleOn('prd-dvc-tcp-23', true);
    expect(useStore.getState().plan.disabled).toEqual([]);
  });

  it('stores a port only when it differs from the article', () => {
    const { setPortOverride } = useStore.getState();
    setPortOverride('prd-mail-tcp-420', 587);
    expect(useStore.getState().plan.ports).toEqual({ 'prd-mail-tcp-420': 587 });
    setPortOverride('prd-mail-tcp-420', 420);
    expect(useStore.getState().plan.ports).toEqual({});
  });

  it('undoes and redoes plan edits, not view changes', () => {
    const s = useStore.getState();
    s.setCluster(true);
    s.setView('export');
    s.setRuleOn('prd-dvc-tcp-23', false);
    undo();
    expect(useStore.getState().plan.disabled).toEqual([]);
    expect(useStore.getState().plan.cluster).toBe(true);
    expect(useStore.getState().view).toBe('export');
    undo();
    expect(useStore.getState().plan.cluster).toBe(false);
    redo();
    expect(useStore.getState().plan.cluster).toBe(true);
  });

  it('collapses a burst of typing in one box into one undo step', () => {
    const s = useStore.getState();
    s.setRoleText('DNS', '1');
    s.setRoleText('DNS', '19');
    s.setRoleText('DNS', '192.0.2.53');
    s.setRoleText('NTP', '192.0.2.123');
    expect(useStore.temporal.getState().pastStates).toHaveLength(2);
    undo();
    expect(useStore.getState().roleText.NTP).toBeUndefined();
    expect(useStore.getState().roleText.DNS).toBe('192.0.2.53');
    undo();
    expect(useStore.getState().roleText.DNS).toBeUndefined();
  });

  it('rewrites the role boxes when a plan replaces the current one', () => {
    useStore.getState().replacePlan(examplePlan());
    expect(useStore.getState().roleText.PRD).toBe('192.0.2.10 # vault-01');
    expect(isPlanInProgress(useStore.getState())).toBe(true);
    undo();
    expect(isPlanInProgress(useStore.getState())).toBe(false);
  });

  it('derives the rule set without storing it, and reuses it across unrelated edits', () => {
    useStore.getState().replacePlan(examplePlan());
    const before = ruleSetOf(useStore.getState().plan);
    expect(before.rules.length).toBeGreaterThan(0);
    useStore.getState().setPlanName('renamed');
    useStore.getState().setChangeRequest({ changeId: 'CHG-1' });
    expect(ruleSetOf(useStore.getState().plan)).toBe(before);
    expect(Object.values(useStore.getState()).some((v) => v === before)).toBe(false);
  });
});
