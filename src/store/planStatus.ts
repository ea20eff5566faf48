import type { Plan } from '../engine/index.ts';
import type { StoreState } from './types.ts';

/** How many entries the plan holds: node addresses, plain roles' entries, groups' entries. */
export function planEntryCount(plan: Plan): number {
  return (
    plan.nodes.reduce((n, node) => n + node.addresses.length, 0) +
    Object.values(plan.roles).reduce((n, list) => n + (list?.length ?? 0), 0) +
    [...plan.userGroups, ...plan.deviceGroups].reduce((n, g) => n + g.entries.length, 0)
  );
}

/** Whether the user has put work into the plan: then replacing it needs their consent. */
export function isPlanInProgress(state: Pick<StoreState, 'plan' | 'roleText' | 'groupText'>): boolean {
  const { plan, roleText, groupText } = state;
  if (Object.values(roleText).some((t) => t !== undefined && t.trim() !== '')) return true;
  if ([...groupText.USERW, ...groupText.DVC].some((t) => t.trim() !== '')) return true;
  if (plan.nodes.length > 0 || Object.values(plan.roles).some((list) => list !== undefined && list.length > 0)) return true;
  if ([...plan.userGroups, ...plan.deviceGroups].some((g) => g.entries.length > 0)) return true;
  return plan.cluster || plan.disabled.length > 0 || plan.enabled.length > 0 || Object.keys(plan.ports).length > 0 || plan.changeRequest !== undefined;
}

export function samePlan(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
