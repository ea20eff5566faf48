import { SENHASEGURA_CATALOG } from './catalog/senhasegura.ts';
import { ROLE_CODES, entryAddress, entryLabel, type Plan, type RoleCode } from './model/plan.ts';
import type {
  AddressEntry,
  CatalogRule,
  Endpoint,
  ExpandedRule,
  Finding,
  RuleSet,
  SkipReason,
  SkippedRule,
} from './model/rules.ts';
import { aggregate, parseAddress, type Family } from './net/address.ts';
import { lintEntries, lintRules } from './lint.ts';

export type RoleEntries = Record<RoleCode, AddressEntry[]>;

/** Parse every role's entries. Entries that do not parse are left out (the schema reports them). */
export function resolveRoles(plan: Plan): RoleEntries {
  const out = {} as RoleEntries;
  for (const role of ROLE_CODES) {
    const list: AddressEntry[] = [];
    const entries = plan.roles[role] ?? [];
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i];
      if (entry === undefined) continue;
      const parsed = parseAddress(entryAddress(entry));
      if (!parsed.ok) continue;
      const label = entryLabel(entry);
      list.push({ network: parsed.network, written: entryAddress(entry), hostBitsSet: parsed.hostBitsSet, path: `roles.${role}[${i}]`, role, ...(label !== undefined ? { label } : {}) });
    }
    out[role] = list;
  }
  return out;
}

/** Same network twice counts once; the first occurrence (and its label) wins. */
function uniqueByNetwork(entries: readonly AddressEntry[]): AddressEntry[] {
  const seen = new Set<string>();
  const out: AddressEntry[] = [];
  for (const e of entries) {
    if (seen.has(e.network.cidr)) continue;
    seen.add(e.network.cidr);
    out.push(e);
  }
  return out;
}

/**
 * Adjacent and overlapping networks of a role become the fewest CIDRs covering the same
 * addresses. Entries that survive unchanged keep their label and path.
 */
export function aggregateEntries(role: RoleCode, entries: readonly AddressEntry[]): { entries: AddressEntry[]; merged: number } {
  const unique = uniqueByNetwork(entries);
  const networks = aggregate(unique.map((e) => e.network));
  if (networks.length === unique.length) return { entries: unique, merged: 0 };
  const byCidr = new Map(unique.map((e) => [e.network.cidr, e]));
  const out = networks.map(
    (n): AddressEntry => byCidr.get(n.cidr) ?? { network: n, written: n.cidr, hostBitsSet: false, path: `roles.${role}`, role },
  );
  return { entries: out, merged: unique.length - out.length };
}

function familiesOf(entries: readonly AddressEntry[]): Family[] {
  const f = new Set(entries.map((e) => e.network.family));
  return ([4, 6] as const).filter((x) => f.has(x));
}

function skipMessage(rule: CatalogRule, reason: SkipReason): string {
  switch (reason.kind) {
    case 'disabled':
      return `${rule.id} (${rule.service}) is disabled in the plan`;
    case 'optional-off':
      return `${rule.id} (${rule.service}) comes from newer vendor documentation and is off unless enabled`;
    case 'cluster-off':
      return `${rule.id} (${rule.service}) is a cluster rule and cluster mode is off`;
    case 'role-empty':
      return `${rule.id} (${rule.service}) needs ${reason.role}, which has no entries`;
    case 'single-node':
      return `${rule.id} (${rule.service}) needs two cluster nodes of the same address family`;
    case 'no-common-family':
      return `${rule.id} (${rule.service}): ${rule.source} has only IPv${reason.sourceFamilies.join('/IPv')} and ${rule.destination} only IPv${reason.destinationFamilies.join('/IPv')} entries, and a rule never mixes IPv4 and IPv6`;
    default: {
      const never: never = reason;
      return never;
    }
  }
}

interface Side {
  role: RoleCode | 'CLUSTER';
  entries: readonly AddressEntry[];
}

/**
 * Plan + catalog → rule set. Semantics (see shared/design/product.md):
 * - cluster off: MBR and the cluster section are ignored;
 * - cluster on: nodes are PRD ∪ MBR; every non-cluster rule naming PRD holds for every node;
 *   cluster rules hold between every ordered pair of distinct nodes (PRD→MBR and MBR→PRD rows
 *   of one port collapse into one all-to-all rule);
 * - a rule is made per address family and never pairs IPv4 with IPv6.
 */
export function expandPlan(plan: Plan, catalog: readonly CatalogRule[] = SENHASEGURA_CATALOG): RuleSet {
  const roles = resolveRoles(plan);
  const findings: Finding[] = [];
  const skipped: SkippedRule[] = [];
  const rules: ExpandedRule[] = [];

  findings.push(...lintEntries(plan, roles));

  const nodes = uniqueByNetwork(plan.cluster ? [...roles.PRD, ...roles.MBR] : roles.PRD);
  if (roles.PRD.length === 0) {
    findings.push({ code: 'no-primary', severity: 'error', path: 'roles.PRD', message: 'PRD has no entries: every rule of the catalog involves the primary node, so no rule can be made' });
  }

  const aggregated = new Map<RoleCode, AddressEntry[]>();
  const roleEntries = (role: RoleCode): AddressEntry[] => {
    let list = aggregated.get(role);
    if (list === undefined) {
      const result = aggregateEntries(role, roles[role]);
      list = result.entries;
      aggregated.set(role, list);
      if (result.merged > 0) {
        findings.push({
          code: 'merged',
          severity: 'note',
          path: `roles.${role}`,
          message: `${role}: ${result.merged + list.length} distinct entries merged into ${list.length} networks (adjacent or overlapping); the rules use the merged networks`,
        });
      }
    }
    return list;
  };
  const disabled = new Set(plan.disabled);
  const enabled = new Set(plan.enabled);
  const sideOf = (role: RoleCode): Side => {
    if (plan.cluster && (role === 'PRD' || role === 'MBR')) return { role: 'CLUSTER', entries: nodes };
    return { role, entries: role === 'PRD' ? nodes : roleEntries(role) };
  };

  const skip = (rule: CatalogRule, reason: SkipReason) => {
    const message = skipMessage(rule, reason);
    skipped.push({ ruleId: rule.id, reason, message });
    findings.push({ code: 'rule-skipped', severity: 'note', ruleId: rule.id, message });
  };

  // cluster rows of the same protocol and effective port collapse into one all-to-all rule
  const clusterDone = new Map<string, string>();
  const familyGaps = new Set<string>();
  const active: CatalogRule[] = [];

  for (const rule of catalog) {
    if (rule.optional && !enabled.has(rule.id)) { skip(rule, { kind: 'optional-off' }); continue; }
    if (disabled.has(rule.id)) { skip(rule, { kind: 'disabled' }); continue; }
    if (rule.section === 'cluster' && !plan.cluster) { skip(rule, { kind: 'cluster-off' }); continue; }
    const port = plan.ports[rule.id] ?? rule.port;
    const distinctPairs = rule.section === 'cluster';

    let src: Side;
    let dst: Side;
    if (distinctPairs) {
      const key = `${rule.protocol}/${port}`;
      const first = clusterDone.get(key);
      if (first !== undefined) {
        active.push(rule);
        const idx = rules.findIndex((r) => r.ruleId === first);
        // attach this row to the rule that realises it, for every family already made
        for (let i = idx; i >= 0 && i < rules.length; i++) {
          const r = rules[i] as ExpandedRule;
          if (r.ruleId !== first) break;
          rules[i] = { ...r, covers: [...r.covers, rule.id] };
        }
        continue;
      }
      src = { role: 'CLUSTER', entries: nodes };
      dst = src;
    } else {
      src = sideOf(rule.source);
      dst = sideOf(rule.destination);
    }
    if (src.entries.length === 0) { skip(rule, { kind: 'role-empty', role: rule.source }); continue; }
    if (dst.entries.length === 0) { skip(rule, { kind: 'role-empty', role: rule.destination }); continue; }

    const made: ExpandedRule[] = [];
    for (const family of [4, 6] as const) {
      const s = src.entries.filter((e) => e.network.family === family);
      const d = distinctPairs ? s : dst.entries.filter((e) => e.network.family === family);
      if (s.length === 0 || d.length === 0) {
        if (!distinctPairs && (s.length > 0 || d.length > 0)) {
          const gapRole = s.length > 0 ? rule.destination : rule.source;
          const hasRole = s.length > 0 ? rule.source : rule.destination;
          const gapKey = `${hasRole}>${gapRole}/${family}`;
          if (!familyGaps.has(gapKey) && hasRole !== 'PRD' && hasRole !== 'MBR') {
            familyGaps.add(gapKey);
            findings.push({
              code: 'family-gap',
              severity: 'warning',
              path: `roles.${hasRole}`,
              message: `${hasRole} has IPv${family} entries but ${gapRole === 'PRD' && plan.cluster ? 'no cluster node has an' : `${gapRole} has no`} IPv${family} address: those entries get no rule`,
            });
          }
        }
        continue;
      }
      if (distinctPairs && s.length < 2) continue;
      const endpoint = (side: Side, entries: AddressEntry[]): Endpoint => ({ key: `${side.role}/v${family}`, role: side.role, family, entries });
      made.push({
        key: `${rule.id}/v${family}`,
        ruleId: rule.id,
        covers: [rule.id],
        section: rule.section,
        service: rule.service,
        purpose: rule.purpose,
        protocol: rule.protocol,
        port,
        defaultPort: rule.port,
        family,
        source: endpoint(src, s),
        destination: endpoint(dst, d),
        distinctPairs,
        direction: 'forward',
      });
    }
    if (made.length === 0) {
      if (distinctPairs) skip(rule, { kind: 'single-node' });
      else skip(rule, { kind: 'no-common-family', sourceFamilies: familiesOf(src.entries), destinationFamilies: familiesOf(dst.entries) });
      continue;
    }
    if (distinctPairs) clusterDone.set(`${rule.protocol}/${port}`, rule.id);
    active.push(rule);
    rules.push(...made);
  }

  findings.push(...lintRules(plan, active));
  return { rules, skipped, findings, nodes, roles };
}
