import { z } from 'zod';

/**
 * The roles of the vendor article, plus ADMINW (administrator workstations, from the vendor's
 * admin-shell documentation). PRD and MBR are the senhasegura nodes; USERW and DVC hold named
 * groups in a version 2 plan; the others are plain lists of servers.
 */
export const ROLE_CODES = ['PRD', 'MBR', 'USERW', 'ADMINW', 'DVC', 'NTP', 'DNS', 'MAIL', 'LDAP', 'RADIUS', 'TACACS', 'LOG', 'BACKUP'] as const;
export const RoleCodeSchema = z.enum(ROLE_CODES);
export type RoleCode = z.infer<typeof RoleCodeSchema>;

/** The senhasegura nodes: named objects with one address per family. */
export const NODE_ROLES = ['PRD', 'MBR'] as const;
export type NodeRole = (typeof NODE_ROLES)[number];

/** Roles split into named groups, each with the services it needs. */
export const GROUP_ROLES = ['USERW', 'DVC'] as const;
export type GroupRole = (typeof GROUP_ROLES)[number];

/** Roles that stay plain lists of entries in a version 2 plan. */
export const LIST_ROLES = ['ADMINW', 'NTP', 'DNS', 'MAIL', 'LDAP', 'RADIUS', 'TACACS', 'LOG', 'BACKUP'] as const;
export const ListRoleSchema = z.enum(LIST_ROLES);
export type ListRole = z.infer<typeof ListRoleSchema>;

export function isNodeRole(role: RoleCode): role is NodeRole {
  return role === 'PRD' || role === 'MBR';
}

export function isGroupRole(role: RoleCode): role is GroupRole {
  return role === 'USERW' || role === 'DVC';
}

export const ROLE_DESCRIPTIONS: Record<RoleCode, string> = {
  PRD: 'senhasegura primary application node(s)',
  MBR: 'secondary cluster members (used only with cluster mode on)',
  USERW: 'user workstations that reach senhasegura',
  ADMINW: 'administrator workstations (the appliance admin shell, 59022/tcp)',
  DVC: 'devices managed through senhasegura',
  NTP: 'NTP servers',
  DNS: 'DNS servers',
  MAIL: 'mail (SMTP) servers',
  LDAP: 'LDAP / Active Directory servers',
  RADIUS: 'RADIUS servers',
  TACACS: 'TACACS+ servers',
  LOG: 'syslog servers',
  BACKUP: 'backup servers (SSH, NFS, SMB)',
};

/** Short names for table cells and object names. */
export const ROLE_NAMES: Record<RoleCode | 'CLUSTER', string> = {
  PRD: 'senhasegura primary',
  MBR: 'cluster members',
  USERW: 'user workstations',
  ADMINW: 'admin workstations',
  DVC: 'managed devices',
  NTP: 'NTP servers',
  DNS: 'DNS servers',
  MAIL: 'mail servers',
  LDAP: 'LDAP / AD servers',
  RADIUS: 'RADIUS servers',
  TACACS: 'TACACS+ servers',
  LOG: 'syslog servers',
  BACKUP: 'backup servers',
  CLUSTER: 'PRD + MBR',
};
