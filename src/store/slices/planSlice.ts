import { ROLE_CODES, catalogRule, emptyPlan, type ChangeRequest, type Plan, type RoleCode } from '../../engine/index.ts';
import { markEdit } from '../history.ts';
import { parseRoleTextCached } from '../roleParseCache.ts';
import { planEntries, roleTextFromEntries } from '../roleText.ts';
import type { SliceCreator } from '../types.ts';

export type RoleTextMap = Partial<Record<RoleCode, string>>;

/**
 * The document being edited: the plan (what is saved, shared and exported) and the raw text of
 * every role box (so nothing typed is lost, not even the lines that are not addresses yet).
 * Undo and redo cover exactly these two fields.
 */
export interface PlanSlice {
  plan: Plan;
  roleText: RoleTextMap;
  setRoleText: (role: RoleCode, text: string) => void;
  setPlanName: (name: string) => void;
  setCluster: (on: boolean) => void;
  setRuleOn: (ruleId: string, on: boolean) => void;
  /** undefined (or the article's own port) removes the override */
  setPortOverride: (ruleId: string, port: number | undefined) => void;
  setChangeRequest: (changeRequest: ChangeRequest) => void;
  /** import, share link, example, new plan: the role boxes are rewritten from the plan */
  replacePlan: (plan: Plan) => void;
}

export function roleTextFromPlan(plan: Plan): RoleTextMap {
  const out: RoleTextMap = {};
  for (const role of ROLE_CODES) {
    const entries = plan.roles[role];
    if (entries && entries.length > 0) out[role] = roleTextFromEntries(entries);
  }
  return out;
}

function withoutKey<T extends object>(obj: T, key: string): T {
  return Object.fromEntries(Object.entries(obj).filter(([k]) => k !== key)) as T;
}

export const createPlanSlice: SliceCreator<PlanSlice> = (set) => ({
  plan: emptyPlan(),
  roleText: {},

  setRoleText: (role, text) => {
    markEdit(`role:${role}`);
    set((s) => {
      const entries = planEntries(parseRoleTextCached(role, text));
      const roles = entries.length > 0 ? { ...s.plan.roles, [role]: entries } : withoutKey(s.plan.roles, role);
      return { roleText: { ...s.roleText, [role]: text }, plan: { ...s.plan, roles } };
    });
  },

  setPlanName: (name) => {
    markEdit('name');
    set((s) => ({ plan: { ...s.plan, name } }));
  },

  setCluster: (on) => {
    markEdit();
    set((s) => (s.plan.cluster === on ? s : { plan: { ...s.plan, cluster: on } }));
  },

  setRuleOn: (ruleId, on) => {
    const rule = catalogRule(ruleId);
    if (!rule) return;
    markEdit();
    set((s) => {
      const plan = s.plan;
      if (rule.optional) {
        const enabled = plan.enabled.filter((id) => id !== ruleId);
        return { plan: { ...plan, enabled: on ? [...enabled, ruleId] : enabled } };
      }
      const disabled = plan.disabled.filter((id) => id !== ruleId);
      return { plan: { ...plan, disabled: on ? disabled : [...disabled, ruleId] } };
    });
  },

  setPortOverride: (ruleId, port) => {
    const rule = catalogRule(ruleId);
    if (!rule) return;
    markEdit(`port:${ruleId}`);
    set((s) => {
      const ports = withoutKey(s.plan.ports, ruleId);
      if (port === undefined || port === rule.port) return { plan: { ...s.plan, ports } };
      return { plan: { ...s.plan, ports: { ...ports, [ruleId]: port } } };
    });
  },

  setChangeRequest: (changeRequest) => {
    markEdit('change-request');
    set((s) => ({ plan: { ...s.plan, changeRequest } }));
  },

  replacePlan: (plan) => {
    markEdit();
    set({ plan, roleText: roleTextFromPlan(plan) });
  },
});
