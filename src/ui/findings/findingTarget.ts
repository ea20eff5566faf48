import { LIST_ROLES, type Finding, type ListRole, type Plan } from '../../engine/index.ts';
import { nodeTokenTarget } from '../../store/selectors.ts';
import type { RoleTextMap } from '../../store/slices/planSlice.ts';
import type { FocusTarget } from '../../store/slices/uiSlice.ts';

function isListRole(value: string): value is ListRole {
  return (LIST_ROLES as readonly string[]).includes(value);
}

/**
 * The field a finding is about, read from its JSON path (roles.NTP[2], nodes[1].addresses[0],
 * deviceGroups[0].entries[12], ports["id"]) or its rule id. Node paths point into the node boxes,
 * which need the plan and the boxes' text to find the token.
 */
export function findingTarget(finding: Finding, plan: Plan, roleText: RoleTextMap): FocusTarget | undefined {
  const path = finding.path;
  if (path !== undefined) {
    const role = /^roles\.([A-Z]+)(?:\[(\d+)\])?/.exec(path);
    if (role && isListRole(role[1] as string)) {
      const index = role[2];
      return index === undefined ? { kind: 'role', role: role[1] as ListRole } : { kind: 'role', role: role[1] as ListRole, entryIndex: Number(index) };
    }
    const node = /^nodes(?:\[(\d+)\](?:\.addresses\[(\d+)\])?)?/.exec(path);
    if (node) {
      if (node[1] === undefined) return { kind: 'role', role: 'PRD' };
      const at = nodeTokenTarget(plan, roleText, Number(node[1]), node[2] === undefined ? undefined : Number(node[2]));
      return at ? { kind: 'role', ...at } : { kind: 'role', role: 'PRD' };
    }
    const group = /^(userGroups|deviceGroups)\[(\d+)\](?:\.(entries|name|services)(?:\[(\d+)\])?)?/.exec(path);
    if (group) {
      const role = group[1] === 'userGroups' ? ('USERW' as const) : ('DVC' as const);
      const index = Number(group[2]);
      if (group[3] === 'name' || group[3] === 'services') return { kind: 'group', role, index, field: group[3] };
      return group[4] === undefined ? { kind: 'group', role, index } : { kind: 'group', role, index, entryIndex: Number(group[4]) };
    }
    const port = /^ports\["(.+)"\]$/.exec(path);
    if (port) return { kind: 'port', ruleId: port[1] as string };
    if (path === 'cluster') return { kind: 'cluster' };
    if (path === 'name') return { kind: 'name' };
  }
  if (finding.code === 'mbr-ignored') return { kind: 'cluster' };
  if (finding.ruleId !== undefined) return { kind: 'rule', ruleId: finding.ruleId };
  return undefined;
}

export function targetLabel(target: FocusTarget, plan: Plan): string {
  switch (target.kind) {
    case 'role':
      return target.entryIndex === undefined ? `${target.role} addresses` : `${target.role} entry ${target.entryIndex + 1}`;
    case 'group': {
      const name = plan[target.role === 'USERW' ? 'userGroups' : 'deviceGroups'][target.index]?.name ?? target.role;
      if (target.field === 'name') return `the name of group ${name}`;
      if (target.field === 'services') return `the services of group ${name}`;
      return target.entryIndex === undefined ? `${name} addresses` : `${name} entry ${target.entryIndex + 1}`;
    }
    case 'port':
      return 'the port';
    case 'rule':
      return 'the service';
    case 'cluster':
      return 'cluster mode';
    case 'name':
      return 'the plan name';
    default: {
      const never: never = target;
      return never;
    }
  }
}
