import { describe, expect, it } from 'vitest';
import { emptyPlan, expandPlan, type Plan } from '../engine/index.ts';
import { expansionStatus, ruleSetOf } from './selectors.ts';

describe('rule sets without a worker', () => {
  it('are worked out on this thread where there is no Worker (unit tests run in node)', () => {
    expect(typeof Worker).toBe('undefined');
    expect(expansionStatus().worker).toBe(false);
    const plan: Plan = { ...emptyPlan('fallback'), nodes: [{ name: 'vault-01', role: 'PRD', addresses: ['192.0.2.10'] }], roles: { NTP: ['192.0.2.1'] } };
    const ruleSet = ruleSetOf(plan);
    expect(ruleSet.rules.length).toBeGreaterThan(0);
    expect(ruleSet).toEqual(expandPlan(plan));
    // remembered: the same object for the same inputs, also for a renamed plan
    expect(ruleSetOf({ ...plan, name: 'other' })).toBe(ruleSet);
  });
});
