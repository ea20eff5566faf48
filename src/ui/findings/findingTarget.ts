import { ROLE_CODES, type Finding, type RoleCode } from '../../engine/index.ts';
import type { FocusTarget } from '../../store/slices/uiSlice.ts';

function isRoleCode(value: string): value is RoleCode {
  return (ROLE_CODES as readonly string[]).includes(value);
}

/** The field a finding is about, read from its JSON path (roles.DVC[12], ports["id"]) or rule id. */
export function findingTarget(finding: Finding): FocusTarget | undefined {
  const path = finding.path;
  if (path !== undefined) {
    const role = /^roles\.([A-Z]+)(?:\[(\d+)\])?/.exec(path);
    if (role && isRoleCode(role[1] as string)) {
      const index = role[2];
      return index === undefined ? { kind: 'role', role: role[1] as RoleCode } : { kind: 'role', role: role[1] as RoleCode, entryIndex: Number(index) };
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

export function targetLabel(target: FocusTarget): string {
  switch (target.kind) {
    case 'role':
      return target.entryIndex === undefined ? `${target.role} addresses` : `${target.role} entry ${target.entryIndex + 1}`;
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
