import { SECTIONS, type AddressEntry, type ExpandedRule, type RuleSet, type SectionId } from '../../engine/index.ts';

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
  readonly sourceRole: string;
  readonly destinationRole: string;
  readonly source: readonly AddressEntry[];
  readonly destination: readonly AddressEntry[];
  /** address pairs this line stands for */
  readonly pairs: number;
  /** everything a text filter should find, lower case */
  readonly search: string;
}

/** Beyond this many address pairs the pair view stops and says so. */
export const MAX_PAIR_ROWS = 250_000;

function entryText(e: AddressEntry): string {
  return e.label ? `${e.network.display} ${e.label}` : e.network.display;
}

function pairCount(rule: ExpandedRule): number {
  const s = rule.source.entries.length;
  const d = rule.destination.entries.length;
  if (!rule.distinctPairs) return s * d;
  let same = 0;
  const dst = new Set(rule.destination.entries.map((e) => e.network.cidr));
  for (const e of rule.source.entries) if (dst.has(e.network.cidr)) same++;
  return s * d - same;
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
    sourceRole: rule.source.role,
    destinationRole: rule.destination.role,
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
    search: `${head(rule)} ${rule.source.role} ${rule.source.entries.map(entryText).join(' ')} ${rule.destination.role} ${rule.destination.entries.map(entryText).join(' ')}`.toLowerCase(),
  }));
}

export function pairRows(ruleSet: RuleSet): { rows: TableRow[]; truncated: boolean } {
  const rows: TableRow[] = [];
  for (const rule of ruleSet.rules) {
    const base = baseOf(rule);
    const text = head(rule);
    for (const s of rule.source.entries) {
      for (const d of rule.destination.entries) {
        if (rule.distinctPairs && s.network.cidr === d.network.cidr) continue;
        if (rows.length >= MAX_PAIR_ROWS) return { rows, truncated: true };
        rows.push({
          id: `${rule.key}|${s.network.cidr}|${d.network.cidr}`,
          ...base,
          source: [s],
          destination: [d],
          pairs: 1,
          search: `${text} ${rule.source.role} ${entryText(s)} ${rule.destination.role} ${entryText(d)}`.toLowerCase(),
        });
      }
    }
  }
  return { rows, truncated: false };
}
