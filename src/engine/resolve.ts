import { entryLabel, portSpan, type CustomFlow, type Entry, type FlowSide, type Plan, type PortSpan } from './model/plan.ts';
import { LIST_ROLES, isGroupRole, isNodeRole, type GroupRole, type ListRole } from './model/roles.ts';
import type { AddressEntry, EntryOwner, Finding, GroupRef, PlanNodeRef } from './model/rules.ts';
import { contains, familyBits, isHost, parseAddress, plainIpv4, type Network } from './net/address.ts';
import { plural, printable, quoted, uniqueSlugs } from './text.ts';

/** At most this many findings of one kind per list are given one by one; the rest are counted. */
const PER_LIST_DETAIL = 25;

/** What one side of a site flow stands for, resolved against the plan's objects. */
export type FlowSideRef =
  | { readonly kind: 'nodes' }
  | { readonly kind: 'role'; readonly role: ListRole }
  | { readonly kind: 'groups'; readonly role: GroupRole; readonly groups: readonly GroupRef[] }
  | { readonly kind: 'node'; readonly node: PlanNodeRef }
  | { readonly kind: 'entries'; readonly entries: readonly AddressEntry[] }
  | { readonly kind: 'unknown' };

export interface ResolvedFlow {
  readonly index: number;
  readonly name: string;
  readonly slug: string;
  readonly path: string;
  readonly source: FlowSideRef;
  readonly destination: FlowSideRef;
  readonly flow: CustomFlow;
  readonly port: PortSpan;
}

/** The plan's objects with every address parsed once, and what is wrong with them. */
export interface ResolvedPlan {
  readonly allNodes: readonly PlanNodeRef[];
  readonly roles: Readonly<Record<ListRole, readonly AddressEntry[]>>;
  readonly userGroups: readonly GroupRef[];
  readonly deviceGroups: readonly GroupRef[];
  readonly flows: readonly ResolvedFlow[];
  readonly findings: readonly Finding[];
}

/** Where the findings of one list go: the plan's capped findings, or a list's cached record. */
interface FindingSink {
  add(list: string, f: Finding): void;
}

class Capped implements FindingSink {
  private readonly lists = new Map<string, Finding[]>();
  constructor(private readonly out: Finding[]) {}
  add(list: string, f: Finding): void {
    const l = this.lists.get(list) ?? [];
    l.push(f);
    this.lists.set(list, l);
  }
  flush(): void {
    for (const [list, items] of this.lists) {
      this.out.push(...items.slice(0, PER_LIST_DETAIL));
      const first = items[0];
      if (items.length > PER_LIST_DETAIL && first) {
        this.out.push({ code: first.code, severity: first.severity, path: list, message: `${list}: ${items.length - PER_LIST_DETAIL} more like this not listed` });
      }
    }
    this.lists.clear();
  }
}

/**
 * An entry of a role's or a group's list, whose path (`deviceGroups[0].entries[12]`) is written
 * out only when asked for: a finding, a tie in lintList's order, the page's Go to. A list of
 * 5,000 addresses otherwise made 15,000 short strings that every export kept alive and the
 * garbage collector copied, for nothing (a cold `fwplan export` of the peers' plan spent ~7 ms
 * on them). Only resolve.ts makes these; they are AddressEntry in every other respect. A
 * structured clone (the expansion worker's messages) keeps own data properties only: such lists
 * cross as plainEntries.
 */
class ListedEntry implements AddressEntry {
  declare readonly label?: string;
  constructor(
    readonly network: Network,
    readonly written: string,
    readonly owner: EntryOwner,
    /** the list's path and "[" */
    private readonly open: string,
    private readonly index: number,
    label: string | undefined,
  ) {
    if (label !== undefined && label !== '') this.label = label;
  }

  get path(): string {
    return `${this.open}${this.index}]`;
  }
}

/**
 * The entries as plain objects, path included (as they were before ListedEntry), for whatever
 * copies them property by property: a structured clone, a spread. The same array when none needs it.
 */
export function plainEntries(list: readonly AddressEntry[]): readonly AddressEntry[] {
  let i = 0;
  while (i < list.length && !(list[i] instanceof ListedEntry)) i++;
  if (i === list.length) return list;
  return list.map((e) => (e instanceof ListedEntry ? plainEntry(e.network, e.written, e.path, e.owner, e.label) : e));
}

/**
 * What a caller has already read of a list, index by index: where `network` is set, it is what
 * parseAddress gives for `written` (valid, no host bits), and resolveEntries takes it instead of
 * reading the entry again when the entry's text is that `written`. The page's box reading
 * (parseRoleText's tokens) is one.
 */
export type ParsedEntries = readonly { readonly written: string; readonly network?: Network }[];

/** An entry as a plain object, its path a property; the label only where there is one. */
function plainEntry(network: Network, written: string, path: string, owner: EntryOwner, label: string | undefined): AddressEntry {
  return label !== undefined && label !== '' ? { network, written, path, owner, label } : { network, written, path, owner };
}

/**
 * Parse one list of entries (a role, a group, a node's addresses). Invalid entries and CIDRs with
 * host bits are errors that name the entry: they are never dropped or widened silently. `listed`:
 * the entries are ListedEntry (a role's or a group's list), else plain objects. `known`: what the
 * caller has read of them already.
 */
function resolveEntries(entries: readonly Entry[], base: string, owner: EntryOwner, capped: FindingSink, listed = false, known?: ParsedEntries): AddressEntry[] {
  const out: AddressEntry[] = [];
  const open = `${base}[`;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as Entry;
    const written = typeof entry === 'string' ? entry : entry.address;
    // the common case (a plain IPv4 address or network) without parseAddress's result object,
    // or an entry the caller has read already
    const read = known?.[i];
    const plain = read !== undefined && read.written === written && read.network !== undefined ? read.network : plainIpv4(written);
    if (plain !== undefined) {
      const label = typeof entry === 'string' ? undefined : entry.label;
      out.push(listed ? new ListedEntry(plain, written, owner, open, i, label) : plainEntry(plain, written, `${open}${i}]`, owner, label));
      continue;
    }
    const path = `${open}${i}]`;
    const parsed = parseAddress(written);
    if (!parsed.ok) {
      capped.add(base, { code: 'invalid-entry', severity: 'error', path, message: `${quoted(written)} ${parsed.reason}` });
      continue;
    }
    if (parsed.hostBitsSet && parsed.host) {
      const choices = [parsed.host.display, parsed.network.display];
      capped.add(base, {
        code: 'host-bits',
        severity: 'error',
        path,
        choices,
        message: `${quoted(written)} has host bits set: write ${choices[0]} for the one host, or ${choices[1]} for the whole network`,
      });
      continue;
    }
    const label = entryLabel(entry);
    out.push(listed ? new ListedEntry(parsed.network, written, owner, open, i, label) : plainEntry(parsed.network, written, path, owner, label));
  }
  return out;
}

/** lintList's order: by family, start, prefix, then path as text. */
function inNetworkOrder(a: AddressEntry, b: AddressEntry): boolean {
  const x = a.network;
  const y = b.network;
  if (x.family !== y.family) return x.family < y.family;
  if (x.start !== y.start) return x.start < y.start;
  if (x.prefix !== y.prefix) return x.prefix < y.prefix;
  return a.path < b.path;
}

/**
 * The order lintList walks a list in: by family, start, prefix, then path as text. Lists are
 * mostly written in order already: one pass finds out, and such a list is its own order. Else the
 * positions are sorted, IPv4 ones by a plain number per entry (start and prefix in one: comparing
 * bigints, or sorting an object per entry, costs more than the sort itself).
 */
function sortedByNetwork(list: readonly AddressEntry[]): readonly AddressEntry[] {
  let ordered = true;
  let v4 = true;
  for (let i = 0; i < list.length; i++) {
    const e = list[i] as AddressEntry;
    if (e.network.family !== 4) v4 = false;
    if (ordered && i > 0 && !inNetworkOrder(list[i - 1] as AddressEntry, e)) ordered = false;
  }
  if (ordered) return list;
  if (!v4) return [...list].sort((a, b) => (inNetworkOrder(a, b) ? -1 : 1));
  // start × 64 + prefix stays below 2^38: exact as a double, and it orders by start, then prefix
  const keys = new Float64Array(list.length);
  const order = new Array<number>(list.length);
  for (let i = 0; i < list.length; i++) {
    const n = (list[i] as AddressEntry).network;
    keys[i] = Number(n.start) * 64 + n.prefix;
    order[i] = i;
  }
  order.sort((i, j) => keys[i]! - keys[j]! || ((list[i] as AddressEntry).path < (list[j] as AddressEntry).path ? -1 : 1));
  return order.map((i) => list[i] as AddressEntry);
}

/** Duplicates, overlaps and entries that match everything, within one list. */
function lintList(list: readonly AddressEntry[], base: string, what: string, capped: FindingSink): void {
  // indexed loops over the entries: before V8 has compiled it, a for-of allocates per entry
  for (let i = 0; i < list.length; i++) {
    const e = list[i] as AddressEntry;
    if (e.network.prefix === 0) capped.add(base, { code: 'over-broad', severity: 'warning', path: e.path, message: `${quoted(e.written)} matches every IPv${e.network.family} address` });
  }
  if (list.length < 2) return;
  let widest: AddressEntry | undefined;
  const sorted = sortedByNetwork(list);
  for (let i = 0; i < sorted.length; i++) {
    const e = sorted[i] as AddressEntry;
    if (widest && widest.network.family === e.network.family && e.network.start <= widest.network.end) {
      if (widest.network.cidr === e.network.cidr) {
        capped.add(base, { code: 'duplicate-entry', severity: 'warning', path: e.path, message: `${quoted(e.written)} is listed twice in ${what} (also ${widest.path})` });
      } else {
        capped.add(base, { code: 'overlapping-entry', severity: 'warning', path: e.path, message: `${quoted(e.written)} overlaps ${quoted(widest.written)} (${widest.path}) in ${what}` });
      }
      if (e.network.end > widest.network.end) widest = e;
    } else {
      widest = e;
    }
  }
}

const NO_ENTRIES: readonly Entry[] = [];

interface ListRecord {
  readonly entries: AddressEntry[];
  readonly findings: readonly Finding[];
  readonly origin: ResolvedListOrigin;
}

/**
 * A role's or a group's list, parsed and linted, remembered by the list itself: the plan is
 * immutable, so an edit elsewhere (a service switched, a port, another role) hands the same array
 * in again and gets the same entries and findings back without parsing 20,000 addresses anew.
 * Keyed also by where the list sits and whose it is, which the entries and messages carry.
 */
const listRecords = new WeakMap<readonly Entry[], Map<string, ListRecord>>();

function listRecord(entries: readonly Entry[], at: PlanListRef, owner: EntryOwner, what: string, parsed?: ParsedEntries): ListRecord {
  const base = listBase(at);
  const key = `${base}\u0000${what}\u0000${JSON.stringify(owner)}`;
  let records = listRecords.get(entries);
  let record = records?.get(key);
  if (record === undefined) {
    const findings: Finding[] = [];
    const sink: FindingSink = { add: (_list, f) => findings.push(f) };
    const resolved = resolveEntries(entries, base, owner, sink, true, parsed);
    lintList(resolved, base, what, sink);
    record = { entries: resolved, findings, origin: { at, base, owner, what } };
    origins.set(resolved, record.origin);
    if (records === undefined) {
      records = new Map();
      listRecords.set(entries, records);
    }
    records.set(key, record);
  }
  return record;
}

function resolveList(entries: readonly Entry[], at: PlanListRef, owner: EntryOwner, what: string, capped: Capped): AddressEntry[] {
  const record = listRecord(entries, at, owner, what);
  for (const f of record.findings) capped.add(record.origin.base, f);
  return record.entries;
}

/** Where one of the plan's lists sits: a role's list, or the entries of the `index`th user or device group. */
export type PlanListRef = { readonly kind: 'role'; readonly role: ListRole } | { readonly kind: 'group'; readonly groups: 'userGroups' | 'deviceGroups'; readonly index: number };

/** The path findings give the list at `at`: `roles.DVC`, `deviceGroups[0].entries`. */
function listBase(at: PlanListRef): string {
  return at.kind === 'role' ? `roles.${at.role}` : `${at.groups}[${at.index}].entries`;
}

/** How resolvePlan read one of the plan's lists: where it sits, its path as findings name it (`roles.DVC`, `deviceGroups[0].entries`), and whose it is. */
export interface ResolvedListOrigin {
  readonly at: PlanListRef;
  readonly base: string;
  readonly owner: EntryOwner;
  readonly what: string;
}

const origins = new WeakMap<readonly AddressEntry[], ResolvedListOrigin>();

/**
 * Where a list of a rule set came from, if it is one of the plan's role or group lists as read
 * (not a list made from one, such as the entries of one family of a mixed list). Whoever holds the
 * plan can then make the very same list with resolvedList instead of being handed 20,000 entries.
 */
export function resolvedListOrigin(list: readonly AddressEntry[]): ResolvedListOrigin | undefined {
  return origins.get(list);
}

/** The plan's list at `at` (a ResolvedListOrigin's), or undefined where the plan has no such list. */
export function planListAt(plan: Plan, at: PlanListRef): readonly Entry[] | undefined {
  if (at.kind === 'role') return (LIST_ROLES as readonly string[]).includes(at.role) ? (plan.roles[at.role] ?? NO_ENTRIES) : undefined;
  return plan[at.groups][at.index]?.entries;
}

/**
 * The entries of one of the plan's lists as resolvePlan reads them: equal to the rule set's,
 * remembered per list as there. `parsed`: what the caller has already read of the list (see
 * ParsedEntries), so that 20,000 addresses are not read a second time.
 */
export function resolvedList(entries: readonly Entry[], origin: ResolvedListOrigin, parsed?: ParsedEntries): AddressEntry[] {
  return listRecord(entries, origin.at, origin.owner, origin.what, parsed).entries;
}

function resolveNodes(plan: Plan, findings: Finding[], capped: Capped): PlanNodeRef[] {
  const slugs = uniqueSlugs(plan.nodes.map((n) => n.name), 'node');
  const names = new Map<string, string>();
  const addressOwner = new Map<string, string>();
  const out: PlanNodeRef[] = [];
  plan.nodes.forEach((node, i) => {
    const path = `nodes[${i}]`;
    const name = node.name.trim();
    if (name === '') {
      findings.push({ code: 'node-name', severity: 'error', path: `${path}.name`, message: 'a node needs a name (it names the node in host exports and on the change request)' });
    } else if (printable(name) !== name) {
      findings.push({ code: 'node-name', severity: 'error', path: `${path}.name`, message: `node name ${quoted(name)} holds control characters` });
    } else {
      const other = names.get(name.toLowerCase());
      if (other !== undefined) findings.push({ code: 'node-name', severity: 'error', path: `${path}.name`, message: `two nodes are named ${quoted(name)} (also ${other}): node names are unique` });
      else names.set(name.toLowerCase(), `${path}.name`);
    }
    const owner: EntryOwner = { kind: 'node', node: node.name, role: node.role };
    const entries = resolveEntries(node.addresses, `${path}.addresses`, owner, capped);
    let v4: AddressEntry | undefined;
    let v6: AddressEntry | undefined;
    for (const e of entries) {
      if (!isHost(e.network)) {
        findings.push({
          code: 'node-address',
          severity: 'error',
          path: e.path,
          choices: [e.network.address],
          message: `${quoted(e.written)} is a network, but a node is one machine: write its address (${e.network.address}/${familyBits(e.network.family)} or without prefix)`,
        });
        continue;
      }
      const taken = e.network.family === 4 ? v4 : v6;
      if (taken) {
        findings.push({ code: 'node-address', severity: 'error', path: e.path, message: `node ${quoted(node.name)} has a second IPv${e.network.family} address ${quoted(e.written)} (first ${quoted(taken.written)}): a node has at most one address per family; another machine is another node` });
        continue;
      }
      const holder = addressOwner.get(e.network.cidr);
      if (holder !== undefined) {
        findings.push({ code: 'node-address', severity: 'error', path: e.path, message: `${quoted(e.written)} is also the address of node ${quoted(holder)}: two nodes cannot share an address` });
        continue;
      }
      addressOwner.set(e.network.cidr, node.name);
      if (e.network.family === 4) v4 = e;
      else v6 = e;
    }
    if (node.addresses.length === 0) {
      findings.push({ code: 'node-address', severity: 'error', path: `${path}.addresses`, message: `node ${quoted(node.name)} has no address` });
    }
    out.push({ name: node.name, slug: slugs[i] as string, role: node.role, path, ...(v4 ? { v4 } : {}), ...(v6 ? { v6 } : {}) });
  });
  return out;
}

function resolveGroups(role: GroupRole, groups: Plan['userGroups'], key: 'userGroups' | 'deviceGroups', findings: Finding[], capped: Capped): GroupRef[] {
  const slugs = uniqueSlugs(groups.map((g) => g.name), role === 'USERW' ? 'users' : 'devices');
  const names = new Map<string, string>();
  return groups.map((group, index) => {
    const path = `${key}[${index}]`;
    const name = group.name.trim();
    if (name === '') {
      findings.push({ code: 'group-name', severity: 'error', path: `${path}.name`, message: 'a group needs a name (it names the group in every export and on the change request)' });
    } else {
      const other = names.get(name.toLowerCase());
      if (other !== undefined) findings.push({ code: 'group-name', severity: 'error', path: `${path}.name`, message: `two ${role} groups are named ${quoted(name)} (also ${other}): group names are unique` });
      else names.set(name.toLowerCase(), `${path}.name`);
    }
    const entries = resolveList(group.entries, { kind: 'group', groups: key, index }, { kind: 'group', role, group: group.name }, `${role} group ${quoted(group.name)}`, capped);
    if (group.services.length === 0 && group.entries.length > 0) {
      findings.push({ code: 'group-without-services', severity: 'warning', path: `${path}.services`, message: `${role} group ${quoted(group.name)} lists no service: its ${plural(group.entries.length, 'entry', 'entries')} get no rule` });
    }
    return { role, name: group.name, slug: slugs[index] as string, index, path, entries, services: new Set(group.services) };
  });
}

/** Entries of users, devices and servers that are in fact a node: more opens than the plan says. */
function roleOverlaps(nodes: readonly PlanNodeRef[], roles: Record<ListRole, AddressEntry[]>, groups: readonly GroupRef[], out: Finding[]): void {
  const nodeAddresses = nodes.flatMap((n) => [n.v4, n.v6].filter((a): a is AddressEntry => a !== undefined).map((a) => ({ node: n, a })));
  if (nodeAddresses.length === 0) return;
  // Nodes are few and lists may hold a million entries: per family, the lowest and highest node
  // address bound where an entry can hold one, so most entries are passed over with two
  // comparisons of numbers (no text looked up). Node addresses are distinct (resolveNodes refuses
  // a shared one), so the first node an entry contains, in node order, is the one it names.
  let low4 = 0n;
  let high4 = -1n;
  let low6 = 0n;
  let high6 = -1n;
  for (const { a } of nodeAddresses) {
    const n = a.network;
    if (n.family === 4) {
      if (high4 < low4 || n.start < low4) low4 = n.start;
      if (n.end > high4) high4 = n.end;
    } else {
      if (high6 < low6 || n.start < low6) low6 = n.start;
      if (n.end > high6) high6 = n.end;
    }
  }
  const check = (e: AddressEntry, what: string, effect: string) => {
    const n = e.network;
    if (n.family === 4 ? n.end < low4 || n.start > high4 : n.end < low6 || n.start > high6) return;
    for (const { node, a } of nodeAddresses) {
      if (!contains(n, a.network)) continue;
      const is = n.cidr === a.network.cidr ? 'is' : 'contains';
      out.push({
        code: 'role-overlap',
        severity: 'warning',
        path: e.path,
        message: `${quoted(e.written)} (${what}) ${is} the node ${quoted(node.name)} (${a.network.display}): ${effect}. Every export follows the plan as written; narrow the entry if that is not intended`,
      });
      return;
    }
  };
  for (const g of groups) {
    const effect =
      g.role === 'DVC'
        ? `the device rules of this group also open the nodes to each other on ${plural(g.services.size, 'device port')}`
        : `the user rules of this group also let that node in as a user`;
    const what = `${g.role} group ${quoted(g.name)}`;
    for (let i = 0; i < g.entries.length; i++) check(g.entries[i] as AddressEntry, what, effect);
  }
  for (const role of LIST_ROLES) {
    const effect = `the ${role} rules also hold between the nodes`;
    const list = roles[role];
    for (let i = 0; i < list.length; i++) check(list[i] as AddressEntry, role, effect);
  }
}

/** Nodes with one family only, where other nodes have only the other: perhaps one machine split in two. */
function dualStackPartners(nodes: readonly PlanNodeRef[], out: Finding[]): void {
  const only4 = nodes.filter((n) => n.v4 && !n.v6);
  const only6 = nodes.filter((n) => n.v6 && !n.v4);
  if (only4.length === 0 || only6.length === 0) return;
  const list = (ns: readonly PlanNodeRef[]) => ns.map((n) => quoted(n.name)).join(', ');
  out.push({
    code: 'dual-stack-partner',
    severity: 'warning',
    path: 'nodes',
    message: `${list(only4)} ${only4.length === 1 ? 'has' : 'have'} only an IPv4 address and ${list(only6)} only an IPv6 address. If any of them are one machine, make them one node with both addresses: a host export covers the families of its node, and drops the other family's traffic`,
  });
}

function resolveFlows(plan: Plan, nodes: readonly PlanNodeRef[], users: readonly GroupRef[], devices: readonly GroupRef[], findings: Finding[], capped: Capped): ResolvedFlow[] {
  const slugs = uniqueSlugs(plan.customFlows.map((f) => f.name), 'flow');
  const names = new Map<string, string>();
  return plan.customFlows.map((flow, index) => {
    const path = `customFlows[${index}]`;
    const other = names.get(flow.name.trim().toLowerCase());
    if (other !== undefined) findings.push({ code: 'flow-side', severity: 'error', path: `${path}.name`, message: `two site flows are named ${quoted(flow.name)} (also ${other})` });
    else names.set(flow.name.trim().toLowerCase(), `${path}.name`);
    const side = (s: FlowSide, which: 'source' | 'destination'): FlowSideRef => {
      const at = `${path}.${which}`;
      const unknown = (what: string): FlowSideRef => {
        findings.push({ code: 'flow-side', severity: 'error', path: at, message: `site flow ${quoted(flow.name)}: ${what}` });
        return { kind: 'unknown' };
      };
      if ('role' in s) {
        if (isNodeRole(s.role)) return { kind: 'nodes' };
        if (isGroupRole(s.role)) return { kind: 'groups', role: s.role, groups: s.role === 'USERW' ? users : devices };
        return { kind: 'role', role: s.role };
      }
      if ('userGroup' in s || 'deviceGroup' in s) {
        const [role, name, list] = 'userGroup' in s ? (['USERW', s.userGroup, users] as const) : (['DVC', s.deviceGroup, devices] as const);
        const group = list.find((g) => g.name === name);
        return group ? { kind: 'groups', role, groups: [group] } : unknown(`no ${role === 'USERW' ? 'user' : 'device'} group is named ${quoted(name)}`);
      }
      if ('node' in s) {
        const node = nodes.find((n) => n.name === s.node);
        return node ? { kind: 'node', node } : unknown(`no node is named ${quoted(s.node)}`);
      }
      return { kind: 'entries', entries: resolveEntries(s.entries, `${at}.entries`, { kind: 'flow', flow: flow.name, side: which }, capped) };
    };
    const port = portSpan(flow.ports) ?? { from: 1, to: 1 };
    return { index, name: flow.name, slug: slugs[index] as string, path, source: side(flow.source, 'source'), destination: side(flow.destination, 'destination'), flow, port };
  });
}

export function resolvePlan(plan: Plan): ResolvedPlan {
  const findings: Finding[] = [];
  const capped = new Capped(findings);
  const allNodes = resolveNodes(plan, findings, capped);
  const roles = {} as Record<ListRole, AddressEntry[]>;
  for (const role of LIST_ROLES) {
    const list = resolveList(plan.roles[role] ?? NO_ENTRIES, { kind: 'role', role }, { kind: 'role', role }, role, capped);
    roles[role] = list;
  }
  const userGroups = resolveGroups('USERW', plan.userGroups, 'userGroups', findings, capped);
  const deviceGroups = resolveGroups('DVC', plan.deviceGroups, 'deviceGroups', findings, capped);
  const flows = resolveFlows(plan, allNodes, userGroups, deviceGroups, findings, capped);
  capped.flush();
  const activeNodes = allNodes.filter((n) => n.role === 'PRD' || plan.cluster);
  roleOverlaps(activeNodes, roles, [...userGroups, ...deviceGroups], findings);
  dualStackPartners(activeNodes, findings);
  return { allNodes, roles, userGroups, deviceGroups, flows, findings };
}
