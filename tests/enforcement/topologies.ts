/**
 * The test networks and their plans. Every role sits on its own subnet behind the router, so every
 * flow between two hosts crosses the router (gateway scope) and reaches a node through its own
 * interface (host scope). Addresses: documentation ranges only.
 */
import type { GroupRole, RoleCode } from '../../src/engine/index.ts';
import { link4, link6, type HostSpec } from './netns.ts';

/** A user or device group of a version 2 plan: its hosts name it in `group`. */
export interface TopologyGroup {
  readonly role: GroupRole;
  readonly name: string;
  readonly services: readonly string[];
}

export interface Topology {
  /** [a-z0-9]{1,12}: part of the namespace names */
  readonly name: string;
  readonly title: string;
  readonly cluster: boolean;
  readonly hosts: readonly HostSpec[];
  readonly disabled?: readonly string[];
  readonly enabled?: readonly string[];
  readonly ports?: Readonly<Record<string, number>>;
  /** set: a version 2 plan with these groups (and named nodes); unset: a version 1 plan */
  readonly groups?: readonly TopologyGroup[];
  /** site flows between hosts (version 2 plans): every address of the hosts on each side */
  readonly siteFlows?: readonly { name: string; from: readonly string[]; to: readonly string[]; protocol: 'tcp' | 'udp'; ports: number | string }[];
}

type Written = string | { address: string; label: string };

/**
 * The plan file a topology stands for. Version 1: each host's entries under its role, labelled
 * (the IPv6 line with `label6` where set). Version 2: a named node per PRD/MBR host, a group per
 * topology group holding its hosts' entries, the other roles as lists.
 */
export function planInput(t: Topology): Record<string, unknown> {
  const entriesOf = (h: HostSpec): Written[] => {
    const out: Written[] = [];
    const written = h.entries ?? [h.v4?.address, h.v6?.address].filter((a): a is string => a !== undefined);
    for (const address of written) {
      const label = address.includes(':') && h.label6 !== undefined ? h.label6 : h.label;
      out.push(label !== undefined ? { address, label } : address);
    }
    return out;
  };
  const common = { name: t.title, cluster: t.cluster, disabled: [...(t.disabled ?? [])], enabled: [...(t.enabled ?? [])], ports: { ...(t.ports ?? {}) } };
  if (t.groups === undefined) {
    const roles: Partial<Record<RoleCode, Written[]>> = {};
    for (const h of t.hosts) roles[h.role] = [...(roles[h.role] ?? []), ...entriesOf(h)];
    return { version: 1, ...common, roles };
  }
  const roles: Record<string, Written[]> = {};
  for (const h of t.hosts) {
    if (['PRD', 'MBR', 'USERW', 'DVC'].includes(h.role)) continue;
    roles[h.role] = [...(roles[h.role] ?? []), ...entriesOf(h)];
  }
  const nodes = t.hosts
    .filter((h) => h.role === 'PRD' || h.role === 'MBR')
    .map((h) => ({ name: h.label ?? h.id, role: h.role, addresses: [h.v4?.address, h.v6?.address].filter((a) => a !== undefined) }));
  const groups = (role: GroupRole) =>
    (t.groups ?? [])
      .filter((g) => g.role === role)
      .map((g) => ({ name: g.name, services: [...g.services], entries: t.hosts.filter((h) => h.role === role && h.group === g.name).flatMap(entriesOf) }));
  const addressesOf = (ids: readonly string[]) =>
    ids.flatMap((id) => {
      const h = t.hosts.find((x) => x.id === id);
      return [h?.v4?.address, h?.v6?.address].filter((a): a is string => a !== undefined);
    });
  const customFlows = (t.siteFlows ?? []).map((f) => ({
    name: f.name,
    source: { entries: addressesOf(f.from) },
    destination: { entries: addressesOf(f.to) },
    protocol: f.protocol,
    ports: f.ports,
    reason: `kernel test: ${f.name}`,
  }));
  return { version: 2, ...common, nodes, roles, userGroups: groups('USERW'), deviceGroups: groups('DVC'), customFlows };
}

/**
 * One senhasegura node, cluster off, every management role, two USERW and two DVC hosts (one
 * listed as a CIDR, one as an address). An MBR host exists but must get nothing (cluster off); two
 * rules are disabled and one port is overridden.
 */
export const SINGLE_NODE: Topology = {
  name: 'single',
  title: 'enforcement single node',
  cluster: false,
  hosts: [
    { id: 'prd', role: 'PRD', label: 'vault-01', v4: link4('192.0.2', 0) },
    { id: 'mbr', role: 'MBR', label: 'vault-02 (cluster off)', v4: link4('192.0.2', 1) },
    { id: 'ntp', role: 'NTP', v4: link4('192.0.2', 2) },
    { id: 'dns', role: 'DNS', v4: link4('192.0.2', 3) },
    { id: 'mail', role: 'MAIL', v4: link4('192.0.2', 4) },
    { id: 'ldap', role: 'LDAP', label: "dc-01, O'Brien's", v4: link4('192.0.2', 5) },
    { id: 'radius', role: 'RADIUS', v4: link4('192.0.2', 6) },
    { id: 'tacacs', role: 'TACACS', v4: link4('192.0.2', 7) },
    { id: 'log', role: 'LOG', v4: link4('192.0.2', 8) },
    { id: 'backup', role: 'BACKUP', v4: link4('192.0.2', 9) },
    { id: 'admin', role: 'ADMINW', label: "O'Brien's laptop", v4: link4('198.51.100', 2) },
    { id: 'userw1', role: 'USERW', v4: link4('198.51.100', 0), entries: ['198.51.100.0/28'] },
    { id: 'userw2', role: 'USERW', label: 'helpdesk "jump" host', v4: link4('198.51.100', 1) },
    { id: 'dvc1', role: 'DVC', v4: link4('203.0.113', 0), entries: ['203.0.113.0/28'] },
    { id: 'dvc2', role: 'DVC', label: 'core-sw; $(reboot)', v4: link4('203.0.113', 1) },
  ],
  disabled: ['prd-dvc-tcp-23', 'userw-prd-tcp-3389'],
  ports: { 'prd-mail-tcp-420': 587 },
};

/** Three nodes (PRD + two MBR), cluster on, one optional cluster rule on, one cluster port disabled. */
export const CLUSTER: Topology = {
  name: 'cluster',
  title: 'enforcement three-node cluster',
  cluster: true,
  hosts: [
    { id: 'prd', role: 'PRD', label: 'vault-01', v4: link4('192.0.2', 0) },
    { id: 'mbr1', role: 'MBR', label: 'vault-02', v4: link4('192.0.2', 1) },
    { id: 'mbr2', role: 'MBR', label: 'vault-03', v4: link4('192.0.2', 2) },
    { id: 'dns', role: 'DNS', v4: link4('192.0.2', 3) },
    { id: 'ldap', role: 'LDAP', v4: link4('192.0.2', 4) },
    { id: 'log', role: 'LOG', v4: link4('192.0.2', 5) },
    { id: 'backup', role: 'BACKUP', v4: link4('192.0.2', 6) },
    { id: 'userw', role: 'USERW', v4: link4('198.51.100', 0), entries: ['198.51.100.0/28'] },
    { id: 'dvc', role: 'DVC', v4: link4('203.0.113', 0) },
  ],
  enabled: ['prd-mbr-tcp-4248', 'mbr-prd-tcp-4248'],
  disabled: ['prd-mbr-tcp-9300', 'mbr-prd-tcp-9300', 'userw-prd-tcp-80'],
};

/**
 * A dual-stack two-node cluster: the nodes and DNS have IPv4 and IPv6, the other roles one family
 * each, so some rules exist only for IPv6, some only for IPv4 and some for both.
 */
export const IPV6: Topology = {
  name: 'ipv6',
  title: 'enforcement dual-stack cluster',
  cluster: true,
  hosts: [
    { id: 'prd', role: 'PRD', label: 'vault-01', v4: link4('192.0.2', 0), v6: link6(0x10) },
    { id: 'mbr', role: 'MBR', label: 'vault-02', v4: link4('192.0.2', 1), v6: link6(0x11) },
    { id: 'ntp', role: 'NTP', v6: link6(0x1) },
    { id: 'dns', role: 'DNS', v4: link4('192.0.2', 2), v6: link6(0x2) },
    { id: 'log', role: 'LOG', v4: link4('192.0.2', 3) },
    { id: 'backup', role: 'BACKUP', v6: link6(0x3) },
    { id: 'admin6', role: 'ADMINW', v6: link6(0x5) },
    { id: 'userw6', role: 'USERW', v6: link6(0x100), entries: ['2001:db8:100::/64'] },
    { id: 'userw4', role: 'USERW', v4: link4('198.51.100', 0) },
    { id: 'dvc', role: 'DVC', v6: link6(0x200), entries: ['2001:db8:200::/64'] },
  ],
  disabled: ['userw-prd-tcp-22'],
};

/** A small single-node network for the broken-renderer proof: quick to build, every kind of match. */
export const PROOF: Topology = {
  name: 'proof',
  title: 'enforcement broken-renderer proof',
  cluster: false,
  hosts: [
    { id: 'prd', role: 'PRD', v4: link4('192.0.2', 0) },
    { id: 'ntp', role: 'NTP', v4: link4('192.0.2', 2) },
    { id: 'backup', role: 'BACKUP', v4: link4('192.0.2', 9) },
    { id: 'userw1', role: 'USERW', v4: link4('198.51.100', 0), entries: ['198.51.100.0/28'] },
    { id: 'userw2', role: 'USERW', v4: link4('198.51.100', 1) },
    { id: 'dvc', role: 'DVC', v4: link4('203.0.113', 0) },
  ],
};

/**
 * Least privilege with version 2 objects: dual-stack named nodes, a "Linux" device group with SSH
 * only and a "Windows" group with RDP, SMB and RPC only, administrators apart from everyone else,
 * and the admin shell from ADMINW. A Linux host must be reachable on 22 and not on 3389, a
 * Windows host on 3389 and not on 22, in both families.
 */
export const GROUPS: Topology = {
  name: 'groups',
  title: 'enforcement device groups',
  cluster: true,
  groups: [
    { role: 'DVC', name: 'Linux', services: ['prd-dvc-tcp-22'] },
    { role: 'DVC', name: 'Windows', services: ['prd-dvc-tcp-3389', 'prd-dvc-tcp-445', 'prd-dvc-tcp-135'] },
    { role: 'USERW', name: 'Administrators', services: ['userw-prd-tcp-443', 'userw-prd-tcp-22'] },
    { role: 'USERW', name: 'Everyone', services: ['userw-prd-tcp-443'] },
  ],
  hosts: [
    { id: 'prd', role: 'PRD', label: 'vault-01', v4: link4('192.0.2', 0), v6: link6(0x10) },
    { id: 'mbr', role: 'MBR', label: 'vault-02', v4: link4('192.0.2', 1), v6: link6(0x11) },
    { id: 'admin', role: 'ADMINW', v4: link4('198.51.100', 2), v6: link6(0x5) },
    { id: 'usradm', role: 'USERW', group: 'Administrators', v4: link4('198.51.100', 0), v6: link6(0x100) },
    { id: 'usrall', role: 'USERW', group: 'Everyone', v4: link4('198.51.100', 1), v6: link6(0x101) },
    { id: 'linux', role: 'DVC', group: 'Linux', v4: link4('203.0.113', 0), v6: link6(0x200) },
    { id: 'win', role: 'DVC', group: 'Windows', v4: link4('203.0.113', 1), v6: link6(0x201) },
  ],
};

/**
 * A dual-stack member written, in a version 1 plan, as two lines with different labels: fwplan
 * reads two nodes (one per family) and warns. The host export of either must never drop the
 * other family's traffic of that machine.
 */
export const SPLIT: Topology = {
  name: 'split',
  title: 'enforcement node split by labels',
  cluster: true,
  hosts: [
    { id: 'prd', role: 'PRD', label: 'vault-01', v4: link4('192.0.2', 0), v6: link6(0x10) },
    { id: 'mbr', role: 'MBR', label: 'vault-02', label6: 'vault-02 v6', v4: link4('192.0.2', 1), v6: link6(0x11) },
    { id: 'admin', role: 'ADMINW', v4: link4('198.51.100', 2), v6: link6(0x5) },
    { id: 'userw', role: 'USERW', v4: link4('198.51.100', 0), v6: link6(0x100) },
  ],
};

/**
 * Components beyond the article and the site's own flows (issue 14): a two-node cluster with an
 * Arbitrator (the optional Galera/Elasticsearch rows with every node, enabled) and a site flow
 * with a port range from a monitoring host to both nodes.
 */
const ARBITRATOR_ROWS = ['tcp-3306', 'tcp-4444', 'tcp-4567', 'udp-4567', 'tcp-4568', 'tcp-9300'].flatMap((p) => [`prd-arb-${p}`, `arb-prd-${p}`]);

export const COMPONENTS: Topology = {
  name: 'comp',
  title: 'enforcement components and site flows',
  cluster: true,
  groups: [{ role: 'USERW', name: 'Users', services: ['userw-prd-tcp-443'] }],
  enabled: ARBITRATOR_ROWS,
  hosts: [
    { id: 'prd', role: 'PRD', label: 'vault-01', v4: link4('192.0.2', 0), v6: link6(0x10) },
    { id: 'mbr', role: 'MBR', label: 'vault-02', v4: link4('192.0.2', 1), v6: link6(0x11) },
    { id: 'arb', role: 'ARB', v4: link4('192.0.2', 2), v6: link6(0x12) },
    { id: 'admin', role: 'ADMINW', v4: link4('198.51.100', 2) },
    { id: 'users', role: 'USERW', group: 'Users', v4: link4('198.51.100', 0) },
    // a monitoring host that only the site flow names (its role is never used by a catalog row here)
    { id: 'mon', role: 'NMS', v4: link4('203.0.113', 0), v6: link6(0x300) },
  ],
  siteFlows: [{ name: 'monitoring agents', from: ['mon'], to: ['prd', 'mbr'], protocol: 'tcp', ports: '7000-7010' }],
};

/**
 * A change for the delta proof (issue 12): NEW adds a node to the cluster (vault-03), a device
 * to the Linux group (its IPv4 side becomes a set), overrides the LDAP port (389 → 3268), turns
 * SMB to the Windows group off, and drops the monitoring site flow with its port range. OLD is
 * the same network before the change: vault-03 and the new device are not in its plan, the
 * monitoring host stays in the lab (an unused role in NEW). Dual-stack, so ip6tables has rules.
 */
const DELTA_HOSTS: readonly HostSpec[] = [
  { id: 'prd', role: 'PRD', label: 'vault-01', v4: link4('192.0.2', 0), v6: link6(0x10) },
  { id: 'mbr1', role: 'MBR', label: 'vault-02', v4: link4('192.0.2', 1), v6: link6(0x11) },
  { id: 'mbr2', role: 'MBR', label: 'vault-03', v4: link4('192.0.2', 2), v6: link6(0x12) },
  { id: 'admin', role: 'ADMINW', v4: link4('198.51.100', 2), v6: link6(0x5) },
  { id: 'ldap', role: 'LDAP', label: 'dc-01', v4: link4('192.0.2', 3) },
  { id: 'users', role: 'USERW', group: 'Everyone', v4: link4('198.51.100', 0) },
  { id: 'linux1', role: 'DVC', group: 'Linux', label: 'web-01', v4: link4('203.0.113', 0), v6: link6(0x200) },
  { id: 'linux2', role: 'DVC', group: 'Linux', label: 'web-02', v4: link4('203.0.113', 1) },
  { id: 'win', role: 'DVC', group: 'Windows', v4: link4('203.0.113', 2), v6: link6(0x201) },
  { id: 'mon', role: 'NMS', v4: link4('203.0.113', 3) },
];

const DELTA_GROUPS: readonly TopologyGroup[] = [
  { role: 'USERW', name: 'Everyone', services: ['userw-prd-tcp-443'] },
  { role: 'DVC', name: 'Linux', services: ['prd-dvc-tcp-22'] },
  { role: 'DVC', name: 'Windows', services: ['prd-dvc-tcp-3389', 'prd-dvc-tcp-445'] },
];

export const DELTA_NEW: Topology = {
  name: 'delta',
  title: 'enforcement delta',
  cluster: true,
  groups: DELTA_GROUPS,
  hosts: DELTA_HOSTS,
  disabled: ['prd-dvc-tcp-445'],
  ports: { 'prd-ldap-tcp-389': 3268 },
};

export const DELTA_OLD: Topology = {
  ...DELTA_NEW,
  hosts: DELTA_HOSTS.filter((h) => h.id !== 'mbr2' && h.id !== 'linux2'),
  disabled: [],
  ports: {},
  siteFlows: [{ name: 'monitoring agents', from: ['mon'], to: ['prd', 'mbr1'], protocol: 'tcp', ports: '7000-7010' }],
};
