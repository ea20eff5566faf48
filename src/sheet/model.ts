import {
  LIST_ROLES,
  ROLE_NAMES,
  SECTIONS,
  assertNever,
  baselineSummary,
  catalogRule,
  diffRuleSets,
  entryAddress,
  pairCount,
  parseAddress,
  addMonths,
  slugify,
  verificationPlan,
  type AddressEntry,
  type ChangeRequest,
  type Endpoint,
  type ExpandedRule,
  type ListRole,
  type Plan,
  type RoleCode,
  type RuleSet,
  type SectionId,
  type Severity,
  type SkipReason,
} from '../engine/index.ts';
import { formatCount, oneLine, plural } from './text.ts';

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
export const TEXT_FIELDS = ['justification', 'notImplementing', 'enforcementPoints', 'risk', 'implementation', 'verification', 'backout'] as const;

export const RISK_RATINGS = { low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' } as const;
export const PRIORITIES = { low: 'Low', medium: 'Medium', high: 'High', urgent: 'Urgent' } as const;
export const STATUSES = {
  draft: 'Draft',
  submitted: 'Submitted',
  approved: 'Approved',
  scheduled: 'Scheduled',
  implemented: 'Implemented',
  verified: 'Verified',
  closed: 'Closed',
  rejected: 'Rejected',
  'backed-out': 'Backed out',
} as const;
export type RiskRating = keyof typeof RISK_RATINGS;
export type Priority = keyof typeof PRIORITIES;
export type Status = keyof typeof STATUSES;
export type TextField = (typeof TEXT_FIELDS)[number];

export { ROLE_NAMES };

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

/** Where and how the change is applied: what the Export view is set to. */
export interface Enforcement {
  readonly scope: { readonly kind: 'gateway' } | { readonly kind: 'host'; readonly node: string };
  /** a complete policy (default drop), or ACCEPT rules appended to the existing policy */
  readonly defaultDrop: boolean;
  readonly egress: 'filter' | 'open';
}

export const DEFAULT_ENFORCEMENT: Enforcement = { scope: { kind: 'gateway' }, defaultDrop: false, egress: 'filter' };

export interface SheetAddress {
  readonly address: string;
  readonly label?: string;
}

export interface SheetSide {
  readonly role: RoleCode | 'CLUSTER' | 'SITE';
  /** the group or node the side stands for, or the role's short name: "DVC Windows servers" */
  readonly name: string;
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
  /** the port as printed: 443, or a range 5000–5100 */
  readonly portText: string;
  /** why the rule is needed (the change request's note, else the vendor's reason) and who owns it */
  readonly need: string;
  readonly needSuggested: boolean;
  readonly owner: string;
  readonly expires: string;
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
  readonly role: RoleCode | 'CLUSTER' | 'SITE';
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
  /** the group's name, for user and device groups */
  readonly group?: string;
  readonly description: string;
  readonly entries: number;
  readonly ipv4: number;
  readonly ipv6: number;
  /** MBR with cluster mode off */
  readonly ignored: boolean;
  /** a group's services, as "SSH 22/tcp" */
  readonly services?: readonly string[];
  /** entries that are not usable addresses (errors) */
  readonly invalid: number;
}

export interface NodeSummary {
  readonly name: string;
  readonly role: 'PRD' | 'MBR';
  /** as written in the plan */
  readonly addresses: readonly string[];
  readonly ignored: boolean;
}

/** How the change is applied, said in words: the enforcement point and the apply mode. */
export interface ApplySummary {
  /** "the Linux gateway between the zones" / "the host firewall of node vault-02" */
  readonly where: string;
  /** "appends ACCEPT rules …" / "replaces the whole filter policy with default drop …" */
  readonly mode: string;
  readonly egress: string;
  /** nodes that need an export of their own (host scope) */
  readonly otherNodes: readonly string[];
  readonly defaultDrop: boolean;
  /** the apply mode in two or three words, following the change type: a Remove never says "Complete policy" */
  readonly label: string;
}

export interface RuleChange {
  readonly id: string;
  readonly service: string;
  readonly purpose: string;
}

export interface PortOverride extends RuleChange {
  readonly articlePort: number;
  /** one port, or a range "5000-5100" */
  readonly port: number | string;
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

export interface SheetCheck {
  readonly rule: number;
  readonly command: string;
  readonly note?: string;
}

export interface SheetCheckBlock {
  /** the host (or any host of the network) the commands run on */
  readonly from: string;
  readonly label?: string;
  readonly checks: readonly SheetCheck[];
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
  readonly riskRating: { readonly value: RiskRating; readonly suggested: boolean; readonly reasons: readonly string[] };
  readonly priority: { readonly value: Priority; readonly suggested: boolean };
  readonly status: Status;
  readonly reviewDate: { readonly value: string; readonly suggested: boolean };
  /** the post-implementation review, as written (printed in a box with room to write when empty) */
  readonly postReview: string;
}

/** The plan facts the sheet uses: everything but the change request itself. */
export type PlanFacts = Pick<Plan, 'name' | 'cluster' | 'nodes' | 'roles' | 'userGroups' | 'deviceGroups' | 'disabled' | 'enabled' | 'ports'> & {
  /** the change request's per-rule notes (need, owner, expiry): they shape the rule rows */
  readonly ruleNotes?: NonNullable<ChangeRequest['ruleNotes']>;
};

export interface Sheet extends SheetContent {
  readonly date: string;
  readonly request: SheetRequest;
}

/** What a change does against a baseline plan (the "Compare with…" plan), in flows and rules. */
export interface DeltaSummary {
  readonly addedFlows: number;
  readonly removedFlows: number;
  readonly unchangedFlows: number;
  readonly unchangedRules: number;
}

export interface SheetDelta extends DeltaSummary {
  /** where the baseline came from: a file name, "the plan when this page opened" */
  readonly baseline: string;
  readonly added: readonly SheetRow[];
  readonly removed: readonly SheetRow[];
  /** unchanged rules summed up by section */
  readonly unchanged: readonly { readonly title: string; readonly rules: number; readonly flows: number }[];
}

export interface SheetContent {
  readonly planName: string;
  /** set for a Modify or Remove change compared with a baseline plan */
  readonly delta?: SheetDelta;
  readonly apply: ApplySummary;
  readonly summary: {
    readonly cluster: boolean;
    readonly nodes: number;
    readonly nodeList: readonly NodeSummary[];
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
    readonly blocks: readonly SheetCheckBlock[];
  };
}

export type Suggestions = Required<Pick<ChangeRequest, 'title' | 'type' | 'category' | TextField>> & {
  approvers: { role: string; name?: string }[];
  riskRating: RiskRating;
  priority: Priority;
  /** why the rating: "default drop, clear-text protocols" */
  riskReasons: readonly string[];
  reviewDate: string;
};

function listText(items: readonly string[], max = 6): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${formatCount(items.length - max)} more`;
}

const FORMAT_HINT = 'nftables, iptables/ip6tables, ufw or firewalld';

/** The enforcement point and apply mode in words: the sheet's risk, implementation and back-out follow from them. */
export function applySummary(ruleSet: RuleSet, enforcement: Enforcement, type: ChangeType = 'new'): ApplySummary {
  const host = enforcement.scope.kind === 'host' ? enforcement.scope.node : undefined;
  const node = host === undefined ? undefined : ruleSet.nodes.find((n) => n.name === host);
  const where = node
    ? `the host firewall of node ${oneLine(node.name)} (${[node.v4, node.v6].filter((a) => a !== undefined).map((a) => a.written).join(' and ')}), inbound and outbound, every address family it has`
    : 'a Linux gateway between the zones (forwarded traffic only; the gateway’s own traffic is left alone)';
  const mode = type === 'remove'
    ? 'removes fwplan’s rules of this plan (nftables: the table inet fwplan is deleted; iptables: fwplan’s chains and the jumps to them are removed; ufw and firewalld: "bash SCRIPT rollback" of the change that loaded them); other rules stay'
    : type === 'modify' && !enforcement.defaultDrop
      ? 'replaces the ALLOW rules in fwplan’s own chains (or table) with the set listed; the existing policy and other rules stay'
      : enforcement.defaultDrop
    ? `a complete policy: the firewall's filter policy is replaced by default drop; it accepts ${baselineSummary(node !== undefined)}, then the planned rules${node ? ', with the admin shell from ADMINW always kept (anti-lockout)' : ''}; everything else is dropped and logged (rate-limited)`
    : 'only adds ALLOW rules in fwplan’s own chains; the existing policy and rules stay as they are';
  const egress = !node
    ? 'both directions of forwarded traffic as planned'
    : !enforcement.defaultDrop
      ? 'outbound: the planned flows get ACCEPT rules; other outgoing traffic follows the existing policy'
      : enforcement.egress === 'open'
        ? 'outbound traffic of the node is left open'
        : 'outbound traffic of the node is filtered: only the planned flows and replies leave it';
  const otherNodes = node ? ruleSet.nodes.filter((n) => n !== node).map((n) => oneLine(n.name)) : [];
  const label = type === 'remove'
    ? 'Remove fwplan’s rules'
    : enforcement.defaultDrop
      ? 'Complete policy (default drop)'
      : type === 'modify'
        ? 'Replace fwplan’s ALLOW rules'
        : 'Append ALLOW rules';
  return { where, mode, egress, otherNodes, defaultDrop: enforcement.defaultDrop, label };
}

/** Text suggested for every field the plan can say something about. */
/**
 * A risk rating suggested from what the change does: a complete policy (default drop), clear-text
 * protocols, wide ranges, flows removed, a large change, an emergency. The board decides.
 */
export function suggestRisk(ruleSet: RuleSet, enforcement: Enforcement, context: { category?: ChangeCategory; delta?: DeltaSummary } = {}): { rating: RiskRating; priority: Priority; reasons: string[] } {
  const reasons: string[] = [];
  let score = 0;
  if (enforcement.defaultDrop) {
    score += 2;
    reasons.push('a complete policy (default drop): anything not listed stops');
  }
  if (ruleSet.rules.some((r) => catalogRule(r.ruleId)?.cleartext !== undefined)) {
    score += 1;
    reasons.push('clear-text protocols are allowed');
  }
  const wide = ruleSet.rules.some((r) => [...r.source.entries, ...r.destination.entries].some((e) => e.network.prefix <= (e.network.family === 4 ? 8 : 32)));
  if (wide) {
    score += 1;
    reasons.push('wide ranges (a /8 or wider, /32 or wider in IPv6)');
  }
  if (context.delta && context.delta.removedFlows > 0) {
    score += 1;
    reasons.push(`${plural(context.delta.removedFlows, 'flow')} stop`);
  }
  if (context.delta && context.delta.addedFlows > 1000) {
    score += 1;
    reasons.push(`a large change (${plural(context.delta.addedFlows, 'flow')} added)`);
  }
  if (context.category === 'emergency') {
    score += 1;
    reasons.push('an emergency change');
  }
  const rating: RiskRating = score >= 4 ? 'critical' : score >= 3 ? 'high' : score >= 1 ? 'medium' : 'low';
  const priority: Priority = context.category === 'emergency' ? 'urgent' : rating === 'critical' || rating === 'high' ? 'high' : 'medium';
  return { rating, priority, reasons: reasons.length > 0 ? reasons : ['only ALLOW rules for planned flows, nothing removed'] };
}

export function suggestions(plan: PlanFacts, ruleSet: RuleSet, enforcement: Enforcement = DEFAULT_ENFORCEMENT, type: ChangeType = 'new', context: { today?: string; category?: ChangeCategory; delta?: DeltaSummary } = {}): Suggestions {
  const planName = oneLine(plan.name ?? '') || 'unnamed plan';
  const flows = ruleSet.rules.reduce((sum, r) => sum + pairCount(r), 0);
  const users = plan.userGroups.reduce((n, g) => n + g.entries.length, 0);
  const devices = plan.deviceGroups.reduce((n, g) => n + g.entries.length, 0);
  const nodes = ruleSet.nodes.map((n) => oneLine(n.name));
  const apply = applySummary(ruleSet, enforcement, type);
  const cleartext = [...new Set(ruleSet.rules.map((r) => r.ruleId))]
    .map((id) => catalogRule(id))
    .filter((r) => r?.cleartext !== undefined)
    .map((r) => `${r?.service} (${r?.id})`);
  const warnings = ruleSet.findings.filter((f) => f.severity !== 'note').length;
  const errors = ruleSet.findings.filter((f) => f.severity === 'error').length;
  const node = enforcement.scope.kind === 'host' ? enforcement.scope.node : undefined;
  const risk = suggestRisk(ruleSet, enforcement, context);

  const reach: string[] = [];
  if (users > 0) reach.push(`users reach senhasegura from ${plural(users, 'workstation address or network', 'workstation addresses or networks')} in ${plural(plan.userGroups.filter((g) => g.entries.length > 0).length, 'user group')}`);
  if (devices > 0) reach.push(`senhasegura opens sessions to ${plural(devices, 'managed device address or network', 'managed device addresses or networks')} in ${plural(plan.deviceGroups.filter((g) => g.entries.length > 0).length, 'device group')}, each with only the services it needs`);
  reach.push('senhasegura reaches the management services it depends on (time, name resolution, directory, logging, backup)');
  if (plan.cluster && nodes.length > 1) reach.push(`the cluster nodes (${listText(nodes)}) replicate to each other`);

  const what =
    type === 'remove'
      ? 'The change REMOVES the rules listed: the flows they allow stop.'
      : type === 'modify'
        ? 'The change MODIFIES the firewall so that it holds exactly the rules listed; fwplan cannot yet show which rules are added or removed against what is loaded now: compare them before approval.'
        : apply.defaultDrop
          ? 'The change loads a COMPLETE POLICY: everything not listed is dropped.'
          : 'The change only adds ALLOW rules for the flows listed; existing rules stay.';

  const snapshot = [
    'iptables-save -t filter > /root/iptables.before and ip6tables-save -t filter > /root/ip6tables.before',
    'the table inet fwplan into /root/nft-fwplan.before, as the nftables file header says',
    'for ufw and firewalld scripts: "bash SCRIPT apply" takes the snapshot itself',
  ].join('; or ');

  return {
    title: `${type === 'remove' ? 'Remove firewall openings' : type === 'modify' ? 'Change firewall openings' : 'Firewall openings'} for senhasegura: ${planName}`.slice(0, 240),
    type: 'new',
    category: 'normal',
    justification: [
      `senhasegura (privileged access management) needs these flows to work: ${reach.join('; ')}.`,
      `The rules follow the vendor article "Firewall rules" for senhasegura; every difference from it is listed in the summary. ${plural(ruleSet.rules.length, 'rule')} allow ${plural(flows, 'address pair')}.`,
    ].join('\n'),
    risk: [
      what,
      `Enforced on ${apply.where}; it ${apply.mode}.`,
      apply.defaultDrop
        ? `Impact if wrong: traffic the plan does not list stops at once — senhasegura users, sessions to managed devices, management services${plan.cluster ? ', cluster replication' : ''} — until the back-out. The administrators keep the admin shell (59022/tcp) from ADMINW.`
        : `Impact if wrong: users cannot reach senhasegura, senhasegura cannot open sessions to managed devices or reach its management services${plan.cluster ? ', or cluster replication stops' : ''}.`,
      cleartext.length > 0 ? `Clear-text protocols allowed: ${listText(cleartext)}.` : 'No clear-text protocol is allowed.',
      errors > 0
        ? `The plan has ${plural(errors, 'error')}: no export is made until they are fixed.`
        : warnings > 0
          ? `The plan has ${plural(warnings, 'warning')}, listed in the summary.`
          : 'The plan has no warnings.',
    ].join('\n'),
    implementation: [
      node
        ? `1. Export the rules from fwplan (Export view, or: fwplan export PLAN --format FORMAT --scope host:${node}${apply.defaultDrop ? ' --default-drop' : ''}) as ${FORMAT_HINT} for the host firewall of ${node}.${apply.otherNodes.length > 0 ? ` The other nodes (${listText(apply.otherNodes)}) each need their own export and this procedure.` : ''}`
        : `1. Export the rules from fwplan (Export view, or: fwplan export PLAN --format FORMAT --scope gateway${apply.defaultDrop ? ' --default-drop' : ''}) as ${FORMAT_HINT} for the gateway between the zones.`,
      '2. Check the file before loading (the check command is in the Export view and the file header: nft -c -f FILE, iptables-restore --test, bash SCRIPT check).',
      apply.defaultDrop
        ? '3. Load it within the window with a timed rollback (iptables and nftables: the snapshot, the delayed rollback and the apply in the file header; "bash SCRIPT apply SECONDS" for ufw and firewalld), and confirm only once the checks pass and access is kept.'
        : '3. Load it within the window (iptables-restore --noflush or nft -f with the delayed rollback in the file header, or "bash SCRIPT apply SECONDS" for ufw and firewalld), and confirm once the checks pass.',
      `4. Updates: ${PROXY_NOTE}`,
    ].join('\n'),
    verification: [
      `After loading, run the fwplan check script (Export view: "Download the nc check script", or: fwplan verify PLAN${node ? ` --scope host:${node}` : ''}) on a host of each source: it makes ${plural(flows, 'check')} with nc, one per planned flow, and each must print "ok".`,
      'UDP checks only show that nothing rejected the datagram: confirm on the receiving server that it arrived.',
      'Then confirm in senhasegura: a user logs in over HTTPS, a session to a managed device opens, and the management integrations report no errors.',
    ].join('\n'),
    backout: [
      `1. Before the change, save the current state: ${snapshot}.`,
      apply.defaultDrop
        ? '2. If a check fails or access is lost: restore the snapshot (iptables-restore < /root/iptables.before and ip6tables-restore < /root/ip6tables.before; nftables: nft -f /root/nft-fwplan.before; ufw and firewalld: "bash SCRIPT rollback", which restores the configuration, the enabled state and the default policies exactly); the timed rollback does it by itself when the change is not confirmed.'
        : '2. If a check fails: remove what the change added (iptables-restore < /root/iptables.before; nftables: nft -f /root/nft-fwplan.before; ufw and firewalld: "bash SCRIPT rollback").',
      '3. Run the verification again to confirm the previous state, and record the back-out under Closure.',
    ].join('\n'),
    approvers: DEFAULT_APPROVER_ROLES.map((role) => ({ role })),
    enforcementPoints: node
      ? [`The host firewall of node ${node}.`, ...(apply.otherNodes.length > 0 ? [`Then, with their own exports, the other nodes: ${listText(apply.otherNodes)}.`] : [])].join('\n')
      : 'The Linux gateway (or the firewall) between the zones of the senhasegura nodes, the users, the managed devices and the management servers.',
    notImplementing: [
      users > 0 || devices > 0 ? 'Without these openings senhasegura cannot do its job: ' : '',
      [users > 0 ? 'users cannot reach it' : '', devices > 0 ? 'it cannot open sessions to the managed devices or rotate their credentials' : '', 'it cannot reach its management services (time, name resolution, directory, logging, backup)', plan.cluster ? 'the cluster stops replicating' : ''].filter(Boolean).join('; '),
      '. Privileged access then falls back to direct, unaudited paths.',
    ].join(''),
    riskRating: risk.rating,
    priority: risk.priority,
    riskReasons: risk.reasons,
    reviewDate: context.today ? addMonths(context.today, 6) : '',
  };
}

/** An entry as the plan writes it, with its label (or, for a node's address, the node's name). */
function sheetAddress(e: AddressEntry): SheetAddress {
  const raw = e.label ?? (e.owner.kind === 'node' && e.owner.node !== e.written ? e.owner.node : undefined);
  const label = raw === undefined ? '' : oneLine(raw);
  return label === '' ? { address: oneLine(e.written) } : { address: oneLine(e.written), label };
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
    case 'no-group':
      return `no ${reason.role === 'USERW' ? 'user' : 'device'} group lists this service`;
    case 'single-node':
      return 'needs two cluster nodes of the same address family';
    case 'expired':
      return `expired on ${reason.on}`;
    case 'no-common-family': {
      // the engine's message says which families each side has
      const colon = message.indexOf(': ');
      return colon === -1 ? 'no common address family' : message.slice(colon + 2);
    }
    default:
      return assertNever(reason);
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
      enforcementPoints: textField('enforcementPoints'),
      notImplementing: textField('notImplementing'),
    },
    approvers,
    riskRating: own.riskRating ? { value: own.riskRating, suggested: false, reasons: [] } : { value: suggested.riskRating, suggested: true, reasons: suggested.riskReasons },
    priority: own.priority ? { value: own.priority, suggested: false } : { value: suggested.priority, suggested: true },
    status: own.status ?? 'draft',
    reviewDate: own.reviewDate?.trim() ? { value: oneLine(own.reviewDate), suggested: false } : { value: suggested.reviewDate, suggested: true },
    postReview: text(own.postReview),
  };
}

export function buildSheet(plan: Plan, ruleSet: RuleSet, options: SheetOptions, enforcement: Enforcement = DEFAULT_ENFORCEMENT, baseline?: Baseline): Sheet {
  const type = plan.changeRequest?.type ?? 'new';
  const facts: PlanFacts = { ...plan, ...(plan.changeRequest?.ruleNotes ? { ruleNotes: plan.changeRequest.ruleNotes } : {}) };
  const content = buildSheetContent(facts, ruleSet, enforcement, type, baseline);
  const category = plan.changeRequest?.category;
  return {
    ...content,
    date: options.date,
    request: buildRequest(plan.changeRequest, suggestions(facts, ruleSet, enforcement, type, { today: options.date, ...(category ? { category } : {}), ...(content.delta ? { delta: content.delta } : {}) })),
  };
}

/** The plan a Modify or Remove change is compared with, and where it came from. */
export interface Baseline {
  readonly ruleSet: RuleSet;
  readonly source: string;
}

/**
 * Everything the plan's roles and rules decide (not the change request's own fields), so that
 * typing into the request does not rebuild the rule table.
 */
export function buildSheetContent(plan: PlanFacts, ruleSet: RuleSet, enforcement: Enforcement = DEFAULT_ENFORCEMENT, type: ChangeType = 'new', baseline?: Baseline): SheetContent {
  // --- rule rows, address groups
  const groups = new Map<string, { group: Omit<AddressGroup, 'usedBy'>; usedBy: number[] }>();
  const side = (ep: Endpoint, n: number): SheetSide => {
    const addresses = ep.entries.map(sheetAddress);
    const chars = addresses.reduce((sum, a) => sum + a.address.length + (a.label?.length ?? 0) + 3, 0);
    const base = { role: ep.role, name: oneLine(ep.name), roleName: ROLE_NAMES[ep.role], family: ep.family, count: addresses.length };
    if (addresses.length <= INLINE_MAX && chars <= INLINE_MAX_CHARS) return { ...base, addresses };
    const groupKey = `${ep.key}/${ep.entries.map((e) => e.network.cidr).join(',')}`;
    let g = groups.get(groupKey);
    if (g === undefined) {
      const widest = Math.min(96, Math.max(...addresses.map((a) => a.address.length + (a.label ? a.label.length + 1 : 0))));
      g = {
        group: {
          id: `G${groups.size + 1}`,
          name: `${oneLine(ep.name)} (IPv${ep.family})`,
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

  const notesOf = plan.ruleNotes ?? {};
  /** One row of the rule table: what it allows, why (the rule's note, else the vendor's reason), its notes. */
  const ruleRow = (rule: ExpandedRule, n: number, sideOf: (ep: Endpoint, n: number) => SheetSide, source: Endpoint = rule.source, destination: Endpoint = rule.destination, flows = pairCount(rule)): SheetRow => {
    const catalog = catalogRule(rule.ruleId);
    const note = notesOf[rule.ruleId];
    const notes: string[] = [];
    if (rule.provenance !== 'site' && rule.port !== rule.defaultPort) notes.push(`port ${rule.port} instead of the article's ${rule.defaultPort}`);
    else if (catalog?.nonStandard) notes.push(`non-standard port kept from the article`);
    if (catalog?.cleartext) notes.push('clear text');
    if (rule.distinctPairs) notes.push('every pair of distinct nodes, both ways');
    if (catalog?.origin === 'newer-vendor-docs') notes.push('from newer vendor documentation');
    if (catalog?.origin === 'vendor-docs') notes.push('not in the article: vendor documentation');
    if (rule.provenance === 'site') {
      notes.push('site flow: this site’s own, not from the vendor');
      if (rule.expires) notes.push(`expires ${rule.expires}`);
    }
    const need = oneLine(note?.need ?? '');
    return {
      n,
      key: rule.key,
      ruleIds: rule.covers,
      action: 'ALLOW',
      protocol: rule.protocol === 'tcp' ? 'TCP' : 'UDP',
      port: rule.port,
      portText: rule.portEnd === rule.port ? String(rule.port) : `${rule.port}–${rule.portEnd}`,
      source: sideOf(source, n),
      destination: sideOf(destination, n),
      purpose: rule.purpose,
      service: rule.service,
      notes,
      flows,
      need: need || rule.purpose,
      needSuggested: need === '',
      owner: oneLine(note?.owner ?? rule.owner ?? ''),
      expires: oneLine(note?.expires ?? rule.expires ?? ''),
    };
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
      rows.push(ruleRow(rule, n, side));
    }
    if (rows.length > 0) sections.push({ id: section.id, title: section.title, rows });
  }

  // --- summary: nodes, groups with their services, plain roles
  const count = (written: readonly string[]) => {
    let ipv4 = 0;
    let ipv6 = 0;
    let invalid = 0;
    for (const w of written) {
      const parsed = parseAddress(w);
      if (!parsed.ok || parsed.hostBitsSet) invalid++;
      else if (parsed.network.family === 4) ipv4++;
      else ipv6++;
    }
    return { entries: written.length, ipv4, ipv6, invalid };
  };
  const nodeList: NodeSummary[] = plan.nodes.map((n) => ({ name: oneLine(n.name), role: n.role, addresses: n.addresses.map(oneLine), ignored: n.role === 'MBR' && !plan.cluster }));
  const roles: RoleSummary[] = [];
  for (const role of ['PRD', 'MBR'] as const) {
    const nodes = plan.nodes.filter((n) => n.role === role);
    if (nodes.length === 0) continue;
    roles.push({ role, description: `${ROLE_NAMES[role]}: ${plural(nodes.length, 'node')}`, ...count(nodes.flatMap((n) => n.addresses)), ignored: role === 'MBR' && !plan.cluster });
  }
  for (const [role, groups] of [['USERW', plan.userGroups], ['DVC', plan.deviceGroups]] as const) {
    for (const g of groups) {
      if (g.entries.length === 0) continue;
      const services = g.services.map((id) => catalogRule(id)).filter((r) => r !== undefined).map((r) => `${r.label} ${plan.ports[r.id] ?? r.port}/${r.protocol}`);
      roles.push({ role, group: oneLine(g.name), description: ROLE_NAMES[role], ...count(g.entries.map(entryAddress)), ignored: false, services });
    }
  }
  for (const role of LIST_ROLES) {
    const entries = plan.roles[role as ListRole] ?? [];
    if (entries.length === 0) continue;
    roles.push({ role, description: ROLE_NAMES[role], ...count(entries.map(entryAddress)), ignored: false });
  }
  const change = (id: string): RuleChange => {
    const rule = catalogRule(id);
    return { id, service: rule?.service ?? id, purpose: rule?.purpose ?? '' };
  };
  const portOverrides: PortOverride[] = [];
  for (const [id, port] of Object.entries(plan.ports)) {
    const rule = catalogRule(id);
    if (rule === undefined || String(port) === String(rule.port)) continue;
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

  // --- verification: the engine's checks, in the sheet's rule order; every one when few, else one per rule and source
  const ordered = sections.flatMap((s) => s.rows.map((r) => r.key));
  const byKey = new Map(ruleSet.rules.map((r) => [r.key, r]));
  const rules = ordered.map((k) => byKey.get(k)).filter((r): r is ExpandedRule => r !== undefined);
  const checkPlan = verificationPlan(rules, VERIFY_FULL_MAX);
  const blocks: SheetCheckBlock[] = checkPlan.blocks.map((b) => {
    const label = b.from.label === undefined ? '' : oneLine(b.from.label);
    const checks = b.checks.map((c): SheetCheck => ({ rule: rowOf.get(c.rule) ?? 0, command: c.command, ...(c.firstHostOf ? { note: `first host of ${c.firstHostOf}` } : {}) }));
    return label === '' ? { from: b.from.network.display, checks } : { from: b.from.network.display, label, checks };
  });

  // --- against a baseline (Modify, Remove): the rules to add, to remove, and what stays
  let delta: SheetDelta | undefined;
  if (baseline && type !== 'new') {
    const d = diffRuleSets(baseline.ruleSet, ruleSet);
    const unique = (list: readonly AddressEntry[]) => [...new Map(list.map((e) => [e.network.cidr, e])).values()];
    let dn = 0;
    const rowsOf = (change: 'added' | 'removed') =>
      d.groups
        .filter((g) => g.change === change)
        .map((g) => {
          dn++;
          const source = { ...g.rule.source, key: `${g.rule.source.key}#${change}`, entries: unique(g.flows.map((f) => f.source)) };
          const destination = { ...g.rule.destination, key: `${g.rule.destination.key}#${change}`, entries: unique(g.flows.map((f) => f.destination)) };
          return ruleRow(g.rule, dn, side, source, destination, g.flows.length);
        });
    const added = rowsOf('added');
    const removed = rowsOf('removed');
    const kept = d.groups.filter((g) => g.change === 'unchanged');
    delta = {
      baseline: oneLine(baseline.source),
      added,
      removed,
      addedFlows: d.added.length,
      removedFlows: d.removed.length,
      unchangedFlows: d.unchanged.length,
      unchangedRules: kept.length,
      unchanged: SECTIONS.map((s) => ({
        title: s.title,
        rules: kept.filter((g) => g.rule.section === s.id).length,
        flows: kept.filter((g) => g.rule.section === s.id).reduce((sum, g) => sum + g.flows.length, 0),
      })).filter((x) => x.rules > 0),
    };
  }

  return {
    planName: oneLine(plan.name ?? '') || 'Unnamed plan',
    ...(delta ? { delta } : {}),
    apply: applySummary(ruleSet, enforcement, type),
    summary: {
      cluster: plan.cluster,
      nodes: ruleSet.nodes.length,
      nodeList,
      roles,
      rules: n,
      flows: checkPlan.total,
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
    verification: { total: checkPlan.total, sampled: checkPlan.sampled, blocks },
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
  apply: 'Where and how it is applied',
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

/**
 * The rule table's title and lead by change type. Until fwplan compares plans, "modify" and
 * "remove" say plainly what the table is: the whole planned set, not a delta.
 */
export const RULES_PART: Record<ChangeType, { title: string; lead: string }> = {
  new: { title: 'Rules to allow', lead: 'The change adds these ALLOW rules.' },
  modify: {
    title: 'Rules after the change',
    lead: 'The complete set of ALLOW rules the firewall holds after the change. fwplan does not yet compare this plan with the rules loaded now: this is not a list of differences; compare it with the current rules before approval.',
  },
  remove: {
    title: 'Rules to remove',
    lead: 'The ALLOW rules of this plan that the change removes; the flows they allow stop. The back-out plan puts them back.',
  },
};

/** The parts in print order, numbered; address groups appear only when a rule uses one. */
export function parts(sheet: Pick<SheetContent, 'groups'> & { request?: Pick<SheetRequest, 'type'> }): { id: PartId; n: number; title: string }[] {
  const ids = (Object.keys(PART_TITLES) as PartId[]).filter((id) => id !== 'groups' || sheet.groups.length > 0);
  const type = sheet.request?.type ?? 'new';
  return ids.map((id, i) => ({ id, n: i + 1, title: id === 'rules' ? RULES_PART[type].title : PART_TITLES[id] }));
}

export function partNumber(sheet: Pick<SheetContent, 'groups'>, id: PartId): number {
  return parts(sheet).find((p) => p.id === id)?.n ?? 0;
}

/** The file name of a downloaded sheet: change id or plan, date. */
export function sheetFileName(sheet: Sheet, extension: 'html' | 'md'): string {
  const id = sheet.request.changeId ? `-${slugify(sheet.request.changeId)}` : '';
  return `${slugify(sheet.planName)}${id}-change-request.${extension}`;
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
export function summaryFigures(s: SheetContent['summary'], type: ChangeType = 'new'): [string, string][] {
  return [
    [formatCount(s.rules), type === 'remove' ? 'rules to remove' : type === 'modify' ? 'rules after the change' : 'rules to allow'],
    [formatCount(s.flows), 'address pairs'],
    [formatCount(s.skipped), 'catalog rules not included'],
    [s.cluster ? `on · ${formatCount(s.nodes)}` : 'off', s.cluster ? 'cluster mode · nodes' : 'cluster mode'],
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
