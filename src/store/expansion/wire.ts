import {
  LIST_ROLES,
  familyListOrigin,
  ofFamily,
  planListAt,
  resolvedList,
  resolvedListOrigin,
  type Family,
  type ResolvedListOrigin,
  type AddressEntry,
  type Endpoint,
  type Entry,
  type ExpandedRule,
  type GroupRef,
  type ListRole,
  type Plan,
  type PlanGroup,
  type RuleSet,
} from '../../engine/index.ts';
import { entryTextOf, parsedOf } from '../entryText.ts';

/**
 * What crosses between the page and the expansion worker, and how the large parts cross only once.
 *
 * A plan's weight is in its entry lists (a role's, a group's: 20,000 addresses), and a rule set's
 * in the parsed lists its rules and groups point at. An edit elsewhere (a service, a port, the
 * cluster switch) keeps those arrays as they are, and the engine remembers its work per array
 * (resolve.ts resolveList, expand.ts ofFamily). So every list travels by identity: each message
 * names all the lists it uses, by id; a list the receiver already holds goes as its id alone, a
 * new one goes whole. The receiver keeps exactly the lists of the last message it read, the
 * sender remembers which those are — messages arrive in order, so the two always agree. A
 * service toggle then sends a few hundred bytes each way, and inside the worker the same arrays
 * come back, so the engine does not read 20,000 addresses again either.
 */
export type ListId = number;

/**
 * One list as a message carries it: its id, and its items when the receiver does not hold it yet,
 * either as an array or, where the sender has a compact form C for it (not an array), as that.
 */
export type ListSlot<T, C = never> = ListId | readonly [ListId, readonly T[]] | readonly [ListId, C];

/** The sending side: which lists the receiver holds, by array identity. */
export class ListOutbox<T, C = never> {
  private held = new Map<readonly T[], ListId>();
  private next = 1;

  /**
   * @param compact a compact form of a list, where there is one (the receiver's `expand` reads it back)
   * @param whole the items of a list that crosses whole, as a structured clone can copy them
   */
  constructor(
    private readonly compact?: (list: readonly T[]) => C | undefined,
    private readonly whole: (list: readonly T[]) => readonly T[] = (list) => list,
  ) {}

  /** The slots of one message that uses `lists` (in any order, repeats allowed) and their ids. */
  pack(lists: Iterable<readonly T[]>): { slots: ListSlot<T, C>[]; idOf: Map<readonly T[], ListId> } {
    const idOf = new Map<readonly T[], ListId>();
    const slots: ListSlot<T, C>[] = [];
    for (const list of lists) {
      if (idOf.has(list)) continue;
      const known = this.held.get(list);
      const id = known ?? this.next++;
      idOf.set(list, id);
      if (known !== undefined) slots.push(id);
      else {
        const compact = this.compact?.(list);
        slots.push(compact !== undefined ? [id, compact] : [id, this.whole(list)]);
      }
    }
    // the receiver now holds exactly these
    this.held = idOf;
    return { slots, idOf };
  }

  /** How many lists the receiver holds (for tests and the bench). */
  get size(): number {
    return this.held.size;
  }
}

function isItems<T, C>(x: readonly T[] | C): x is readonly T[] {
  return Array.isArray(x);
}

/** The receiving side: the lists of the last message read, by id. */
export class ListInbox<T, C = never> {
  private held = new Map<ListId, readonly T[]>();

  /** @param expand the list a compact form stands for (the sender's `compact` read back) */
  constructor(private readonly expand?: (compact: C) => readonly T[]) {}

  /**
   * Read one message's slots; lists it does not name are let go. `expand`: how this message's
   * compact forms are read, where that depends on the message (instead of the constructor's).
   */
  unpack(slots: readonly ListSlot<T, C>[], expand: ((compact: C) => readonly T[]) | undefined = this.expand): (id: ListId) => readonly T[] {
    const next = new Map<ListId, readonly T[]>();
    for (const slot of slots) {
      if (typeof slot === 'number') {
        const list = this.held.get(slot);
        if (list === undefined) throw new Error(`list ${slot} was never sent`);
        next.set(slot, list);
      } else if (isItems<T, C>(slot[1])) {
        next.set(slot[0], slot[1]);
      } else {
        if (!expand) throw new Error(`list ${slot[0]} came in a compact form, which this side cannot read`);
        next.set(slot[0], expand(slot[1]));
      }
    }
    this.held = next;
    return (id) => {
      const list = next.get(id);
      if (list === undefined) throw new Error(`list ${id} is not in the message`);
      return list;
    };
  }

  get size(): number {
    return this.held.size;
  }
}

// ---------------------------------------------------------------------------------------------
// the plan, page → worker

/**
 * A list of plain addresses (no labels, no line breaks) crosses as one string joined by line
 * breaks: copying one string of 260 KB into the worker takes a fraction of a millisecond, copying
 * 20,000 small strings one by one some 15 ms of the page's own time, on the frame of the paste.
 * The worker splits it back. Short lists cross as they are.
 */
const COMPACT_FROM = 64;

export function compactEntries(list: readonly Entry[]): string | undefined {
  if (list.length < COMPACT_FROM) return undefined;
  // a box of plain addresses: the text it was read from (./entryText.ts)
  const text = entryTextOf(list);
  if (text !== undefined) return text;
  for (const e of list) if (typeof e !== 'string' || e.includes('\n')) return undefined;
  return (list as readonly string[]).join('\n');
}

export function expandEntries(text: string): Entry[] {
  return text.split('\n');
}

type WireGroup = Omit<PlanGroup, 'entries'> & { readonly entries: ListId };

/** A plan with every role's and group's entry list replaced by its id. */
export type WirePlan = Omit<Plan, 'roles' | 'userGroups' | 'deviceGroups'> & {
  readonly roles: Partial<Record<ListRole, ListId>>;
  readonly userGroups: readonly WireGroup[];
  readonly deviceGroups: readonly WireGroup[];
};

function planLists(plan: Plan): (readonly Entry[])[] {
  const lists: (readonly Entry[])[] = [];
  for (const role of LIST_ROLES) {
    const list = plan.roles[role];
    if (list !== undefined) lists.push(list);
  }
  for (const g of plan.userGroups) lists.push(g.entries);
  for (const g of plan.deviceGroups) lists.push(g.entries);
  return lists;
}

export function encodePlan(plan: Plan, outbox: ListOutbox<Entry, string>): { plan: WirePlan; lists: ListSlot<Entry, string>[] } {
  const { slots, idOf } = outbox.pack(planLists(plan));
  const id = (list: readonly Entry[]) => idOf.get(list) as ListId;
  const roles: Partial<Record<ListRole, ListId>> = {};
  for (const role of LIST_ROLES) {
    const list = plan.roles[role];
    if (list !== undefined) roles[role] = id(list);
  }
  const group = (g: PlanGroup): WireGroup => ({ ...g, entries: id(g.entries) });
  return { plan: { ...plan, roles, userGroups: plan.userGroups.map(group), deviceGroups: plan.deviceGroups.map(group) }, lists: slots };
}

/**
 * The plan back, its lists the very arrays received before wherever they did not change. (The
 * entries are plain strings and { address, label } objects, so the arrays may be shared freely.)
 */
export function decodePlan(wire: WirePlan, slots: readonly ListSlot<Entry, string>[], inbox: ListInbox<Entry, string>): Plan {
  const list = inbox.unpack(slots);
  const roles: Plan['roles'] = {};
  for (const role of LIST_ROLES) {
    const id = wire.roles[role];
    if (id !== undefined) roles[role] = list(id) as Entry[];
  }
  const group = (g: WireGroup): PlanGroup => ({ ...g, entries: list(g.entries) as Entry[] });
  return { ...wire, roles, userGroups: wire.userGroups.map(group), deviceGroups: wire.deviceGroups.map(group) };
}

// ---------------------------------------------------------------------------------------------
// the rule set, worker → page

/**
 * A rule set's lists are mostly the plan's own lists as read (a group's 20,000 parsed entries).
 * The page holds the plan those were read from, so such a list crosses as where it came from
 * (resolvedListOrigin) and the page reads that list of its plan itself, with the same engine
 * function, remembered per list: parsing 20,000 addresses costs the page less than copying
 * 20,000 parsed entries (objects, bigints, strings) out of a message, which held its thread for
 * 40–120 ms. Short lists, and lists made from others, cross whole, as plainEntries (an entry of
 * a plan's list makes its path when asked, which a structured clone would not copy).
 */
export function compactResolved(list: readonly AddressEntry[]): ListOrigin | undefined {
  if (list.length < COMPACT_FROM) return undefined;
  const origin = resolvedListOrigin(list);
  if (origin) return origin;
  // the entries of one family of a mixed list of the plan
  const part = familyListOrigin(list);
  const whole = part ? resolvedListOrigin(part.list) : undefined;
  return part && whole ? { ...whole, family: part.family } : undefined;
}

/** Where a rule set's list comes from: one of the plan's lists as read, or the entries of one family of one. */
export type ListOrigin = ResolvedListOrigin & { readonly family?: Family };

type WireEndpoint = Omit<Endpoint, 'entries'> & { readonly entries: ListId };
type WireRule = Omit<ExpandedRule, 'source' | 'destination'> & { readonly source: WireEndpoint; readonly destination: WireEndpoint };
type WireGroupRef = Omit<GroupRef, 'entries'> & { readonly entries: ListId };

/** A rule set with every list of parsed entries replaced by its id. */
export type WireRuleSet = Omit<RuleSet, 'rules' | 'roles' | 'userGroups' | 'deviceGroups'> & {
  readonly rules: readonly WireRule[];
  readonly roles: Readonly<Record<ListRole, ListId>>;
  readonly userGroups: readonly WireGroupRef[];
  readonly deviceGroups: readonly WireGroupRef[];
};

function ruleSetLists(ruleSet: RuleSet): (readonly AddressEntry[])[] {
  const lists: (readonly AddressEntry[])[] = LIST_ROLES.map((role) => ruleSet.roles[role]);
  for (const g of ruleSet.userGroups) lists.push(g.entries);
  for (const g of ruleSet.deviceGroups) lists.push(g.entries);
  for (const r of ruleSet.rules) lists.push(r.source.entries, r.destination.entries);
  return lists;
}

export function encodeRuleSet(ruleSet: RuleSet, outbox: ListOutbox<AddressEntry, ListOrigin>): { ruleSet: WireRuleSet; lists: ListSlot<AddressEntry, ListOrigin>[] } {
  const { slots, idOf } = outbox.pack(ruleSetLists(ruleSet));
  const id = (list: readonly AddressEntry[]) => idOf.get(list) as ListId;
  const roles = Object.fromEntries(LIST_ROLES.map((role) => [role, id(ruleSet.roles[role])])) as Record<ListRole, ListId>;
  const group = (g: GroupRef): WireGroupRef => ({ ...g, entries: id(g.entries) });
  const endpoint = (e: Endpoint): WireEndpoint => ({ ...e, entries: id(e.entries) });
  return {
    ruleSet: {
      ...ruleSet,
      rules: ruleSet.rules.map((r) => ({ ...r, source: endpoint(r.source), destination: endpoint(r.destination) })),
      roles,
      userGroups: ruleSet.userGroups.map(group),
      deviceGroups: ruleSet.deviceGroups.map(group),
    },
    lists: slots,
  };
}

export function decodeRuleSet(wire: WireRuleSet, slots: readonly ListSlot<AddressEntry, ListOrigin>[], inbox: ListInbox<AddressEntry, ListOrigin>, plan: Plan): RuleSet {
  const list = inbox.unpack(slots, (origin) => {
    const entries = planListAt(plan, origin.at);
    if (entries === undefined) throw new Error(`the rule set names ${origin.base}, which the plan does not have`);
    // the page has read most of these lists itself (a box it parsed): their networks are taken as read
    const whole = resolvedList(entries, origin, parsedOf(entries));
    return origin.family === undefined ? whole : ofFamily(whole, origin.family);
  });
  const roles = Object.fromEntries(LIST_ROLES.map((role) => [role, list(wire.roles[role])])) as Record<ListRole, readonly AddressEntry[]>;
  const group = (g: WireGroupRef): GroupRef => ({ ...g, entries: list(g.entries) });
  const endpoint = (e: WireEndpoint): Endpoint => ({ ...e, entries: list(e.entries) });
  return {
    ...wire,
    rules: wire.rules.map((r) => ({ ...r, source: endpoint(r.source), destination: endpoint(r.destination) })),
    roles,
    userGroups: wire.userGroups.map(group),
    deviceGroups: wire.deviceGroups.map(group),
  };
}
