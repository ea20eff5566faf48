import { assertNever } from './assert.ts';
import { SENHASEGURA_CATALOG } from './catalog/senhasegura.ts';
import { isDay } from './dates.ts';
import { lintRules } from './lint.ts';
import { portSpan, spanText, type Plan, type PortSpan } from './model/plan.ts';
import { isGroupRole, isNodeRole, type GroupRole, type ListRole, type RoleCode } from './model/roles.ts';
import type {
  AddressEntry,
  CatalogRule,
  Direction,
  Endpoint,
  EndpointRef,
  ExpandedRule,
  Finding,
  GroupRef,
  PlanNodeRef,
  RuleSet,
  SkipReason,
  SkippedRule,
} from './model/rules.ts';
import type { Family } from './net/address.ts';
import { resolvePlan, type FlowSideRef } from './resolve.ts';
import { quoted } from './text.ts';

export const FAMILIES: readonly Family[] = [4, 6];

/** The address of a node in one family, if it has one. */
export function nodeAddress(node: PlanNodeRef, family: Family): AddressEntry | undefined {
  return family === 4 ? node.v4 : node.v6;
}

export function nodeFamilies(node: PlanNodeRef): Family[] {
  return FAMILIES.filter((f) => nodeAddress(node, f) !== undefined);
}

/** The one place an endpoint's identity becomes a key and a name: renderers name sets after them. */
export function makeEndpoint(ref: EndpointRef, family: Family, entries: readonly AddressEntry[], slugs: EndpointSlugs = {}): Endpoint {
  const { key, name, role } = describeRef(ref, slugs);
  return { ref, key: `${key}/v${family}`, name, role, family, entries };
}

/** Slugs of the nodes and groups an endpoint names (resolved once per plan). */
export interface EndpointSlugs {
  readonly node?: string;
  readonly group?: string;
  readonly flow?: string;
}

function describeRef(ref: EndpointRef, slugs: EndpointSlugs): { key: string; name: string; role: RoleCode | 'CLUSTER' | 'SITE' } {
  switch (ref.kind) {
    case 'role':
      return { key: ref.role, name: ref.role, role: ref.role };
    case 'group':
      return { key: `${ref.role}-${slugs.group ?? ref.index}`, name: `${ref.role} ${ref.group}`, role: ref.role };
    case 'nodes':
      return ref.cluster ? { key: 'CLUSTER', name: 'CLUSTER', role: 'CLUSTER' } : { key: 'PRD', name: 'PRD', role: 'PRD' };
    case 'node':
      return { key: `node-${slugs.node ?? ref.node}`, name: `node ${ref.node}`, role: 'PRD' };
    case 'other-nodes':
      return { key: `CLUSTER-not-${slugs.node ?? ref.node}`, name: `CLUSTER except ${ref.node}`, role: 'CLUSTER' };
    case 'without-node': {
      const base = describeRef(ref.base, slugs);
      return { key: `${base.key}-not-${slugs.node ?? ref.node}`, name: `${base.name} except ${ref.node}`, role: base.role };
    }
    case 'flow':
      return { key: `SITE-${slugs.flow ?? ref.index}-${ref.side === 'source' ? 'src' : 'dst'}`, name: `${ref.flow} (${ref.side})`, role: 'SITE' };
    default:
      return assertNever(ref);
  }
}

export interface RuleSpec {
  readonly rule: CatalogRule;
  readonly port: PortSpan;
  readonly family: Family;
  readonly source: Endpoint;
  readonly destination: Endpoint;
  readonly distinctPairs?: boolean;
  readonly covers?: readonly string[];
  readonly direction?: Direction;
  readonly origin?: ExpandedRule['origin'];
  /** the group a group row is made for: part of the key, so each group's rule is its own */
  readonly group?: GroupRef;
  readonly owner?: string;
  readonly expires?: string;
}

/** The one rule factory: expansion, site flows, host scopes and anti-lockout all make rules here. */
export function makeRule(spec: RuleSpec): ExpandedRule {
  const { rule, port, family } = spec;
  const groupPart = spec.group ? `@${spec.group.slug}` : '';
  const origin = spec.origin ?? 'plan';
  return {
    key: `${rule.id}${groupPart}/v${family}${spec.direction && spec.direction !== 'forward' ? `/${spec.direction}` : ''}${origin === 'anti-lockout' ? '/anti-lockout' : ''}`,
    ruleId: rule.id,
    covers: spec.covers ?? [rule.id],
    section: rule.section,
    service: `${rule.label} ${spanText(port)}/${rule.protocol}`,
    purpose: rule.purpose,
    protocol: rule.protocol,
    port: port.from,
    portEnd: port.to,
    defaultPort: rule.port,
    provenance: rule.origin,
    ...(spec.owner !== undefined ? { owner: spec.owner } : {}),
    ...(spec.expires !== undefined ? { expires: spec.expires } : {}),
    family,
    source: spec.source,
    destination: spec.destination,
    distinctPairs: spec.distinctPairs ?? false,
    direction: spec.direction ?? 'forward',
    origin,
  };
}

/** Whether a catalog rule is on in the plan (optional rules need "enabled", others not "disabled"). */
export function isRuleOn(plan: Pick<Plan, 'disabled' | 'enabled'>, rule: CatalogRule): boolean {
  return rule.optional ? plan.enabled.includes(rule.id) : !plan.disabled.includes(rule.id);
}

/** The plan with a catalog rule switched on or off: the only way a rule's state is changed. */
export function withRuleOn<P extends Pick<Plan, 'disabled' | 'enabled'>>(plan: P, rule: CatalogRule, on: boolean): P {
  if (rule.optional) {
    const enabled = plan.enabled.filter((id) => id !== rule.id);
    return { ...plan, enabled: on ? [...enabled, rule.id] : enabled };
  }
  const disabled = plan.disabled.filter((id) => id !== rule.id);
  return { ...plan, disabled: on ? disabled : [...disabled, rule.id] };
}

/** The port a rule uses: the plan's override (one port or a range), else the catalog's. */
export function effectivePort(plan: Pick<Plan, 'ports'>, rule: CatalogRule): PortSpan {
  const override = plan.ports[rule.id];
  return (override === undefined ? undefined : portSpan(override)) ?? { from: rule.port, to: rule.portEnd ?? rule.port };
}

function familiesOf(entries: readonly AddressEntry[]): Family[] {
  const f = new Set(entries.map((e) => e.network.family));
  return FAMILIES.filter((x) => f.has(x));
}

function skipMessage(rule: CatalogRule, reason: SkipReason): string {
  const head = `${rule.id} (${rule.service})`;
  switch (reason.kind) {
    case 'disabled':
      return `${head} is disabled in the plan`;
    case 'optional-off':
      return `${head} comes from newer vendor documentation and is off unless enabled`;
    case 'cluster-off':
      return `${head} is a cluster rule and cluster mode is off`;
    case 'role-empty':
      return `${head} needs ${reason.role}, which has no entries`;
    case 'no-group':
      return `${head}: no ${reason.role === 'USERW' ? 'user' : 'device'} group lists this service`;
    case 'single-node':
      return `${head} needs two cluster nodes of the same address family`;
    case 'expired':
      return `${head} expired on ${reason.on}`;
    case 'no-common-family':
      return `${head}: ${rule.source} has only IPv${reason.sourceFamilies.join('/IPv')} and ${rule.destination} only IPv${reason.destinationFamilies.join('/IPv')} entries, and a rule never mixes IPv4 and IPv6`;
    default:
      return assertNever(reason);
  }
}

/** One side of a catalog row in the plan: the nodes, a plain role, or each group that lists the row. */
interface Side {
  readonly role: RoleCode;
  readonly ref: EndpointRef;
  readonly entries: readonly AddressEntry[];
  readonly group?: GroupRef;
  readonly node?: PlanNodeRef;
}

/** The role code a site flow's side is filed under (a literal list counts as DVC-like entries). */
function sideRole(s: FlowSideRef): RoleCode {
  switch (s.kind) {
    case 'nodes':
      return 'PRD';
    case 'role':
      return s.role;
    case 'groups':
      return s.role;
    case 'node':
      return s.node.role;
    case 'entries':
    case 'unknown':
      return 'DVC';
    default:
      return assertNever(s);
  }
}

const NO_ADDRESSES: readonly AddressEntry[] = [];
const familyLists = new WeakMap<readonly AddressEntry[], readonly [readonly AddressEntry[], readonly AddressEntry[]]>();

/**
 * A list's entries of one family. Split once per list and shared by every rule that uses it: a
 * device group of 100,000 addresses is walked once, not twice per device rule; a list of one
 * family (the usual case) is counted, not copied.
 */
export function ofFamily(entries: readonly AddressEntry[], family: Family): readonly AddressEntry[] {
  let split = familyLists.get(entries);
  if (split === undefined) {
    let v4 = 0;
    for (let i = 0; i < entries.length; i++) if ((entries[i] as AddressEntry).network.family === 4) v4++;
    if (v4 === entries.length) split = [entries, NO_ADDRESSES];
    else if (v4 === 0) split = [NO_ADDRESSES, entries];
    else {
      split = [entries.filter((e) => e.network.family === 4), entries.filter((e) => e.network.family === 6)];
      familyOrigins.set(split[0], { list: entries, family: 4 });
      familyOrigins.set(split[1], { list: entries, family: 6 });
    }
    familyLists.set(entries, split);
  }
  return split[family === 4 ? 0 : 1];
}

const familyOrigins = new WeakMap<readonly AddressEntry[], { readonly list: readonly AddressEntry[]; readonly family: Family }>();

/** The list and family a list of one family was made from by ofFamily, if it was (a mixed list's part). */
export function familyListOrigin(list: readonly AddressEntry[]): { readonly list: readonly AddressEntry[]; readonly family: Family } | undefined {
  return familyOrigins.get(list);
}

/**
 * Plan + catalog → rule set. Semantics (shared/design/product.md):
 * - cluster off: MBR nodes and the cluster section are ignored;
 * - cluster on: the nodes are PRD ∪ MBR; every non-cluster rule naming PRD holds for every node;
 *   cluster rules hold between every ordered pair of distinct nodes (PRD→MBR and MBR→PRD rows
 *   of one port collapse into one all-to-all rule);
 * - a group row holds for each group of its role that lists it, as that group's own rule;
 * - a rule is made per address family and never pairs IPv4 with IPv6;
 * - entries are used as written: nothing is merged or widened here.
 */
export interface ExpandOptions {
  readonly catalog?: readonly CatalogRule[];
  /**
   * Today, YYYY-MM-DD: site flows that expire before it are skipped with a finding. Without it no
   * expiry is applied (the output then depends on the plan alone).
   */
  readonly today?: string;
}

export function expandPlan(plan: Plan, options: ExpandOptions = {}): RuleSet {
  const catalog = options.catalog ?? SENHASEGURA_CATALOG;
  const resolved = resolvePlan(plan);
  const findings: Finding[] = [...resolved.findings];
  const skipped: SkippedRule[] = [];
  const rules: ExpandedRule[] = [];
  const nodes = resolved.allNodes.filter((n) => n.role === 'PRD' || plan.cluster);
  const nodeEntries = nodes.flatMap((n) => [n.v4, n.v6].filter((a): a is AddressEntry => a !== undefined));

  if (!resolved.allNodes.some((n) => n.role === 'PRD' && (n.v4 || n.v6))) {
    findings.push({ code: 'no-primary', severity: 'error', path: 'nodes', message: 'there is no PRD node with an address: every rule of the catalog involves the primary node, so no rule can be made' });
  }
  const mbr = resolved.allNodes.filter((n) => n.role === 'MBR');
  if (!plan.cluster && mbr.length > 0) {
    findings.push({ code: 'mbr-ignored', severity: 'warning', path: 'nodes', message: `${mbr.length} MBR node${mbr.length === 1 ? '' : 's'} but cluster mode is off: they are ignored` });
  }

  const groupsOf = (role: GroupRole) => (role === 'USERW' ? resolved.userGroups : resolved.deviceGroups);
  const nodesRef: EndpointRef = { kind: 'nodes', cluster: plan.cluster };
  const sidesOf = (role: RoleCode, rule: CatalogRule): Side[] | SkipReason => {
    if (isNodeRole(role)) return [{ role, ref: nodesRef, entries: nodeEntries }];
    if (isGroupRole(role)) {
      const groups = groupsOf(role);
      if (groups.every((g) => g.entries.length === 0)) return { kind: 'role-empty', role };
      const listing = groups.filter((g) => g.services.has(rule.id));
      if (listing.length === 0) return { kind: 'no-group', role };
      return listing.map((g) => ({ role, ref: { kind: 'group', role, group: g.name, index: g.index }, entries: g.entries, group: g }));
    }
    const listRole = role as ListRole;
    return [{ role, ref: { kind: 'role', role: listRole }, entries: resolved.roles[listRole] }];
  };

  const skip = (rule: CatalogRule, reason: SkipReason) => {
    const message = skipMessage(rule, reason);
    skipped.push({ ruleId: rule.id, reason, message });
    findings.push({ code: 'rule-skipped', severity: 'note', ruleId: rule.id, message });
  };

  // cluster rows of the same protocol and effective port collapse into one all-to-all rule
  const clusterDone = new Map<string, ExpandedRule[]>();
  const familyGaps = new Set<string>();
  const active: CatalogRule[] = [];

  for (const rule of catalog) {
    if (rule.optional && !plan.enabled.includes(rule.id)) { skip(rule, { kind: 'optional-off' }); continue; }
    if (!rule.optional && plan.disabled.includes(rule.id)) { skip(rule, { kind: 'disabled' }); continue; }
    if (rule.section === 'cluster' && !plan.cluster) { skip(rule, { kind: 'cluster-off' }); continue; }
    const expires = plan.changeRequest?.ruleNotes?.[rule.id]?.expires?.trim();
    if (expires && options.today && isDay(expires) && expires < options.today) {
      skip(rule, { kind: 'expired', on: expires });
      findings.push({ code: 'rule-expired', severity: 'warning', ruleId: rule.id, path: `changeRequest.ruleNotes[${JSON.stringify(rule.id)}].expires`, message: `${rule.id} (${rule.service}) expired on ${expires} (change request): it is left out` });
      continue;
    }
    const port = effectivePort(plan, rule);

    if (rule.section === 'cluster') {
      const key = `${rule.protocol}/${spanText(port)}`;
      const made = clusterDone.get(key);
      if (made !== undefined) {
        // this row is realised by the rule already made for its port: say so on that rule
        for (const r of made) {
          const i = rules.indexOf(r);
          const covered = { ...r, covers: [...r.covers, rule.id] };
          rules[i] = covered;
          made[made.indexOf(r)] = covered;
        }
        active.push(rule);
        continue;
      }
      const out: ExpandedRule[] = [];
      for (const family of FAMILIES) {
        const members = nodeEntries.filter((e) => e.network.family === family);
        if (members.length < 2) continue;
        const side = makeEndpoint(nodesRef, family, members);
        out.push(makeRule({ rule, port, family, source: side, destination: side, distinctPairs: true }));
      }
      if (out.length === 0) { skip(rule, { kind: 'single-node' }); continue; }
      clusterDone.set(key, out);
      rules.push(...out);
      active.push(rule);
      continue;
    }

    const sources = sidesOf(rule.source, rule);
    if (!Array.isArray(sources)) { skip(rule, sources); continue; }
    const destinations = sidesOf(rule.destination, rule);
    if (!Array.isArray(destinations)) { skip(rule, destinations); continue; }
    if (sources.every((s) => s.entries.length === 0)) { skip(rule, { kind: 'role-empty', role: rule.source }); continue; }
    if (destinations.every((d) => d.entries.length === 0)) { skip(rule, { kind: 'role-empty', role: rule.destination }); continue; }

    const made: ExpandedRule[] = [];
    for (const src of sources) {
      for (const dst of destinations) {
        for (const family of FAMILIES) {
          const s = ofFamily(src.entries, family);
          const d = ofFamily(dst.entries, family);
          if (s.length === 0 || d.length === 0) {
            if (s.length > 0 || d.length > 0) familyGap(rule, src, dst, s.length > 0, family);
            continue;
          }
          const group = src.group ?? dst.group;
          const slugs = { ...(group ? { group: group.slug } : {}) };
          made.push(
            makeRule({
              rule,
              port,
              family,
              source: makeEndpoint(src.ref, family, s, slugs),
              destination: makeEndpoint(dst.ref, family, d, slugs),
              ...(group ? { group } : {}),
            }),
          );
        }
      }
    }
    if (made.length === 0) {
      const all = (sides: Side[]) => sides.flatMap((x) => x.entries);
      skip(rule, { kind: 'no-common-family', sourceFamilies: familiesOf(all(sources)), destinationFamilies: familiesOf(all(destinations)) });
      continue;
    }
    active.push(rule);
    rules.push(...made);
  }

  function familyGap(rule: CatalogRule, src: Side, dst: Side, sourceHas: boolean, family: Family): void {
    const has = sourceHas ? src : dst;
    const gap = sourceHas ? dst : src;
    if (isNodeRole(has.role)) return;
    const who = has.group ? `${has.role} group "${has.group.name}"` : has.role;
    const gapKey = `${who}>${gap.role}/${family}`;
    if (familyGaps.has(gapKey)) return;
    familyGaps.add(gapKey);
    findings.push({
      code: 'family-gap',
      severity: 'warning',
      path: has.group ? `${has.group.path}.entries` : `roles.${has.role}`,
      message: `${who} has IPv${family} entries but ${isNodeRole(gap.role) ? (plan.cluster ? 'no cluster node has an' : 'no PRD node has an') : `${gap.role} has no`} IPv${family} address: those entries get no rule (${rule.id} and others)`,
    });
  }

  // site flows: the same engine and every output, marked as the site's own
  for (const flow of resolved.flows) {
    const f = flow.flow;
    const rule: CatalogRule = {
      id: `site-${flow.slug}`,
      section: 'site',
      service: f.name,
      label: f.name,
      purpose: f.reason.trim() === '' ? f.name : f.reason,
      protocol: f.protocol,
      port: flow.port.from,
      ...(flow.port.to !== flow.port.from ? { portEnd: flow.port.to } : {}),
      source: sideRole(flow.source),
      destination: sideRole(flow.destination),
      origin: 'site',
      optional: false,
    };
    if (f.expires !== undefined && options.today !== undefined && f.expires < options.today) {
      const message = `site flow ${quoted(f.name)} expired on ${f.expires}: it is left out`;
      skipped.push({ ruleId: rule.id, reason: { kind: 'expired', on: f.expires }, message });
      findings.push({ code: 'flow-expired', severity: 'warning', path: flow.path, message });
      continue;
    }
    const sides = (s: FlowSideRef, which: 'source' | 'destination'): Side[] => {
      switch (s.kind) {
        case 'nodes':
          return [{ role: 'PRD', ref: nodesRef, entries: nodeEntries }];
        case 'role':
          return [{ role: s.role, ref: { kind: 'role', role: s.role }, entries: resolved.roles[s.role] }];
        case 'groups':
          return s.groups.map((g) => ({ role: s.role, ref: { kind: 'group', role: s.role, group: g.name, index: g.index }, entries: g.entries, group: g }));
        case 'node': {
          const entries = [s.node.v4, s.node.v6].filter((a): a is AddressEntry => a !== undefined);
          return [{ role: s.node.role, ref: { kind: 'node', node: s.node.name }, entries, node: s.node }];
        }
        case 'entries':
          return [{ role: 'DVC', ref: { kind: 'flow', flow: f.name, side: which, index: flow.index }, entries: s.entries }];
        case 'unknown':
          return [];
        default:
          return assertNever(s);
      }
    };
    const sources = sides(flow.source, 'source');
    const destinations = sides(flow.destination, 'destination');
    const nodeSide = (s: FlowSideRef) => s.kind === 'nodes' || s.kind === 'node';
    const made: ExpandedRule[] = [];
    for (const src of sources) {
      for (const dst of destinations) {
        for (const family of FAMILIES) {
          const s = ofFamily(src.entries, family);
          const d = ofFamily(dst.entries, family);
          if (s.length === 0 || d.length === 0) continue;
          const group = src.group ?? dst.group;
          // each side is named by its own group or node: a flow from one node (or group) to another
          // must not give both sides the same key, or two different address sets share one name
          const slugsOf = (side: Side) => ({ flow: flow.slug, ...(side.group ? { group: side.group.slug } : {}), ...(side.node ? { node: side.node.slug } : {}) });
          made.push(
            makeRule({
              rule,
              port: flow.port,
              family,
              source: makeEndpoint(src.ref, family, s, slugsOf(src)),
              destination: makeEndpoint(dst.ref, family, d, slugsOf(dst)),
              distinctPairs: nodeSide(flow.source) && nodeSide(flow.destination),
              ...(group ? { group } : {}),
              ...(f.owner !== undefined ? { owner: f.owner } : {}),
              ...(f.expires !== undefined ? { expires: f.expires } : {}),
            }),
          );
        }
      }
    }
    if (made.length === 0) {
      const message = `site flow ${quoted(f.name)} makes no rule: one of its sides has no entry, or the sides share no address family`;
      skipped.push({ ruleId: rule.id, reason: { kind: 'role-empty', role: rule.source }, message });
      findings.push({ code: 'rule-skipped', severity: 'warning', path: flow.path, message });
      continue;
    }
    rules.push(...made);
  }

  findings.push(...lintRules(plan, active));
  return {
    rules,
    skipped,
    findings,
    allNodes: resolved.allNodes,
    nodes,
    roles: resolved.roles,
    userGroups: resolved.userGroups,
    deviceGroups: resolved.deviceGroups,
    hasErrors: findings.some((f) => f.severity === 'error'),
  };
}
