import type { Family, Network } from '../net/address.ts';
import type { RoleCode } from './plan.ts';

export type { RoleCode } from './plan.ts';

export type Protocol = 'tcp' | 'udp';
export type SectionId = 'mgmt-out' | 'mgmt-in' | 'users' | 'devices' | 'cluster';

/** One row of the vendor table (or of newer vendor pages), as data. */
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
  readonly origin: 'article' | 'newer-vendor-docs';
  /** optional rules are off unless the plan enables them */
  readonly optional: boolean;
  /** set where the port differs from the IANA registration: says what the IANA registers */
  readonly nonStandard?: string;
  /** set for protocols that carry credentials or data in clear text */
  readonly cleartext?: string;
}

/** A role entry after parsing: a normalised network and its label. */
export interface AddressEntry {
  readonly network: Network;
  readonly label?: string;
  /** the text as the plan has it, before normalisation */
  readonly written: string;
  /** the written CIDR had host bits set (10.0.0.5/24): the network is used, with a warning */
  readonly hostBitsSet: boolean;
  /** where it came from in the plan: roles.DVC[12] */
  readonly path: string;
  readonly role: RoleCode;
}

/**
 * A set of addresses on one side of a rule. `key` identifies the set so renderers can share one
 * named set or chain between rules (roles, the cluster, one node, the cluster minus one node).
 */
export interface Endpoint {
  readonly key: string;
  /** role code, or CLUSTER for PRD ∪ MBR when cluster mode is on */
  readonly role: RoleCode | 'CLUSTER';
  readonly family: Family;
  readonly entries: readonly AddressEntry[];
}

/** One catalog rule made concrete for one address family. */
export interface ExpandedRule {
  /** `<rule id>/v4` or `<rule id>/v6` */
  readonly key: string;
  readonly ruleId: string;
  /** every catalog row this rule realises (cluster rows of one port collapse into one rule) */
  readonly covers: readonly string[];
  readonly section: SectionId;
  readonly service: string;
  readonly purpose: string;
  readonly protocol: Protocol;
  readonly port: number;
  /** the article's port where the plan overrides it */
  readonly defaultPort: number;
  readonly family: Family;
  readonly source: Endpoint;
  readonly destination: Endpoint;
  /** cluster rules: every ordered pair of distinct nodes; a node is never paired with itself */
  readonly distinctPairs: boolean;
  /** inbound / outbound / forwarded, set once a scope is applied */
  readonly direction: Direction;
}

export type Direction = 'forward' | 'in' | 'out';

export type SkipReason =
  | { kind: 'disabled' }
  | { kind: 'optional-off' }
  | { kind: 'cluster-off' }
  | { kind: 'role-empty'; role: RoleCode }
  | { kind: 'single-node' }
  | { kind: 'no-common-family'; sourceFamilies: Family[]; destinationFamilies: Family[] };

export interface SkippedRule {
  readonly ruleId: string;
  readonly reason: SkipReason;
  readonly message: string;
}

export type Severity = 'error' | 'warning' | 'note';

export type FindingCode =
  | 'no-primary'
  | 'rule-skipped'
  | 'mbr-ignored'
  | 'host-bits'
  | 'duplicate-entry'
  | 'overlapping-entry'
  | 'over-broad'
  | 'non-standard-port'
  | 'port-override'
  | 'cleartext'
  | 'family-gap'
  | 'merged'
  | 'scope'
  | 'no-admin-access';

export interface Finding {
  readonly code: FindingCode;
  readonly severity: Severity;
  readonly message: string;
  /** JSON path of what the finding is about, when it is about one thing in the plan */
  readonly path?: string;
  readonly ruleId?: string;
}

export interface RuleSet {
  readonly rules: readonly ExpandedRule[];
  readonly skipped: readonly SkippedRule[];
  readonly findings: readonly Finding[];
  /** PRD ∪ MBR with cluster on, PRD alone otherwise */
  readonly nodes: readonly AddressEntry[];
  /** every role's entries as parsed (before aggregation), for what an export adds on its own */
  readonly roles: Readonly<Record<RoleCode, readonly AddressEntry[]>>;
}
