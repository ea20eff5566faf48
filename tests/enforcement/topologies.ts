/**
 * The test networks and their plans. Every role sits on its own subnet behind the router, so every
 * flow between two hosts crosses the router (gateway scope) and reaches a node through its own
 * interface (host scope). Addresses: documentation ranges only.
 */
import type { PlanInput, RoleCode } from '../../src/engine/index.ts';
import { link4, link6, type HostSpec } from './netns.ts';

export interface Topology {
  /** [a-z0-9]{1,12}: part of the namespace names */
  readonly name: string;
  readonly title: string;
  readonly cluster: boolean;
  readonly hosts: readonly HostSpec[];
  readonly disabled?: readonly string[];
  readonly enabled?: readonly string[];
  readonly ports?: Readonly<Record<string, number>>;
}

/** The plan file a topology stands for: each host's entries under its role. */
export function planInput(t: Topology): PlanInput {
  const roles: Partial<Record<RoleCode, (string | { address: string; label: string })[]>> = {};
  for (const h of t.hosts) {
    const entries = h.entries ?? [h.v4?.address, h.v6?.address].filter((a): a is string => a !== undefined);
    const list = roles[h.role] ?? [];
    for (const address of entries) list.push(h.label !== undefined ? { address, label: h.label } : address);
    roles[h.role] = list;
  }
  return {
    version: 1,
    name: t.title,
    cluster: t.cluster,
    roles,
    disabled: [...(t.disabled ?? [])],
    enabled: [...(t.enabled ?? [])],
    ports: { ...(t.ports ?? {}) },
  };
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
