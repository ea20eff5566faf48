import { SECTIONS, pairCount, pairs, type AddressEntry, type ExpandedRule, type Network, type RuleSet, type SectionId } from '../../engine/index.ts';

export const SECTION_SHORT: Record<SectionId, string> = {
  'mgmt-out': 'Management (out)',
  'mgmt-in': 'Management (in)',
  users: 'Users',
  devices: 'Managed devices',
  cluster: 'Cluster',
};

export const SECTION_ORDER: Record<SectionId, number> = Object.fromEntries(SECTIONS.map((s, i) => [s.id, i])) as Record<SectionId, number>;

/** One line of the rules table: a whole rule, or one address pair of it. */
export interface TableRow extends Pick<ExpandedRule, 'ruleId' | 'covers' | 'section' | 'service' | 'purpose' | 'protocol' | 'port' | 'defaultPort'> {
  readonly id: string;
  readonly family: 'IPv4' | 'IPv6';
  /** what each side stands for: a group, a node, a role ("DVC Windows servers", "CLUSTER") */
  readonly sourceName: string;
  readonly destinationName: string;
  /** the group or role the rule is about: the side that is not the senhasegura nodes */
  readonly object: string;
  readonly source: readonly AddressEntry[];
  readonly destination: readonly AddressEntry[];
  /** address pairs this line stands for */
  readonly pairs: number;
  /** everything a text filter should find, lower case */
  readonly search: string;
}

/** Beyond this many address pairs the pair view stops and says so. */
export const MAX_PAIR_ROWS = 250_000;

/**
 * What an entry is called next to its address: its label, or — for the address of a senhasegura
 * node, which has no label of its own — the node's name (unless the node is named by the address).
 */
export function entryName(e: AddressEntry): string | undefined {
  if (e.label) return e.label;
  return e.owner.kind === 'node' && e.owner.node !== e.written ? e.owner.node : undefined;
}

function entryText(e: AddressEntry): string {
  const name = entryName(e);
  return name ? `${e.written} ${e.network.display} ${name}` : `${e.written} ${e.network.display}`;
}

function isNodes(name: string): boolean {
  return name === 'CLUSTER' || name === 'PRD';
}

function baseOf(rule: ExpandedRule) {
  return {
    ruleId: rule.ruleId,
    covers: rule.covers,
    section: rule.section,
    service: rule.service,
    purpose: rule.purpose,
    protocol: rule.protocol,
    port: rule.port,
    defaultPort: rule.defaultPort,
    family: rule.family === 4 ? ('IPv4' as const) : ('IPv6' as const),
    sourceName: rule.source.name,
    destinationName: rule.destination.name,
    object: isNodes(rule.source.name) ? (isNodes(rule.destination.name) ? 'senhasegura cluster' : rule.destination.name) : rule.source.name,
  };
}

function head(rule: ExpandedRule): string {
  return `${rule.ruleId} ${rule.covers.join(' ')} ${SECTION_SHORT[rule.section]} ${rule.service} ${rule.purpose} ${rule.protocol} ${rule.port} ipv${rule.family}`;
}

export function ruleRows(ruleSet: RuleSet): TableRow[] {
  return ruleSet.rules.map((rule) => ({
    id: rule.key,
    ...baseOf(rule),
    source: rule.source.entries,
    destination: rule.destination.entries,
    pairs: pairCount(rule),
    search: `${head(rule)} ${rule.source.name} ${rule.source.entries.map(entryText).join(' ')} ${rule.destination.name} ${rule.destination.entries.map(entryText).join(' ')}`.toLowerCase(),
  }));
}

export function pairRows(ruleSet: RuleSet): { rows: TableRow[]; truncated: boolean } {
  const rows: TableRow[] = [];
  for (const rule of ruleSet.rules) {
    const base = baseOf(rule);
    const text = head(rule);
    for (const [s, d] of pairs(rule)) {
      if (rows.length >= MAX_PAIR_ROWS) return { rows, truncated: true };
      rows.push({
        id: `${rule.key}|${s.network.cidr}|${d.network.cidr}`,
        ...base,
        source: [s],
        destination: [d],
        pairs: 1,
        search: `${text} ${rule.source.name} ${entryText(s)} ${rule.destination.name} ${entryText(d)}`.toLowerCase(),
      });
    }
  }
  return { rows, truncated: false };
}

/** Whether a row holds an entry that overlaps the network: 10.30.1.77 finds the rules of 10.30.1.0/24. */
export function rowHoldsAddress(row: TableRow, n: Network): boolean {
  const hits = (e: AddressEntry) => e.network.family === n.family && e.network.start <= n.end && n.start <= e.network.end;
  return row.source.some(hits) || row.destination.some(hits);
}
