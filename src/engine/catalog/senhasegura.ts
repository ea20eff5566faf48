import type { CatalogRule, Protocol, SectionId } from '../model/rules.ts';
import type { GroupRole, RoleCode } from '../model/roles.ts';
import { internalized } from '../text.ts';

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
  { id: 'components', title: 'Other senhasegura components (vendor documentation, off unless enabled)' },
  { id: 'site', title: 'Site flows (this site’s own, not from the vendor)' },
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
  // rows from other vendor pages
  'tcp/5432/PG-PROXY': { purpose: 'Database proxy: PostgreSQL' },
  'tcp/1433/MSSQL-PROXY': { purpose: 'Database proxy: Microsoft SQL Server' },
  'tcp/2484/ORACLE-PROXY': { purpose: 'Database proxy: Oracle over TLS' },
  'udp/2484/ORACLE-PROXY': { purpose: 'Database proxy: Oracle over TLS (UDP, as the specification lists it)' },
  'tcp/5985/WINRM': { purpose: 'WinRM over HTTP (password changes, discovery)', cleartext: 'WinRM on 5985 uses HTTP transport (messages are encrypted only with NTLM/Kerberos message encryption); prefer 5986 (HTTPS)' },
  'tcp/5986/WINRM-TLS': { purpose: 'WinRM over HTTPS (password changes, discovery)' },
  'tcp/5900/VNC': { purpose: 'VNC remote sessions', cleartext: 'VNC sends the session unencrypted unless the server adds TLS' },
  'tcp/1521/ORACLE-IANA': { purpose: 'Oracle listener on its IANA port' },
  'tcp/51445/NC-AGENT': { purpose: 'Network Connector agent (outbound WebSocket to the nodes)', standard: '51445/tcp is the vendor’s own port, not an IANA registration' },
  'udp/161/SNMP': { purpose: 'SNMP polling of the appliance', cleartext: 'SNMP v1/v2c sends the community string in clear text; prefer SNMPv3' },
  'udp/162/SNMP-TRAP': { purpose: 'SNMP traps sent by the appliance', cleartext: 'SNMP v1/v2c traps are clear text; prefer SNMPv3' },
  'udp/514/SYSLOG': { purpose: 'Syslog (UDP) as the vendor syslog page gives it' },
  'tcp/3306/ARB-MySQL': { purpose: 'Arbitrator: MySQL / MariaDB (Galera quorum)' },
  'tcp/4444/ARB-SST': { purpose: 'Arbitrator: Galera state snapshot transfer (SST)' },
  'tcp/4567/ARB-GALERA': { purpose: 'Arbitrator: Galera replication' },
  'udp/4567/ARB-GALERA': { purpose: 'Arbitrator: Galera replication (UDP)' },
  'tcp/4568/ARB-IST': { purpose: 'Arbitrator: Galera incremental state transfer (IST)' },
  'tcp/9300/ARB-ES': { purpose: 'Arbitrator: Elasticsearch transport (quorum)' },
  'tcp/1792/NTLS': { purpose: 'HSM: Thales/Gemalto Luna network trust link (NTLS)', standard: '1792/tcp is the Luna NTLS port; the specification names other HSMs (nShield, Kryptus) without a port' },
  'tcp/5985/CA-WINRM': { purpose: 'Certificate Manager: signing on a Microsoft CA over WinRM (HTTP)', cleartext: 'WinRM on 5985 uses HTTP transport; prefer 5986 (HTTPS)' },
  'tcp/5986/CA-WINRM-TLS': { purpose: 'Certificate Manager: signing on a Microsoft CA over WinRM (HTTPS)' },
  'tcp/443/MIRROR': { purpose: 'Updates from the vendor package mirrors over HTTPS' },
  'tcp/443/LB-HTTPS': { purpose: 'Load balancer: HTTPS' },
  'tcp/80/LB-HTTP': { purpose: 'Load balancer: HTTP', cleartext: 'HTTP is unencrypted' },
  'tcp/22/LB-SSH': { purpose: 'Load balancer: SSH session proxy' },
  'tcp/3389/LB-RDP': { purpose: 'Load balancer: RDP session proxy' },
  'udp/51820/DOMUM': { purpose: 'Domum Gateway tunnel to the vendor cloud', standard: '51820/udp is inferred from the Domum status output (the WireGuard port); the vendor does not state it' },
};

type Row = readonly [Protocol, RoleCode, RoleCode, number, string];

interface Provenance {
  readonly origin?: CatalogRule['origin'];
  readonly optional?: boolean;
  readonly cite?: CatalogRule['cite'];
  readonly ambiguity?: string;
}

function build(section: SectionId, rows: readonly Row[], from: Provenance = {}): CatalogRule[] {
  const origin = from.origin ?? 'article';
  const cite = from.cite;
  return rows.map(([protocol, source, destination, port, label]) => {
    const facts = FACTS[`${protocol}/${port}/${label}`];
    if (!facts) throw new Error(`catalog: no facts for ${protocol}/${port}/${label}`);
    const rule: CatalogRule = {
      // internalized: ids are property keys everywhere, and end up in every export's comments
      id: internalized(`${source}-${destination}-${protocol}-${port}`.toLowerCase()),
      section,
      service: `${label} ${port}/${protocol}`,
      label,
      purpose: facts.purpose,
      protocol,
      port,
      source,
      destination,
      origin,
      optional: from.optional ?? origin === 'newer-vendor-docs',
      ...(cite ? { cite } : {}),
      ...(from.ambiguity ? { ambiguity: from.ambiguity } : {}),
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

/** Rows from other vendor pages: every one off unless enabled, each citing its page. */
function COMPONENT_ROWS(): CatalogRule[] {
  const vendor = (title: string, path: string, ambiguity?: string): Provenance => ({ origin: 'vendor-docs', optional: true, cite: { title, path }, ...(ambiguity ? { ambiguity } : {}) });
  const spec = 'senhasegura technical specification (Ports, protocols)';
  const specPath = 'CF: Getting Started/general-information-senhasegura-technical-specification.md';
  const arbitrator: Row[] = [];
  for (const [p, port, label] of [['tcp', 3306, 'ARB-MySQL'], ['tcp', 4444, 'ARB-SST'], ['tcp', 4567, 'ARB-GALERA'], ['udp', 4567, 'ARB-GALERA'], ['tcp', 4568, 'ARB-IST'], ['tcp', 9300, 'ARB-ES']] as const) {
    arbitrator.push([p, 'PRD', 'ARB', port, label], [p, 'ARB', 'PRD', port, label]);
  }
  return [
    ...build('mgmt-out', [['udp', 'PRD', 'LOG', 514, 'SYSLOG']], vendor('Monitoring: syslog (UDP 514; the firewall article says TCP 514 and UDP 6514)', 'CF: …/Orbit Config Manager/Monitoring/monitoring-syslog.md')),
    ...build('users', [['tcp', 'USERW', 'PRD', 5432, 'PG-PROXY'], ['tcp', 'USERW', 'PRD', 1433, 'MSSQL-PROXY'], ['tcp', 'USERW', 'PRD', 2484, 'ORACLE-PROXY'], ['udp', 'USERW', 'PRD', 2484, 'ORACLE-PROXY']], vendor(`${spec}: database proxy ports`, specPath)),
    ...build('devices', [['tcp', 'PRD', 'DVC', 5985, 'WINRM'], ['tcp', 'PRD', 'DVC', 5986, 'WINRM-TLS']], vendor(`${spec}: WinRM for password changes and discovery`, 'CF: …/Discovery/discovery-requirements.md')),
    ...build('devices', [['tcp', 'PRD', 'DVC', 5900, 'VNC'], ['tcp', 'PRD', 'DVC', 1521, 'ORACLE-IANA']], vendor(`${spec}: VNC; Oracle on its registered port (the article says 7443)`, specPath)),
    ...build('components', arbitrator, vendor('Arbitrator requirements: Galera and Elasticsearch quorum with every node', 'CF: …/arbitrator-requirements.md')),
    ...build('components', [['tcp', 'NCAGENT', 'PRD', 51445, 'NC-AGENT']], vendor('Network Connector: how to install (the agent connects out to the nodes)', 'https://docs.senhasegura.io/docs/network-connector-how-to-install-network-connector')),
    ...build('components', [['udp', 'NMS', 'PRD', 161, 'SNMP']], vendor('Orbit Config Manager: Monitoring, SNMP ("Allowed IPs" poll the appliance)', 'CF: …/Orbit Config Manager/Monitoring/monitoring-snmp.md')),
    ...build('components', [['udp', 'PRD', 'NMS', 162, 'SNMP-TRAP']], vendor('Orbit Config Manager: Monitoring, SNMP traps', 'CF: …/Orbit Config Manager/Monitoring/monitoring-snmp.md', 'the vendor page does not say which way traps go: appliance → NMS on 162/udp is the SNMP convention, inferred here')),
    ...build('components', [['tcp', 'PRD', 'HSM', 1792, 'NTLS']], vendor(`${spec}: HSM (Thales/Gemalto Luna NTLS)`, specPath, 'the specification names nShield and Kryptus HSMs too, with no port: add a site flow for those')),
    ...build('components', [['tcp', 'PRD', 'CA', 5985, 'CA-WINRM'], ['tcp', 'PRD', 'CA', 5986, 'CA-WINRM-TLS']], vendor('Certificate Manager: supported CAs (Microsoft CA over WinRM)', 'CF: …/Certificate Manager/Reference/certificate-manager-reference-supported-cas.md')),
    ...build('components', [['tcp', 'PRD', 'MIRROR', 443, 'MIRROR']], vendor('Firewall page: update mirrors deb.senhasegura.com and security.senhasegura.com', 'docs.senhasegura.io (Firewall rules)', 'the mirrors are names, not addresses: enter their current addresses (they can change) or use a firewall that matches names')),
    ...build('components', [['tcp', 'USERW', 'LB', 443, 'LB-HTTPS'], ['tcp', 'USERW', 'LB', 80, 'LB-HTTP'], ['tcp', 'USERW', 'LB', 22, 'LB-SSH'], ['tcp', 'USERW', 'LB', 3389, 'LB-RDP'], ['tcp', 'LB', 'PRD', 443, 'LB-HTTPS'], ['tcp', 'LB', 'PRD', 80, 'LB-HTTP'], ['tcp', 'LB', 'PRD', 22, 'LB-SSH'], ['tcp', 'LB', 'PRD', 3389, 'LB-RDP']], vendor('Load Balancer (least connection; nodes hold the VIP on eth0:1 with arptables, direct routing)', 'CF: …/Load Balancer/*.md', 'the vendor pages do not give the health-check port; with direct routing the nodes also receive traffic addressed to the VIP, so a host firewall must accept the VIP as a destination (add a site flow)')),
    ...build('components', [['udp', 'PRD', 'DOMUM', 51820, 'DOMUM']], vendor('Domum: license activation ("direct TCP/UDP … proxies do not meet the requirement")', 'CF: …/domum-license-activation.md', 'the port is inferred from the status output (endpoint …:51820); the vendor does not state it')),
  ];
}

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
    { origin: 'newer-vendor-docs', cite: { title: 'senhasegura replication requirements (TCP 4248 senhasegura Sync, TCP 59022 senhasegura SSH between nodes)', path: 'docs.senhasegura.io' } },
  ),
  // not a row of the article: the appliance's admin shell, on by default so a default-drop
  // export never cuts the administrators' way in
  ...build('users', [['tcp', 'ADMINW', 'PRD', 59022, 'ADMIN-SSH']], {
    origin: 'vendor-docs',
    optional: false,
    cite: { title: 'Orbit CLI "via SSH (59022)"; GCP deployment guide: "59022 (SSH)" and "22 (Proxy SSH)"', path: 'docs.senhasegura.io (Orbit Config Manager, GCP deployment guide)' },
  }),
  ...COMPONENT_ROWS(),
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
