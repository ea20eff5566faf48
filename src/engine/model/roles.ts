/**
 * The roles of the vendor article, plus ADMINW (administrator workstations, from the vendor's
 * admin-shell documentation). PRD and MBR are the senhasegura nodes; USERW and DVC hold named
 * groups in a version 2 plan; the others are plain lists of servers.
 */
export const ROLE_CODES = [
  'PRD', 'MBR', 'USERW', 'ADMINW', 'DVC', 'NTP', 'DNS', 'MAIL', 'LDAP', 'RADIUS', 'TACACS', 'LOG', 'BACKUP',
  // components from other vendor pages (catalog rows off by default)
  'ARB', 'NCAGENT', 'NMS', 'HSM', 'CA', 'MIRROR', 'LB', 'DOMUM',
] as const;
export type RoleCode = (typeof ROLE_CODES)[number];

/** The senhasegura nodes: named objects with one address per family. */
export const NODE_ROLES = ['PRD', 'MBR'] as const;
export type NodeRole = (typeof NODE_ROLES)[number];

/** Roles split into named groups, each with the services it needs. */
export const GROUP_ROLES = ['USERW', 'DVC'] as const;
export type GroupRole = (typeof GROUP_ROLES)[number];

/** Roles that stay plain lists of entries in a version 2 plan. */
export const LIST_ROLES = ['ADMINW', 'NTP', 'DNS', 'MAIL', 'LDAP', 'RADIUS', 'TACACS', 'LOG', 'BACKUP', 'ARB', 'NCAGENT', 'NMS', 'HSM', 'CA', 'MIRROR', 'LB', 'DOMUM'] as const;

/** The plain roles that serve components outside the vendor article: their rows are off by default. */
export const COMPONENT_ROLES = ['ARB', 'NCAGENT', 'NMS', 'HSM', 'CA', 'MIRROR', 'LB', 'DOMUM'] as const;
export type ListRole = (typeof LIST_ROLES)[number];

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
  ARB: 'Arbitrator: a cluster quorum node (Galera and Elasticsearch with every node)',
  NCAGENT: 'Network Connector agents (connect out to the nodes)',
  NMS: 'network monitoring (SNMP polling and traps)',
  HSM: 'hardware security modules (Thales Luna NTLS)',
  CA: 'Microsoft certificate authorities (Certificate Manager, WinRM)',
  MIRROR: 'the vendor package mirrors (deb/security.senhasegura.com, resolved)',
  LB: 'load balancer: its virtual address and the balancer itself',
  DOMUM: 'Domum Gateway (the vendor cloud tunnel)',
};

/** Short names for table cells and object names. */
export const ROLE_NAMES: Record<RoleCode | 'CLUSTER' | 'SITE', string> = {
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
  ARB: 'arbitrators',
  NCAGENT: 'Network Connector agents',
  NMS: 'monitoring servers',
  HSM: 'HSMs',
  CA: 'certificate authorities',
  MIRROR: 'package mirrors',
  LB: 'load balancers',
  DOMUM: 'Domum gateway',
  CLUSTER: 'PRD + MBR',
  SITE: 'site entries',
};
