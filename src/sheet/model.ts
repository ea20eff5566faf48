import {
  ROLE_CODES,
  SECTIONS,
  catalogRule,
  entryAddress,
  parseAddress,
  type AddressEntry,
  type ChangeRequest,
  type Endpoint,
  type ExpandedRule,
  type Plan,
  type RoleCode,
  type RuleSet,
  type SectionId,
  type Severity,
  type SkipReason,
} from '../engine/index.ts';
import { checkTarget, formatCount, oneLine, plural } from './text.ts';

/**
 * The change-request sheet as data: everything the printed page, the standalone HTML and the
 * Markdown show, computed once from the plan and its rule set. Renderers only lay it out.
 */

export const PROXY_NOTE =
  'senhasegura supports only the APT proxy (for system update packages) and the "Fajita" proxy; using senhasegura through any other proxy is not supported.';

export const DEFAULT_APPROVER_ROLES = ['Requester', 'Network', 'Security', 'Change board'] as const;

export const CHANGE_TYPES = { new: 'New rules', modify: 'Modify existing rules', remove: 'Remove rules' } as const;
export const CHANGE_CATEGORIES = { standard: 'Standard (pre-approved)', normal: 'Normal', emergency: 'Emergency' } as const;
export type ChangeType = keyof typeof CHANGE_TYPES;
export type ChangeCategory = keyof typeof CHANGE_CATEGORIES;

/** The free-text fields of a change request; each has a suggestion made from the plan. */
export const TEXT_FIELDS = ['justification', 'risk', 'implementation', 'verification', 'backout'] as const;
export type TextField = (typeof TEXT_FIELDS)[number];

/** Short names for table cells; ROLE_DESCRIPTIONS stay the long ones. */
export const ROLE_NAMES: Record<RoleCode | 'CLUSTER', string> = {
  PRD: 'senhasegura primary',
  MBR: 'cluster members',
  USERW: 'user workstations',
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

/** At most this many addresses are written inside a rule row; larger sets become an address group. */
export const INLINE_MAX = 12;
/** …and at most this many characters, so that a row always fits on one page. */
const INLINE_MAX_CHARS = 480;
/** Up to this many checks the sheet prints every verification command; above, one per rule. */
export const VERIFY_FULL_MAX = 150;

export interface SheetOptions {
  /** the date printed on every page, YYYY-MM-DD */
  readonly date: string;
}

export interface SheetAddress {
  readonly address: string;
  readonly label?: string;
}

export interface SheetSide {
  readonly role: RoleCode | 'CLUSTER';
  readonly roleName: string;
  readonly family: 4 | 6;
  readonly count: number;
  /** the addresses, when few enough to be written in the row */
  readonly addresses?: readonly SheetAddress[];
  /** otherwise the address group that lists them */
  readonly group?: string;
}

export interface SheetRow {
  readonly n: number;
  readonly key: string;
  readonly ruleIds: readonly string[];
  readonly action: 'ALLOW';
  readonly protocol: 'TCP' | 'UDP';
  readonly port: number;
  readonly source: SheetSide;
  readonly destination: SheetSide;
  /** what the port is for */
  readonly purpose: string;
  /** the article's label: "SMTP 420/tcp" */
  readonly service: string;
  readonly notes: readonly string[];
  /** address pairs this row allows */
  readonly flows: number;
}

export interface SheetSection {
  readonly id: SectionId;
  readonly title: string;
  readonly rows: readonly SheetRow[];
}

export interface AddressGroup {
  /** G1, G2 … */
  readonly id: string;
  /** DVC-IPv4 */
  readonly name: string;
  readonly role: RoleCode | 'CLUSTER';
  readonly roleName: string;
  readonly family: 4 | 6;
  readonly addresses: readonly SheetAddress[];
  /** rule numbers that use the group */
  readonly usedBy: readonly number[];
  /** how many addresses a printed line holds: wide entries get fewer columns */
  readonly columns: number;
}

export interface RoleSummary {
  readonly role: RoleCode;
  readonly description: string;
  readonly entries: number;
  readonly ipv4: number;
  readonly ipv6: number;
  /** MBR with cluster mode off */
  readonly ignored: boolean;
}

export interface RuleChange {
  readonly id: string;
  readonly service: string;
  readonly purpose: string;
}

export interface PortOverride extends RuleChange {
  readonly articlePort: number;
  readonly port: number;
}

export interface SheetFinding {
  readonly severity: Severity;
  /** the rule id or plan path the finding is about */
  readonly subject?: string;
  readonly message: string;
}

export interface SkippedRow {
  readonly ruleId: string;
  readonly service: string;
  readonly section: string;
  readonly reason: string;
  readonly message: string;
}

export interface VerifyCheck {
  readonly rule: number;
  readonly command: string;
  readonly note?: string;
}

export interface VerifyBlock {
  /** the host (or any host of the network) the commands run on */
  readonly from: string;
  readonly label?: string;
  readonly checks: readonly VerifyCheck[];
}

export interface SheetRequest {
  readonly changeId: string;
  readonly title: string;
  readonly requesterName: string;
  readonly requesterTeam: string;
  readonly requesterContact: string;
  readonly type: ChangeType;
  readonly category: ChangeCategory;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly expiry: string;
  readonly text: Record<TextField, { readonly value: string; readonly suggested: boolean }>;
  readonly approvers: readonly { readonly role: string; readonly name: string }[];
}

/** The plan facts the sheet uses: everything but the change request itself. */
export type PlanFacts = Pick<Plan, 'name' | 'cluster' | 'roles' | 'disabled' | 'enabled' | 'ports'>;

export interface Sheet extends SheetContent {
  readonly date: string;
  readonly request: SheetRequest;
}

export interface SheetContent {
  readonly planName: string;
  readonly summary: {
    readonly cluster: boolean;
    readonly nodes: number;
    readonly roles: readonly RoleSummary[];
    readonly rules: number;
    readonly flows: number;
    readonly skipped: number;
    readonly disabled: readonly RuleChange[];
    readonly portOverrides: readonly PortOverride[];
    readonly optionalEnabled: readonly RuleChange[];
    readonly findings: readonly SheetFinding[];
    readonly findingCounts: Record<Severity, number>;
    readonly proxyNote: string;
  };
  readonly sections: readonly SheetSection[];
  readonly groups: readonly AddressGroup[];
  readonly skipped: readonly SkippedRow[];
  readonly verification: {
    readonly total: number;
    /** true when only one check per rule is printed */
    readonly sampled: boolean;
    readonly blocks: readonly VerifyBlock[];
  };
}

export type Suggestions = Required<Pick<ChangeRequest, 'title' | 'type' | 'category' | TextField>> & {
  approvers: { role: string; name?: string }[];
};

function ruleFlows(rule: ExpandedRule): number {
  const s = rule.source.entries.length;
  const d = rule.destination.entries.length;
  if (!rule.distinctPairs) return s * d;
  const dst = new Set(rule.destination.entries.map((e) => e.network.cidr));
  const same = rule.source.entries.filter((e) => dst.has(e.network.cidr)).length;
  return s * d - same;
}

function listText(items: readonly string[], max = 6): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${formatCount(items.length - max)} more`;
}

const FORMAT_HINT = 'nftables, iptables/ip6tables, ufw or firewalld';

/** Text suggested for every field the plan can say something about. */
export function suggestions(plan: PlanFacts, ruleSet: RuleSet): Suggestions {
  const planName = oneLine(plan.name ?? '') || 'unnamed plan';
  const flows = ruleSet.rules.reduce((sum, r) => sum + ruleFlows(r), 0);
  const count = (role: RoleCode) => (plan.roles[role] ?? []).length;
  const nodes = ruleSet.nodes.map((n) => n.network.display);
  const cleartext = [...new Set(ruleSet.rules.map((r) => r.ruleId))]
    .map((id) => catalogRule(id))
    .filter((r) => r?.cleartext !== undefined)
    .map((r) => `${r?.service} (${r?.id})`);
  const warnings = ruleSet.findings.filter((f) => f.severity !== 'note').length;
  const errors = ruleSet.findings.filter((f) => f.severity === 'error').length;

  const reach: string[] = [];
  if (count('USERW') > 0) reach.push(`users reach senhasegura from ${plural(count('USERW'), 'workstation address or network', 'workstation addresses or networks')} (USERW)`);
  if (count('DVC') > 0) reach.push(`senhasegura opens sessions to ${plural(count('DVC'), 'managed device address or network', 'managed device addresses or networks')} (DVC)`);
  reach.push('senhasegura reaches the management services it depends on (time, name resolution, directory, logging, backup)');
  if (plan.cluster && nodes.length > 1) reach.push(`the cluster nodes (${plural(nodes.length, 'address', 'addresses')}) replicate to each other`);

  return {
    title: `Firewall openings for senhasegura: ${planName}`.slice(0, 240),
    type: 'new',
    category: 'normal',
    justification: [
      `senhasegura (privileged access management) needs these flows to work: ${reach.join('; ')}.`,
      `The rules follow the vendor article "Firewall rules" for senhasegura, row for row; every difference from it is listed in the summary. ${plural(ruleSet.rules.length, 'rule')} allow ${plural(flows, 'address pair')}.`,
    ].join('\n'),
    risk: [
      'The change only adds ALLOW rules for the flows listed; existing rules stay unless a complete (default-drop) policy is loaded.',
      `Impact if wrong: users cannot reach senhasegura, senhasegura cannot open sessions to managed devices or reach its management services${plan.cluster ? ', or cluster replication stops' : ''}.`,
      cleartext.length > 0 ? `Clear-text protocols allowed: ${listText(cleartext)}.` : 'No clear-text protocol is allowed.',
      errors > 0
        ? `The plan has ${plural(errors, 'error')}: fix them before approval.`
        : warnings > 0
          ? `The plan has ${plural(warnings, 'warning')}, listed in the summary.`
          : 'The plan has no warnings.',
    ].join('\n'),
    implementation: [
      `1. Export the rules from fwplan (Export view, or: fwplan export PLAN --format FORMAT --scope gateway) as ${FORMAT_HINT} for the firewall between the zones; for host firewalls, one export per senhasegura node with --scope host:ADDRESS (nodes: ${listText(nodes) || 'none'}).`,
      '2. Before loading, save the current rules and check the file, as its header says (iptables-save -t filter and iptables-restore --test; the nft table and nft -c -f; bash SCRIPT check for the ufw and firewalld scripts).',
      '3. Load the export within the window, using the timed rollback shown in the export header.',
      `4. Updates: ${PROXY_NOTE}`,
    ].join('\n'),
    verification: [
      `After loading, run the fwplan verify script (Export view, or: fwplan verify PLAN) on a host of each source: it makes ${plural(flows, 'check')} with nc, one per planned flow, and each must print "ok".`,
      'UDP checks only show that nothing rejected the datagram: confirm on the receiving server that it arrived.',
      'Then confirm in senhasegura: a user logs in over HTTPS, a session to a managed device opens, and the management integrations report no errors.',
    ].join('\n'),
    backout: [
      "1. Before the change, save the current rules as the export's header says: iptables-save -t filter > /root/iptables.before (and ip6tables-save -t filter > /root/ip6tables.before), or the nft table into /root/nft-fwplan.before; the ufw and firewalld scripts take their own snapshot with bash SCRIPT apply, and roll back by themselves unless confirmed with bash SCRIPT confirm.",
      '2. If a check fails or access is lost: iptables-restore < /root/iptables.before (and ip6tables-restore < /root/ip6tables.before); nftables: nft -f /root/nft-fwplan.before; ufw and firewalld: bash SCRIPT rollback (the exact state before, also after confirm).',
      '3. Run the verification again to confirm the previous state, and record the back-out under Closure.',
    ].join('\n'),
    approvers: DEFAULT_APPROVER_ROLES.map((role) => ({ role })),
  };
}

function sheetAddress(e: AddressEntry): SheetAddress {
  const label = e.label === undefined ? '' : oneLine(e.label);
  return label === '' ? { address: e.network.display } : { address: e.network.display, label };
}

function skipReasonText(reason: SkipReason, message: string): string {
  switch (reason.kind) {
    case 'disabled':
      return 'disabled in the plan';
    case 'optional-off':
      return 'optional (newer vendor documentation), not enabled';
    case 'cluster-off':
      return 'cluster rule, and cluster mode is off';
    case 'role-empty':
      return `${reason.role} has no entries`;
    case 'single-node':
      return 'needs two cluster nodes of the same address family';
    case 'no-common-family': {
      // the engine's message says which families each side has
      const colon = message.indexOf(': ');
      return colon === -1 ? 'no common address family' : message.slice(colon + 2);
    }
    default: {
      const never: never = reason;
      return never;
    }
  }
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, note: 2 };

function text(value: string | undefined): string {
  return value === undefined ? '' : value.trim();
}

/** The request part: what the change request says, with suggestions where it says nothing. */
export function buildRequest(cr: ChangeRequest | undefined, suggested: Suggestions): SheetRequest {
  const own = cr ?? {};
  const textField = (field: TextField) => {
    const value = text(own[field]);
    return value === '' ? { value: suggested[field], suggested: true } : { value, suggested: false };
  };
  const requester = oneLine(own.requesterName ?? '');
  const approvers = (own.approvers && own.approvers.length > 0 ? own.approvers : suggested.approvers).map((a) => {
    const role = oneLine(a.role);
    const name = oneLine(a.name ?? '');
    // the requester signs as requester unless someone else is named
    return { role, name: name === '' && role.toLowerCase() === 'requester' ? requester : name };
  });
  return {
    changeId: oneLine(own.changeId ?? ''),
    title: oneLine(own.title ?? '') || suggested.title,
    requesterName: oneLine(own.requesterName ?? ''),
    requesterTeam: oneLine(own.requesterTeam ?? ''),
    requesterContact: oneLine(own.requesterContact ?? ''),
    type: own.type ?? suggested.type,
    category: own.category ?? suggested.category,
    windowStart: oneLine(own.windowStart ?? ''),
    windowEnd: oneLine(own.windowEnd ?? ''),
    expiry: oneLine(own.expiry ?? ''),
    text: {
      justification: textField('justification'),
      risk: textField('risk'),
      implementation: textField('implementation'),
      verification: textField('verification'),
      backout: textField('backout'),
    },
    approvers,
  };
}

export function buildSheet(plan: Plan, ruleSet: RuleSet, options: SheetOptions): Sheet {
  return {
    ...buildSheetContent(plan, ruleSet),
    date: options.date,
    request: buildRequest(plan.changeRequest, suggestions(plan, ruleSet)),
  };
}

/**
 * Everything the plan's roles and rules decide (not the change request's own fields), so that
 * typing into the request does not rebuild the rule table.
 */
export function buildSheetContent(plan: PlanFacts, ruleSet: RuleSet): SheetContent {
  // --- rule rows, address groups
  const groups = new Map<string, { group: Omit<AddressGroup, 'usedBy'>; usedBy: number[] }>();
  const side = (ep: Endpoint, n: number): SheetSide => {
    const addresses = ep.entries.map(sheetAddress);
    const chars = addresses.reduce((sum, a) => sum + a.address.length + (a.label?.length ?? 0) + 3, 0);
    const base = { role: ep.role, roleName: ROLE_NAMES[ep.role], family: ep.family, count: addresses.length };
    if (addresses.length <= INLINE_MAX && chars <= INLINE_MAX_CHARS) return { ...base, addresses };
    const groupKey = `${ep.role}/v${ep.family}/${ep.entries.map((e) => e.network.cidr).join(',')}`;
    let g = groups.get(groupKey);
    if (g === undefined) {
      const widest = Math.min(96, Math.max(...addresses.map((a) => a.address.length + (a.label ? a.label.length + 1 : 0))));
      g = {
        group: {
          id: `G${groups.size + 1}`,
          name: `${ep.role}-IPv${ep.family}`,
          role: ep.role,
          roleName: ROLE_NAMES[ep.role],
          family: ep.family,
          addresses,
          // about 108 characters of 7.5pt monospace fit across A4 or Letter beside the index column
          columns: Math.max(1, Math.min(6, Math.floor(108 / (widest + 3)))),
        },
        usedBy: [],
      };
      groups.set(groupKey, g);
    }
    if (!g.usedBy.includes(n)) g.usedBy.push(n);
    return { ...base, group: g.group.id };
  };

  let n = 0;
  const sections: SheetSection[] = [];
  const rowOf = new Map<ExpandedRule, number>();
  for (const section of SECTIONS) {
    const rows: SheetRow[] = [];
    for (const rule of ruleSet.rules) {
      if (rule.section !== section.id) continue;
      n++;
      rowOf.set(rule, n);
      const catalog = catalogRule(rule.ruleId);
      const notes: string[] = [];
      if (rule.port !== rule.defaultPort) notes.push(`port ${rule.port} instead of the article's ${rule.defaultPort}`);
      else if (catalog?.nonStandard) notes.push(`non-standard port kept from the article`);
      if (catalog?.cleartext) notes.push('clear text');
      if (rule.distinctPairs) notes.push('every pair of distinct nodes, both ways');
      if (catalog?.origin === 'newer-vendor-docs') notes.push('from newer vendor documentation');
      rows.push({
        n,
        key: rule.key,
        ruleIds: rule.covers,
        action: 'ALLOW',
        protocol: rule.protocol === 'tcp' ? 'TCP' : 'UDP',
        port: rule.port,
        source: side(rule.source, n),
        destination: side(rule.destination, n),
        purpose: rule.purpose,
        service: rule.service,
        notes,
        flows: ruleFlows(rule),
      });
    }
    if (rows.length > 0) sections.push({ id: section.id, title: section.title, rows });
  }

  // --- summary
  const roles: RoleSummary[] = [];
  for (const role of ROLE_CODES) {
    const entries = plan.roles[role] ?? [];
    if (entries.length === 0) continue;
    let ipv4 = 0;
    let ipv6 = 0;
    for (const entry of entries) {
      const parsed = parseAddress(entryAddress(entry));
      if (!parsed.ok) continue;
      if (parsed.network.family === 4) ipv4++;
      else ipv6++;
    }
    roles.push({ role, description: ROLE_NAMES[role], entries: entries.length, ipv4, ipv6, ignored: role === 'MBR' && !plan.cluster });
  }
  const change = (id: string): RuleChange => {
    const rule = catalogRule(id);
    return { id, service: rule?.service ?? id, purpose: rule?.purpose ?? '' };
  };
  const portOverrides: PortOverride[] = [];
  for (const [id, port] of Object.entries(plan.ports)) {
    const rule = catalogRule(id);
    if (rule === undefined || port === rule.port) continue;
    portOverrides.push({ ...change(id), articlePort: rule.port, port });
  }
  const findings = ruleSet.findings
    .filter((f) => f.code !== 'rule-skipped')
    .map((f, i) => ({ f, i }))
    .sort((a, b) => SEVERITY_ORDER[a.f.severity] - SEVERITY_ORDER[b.f.severity] || a.i - b.i)
    .map(({ f }): SheetFinding => {
      // name what the finding is about, unless the message already does
      const subject = f.ruleId ?? f.path;
      return subject === undefined || f.message.includes(subject) ? { severity: f.severity, message: f.message } : { severity: f.severity, subject, message: f.message };
    });
  const findingCounts: Record<Severity, number> = { error: 0, warning: 0, note: 0 };
  for (const f of findings) findingCounts[f.severity]++;

  // --- skipped
  const sectionTitle = new Map(SECTIONS.map((s) => [s.id, s.title]));
  const skipped: SkippedRow[] = ruleSet.skipped.map((s) => {
    const rule = catalogRule(s.ruleId);
    return {
      ruleId: s.ruleId,
      service: rule?.service ?? s.ruleId,
      section: rule ? (sectionTitle.get(rule.section) ?? rule.section) : '',
      reason: skipReasonText(s.reason, s.message),
      message: s.message,
    };
  });

  // --- verification: every check when few, else one per rule
  const total = ruleSet.rules.reduce((sum, r) => sum + ruleFlows(r), 0);
  const sampled = total > VERIFY_FULL_MAX;
  const blocks = new Map<string, { from: string; label?: string; checks: VerifyCheck[] }>();
  const ordered = sections.flatMap((s) => s.rows.map((r) => r.key));
  const byKey = new Map(ruleSet.rules.map((r) => [r.key, r]));
  for (const key of ordered) {
    const rule = byKey.get(key);
    if (rule === undefined) continue;
    const ruleN = rowOf.get(rule) ?? 0;
    for (const s of rule.source.entries) {
      let done = false;
      for (const d of rule.destination.entries) {
        if (rule.distinctPairs && s.network.cidr === d.network.cidr) continue;
        const from = s.network.display;
        let block = blocks.get(from);
        if (block === undefined) {
          const label = s.label === undefined ? '' : oneLine(s.label);
          block = label === '' ? { from, checks: [] } : { from, label, checks: [] };
          blocks.set(from, block);
        }
        const target = checkTarget(d.network);
        const flags = rule.protocol === 'udp' ? '-zuv' : '-zv';
        block.checks.push({
          rule: ruleN,
          command: `nc ${flags} -w 3 ${target.host} ${rule.port}`,
          ...(target.firstHostOf ? { note: `first host of ${target.firstHostOf}` } : {}),
        });
        if (sampled) {
          done = true;
          break;
        }
      }
      if (done) break;
    }
  }

  return {
    planName: oneLine(plan.name ?? '') || 'Unnamed plan',
    summary: {
      cluster: plan.cluster,
      nodes: ruleSet.nodes.length,
      roles,
      rules: n,
      flows: total,
      skipped: skipped.length,
      disabled: plan.disabled.map(change),
      portOverrides,
      optionalEnabled: plan.enabled.map(change),
      findings,
      findingCounts,
      proxyNote: PROXY_NOTE,
    },
    sections,
    groups: [...groups.values()].map(({ group, usedBy }) => ({ ...group, usedBy })),
    skipped,
    verification: { total, sampled, blocks: [...blocks.values()] },
  };
}

/** "4–9, 12" from [4,5,6,7,8,9,12] */
export function ranges(numbers: readonly number[]): string {
  const sorted = [...numbers].sort((a, b) => a - b);
  const out: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    const start = sorted[i] as number;
    let end = start;
    while (i + 1 < sorted.length && sorted[i + 1] === end + 1) {
      end++;
      i++;
    }
    out.push(start === end ? String(start) : `${start}–${end}`);
    i++;
  }
  return out.join(', ');
}

/** A local calendar date as YYYY-MM-DD. */
export function isoDate(date: Date): string {
  const pad = (v: number) => String(v).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** "Window: 2025-06-14 22:00 – 23:00" pieces, as printed. */
export function windowText(request: SheetRequest): string {
  const { windowStart: s, windowEnd: e } = request;
  if (s === '' && e === '') return '';
  if (e === '') return `from ${s}`;
  if (s === '') return `until ${e}`;
  return `${s} – ${e}`;
}

export const PART_TITLES = {
  request: 'Request',
  summary: 'Summary',
  risk: 'Risk and impact',
  implementation: 'Implementation plan',
  rules: 'Rules to allow',
  groups: 'Address groups',
  skipped: 'Catalog rules not included',
  verification: 'Verification plan',
  backout: 'Back-out plan',
  approvals: 'Approvals',
  closure: 'Closure',
} as const;
export type PartId = keyof typeof PART_TITLES;

/** The parts in print order, numbered; address groups appear only when a rule uses one. */
export function parts(sheet: Pick<SheetContent, 'groups'>): { id: PartId; n: number; title: string }[] {
  const ids = (Object.keys(PART_TITLES) as PartId[]).filter((id) => id !== 'groups' || sheet.groups.length > 0);
  return ids.map((id, i) => ({ id, n: i + 1, title: PART_TITLES[id] }));
}

export function partNumber(sheet: Pick<SheetContent, 'groups'>, id: PartId): number {
  return parts(sheet).find((p) => p.id === id)?.n ?? 0;
}

/** How a text field that nobody filled in reads on the sheet. */
export const BLANK = {
  changeId: 'not assigned',
  expiry: 'permanent (no expiry)',
  window: 'to be scheduled',
} as const;

export function familyName(family: 4 | 6): string {
  return family === 4 ? 'IPv4' : 'IPv6';
}

/** Rows of an address group's table: each holds `columns` addresses. */
export function groupLines(group: AddressGroup): { first: number; addresses: readonly SheetAddress[] }[] {
  const out: { first: number; addresses: SheetAddress[] }[] = [];
  for (let i = 0; i < group.addresses.length; i += group.columns) {
    out.push({ first: i + 1, addresses: group.addresses.slice(i, i + group.columns) });
  }
  return out;
}

export const VERIFY_NOTE =
  'A command aimed at a network uses its first host: replace it by a host of that network that listens on the port. UDP checks only show that nothing rejected the datagram.';

/** The four figures at the top of the summary: [value, label]. */
export function summaryFigures(s: SheetContent['summary']): [string, string][] {
  return [
    [formatCount(s.rules), 'rules to allow'],
    [formatCount(s.flows), 'address pairs'],
    [formatCount(s.skipped), 'catalog rules not included'],
    [s.cluster ? `on · ${formatCount(s.nodes)}` : 'off', s.cluster ? 'cluster mode · node addresses' : 'cluster mode'],
  ];
}

/** What differs from the vendor article: [change, rule id, service, detail]. */
export function changeRows(s: SheetContent['summary']): [string, string, string, string][] {
  return [
    ...s.disabled.map((c): [string, string, string, string] => ['Disabled', c.id, c.service, c.purpose]),
    ...s.portOverrides.map((c): [string, string, string, string] => ['Port changed', c.id, c.service, `port ${c.port} instead of the article's ${c.articlePort}`]),
    ...s.optionalEnabled.map((c): [string, string, string, string] => ['Optional rule enabled', c.id, c.service, `${c.purpose}, from newer vendor documentation`]),
  ];
}
