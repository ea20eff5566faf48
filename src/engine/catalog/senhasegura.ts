import type { CatalogRule, Protocol, SectionId } from '../model/rules.ts';
import type { GroupRole, RoleCode } from '../model/roles.ts';

/**
 * The vendor article "Firewall rules" (senhasegura), row for row, in the article's order.
 * Nothing is corrected: odd ports are kept and flagged with what the IANA registers.
 * Ids are `<source>-<destination>-<protocol>-<port>`, lower case; they are part of the plan
 * file format and must never change.
 */

export interface Section {
  readonly id: SectionId;
  readonly title: string;
}

export const SECTIONS: readonly Section[] = [
  { id: 'mgmt-out', title: 'Communication between senhasegura and management systems' },
  { id: 'mgmt-in', title: 'Communication between management systems and senhasegura' },
  { id: 'users', title: 'Communication between users and senhasegura' },
  { id: 'devices', title: 'Communication between senhasegura and managed devices' },
  { id: 'cluster', title: 'Communication between instances of senhasegura (if applicable)' },
];

interface PortFacts {
  purpose: string;
  /** set where the article's port is not the one the IANA registers for this use */
  standard?: string;
  cleartext?: string;
}

/** What each (protocol, article label) really is. */
const FACTS: Record<string, PortFacts> = {
  'udp/123/NTP': { purpose: 'Network Time Protocol' },
  'udp/53/DNS': { purpose: 'Domain Name System queries' },
  'tcp/420/SMTP': {
    purpose: 'Mail submission (SMTP)',
    standard: 'IANA registers SMTP on 25/tcp and submission on 587/tcp; 420/tcp is registered for SMPTE',
  },
  'tcp/389/LDAP': { purpose: 'LDAP directory', cleartext: 'LDAP without TLS sends binds and queries in clear text; prefer LDAPS (636)' },
  'tcp/636/LDAPS': { purpose: 'LDAP over TLS' },
  'udp/1812/RADIUS': { purpose: 'RADIUS authentication' },
  'tcp/49/TACACS': { purpose: 'TACACS+ authentication' },
  'udp/49/TACACS': { purpose: 'TACACS authentication (UDP)' },
  'tcp/514/SYSLOG': {
    purpose: 'Syslog over TCP',
    standard: 'IANA registers syslog on 514/udp and syslog over TLS on 6514/tcp; 514/tcp is registered for rsh (shell)',
  },
  'udp/6514/SYSLOG': {
    purpose: 'Syslog (UDP)',
    standard: 'IANA registers syslog on 514/udp and syslog over TLS on 6514/tcp; the vendor syslog page says 514/udp',
  },
  'tcp/22/SSH': { purpose: 'Secure Shell' },
  'tcp/2049/NFS': { purpose: 'Network File System' },
  'tcp/5445/SMB': {
    purpose: 'SMB file sharing (backup)',
    standard: 'IANA registers SMB on 445/tcp; the article gives 5445 for the outbound backup rule and 445 for the inbound one',
  },
  'tcp/445/SMB': { purpose: 'SMB file sharing' },
  'tcp/443/HTTPS': { purpose: 'HTTPS' },
  'tcp/80/HTTP': { purpose: 'HTTP', cleartext: 'HTTP is unencrypted' },
  'tcp/3389/RDP': { purpose: 'Remote Desktop Protocol' },
  'tcp/23/TELNET': { purpose: 'Telnet', cleartext: 'Telnet sends credentials in clear text; prefer SSH' },
  'tcp/7443/ORACLE': {
    purpose: 'Oracle database',
    standard: 'IANA registers the Oracle listener on 1521/tcp (and 2484/tcp with TLS); 7443 is the article\'s value',
  },
  'tcp/1433/MS-SQL': { purpose: 'Microsoft SQL Server' },
  'tcp/5432/POSTGRES': { purpose: 'PostgreSQL' },
  'tcp/3306/MySQL': { purpose: 'MySQL / MariaDB' },
  'tcp/135/RPC': { purpose: 'Microsoft RPC endpoint mapper' },
  'tcp/139/RM': { purpose: 'NetBIOS session service (SMB over NetBIOS)' },
  'tcp/9300/VRACE': { purpose: 'Elasticsearch transport' },
  'tcp/4567/TRAM': { purpose: 'Galera replication' },
  'udp/4567/TRAM': { purpose: 'Galera replication (UDP)' },
  'tcp/4568/BMC': { purpose: 'Galera incremental state transfer (IST)' },
  'tcp/4444/METASPLOIT': { purpose: 'Galera state snapshot transfer (SST)' },
  'tcp/4248/SYNC': { purpose: 'senhasegura Sync' },
  'tcp/59022/SSH': { purpose: 'senhasegura SSH (cluster administration)' },
  'tcp/59022/ADMIN-SSH': { purpose: 'senhasegura admin shell (Orbit CLI over SSH)' },
};

type Row = readonly [Protocol, RoleCode, RoleCode, number, string];

function build(section: SectionId, rows: readonly Row[], origin: CatalogRule['origin'] = 'article', cite?: CatalogRule['cite']): CatalogRule[] {
  return rows.map(([protocol, source, destination, port, label]) => {
    const facts = FACTS[`${protocol}/${port}/${label}`];
    if (!facts) throw new Error(`catalog: no facts for ${protocol}/${port}/${label}`);
    const rule: CatalogRule = {
      id: `${source}-${destination}-${protocol}-${port}`.toLowerCase(),
      section,
      service: `${label} ${port}/${protocol}`,
      label,
      purpose: facts.purpose,
      protocol,
      port,
      source,
      destination,
      origin,
      optional: origin === 'newer-vendor-docs',
      ...(cite ? { cite } : {}),
      ...(facts.standard ? { nonStandard: facts.standard } : {}),
      ...(facts.cleartext ? { cleartext: facts.cleartext } : {}),
    };
    return rule;
  });
}

const CLUSTER_PORTS: readonly (readonly [Protocol, number, string])[] = [
  ['tcp', 22, 'SSH'],
  ['tcp', 3306, 'MySQL'],
  ['tcp', 9300, 'VRACE'],
  ['tcp', 4567, 'TRAM'],
  ['tcp', 4568, 'BMC'],
  ['tcp', 4444, 'METASPLOIT'],
  ['udp', 4567, 'TRAM'],
  ['tcp', 80, 'HTTP'],
  ['tcp', 443, 'HTTPS'],
];

const NEWER_CLUSTER_PORTS: readonly (readonly [Protocol, number, string])[] = [
  ['tcp', 4248, 'SYNC'],
  ['tcp', 59022, 'SSH'],
];

export const SENHASEGURA_CATALOG: readonly CatalogRule[] = [
  ...build('mgmt-out', [
    ['udp', 'PRD', 'NTP', 123, 'NTP'],
    ['udp', 'PRD', 'DNS', 53, 'DNS'],
    ['tcp', 'PRD', 'MAIL', 420, 'SMTP'],
    ['tcp', 'PRD', 'LDAP', 389, 'LDAP'],
    ['tcp', 'PRD', 'LDAP', 636, 'LDAPS'],
    ['udp', 'PRD', 'RADIUS', 1812, 'RADIUS'],
    ['tcp', 'PRD', 'TACACS', 49, 'TACACS'],
    ['udp', 'PRD', 'TACACS', 49, 'TACACS'],
    ['tcp', 'PRD', 'LOG', 514, 'SYSLOG'],
    ['udp', 'PRD', 'LOG', 6514, 'SYSLOG'],
    ['tcp', 'PRD', 'BACKUP', 22, 'SSH'],
    ['tcp', 'PRD', 'BACKUP', 2049, 'NFS'],
    ['tcp', 'PRD', 'BACKUP', 5445, 'SMB'],
  ]),
  ...build('mgmt-in', [
    ['tcp', 'BACKUP', 'PRD', 22, 'SSH'],
    ['tcp', 'BACKUP', 'PRD', 2049, 'NFS'],
    ['tcp', 'BACKUP', 'PRD', 445, 'SMB'],
  ]),
  ...build('users', [
    ['tcp', 'USERW', 'PRD', 443, 'HTTPS'],
    ['tcp', 'USERW', 'PRD', 80, 'HTTP'],
    ['tcp', 'USERW', 'PRD', 22, 'SSH'],
    ['tcp', 'USERW', 'PRD', 3389, 'RDP'],
  ]),
  ...build('devices', [
    ['tcp', 'PRD', 'DVC', 22, 'SSH'],
    ['tcp', 'PRD', 'DVC', 23, 'TELNET'],
    ['tcp', 'PRD', 'DVC', 7443, 'ORACLE'],
    ['tcp', 'PRD', 'DVC', 1433, 'MS-SQL'],
    ['tcp', 'PRD', 'DVC', 5432, 'POSTGRES'],
    ['tcp', 'PRD', 'DVC', 3306, 'MySQL'],
    ['tcp', 'PRD', 'DVC', 3389, 'RDP'],
    ['tcp', 'PRD', 'DVC', 135, 'RPC'],
    ['tcp', 'PRD', 'DVC', 139, 'RM'],
    ['tcp', 'PRD', 'DVC', 445, 'SMB'],
    ['tcp', 'PRD', 'DVC', 80, 'HTTP'],
    ['tcp', 'PRD', 'DVC', 443, 'HTTPS'],
  ]),
  ...build('cluster', CLUSTER_PORTS.map(([p, port, label]) => [p, 'PRD', 'MBR', port, label] as const)),
  ...build('cluster', CLUSTER_PORTS.map(([p, port, label]) => [p, 'MBR', 'PRD', port, label] as const)),
  ...build(
    'cluster',
    NEWER_CLUSTER_PORTS.flatMap(([p, port, label]) => [
      [p, 'PRD', 'MBR', port, label] as const,
      [p, 'MBR', 'PRD', port, label] as const,
    ]),
    'newer-vendor-docs',
    { title: 'senhasegura replication requirements (TCP 4248 senhasegura Sync, TCP 59022 senhasegura SSH between nodes)', path: 'docs.senhasegura.io' },
  ),
  // not a row of the article: the appliance's admin shell, on by default so a default-drop
  // export never cuts the administrators' way in
  ...build('users', [['tcp', 'ADMINW', 'PRD', 59022, 'ADMIN-SSH']], 'vendor-docs', {
    title: 'Orbit CLI "via SSH (59022)"; GCP deployment guide: "59022 (SSH)" and "22 (Proxy SSH)"',
    path: 'docs.senhasegura.io (Orbit Config Manager, GCP deployment guide)',
  }),
];

/** The catalog rule that keeps the administrators' shell: kept in every default-drop host export. */
export const ADMIN_SHELL_RULE = 'adminw-prd-tcp-59022';

const BY_ID = new Map(SENHASEGURA_CATALOG.map((r) => [r.id, r]));

export function catalogRule(id: string): CatalogRule | undefined {
  return BY_ID.get(id);
}

export function isRuleId(id: string): boolean {
  return BY_ID.has(id);
}

/** The rules a group of a role can list: user rows (USERW → nodes) or device rows (nodes → DVC). */
export function groupServiceIds(role: GroupRole): string[] {
  return SENHASEGURA_CATALOG.filter((r) => (role === 'USERW' ? r.source === 'USERW' : r.destination === 'DVC')).map((r) => r.id);
}

export interface ServicePreset {
  readonly id: string;
  readonly title: string;
  readonly services: readonly string[];
}

/** Starting points for a group's services; the admin adds or removes services by hand. */
export const SERVICE_PRESETS: Record<GroupRole, readonly ServicePreset[]> = {
  DVC: [
    { id: 'windows', title: 'Windows servers', services: ['prd-dvc-tcp-3389', 'prd-dvc-tcp-135', 'prd-dvc-tcp-139', 'prd-dvc-tcp-445'] },
    { id: 'linux', title: 'Linux/Unix servers', services: ['prd-dvc-tcp-22'] },
    { id: 'network', title: 'Network devices', services: ['prd-dvc-tcp-22', 'prd-dvc-tcp-443'] },
    { id: 'databases', title: 'Databases', services: ['prd-dvc-tcp-1433', 'prd-dvc-tcp-5432', 'prd-dvc-tcp-3306', 'prd-dvc-tcp-7443'] },
    { id: 'web', title: 'Web applications', services: ['prd-dvc-tcp-80', 'prd-dvc-tcp-443'] },
    { id: 'all', title: 'Every device service of the article', services: groupServiceIds('DVC') },
  ],
  USERW: [
    { id: 'administrators', title: 'Administrators (HTTPS, SSH, RDP)', services: ['userw-prd-tcp-443', 'userw-prd-tcp-22', 'userw-prd-tcp-3389'] },
    { id: 'web', title: 'Everyone (HTTPS only)', services: ['userw-prd-tcp-443'] },
    { id: 'all', title: 'Every user service of the article', services: groupServiceIds('USERW') },
  ],
};
