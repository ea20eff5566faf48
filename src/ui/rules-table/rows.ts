import { SECTIONS, pairCount, pairs, type AddressEntry, type Change, type ExpandedRule, type Network, type PlanDiff, type RuleSet, type SectionId } from '../../engine/index.ts';

export const SECTION_SHORT: Record<SectionId, string> = {
  'mgmt-out': 'Management (out)',
  'mgmt-in': 'Management (in)',
  users: 'Users',
  devices: 'Managed devices',
  cluster: 'Cluster',
  components: 'Other components',
  site: 'Site flows',
};

export const SECTION_ORDER: Record<SectionId, number> = Object.fromEntries(SECTIONS.map((s, i) => [s.id, i])) as Record<SectionId, number>;

/** One line of the rules table: a whole rule, or one address pair of it. */
export interface TableRow extends Pick<ExpandedRule, 'ruleId' | 'covers' | 'section' | 'service' | 'purpose' | 'protocol' | 'port' | 'portEnd' | 'defaultPort' | 'provenance'> {
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
  /** against a baseline: whether these flows are new, gone or kept */
  readonly change?: Change;
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
    portEnd: rule.portEnd,
    defaultPort: rule.defaultPort,
    provenance: rule.provenance,
    family: rule.family === 4 ? ('IPv4' as const) : ('IPv6' as const),
    sourceName: rule.source.name,
    destinationName: rule.destination.name,
    object: isNodes(rule.source.name) ? (isNodes(rule.destination.name) ? 'senhasegura cluster' : rule.destination.name) : rule.source.name,
  };
}

function head(rule: ExpandedRule): string {
  const site = rule.provenance === 'site' ? ` site flow ${rule.owner ?? ''}` : '';
  return `${rule.ruleId} ${rule.covers.join(' ')} ${SECTION_SHORT[rule.section]} ${rule.service} ${rule.purpose} ${rule.protocol} ${rule.port} ${rule.portEnd} ipv${rule.family}${site}`;
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

/**
 * Against a baseline: one row per rule, sides and change (the flows the change adds, removes or
 * keeps), or one row per flow in the pair view. Removed rows come from the baseline's rules.
 */
export function diffRows(diff: PlanDiff, mode: 'rules' | 'pairs'): { rows: TableRow[]; truncated: boolean } {
  const rows: TableRow[] = [];
  const unique = (list: readonly AddressEntry[]) => [...new Map(list.map((e) => [e.network.cidr, e])).values()];
  for (const g of diff.groups) {
    const base = baseOf(g.rule);
    const text = `${head(g.rule)} ${g.change}`;
    if (mode === 'rules') {
      const source = unique(g.flows.map((f) => f.source));
      const destination = unique(g.flows.map((f) => f.destination));
      rows.push({
        id: `${g.change}|${g.rule.key}`,
        ...base,
        source,
        destination,
        pairs: g.flows.length,
        change: g.change,
        search: `${text} ${g.sourceName} ${source.map(entryText).join(' ')} ${g.destinationName} ${destination.map(entryText).join(' ')}`.toLowerCase(),
      });
      continue;
    }
    for (const f of g.flows) {
      if (rows.length >= MAX_PAIR_ROWS) return { rows, truncated: true };
      rows.push({
        id: `${g.change}|${g.rule.key}|${f.source.network.cidr}|${f.destination.network.cidr}`,
        ...base,
        source: [f.source],
        destination: [f.destination],
        pairs: 1,
        change: g.change,
        search: `${text} ${g.sourceName} ${entryText(f.source)} ${g.destinationName} ${entryText(f.destination)}`.toLowerCase(),
      });
    }
  }
  return { rows, truncated: false };
}

export const CHANGE_LABEL: Record<Change, string> = { added: 'added', removed: 'removed', unchanged: 'unchanged' };
