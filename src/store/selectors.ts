import { useEffect, useMemo, useState } from 'react';
import { expandPlan, type GroupRole, type NodeRole, type Plan, type RuleSet } from '../engine/index.ts';
import { nodesFromParse, type TextNode } from './nodeText.ts';
import type { RoleTextMap, TextRole } from './slices/planSlice.ts';
import { parseRoleTextCached } from './roleParseCache.ts';
import type { RoleTextParse } from './roleText.ts';
import { useStore } from './store.ts';

// Derived data is never stored: it is computed from the plan and remembered, so every panel that
// asks for the same plan shares one expansion. The rule set depends only on these parts of the
// plan; the store keeps the other parts' objects when it edits one (name, change request), so
// typing a change-request field never expands the plan again.
interface Remembered {
  readonly cluster: boolean;
  readonly nodes: Plan['nodes'];
  readonly userGroups: Plan['userGroups'];
  readonly deviceGroups: Plan['deviceGroups'];
  readonly customFlows: Plan['customFlows'];
  /** per-rule expiries live in the change request's rule notes */
  readonly ruleNotes: NonNullable<Plan['changeRequest']>['ruleNotes'];
  readonly roles: Plan['roles'];
  readonly disabled: Plan['disabled'];
  readonly enabled: Plan['enabled'];
  readonly ports: Plan['ports'];
  readonly ruleSet: RuleSet;
}
const REMEMBER = 4;
/** Today, for expiries: rules and site flows that expired before it are left out (said in the findings). */
const TODAY = (() => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
})();
const remembered: Remembered[] = [];
/** how long the last expansion took: a large plan is expanded only once typing pauses */
let lastExpandMs = 0;
const SLOW_EXPAND_MS = 25;
const SETTLE_MS = 250;

function rememberedFor(plan: Plan): RuleSet | undefined {
  return remembered.find(
    (r) =>
      r.cluster === plan.cluster &&
      r.nodes === plan.nodes &&
      r.userGroups === plan.userGroups &&
      r.deviceGroups === plan.deviceGroups &&
      r.customFlows === plan.customFlows &&
      r.ruleNotes === plan.changeRequest?.ruleNotes &&
      r.roles === plan.roles &&
      r.disabled === plan.disabled &&
      r.enabled === plan.enabled &&
      r.ports === plan.ports,
  )?.ruleSet;
}

export function ruleSetOf(plan: Plan): RuleSet {
  const hit = rememberedFor(plan);
  if (hit) return hit;
  const started = performance.now();
  const ruleSet = expandPlan(plan, { today: TODAY });
  lastExpandMs = performance.now() - started;
  remembered.unshift({
    cluster: plan.cluster,
    nodes: plan.nodes,
    userGroups: plan.userGroups,
    deviceGroups: plan.deviceGroups,
    customFlows: plan.customFlows,
    ruleNotes: plan.changeRequest?.ruleNotes,
    roles: plan.roles,
    disabled: plan.disabled,
    enabled: plan.enabled,
    ports: plan.ports,
    ruleSet,
  });
  remembered.length = Math.min(remembered.length, REMEMBER);
  return ruleSet;
}

export function usePlan(): Plan {
  return useStore((s) => s.plan);
}

/**
 * The rule set of the current plan, with the plan it was made from. A small plan is expanded at
 * once. A large one (expansion takes tens of milliseconds) is expanded when edits pause for a
 * moment, so typing in a box of thousands of addresses does not wait for the whole expansion on
 * every keystroke; meanwhile the previous rule set is shown, marked stale. Edits that do not
 * touch the addresses (services, ports, cluster) are shown at once.
 */
export function useRuleSet(): { plan: Plan; ruleSet: RuleSet; stale: boolean } {
  const plan = usePlan();
  const [settled, setSettled] = useState(plan);
  // only typing in the role boxes waits: a toggle, a port or the cluster switch is shown at once
  const sameAddresses = plan.roles === settled.roles && plan.nodes === settled.nodes && plan.userGroups === settled.userGroups && plan.deviceGroups === settled.deviceGroups;
  const immediate = rememberedFor(plan) !== undefined || lastExpandMs < SLOW_EXPAND_MS || sameAddresses;
  const shown = immediate ? plan : settled;
  useEffect(() => {
    if (shown === plan) {
      // what is shown is what a later delayed edit keeps showing, never an older plan
      if (settled !== plan) setSettled(plan);
      return;
    }
    const timer = window.setTimeout(() => setSettled(plan), SETTLE_MS);
    return () => window.clearTimeout(timer);
  }, [plan, shown, settled]);
  return { plan: shown, ruleSet: ruleSetOf(shown), stale: shown !== plan };
}

export function useRoleText(role: TextRole): string {
  return useStore((s) => s.roleText[role] ?? '');
}

export function useRoleParse(role: TextRole): RoleTextParse {
  return parseRoleTextCached(role, useRoleText(role));
}

export function useGroupText(role: GroupRole, index: number): string {
  return useStore((s) => s.groupText[role][index] ?? '');
}

export function useGroupParse(role: GroupRole, index: number): RoleTextParse {
  return parseRoleTextCached(`${role}:${index}`, useGroupText(role, index));
}

/** The nodes a node box yields, with the tokens each was made of (for the box's node table). */
export function useTextNodes(role: NodeRole): readonly TextNode[] {
  const parse = useRoleParse(role);
  const other = useRoleParse(role === 'PRD' ? 'MBR' : 'PRD');
  return useMemo(() => {
    // names are unique across both boxes, PRD first, as nodesFromText makes them
    const taken = new Set<string>();
    if (role === 'MBR') nodesFromParse('PRD', other, taken);
    return nodesFromParse(role, parse, taken);
  }, [role, parse, other]);
}

/**
 * Where in the boxes a node's address sits: node `index` of the plan and address `address` of it,
 * as the box and token index the findings link to.
 */
export function nodeTokenTarget(plan: Plan, roleText: RoleTextMap, index: number, address?: number): { role: NodeRole; entryIndex?: number } | undefined {
  const node = plan.nodes[index];
  if (!node) return undefined;
  const local = plan.nodes.slice(0, index).filter((n) => n.role === node.role).length;
  const parse = parseRoleTextCached(node.role, roleText[node.role] ?? '');
  const taken = new Set<string>();
  if (node.role === 'MBR') nodesFromParse('PRD', parseRoleTextCached('PRD', roleText.PRD ?? ''), taken);
  const token = address === undefined ? undefined : nodesFromParse(node.role, parse, taken)[local]?.tokens[address];
  const entryIndex = token ? parse.tokens.indexOf(token) : -1;
  return entryIndex >= 0 ? { role: node.role, entryIndex } : { role: node.role };
}
