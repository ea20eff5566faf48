import {
  LIST_ROLES,
  SERVICE_PRESETS,
  catalogRule,
  emptyPlan,
  groupServiceIds,
  withRuleOn,
  type ChangeRequest,
  type CustomFlow,
  type GroupRole,
  type ListRole,
  type NodeRole,
  type Plan,
  type PlanGroup,
} from '../../engine/index.ts';
import { markEdit } from '../history.ts';
import { nodesFromParse, nodeText } from '../nodeText.ts';
import { parseRoleTextCached } from '../roleParseCache.ts';
import { planEntries, roleTextFromEntries } from '../roleText.ts';
import type { SliceCreator } from '../types.ts';
import { UPGRADE_NOTICE } from './noticeSlice.ts';

/** The text boxes of the nodes (PRD, MBR) and of the plain roles, by role. */
export type TextRole = NodeRole | ListRole;
export type RoleTextMap = Partial<Record<TextRole, string>>;
/** The entries box of every group, parallel to the plan's userGroups and deviceGroups. */
export type GroupTextMap = Record<GroupRole, string[]>;

/**
 * The document being edited: the plan (what is saved, shared and exported) and the raw text of
 * every box (so nothing typed is lost, not even a line that is not an address yet). Undo and redo
 * cover exactly these three fields.
 */
export interface PlanSlice {
  plan: Plan;
  roleText: RoleTextMap;
  groupText: GroupTextMap;
  setRoleText: (role: TextRole, text: string) => void;
  setGroupText: (role: GroupRole, index: number, text: string) => void;
  setGroupName: (role: GroupRole, index: number, name: string) => void;
  setGroupService: (role: GroupRole, index: number, ruleId: string, on: boolean) => void;
  applyPreset: (role: GroupRole, index: number, presetId: string) => void;
  addGroup: (role: GroupRole, presetId?: string) => void;
  removeGroup: (role: GroupRole, index: number) => void;
  setPlanName: (name: string) => void;
  setCluster: (on: boolean) => void;
  setRuleOn: (ruleId: string, on: boolean) => void;
  /** undefined (or the article's own port) removes the override */
  setPortOverride: (ruleId: string, port: number | string | undefined) => void;
  addCustomFlow: (flow: CustomFlow) => void;
  updateCustomFlow: (index: number, flow: CustomFlow) => void;
  removeCustomFlow: (index: number) => void;
  setChangeRequest: (changeRequest: ChangeRequest) => void;
  /** import, share link, example, new plan: the boxes are rewritten from the plan (upgraded: said so) */
  replacePlan: (plan: Plan, read?: { upgradedFrom?: 1 }) => void;
}

export const GROUP_KEY: Record<GroupRole, 'userGroups' | 'deviceGroups'> = { USERW: 'userGroups', DVC: 'deviceGroups' };
export const DEFAULT_GROUP_NAME: Record<GroupRole, string> = { USERW: 'User workstations', DVC: 'Managed devices' };

/** A new plan starts as version 1 did: one user group and one device group with every service. */
export function startingPlan(name = 'New plan'): Plan {
  return {
    ...emptyPlan(name),
    userGroups: [{ name: DEFAULT_GROUP_NAME.USERW, entries: [], services: groupServiceIds('USERW') }],
    deviceGroups: [{ name: DEFAULT_GROUP_NAME.DVC, entries: [], services: groupServiceIds('DVC') }],
  };
}

export function roleTextFromPlan(plan: Plan): RoleTextMap {
  const out: RoleTextMap = {};
  for (const role of ['PRD', 'MBR'] as const) {
    const nodes = plan.nodes.filter((n) => n.role === role);
    if (nodes.length > 0) out[role] = nodeText(nodes);
  }
  for (const role of LIST_ROLES) {
    const entries = plan.roles[role];
    if (entries && entries.length > 0) out[role] = roleTextFromEntries(entries);
  }
  return out;
}

export function groupTextFromPlan(plan: Plan): GroupTextMap {
  return { USERW: plan.userGroups.map((g) => roleTextFromEntries(g.entries)), DVC: plan.deviceGroups.map((g) => roleTextFromEntries(g.entries)) };
}

/** The plan's nodes rebuilt from both node boxes (names stay unique across PRD and MBR). */
export function nodesFromText(roleText: RoleTextMap): Plan['nodes'] {
  const taken = new Set<string>();
  return (['PRD', 'MBR'] as const).flatMap((role) => nodesFromParse(role, parseRoleTextCached(role, roleText[role] ?? ''), taken).map((n) => n.node));
}

function withoutKey<T extends object>(obj: T, key: string): T {
  return Object.fromEntries(Object.entries(obj).filter(([k]) => k !== key)) as T;
}

function isNodeRole(role: TextRole): role is NodeRole {
  return role === 'PRD' || role === 'MBR';
}

function presetServices(role: GroupRole, presetId: string): string[] | undefined {
  return SERVICE_PRESETS[role].find((p) => p.id === presetId)?.services.slice();
}

export const createPlanSlice: SliceCreator<PlanSlice> = (set) => {
  const editGroups = (role: GroupRole, edit: (groups: PlanGroup[], texts: string[]) => void, key?: string) => {
    markEdit(key);
    set((s) => {
      const groups = [...s.plan[GROUP_KEY[role]]];
      const texts = [...s.groupText[role]];
      edit(groups, texts);
      return { plan: { ...s.plan, [GROUP_KEY[role]]: groups }, groupText: { ...s.groupText, [role]: texts } };
    });
  };
  return {
    plan: startingPlan(),
    roleText: {},
    groupText: { USERW: [''], DVC: [''] },

    setRoleText: (role, text) => {
      markEdit(`role:${role}`);
      set((s) => {
        const roleText = { ...s.roleText, [role]: text };
        if (isNodeRole(role)) return { roleText, plan: { ...s.plan, nodes: nodesFromText(roleText) } };
        const entries = planEntries(parseRoleTextCached(role, text));
        const roles = entries.length > 0 ? { ...s.plan.roles, [role]: entries } : withoutKey(s.plan.roles, role);
        return { roleText, plan: { ...s.plan, roles } };
      });
    },

    setGroupText: (role, index, text) =>
      editGroups(role, (groups, texts) => {
        const group = groups[index];
        if (!group) return;
        texts[index] = text;
        groups[index] = { ...group, entries: planEntries(parseRoleTextCached(`${role}:${index}`, text)) };
      }, `group:${role}:${index}`),

    setGroupName: (role, index, name) =>
      editGroups(role, (groups) => {
        const group = groups[index];
        if (group) groups[index] = { ...group, name };
      }, `group-name:${role}:${index}`),

    setGroupService: (role, index, ruleId, on) =>
      editGroups(role, (groups) => {
        const group = groups[index];
        if (!group) return;
        const services = group.services.filter((id) => id !== ruleId);
        // the catalog's order, whatever order the boxes were ticked in
        const next = on ? groupServiceIds(role).filter((id) => id === ruleId || services.includes(id)) : services;
        groups[index] = { ...group, services: next };
      }),

    applyPreset: (role, index, presetId) =>
      editGroups(role, (groups) => {
        const group = groups[index];
        const services = presetServices(role, presetId);
        if (group && services) groups[index] = { ...group, services };
      }),

    addGroup: (role, presetId) =>
      editGroups(role, (groups, texts) => {
        const preset = presetId ? SERVICE_PRESETS[role].find((p) => p.id === presetId) : undefined;
        const base = preset?.title.replace(/ \(.*\)$/, '') ?? `${role === 'USERW' ? 'User' : 'Device'} group`;
        let name = base;
        for (let n = 2; groups.some((g) => g.name.toLowerCase() === name.toLowerCase()); n++) name = `${base} ${n}`;
        groups.push({ name, entries: [], services: preset ? [...preset.services] : [] });
        texts.push('');
      }),

    removeGroup: (role, index) =>
      editGroups(role, (groups, texts) => {
        groups.splice(index, 1);
        texts.splice(index, 1);
      }),

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
      set((s) => ({ plan: withRuleOn(s.plan, rule, on) }));
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

    addCustomFlow: (flow) => {
      markEdit();
      set((s) => ({ plan: { ...s.plan, customFlows: [...s.plan.customFlows, flow] } }));
    },

    updateCustomFlow: (index, flow) => {
      markEdit(`flow:${index}`);
      set((s) => ({ plan: { ...s.plan, customFlows: s.plan.customFlows.map((f, i) => (i === index ? flow : f)) } }));
    },

    removeCustomFlow: (index) => {
      markEdit();
      set((s) => ({ plan: { ...s.plan, customFlows: s.plan.customFlows.filter((_, i) => i !== index) } }));
    },

    setChangeRequest: (changeRequest) => {
      markEdit('change-request');
      set((s) => ({ plan: { ...s.plan, changeRequest } }));
    },

    replacePlan: (plan, read) => {
      markEdit();
      set({ plan, roleText: roleTextFromPlan(plan), groupText: groupTextFromPlan(plan), upgradeNotice: read?.upgradedFrom ? UPGRADE_NOTICE : null });
    },
  };
};
