import type { StoreState } from './types.ts';

/** Whether the user has put work into the plan: then replacing it needs their consent. */
export function isPlanInProgress(state: Pick<StoreState, 'plan' | 'roleText'>): boolean {
  const { plan, roleText } = state;
  if (Object.values(roleText).some((t) => t !== undefined && t.trim() !== '')) return true;
  if (Object.values(plan.roles).some((list) => list !== undefined && list.length > 0)) return true;
  return plan.cluster || plan.disabled.length > 0 || plan.enabled.length > 0 || Object.keys(plan.ports).length > 0 || plan.changeRequest !== undefined;
}

export function samePlan(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
