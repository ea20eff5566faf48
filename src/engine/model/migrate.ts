import { groupServiceIds } from '../catalog/senhasegura.ts';
import { parseAddress } from '../net/address.ts';
import { oneLine } from '../text.ts';
import { LIST_ROLES, type NodeRole } from './roles.ts';
import { entryAddress, entryLabel, type Entry, type Plan, type PlanNode, type PlanV1 } from './plan.ts';

/** The names a version 1 plan's one user group and one device group get. */
export const V1_USER_GROUP = 'User workstations';
export const V1_DEVICE_GROUP = 'Managed devices';

function familyOf(text: string): 4 | 6 | undefined {
  const parsed = parseAddress(text);
  return parsed.ok ? parsed.network.family : undefined;
}

/**
 * A version 1 role of nodes to named nodes: entries that carry the same label and differ in
 * family are one dual-stack node; every other entry is a node of its own, named by its label or,
 * without one, by the address as written. An entry repeated verbatim is one node.
 */
function nodesOf(role: NodeRole, entries: readonly Entry[], taken: Set<string>): PlanNode[] {
  const seen = new Set<string>();
  const unique = entries.filter((e) => {
    const key = JSON.stringify([entryAddress(e), entryLabel(e) ?? '']);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const byLabel = new Map<string, Entry[]>();
  for (const e of unique) {
    const label = entryLabel(e)?.trim();
    if (label) byLabel.set(label, [...(byLabel.get(label) ?? []), e]);
  }
  const uniqueName = (wanted: string): string => {
    // a label may hold anything; a node name is one printable line
    const clean = oneLine(wanted);
    const base = clean === '' ? role.toLowerCase() : clean;
    let name = base.slice(0, 63);
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base.slice(0, 58)} (${n})`;
    taken.add(name.toLowerCase());
    return name;
  };
  const out: PlanNode[] = [];
  const done = new Set<Entry>();
  for (const e of unique) {
    if (done.has(e)) continue;
    const label = entryLabel(e)?.trim();
    const same = label ? (byLabel.get(label) ?? [e]) : [e];
    const families = same.map((x) => familyOf(entryAddress(x)));
    const pairable = same.length === 2 && families[0] !== undefined && families[1] !== undefined && families[0] !== families[1];
    const members = pairable ? same : [e];
    for (const m of members) done.add(m);
    out.push({ name: uniqueName(label || entryAddress(e)), role, addresses: members.map(entryAddress) });
  }
  return out;
}

/** Version 1 → version 2 with the same flows: the plan file's upgrade on the way in. */
export function migrateV1(v1: PlanV1): Plan {
  const taken = new Set<string>();
  const roles: Plan['roles'] = {};
  for (const role of LIST_ROLES) {
    const list = v1.roles[role];
    if (list !== undefined && list.length > 0) roles[role] = list;
  }
  const users = v1.roles.USERW ?? [];
  const devices = v1.roles.DVC ?? [];
  return {
    version: 2,
    ...(v1.name !== undefined ? { name: v1.name } : {}),
    cluster: v1.cluster,
    nodes: [...nodesOf('PRD', v1.roles.PRD ?? [], taken), ...nodesOf('MBR', v1.roles.MBR ?? [], taken)],
    roles,
    userGroups: users.length > 0 ? [{ name: V1_USER_GROUP, entries: users, services: groupServiceIds('USERW') }] : [],
    deviceGroups: devices.length > 0 ? [{ name: V1_DEVICE_GROUP, entries: devices, services: groupServiceIds('DVC') }] : [],
    customFlows: [],
    disabled: v1.disabled,
    enabled: v1.enabled,
    ports: v1.ports,
    ...(v1.changeRequest !== undefined ? { changeRequest: v1.changeRequest } : {}),
  };
}
