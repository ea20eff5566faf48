import type { Family, Network } from '../net/address.ts';
import type { GroupRole, ListRole, NodeRole, RoleCode } from './roles.ts';

export type { RoleCode } from './roles.ts';

export type Protocol = 'tcp' | 'udp';
export type SectionId = 'mgmt-out' | 'mgmt-in' | 'users' | 'devices' | 'cluster' | 'components' | 'site';

/** Where a catalog row comes from: the firewall article, or another vendor page (cited). */
export type RuleOrigin = 'article' | 'newer-vendor-docs' | 'vendor-docs' | 'site';

/** One row of the vendor table (or of other vendor pages), as data. */
export interface CatalogRule {
  readonly id: string;
  readonly section: SectionId;
  /** short name shown in tables: "SMTP 420/tcp" */
  readonly service: string;
  /** the article's label for the port, as written: SMTP, VRACE, METASPLOIT … */
  readonly label: string;
  /** what the port is really for */
  readonly purpose: string;
  readonly protocol: Protocol;
  readonly port: number;
  readonly source: RoleCode;
  readonly destination: RoleCode;
  readonly origin: RuleOrigin;
  /** optional rules are off unless the plan enables them */
  readonly optional: boolean;
  /** the vendor page a row outside the article comes from */
  readonly cite?: { readonly title: string; readonly path: string };
  /** set where the port differs from the IANA registration: says what the IANA registers */
  readonly nonStandard?: string;
  /** set for protocols that carry credentials or data in clear text */
  readonly cleartext?: string;
  /** where the vendor text leaves something open (a direction, a health check): said, not guessed */
  readonly ambiguity?: string;
  /** the last port of a range (a site flow's 5000-5100); absent for one port */
  readonly portEnd?: number;
}

/** Who an entry belongs to in the plan. */
export type EntryOwner =
  | { readonly kind: 'node'; readonly node: string; readonly role: NodeRole }
  | { readonly kind: 'group'; readonly role: GroupRole; readonly group: string }
  | { readonly kind: 'role'; readonly role: ListRole }
  | { readonly kind: 'flow'; readonly flow: string; readonly side: 'source' | 'destination' };

/** A plan entry after parsing: its network, and who it is — as written, with its label. */
export interface AddressEntry {
  readonly network: Network;
  readonly label?: string;
  /** the text exactly as the plan has it */
  readonly written: string;
  /** where it came from in the plan: deviceGroups[0].entries[12], nodes[1].addresses[0] */
  readonly path: string;
  readonly owner: EntryOwner;
}

/** A senhasegura node: one machine, one address per family at most. */
export interface PlanNodeRef {
  readonly name: string;
  /** unique, name-safe: vault-01 */
  readonly slug: string;
  readonly role: NodeRole;
  readonly path: string;
  readonly v4?: AddressEntry;
  readonly v6?: AddressEntry;
}

/** A named group of user workstations or managed devices, with the services it needs. */
export interface GroupRef {
  readonly role: GroupRole;
  readonly name: string;
  /** unique within the role, name-safe: windows-servers */
  readonly slug: string;
  readonly index: number;
  readonly path: string;
  readonly entries: readonly AddressEntry[];
  readonly services: ReadonlySet<string>;
}

/**
 * What one side of a rule stands for. Renderers name sets, chains and objects after it; nothing
 * downstream parses a key back into these parts.
 */
export type EndpointRef =
  /** a plain role: ADMINW, NTP, … */
  | { readonly kind: 'role'; readonly role: ListRole }
  /** one user or device group */
  | { readonly kind: 'group'; readonly role: GroupRole; readonly group: string; readonly index: number }
  /** the node side of a rule: PRD alone (cluster off), or every node (cluster on) */
  | { readonly kind: 'nodes'; readonly cluster: boolean }
  /** one node, in a host export */
  | { readonly kind: 'node'; readonly node: string }
  /** the other nodes of the cluster, in a host export */
  | { readonly kind: 'other-nodes'; readonly node: string }
  /** a side cut down in a host export to what excludes the node itself */
  | { readonly kind: 'without-node'; readonly base: EndpointRef; readonly node: string }
  /** the entries written in a site flow itself */
  | { readonly kind: 'flow'; readonly flow: string; readonly side: 'source' | 'destination'; readonly index: number };

/** A set of addresses on one side of a rule, of one family. */
export interface Endpoint {
  readonly ref: EndpointRef;
  /** a stable identifier of (ref, family), for naming one shared set or chain */
  readonly key: string;
  /** what a person reads: "USERW Administrators", "CLUSTER", "node vault-02" */
  readonly name: string;
  /** the role code the side belongs to: PRD, MBR, USERW …, CLUSTER for PRD ∪ MBR, SITE for a site flow's own entries */
  readonly role: RoleCode | 'CLUSTER' | 'SITE';
  readonly family: Family;
  readonly entries: readonly AddressEntry[];
}

export type Direction = 'forward' | 'in' | 'out';

/** One catalog rule made concrete for one address family (and, for group rows, one group). */
export interface ExpandedRule {
  /** `<rule id>/v4`, `<rule id>@<group>/v6`: unique in a rule set */
  readonly key: string;
  readonly ruleId: string;
  /** every catalog row this rule realises (cluster rows of one port collapse into one rule) */
  readonly covers: readonly string[];
  readonly section: SectionId;
  readonly service: string;
  readonly purpose: string;
  readonly protocol: Protocol;
  /** the port, or the first port of a range */
  readonly port: number;
  /** the last port of a range; equal to port for one port */
  readonly portEnd: number;
  /** the catalog's port, where the plan overrides it */
  readonly defaultPort: number;
  readonly family: Family;
  readonly source: Endpoint;
  readonly destination: Endpoint;
  /** cluster rules: every ordered pair of distinct nodes; a node is never paired with itself */
  readonly distinctPairs: boolean;
  /** inbound / outbound / forwarded, set once a scope is applied */
  readonly direction: Direction;
  /** a rule of the plan, or one a host export keeps so the admins are never locked out */
  readonly origin: 'plan' | 'anti-lockout';
  /** where the row comes from: the article, other vendor pages, or the site's own flows */
  readonly provenance: RuleOrigin;
  /** site flows: who asked for it, and until when */
  readonly owner?: string;
  readonly expires?: string;
}

export type SkipReason =
  | { kind: 'disabled' }
  | { kind: 'optional-off' }
  | { kind: 'cluster-off' }
  | { kind: 'role-empty'; role: RoleCode }
  | { kind: 'no-group'; role: GroupRole }
  | { kind: 'single-node' }
  | { kind: 'expired'; on: string }
  | { kind: 'no-common-family'; sourceFamilies: Family[]; destinationFamilies: Family[] };

export interface SkippedRule {
  readonly ruleId: string;
  readonly reason: SkipReason;
  readonly message: string;
}

export type Severity = 'error' | 'warning' | 'note';

export type FindingCode =
  // the plan's entries and objects
  | 'invalid-entry'
  | 'host-bits'
  | 'node-address'
  | 'node-name'
  | 'group-name'
  | 'duplicate-entry'
  | 'overlapping-entry'
  | 'over-broad'
  | 'role-overlap'
  | 'dual-stack-partner'
  // the rules
  | 'no-primary'
  | 'rule-skipped'
  | 'mbr-ignored'
  | 'non-standard-port'
  | 'port-override'
  | 'cleartext'
  | 'family-gap'
  | 'group-without-services'
  | 'flow-side'
  | 'flow-expired'
  // the change request
  | 'cr-date'
  | 'cr-rule'
  | 'rule-expired'
  | 'plan-expired'
  // one export
  | 'anti-lockout'
  | 'no-admin-access'
  | 'other-family-file'
  | 'family-left-open'
  | 'family-without-rules'
  | 'no-ipset-needed'
  | 'blocked-by-errors'
  // a target with documented limits, or one that filters at certain machines only
  | 'target-limit'
  | 'outside-target';

export interface Finding {
  readonly code: FindingCode;
  readonly severity: Severity;
  readonly message: string;
  /** JSON path of what the finding is about, when it is about one thing in the plan */
  readonly path?: string;
  readonly ruleId?: string;
  /** for host bits: the two meanings the entry can have, as the user would write them */
  readonly choices?: readonly string[];
}

export interface RuleSet {
  readonly rules: readonly ExpandedRule[];
  readonly skipped: readonly SkippedRule[];
  readonly findings: readonly Finding[];
  /** every node of the plan (also MBR with cluster off) */
  readonly allNodes: readonly PlanNodeRef[];
  /** the nodes the rules hold for: PRD ∪ MBR with cluster on, PRD alone otherwise */
  readonly nodes: readonly PlanNodeRef[];
  /** the plain roles' entries as parsed (ADMINW and the management servers) */
  readonly roles: Readonly<Record<ListRole, readonly AddressEntry[]>>;
  readonly userGroups: readonly GroupRef[];
  readonly deviceGroups: readonly GroupRef[];
  /** whether any finding is an error: exports are blocked until the plan is fixed */
  readonly hasErrors: boolean;
}
