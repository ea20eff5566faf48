/**
 * `nft -j list ruleset` output → tables of chains in the evaluator's form.
 *
 * Evaluated: tables of family ip, ip6 and inet; base chains of type filter (hooks prerouting,
 * input, forward, output, postrouting) with their priority and policy; regular chains; rules whose
 * matches are on ip/ip6 saddr/daddr (address, prefix, range, anonymous set, named set incl.
 * interval sets), meta l4proto / ip protocol / ip6 nexthdr, tcp/udp/th sport/dport (single, range,
 * set), ct state, iif/oif/iifname/oifname, meta nfproto / meta protocol, with ==, !=, in and
 * < > <= >= on numbers; verdicts accept/drop/reject/continue/return/jump/goto and verdict maps;
 * counter/log/comment ignored; limit taken as matching (`limit rate over` as not matching), noted.
 *
 * Anything else is unknown, never guessed: an unknown match makes its rule unknown only when every
 * modelled match of the rule holds (implicit dependencies are kept: `icmp type …` is false for a
 * TCP packet); an unknown statement (nat, mangling, set updates, queue …) is unknown when reached.
 * Chains this evaluator does not run (nat, route, ingress …) are hazards when they can drop.
 */
import type { Family } from '../net/address.ts';
import type { AddrRange, AuditError, AuditParse, Chain, Hazard, IfacePattern, Match, NumRange, Rule, Step, Test, Verdict } from './types.ts';
import { addressRange, addressValue, excerpt, maxAddress, protocolNumber } from './values.ts';

export type NftHook = 'prerouting' | 'input' | 'forward' | 'output' | 'postrouting';

export interface NftBaseChain {
  readonly chain: string;
  readonly hook: NftHook;
  readonly priority: number;
}

export interface NftTable {
  readonly family: 'ip' | 'ip6' | 'inet';
  readonly name: string;
  readonly chains: ReadonlyMap<string, Chain>;
  /** the filter base chains this evaluator runs */
  readonly bases: readonly NftBaseChain[];
}

export interface NftRuleset {
  readonly tables: readonly NftTable[];
  /** every table of the listing, evaluated or not: "inet fwplan", "netdev ingress" */
  readonly tableNames: readonly string[];
  readonly hazards: readonly Hazard[];
}

class PathError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function get(o: Obj, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

/** An object of exactly one key: nft's JSON form of every expression and statement. */
function single(v: unknown): [string, unknown] | undefined {
  if (!isObj(v)) return undefined;
  const keys = Object.keys(v);
  if (keys.length !== 1) return undefined;
  const k = keys[0] as string;
  return [k, v[k]];
}

function str(o: Obj, key: string, path: string): string {
  const v = get(o, key);
  if (typeof v !== 'string' || v.length === 0 || v.length > 256) throw new PathError(`${path}.${key}`, `"${key}" must be a non-empty string`);
  return v;
}

const HOOKS: readonly string[] = ['prerouting', 'input', 'forward', 'output', 'postrouting'];
const PRIORITY_NAMES: Readonly<Record<string, number>> = { raw: -300, mangle: -150, dstnat: -100, filter: 0, security: 50, srcnat: 100 };
const CT_STATE_NAMES = new Set(['new', 'established', 'related', 'invalid', 'untracked']);
const MAX_DEPTH = 24;

/** A compact, nft-like rendering of a JSON value, for rule texts. */
export function renderValue(v: unknown, depth = 0): string {
  if (depth > MAX_DEPTH) return '…';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null) return 'null';
  if (Array.isArray(v)) return v.map((x) => renderValue(x, depth + 1)).join(',');
  const s = single(v);
  if (s) {
    const [k, inner] = s;
    if (k === 'prefix' && isObj(inner)) return `${renderValue(get(inner, 'addr'), depth + 1)}/${renderValue(get(inner, 'len'), depth + 1)}`;
    if (k === 'range' && Array.isArray(inner)) return inner.map((x) => renderValue(x, depth + 1)).join('-');
    if (k === 'set') return `{ ${Array.isArray(inner) ? inner.map((x) => renderValue(x, depth + 1)).join(', ') : renderValue(inner, depth + 1)} }`;
    if (k === 'elem' && isObj(inner)) return renderValue(get(inner, 'val'), depth + 1);
    if (k === 'payload' && isObj(inner)) {
      const p = get(inner, 'protocol');
      return typeof p === 'string' ? `${p} ${renderValue(get(inner, 'field'), depth + 1)}` : `@${renderValue(get(inner, 'base'), depth + 1)},${renderValue(get(inner, 'offset'), depth + 1)},${renderValue(get(inner, 'len'), depth + 1)}`;
    }
    if (k === 'meta') {
      const key = isObj(inner) ? get(inner, 'key') : inner;
      return ['iif', 'oif', 'iifname', 'oifname'].includes(String(key)) ? String(key) : `meta ${renderValue(key, depth + 1)}`;
    }
    if (k === 'ct' && isObj(inner)) return `ct ${renderValue(get(inner, 'key'), depth + 1)}`;
    if (['accept', 'drop', 'continue', 'return'].includes(k)) return k;
    if ((k === 'jump' || k === 'goto') && isObj(inner)) return `${k} ${renderValue(get(inner, 'target'), depth + 1)}`;
    if (k === 'concat' && Array.isArray(inner)) return inner.map((x) => renderValue(x, depth + 1)).join(' . ');
    if (k === '|' && Array.isArray(inner)) return inner.map((x) => renderValue(x, depth + 1)).join(' | ');
    if (k === '&' && Array.isArray(inner)) return inner.map((x) => renderValue(x, depth + 1)).join(' & ');
  }
  try {
    return excerpt(JSON.stringify(v) ?? String(v), 120);
  } catch {
    return '?';
  }
}

// ---------------------------------------------------------------------------------------------
// what a match's left side reads

type Field =
  | { readonly kind: 'addr'; readonly dir: 'src' | 'dst'; readonly family: Family }
  | { readonly kind: 'proto'; readonly family?: Family }
  | { readonly kind: 'port'; readonly dir: 'src' | 'dst'; readonly header: 'tcp' | 'udp' | 'th' }
  | { readonly kind: 'ct' }
  | { readonly kind: 'iface'; readonly dir: 'in' | 'out'; readonly byName: boolean }
  | { readonly kind: 'family'; readonly ethertype: boolean }
  | { readonly kind: 'unknown'; readonly why: string; readonly deps: readonly Test[] };

const protoDep = (n: number): Test => ({ kind: 'proto', ranges: [{ lo: n, hi: n }] });
const famDep = (f: Family): Test => ({ kind: 'family', family: f });

/** Protocol headers whose presence nft checks before reading them (its implicit dependency). */
const HEADER_DEPS: Readonly<Record<string, readonly Test[]>> = {
  ip: [famDep(4)],
  ip6: [famDep(6)],
  tcp: [protoDep(6)],
  udp: [protoDep(17)],
  udplite: [protoDep(136)],
  icmp: [protoDep(1)],
  icmpv6: [protoDep(58)],
  sctp: [protoDep(132)],
  dccp: [protoDep(33)],
  esp: [protoDep(50)],
  ah: [protoDep(51)],
  comp: [protoDep(108)],
  gre: [protoDep(47)],
  th: [],
};

function fieldOf(left: unknown): Field {
  const s = single(left);
  if (!s) return { kind: 'unknown', why: `expression ${renderValue(left)} is not evaluated`, deps: [] };
  const [k, inner] = s;
  if (k === 'payload' && isObj(inner)) {
    const protocol = get(inner, 'protocol');
    const field = get(inner, 'field');
    if (typeof protocol !== 'string' || typeof field !== 'string') return { kind: 'unknown', why: `raw payload ${renderValue(left)} is not evaluated`, deps: [] };
    const deps = HEADER_DEPS[protocol];
    if (deps === undefined) return { kind: 'unknown', why: `${protocol} ${field} is not evaluated`, deps: [] };
    if ((protocol === 'ip' || protocol === 'ip6') && (field === 'saddr' || field === 'daddr')) {
      return { kind: 'addr', dir: field === 'saddr' ? 'src' : 'dst', family: protocol === 'ip' ? 4 : 6 };
    }
    if ((protocol === 'ip' && field === 'protocol') || (protocol === 'ip6' && field === 'nexthdr')) return { kind: 'proto', family: protocol === 'ip' ? 4 : 6 };
    if ((protocol === 'tcp' || protocol === 'udp' || protocol === 'th') && (field === 'sport' || field === 'dport')) {
      return { kind: 'port', dir: field === 'sport' ? 'src' : 'dst', header: protocol };
    }
    return { kind: 'unknown', why: `${protocol} ${field} is not evaluated`, deps };
  }
  if (k === 'meta') {
    const key = isObj(inner) ? get(inner, 'key') : inner;
    switch (key) {
      case 'l4proto':
        return { kind: 'proto' };
      case 'nfproto':
        return { kind: 'family', ethertype: false };
      case 'protocol':
        return { kind: 'family', ethertype: true };
      case 'iif':
      case 'iifname':
        return { kind: 'iface', dir: 'in', byName: key === 'iifname' };
      case 'oif':
      case 'oifname':
        return { kind: 'iface', dir: 'out', byName: key === 'oifname' };
      default:
        return { kind: 'unknown', why: `meta ${renderValue(key)} is not evaluated`, deps: [] };
    }
  }
  if ((k === '&' || k === '|' || k === '^') && Array.isArray(inner) && inner.length === 2) {
    // `tcp flags & (syn | ack) == syn`: not evaluated, but still only for TCP packets
    const base = fieldOf(inner[0]);
    return { kind: 'unknown', why: `${renderValue(left)} is not evaluated`, deps: fieldDeps(base) };
  }
  if (k === 'ct' && isObj(inner)) {
    if (get(inner, 'key') === 'state' && get(inner, 'dir') === undefined && get(inner, 'family') === undefined) return { kind: 'ct' };
    return { kind: 'unknown', why: `${renderValue(left)} is not evaluated`, deps: [] };
  }
  return { kind: 'unknown', why: `${renderValue(left)} is not evaluated`, deps: [] };
}

function fieldDeps(f: Field): Test[] {
  switch (f.kind) {
    case 'addr':
      return [famDep(f.family)];
    case 'proto':
      return f.family === undefined ? [] : [famDep(f.family)];
    case 'port':
      return f.header === 'tcp' ? [protoDep(6)] : f.header === 'udp' ? [protoDep(17)] : [];
    case 'unknown':
      return [...f.deps];
    default:
      return [];
  }
}

// ---------------------------------------------------------------------------------------------
// sets

interface SetDef {
  readonly name: string;
  readonly type: unknown;
  readonly elem: readonly unknown[];
  /** verdict map: the data type */
  readonly map?: unknown;
  readonly dynamic: boolean;
}

/** The value kinds a field compares with, and the set type that holds them. */
const SET_TYPE_FOR: Readonly<Record<string, readonly string[]>> = {
  addr4: ['ipv4_addr'],
  addr6: ['ipv6_addr'],
  port: ['inet_service'],
  proto: ['inet_proto'],
  ct: ['ct_state'],
  iface: ['ifname', 'iface_index'],
  family: ['nf_proto', 'ether_type'],
};

function valueKind(f: Field): string {
  switch (f.kind) {
    case 'addr':
      return f.family === 4 ? 'addr4' : 'addr6';
    default:
      return f.kind;
  }
}

class Unsupported extends Error {}

/** The elements of a right-hand side, for a field: a flat list of JSON elements. */
function elementsOf(right: unknown, f: Field, sets: ReadonlyMap<string, SetDef>, notes: string[]): unknown[] {
  if (typeof right === 'string' && right.startsWith('@')) {
    const set = sets.get(right.slice(1));
    if (!set) throw new PathErrorless(`set ${right} is not defined in this table`);
    if (set.map !== undefined) throw new Unsupported(`${right} is a map, used as a set`);
    const wanted = SET_TYPE_FOR[valueKind(f)] ?? [];
    if (typeof set.type !== 'string' || !wanted.includes(set.type)) throw new Unsupported(`set ${right} of type ${renderValue(set.type)} is not evaluated here`);
    if (set.dynamic) notes.push(`set ${right} is dynamic or has timeouts: it is evaluated with the elements it had when listed`);
    return [...set.elem];
  }
  const s = single(right);
  if (s && s[0] === 'set') {
    if (!Array.isArray(s[1])) return [s[1]];
    return s[1];
  }
  if (Array.isArray(right)) return right;
  return [right];
}

/** Raised for a reference that nft itself would refuse; becomes a parse error at the rule's path. */
class PathErrorless extends Error {}

function unwrapElem(e: unknown): unknown {
  const s = single(e);
  if (s && s[0] === 'elem' && isObj(s[1])) return get(s[1], 'val');
  return e;
}

function addrRanges(elements: readonly unknown[], family: Family): AddrRange[] {
  const out: AddrRange[] = [];
  for (const raw of elements) {
    const e = unwrapElem(raw);
    if (typeof e === 'string') {
      const r = addressRange(e, family);
      if (!r.ok) throw new Unsupported(r.reason);
      out.push(r.range);
      continue;
    }
    const s = single(e);
    if (s && s[0] === 'prefix' && isObj(s[1])) {
      const addr = get(s[1], 'addr');
      const len = get(s[1], 'len');
      if (typeof addr !== 'string' || typeof len !== 'number' || !Number.isInteger(len)) throw new Unsupported(`prefix ${renderValue(e)} is not an address prefix`);
      const r = addressRange(`${addr}/${len}`, family);
      if (!r.ok) throw new Unsupported(r.reason);
      out.push(r.range);
      continue;
    }
    if (s && s[0] === 'range' && Array.isArray(s[1]) && s[1].length === 2) {
      const lo = typeof s[1][0] === 'string' ? addressValue(s[1][0], family) : undefined;
      const hi = typeof s[1][1] === 'string' ? addressValue(s[1][1], family) : undefined;
      if (lo === undefined || hi === undefined || lo > hi) throw new Unsupported(`range ${renderValue(e)} is not an IPv${family} range`);
      out.push({ lo, hi });
      continue;
    }
    throw new Unsupported(`${renderValue(e)} is not an IPv${family} address, prefix or range`);
  }
  return out;
}

function numberOf(e: unknown, kind: 'port' | 'proto'): number {
  if (typeof e === 'number' && Number.isInteger(e) && e >= 0 && e <= (kind === 'port' ? 65535 : 255)) return e;
  if (typeof e === 'string') {
    if (kind === 'proto') {
      const n = protocolNumber(e);
      if (n !== undefined) return n;
    } else if (/^\d{1,5}$/.test(e) && Number(e) <= 65535) {
      return Number(e);
    }
  }
  throw new Unsupported(`${renderValue(e)} is not a ${kind === 'port' ? 'port number' : 'protocol'}`);
}

function numRanges(elements: readonly unknown[], kind: 'port' | 'proto'): NumRange[] {
  const out: NumRange[] = [];
  for (const raw of elements) {
    const e = unwrapElem(raw);
    const s = single(e);
    if (s && s[0] === 'range' && Array.isArray(s[1]) && s[1].length === 2) {
      const lo = numberOf(s[1][0], kind);
      const hi = numberOf(s[1][1], kind);
      if (lo > hi) throw new Unsupported(`range ${renderValue(e)} is reversed`);
      out.push({ lo, hi });
      continue;
    }
    const n = numberOf(e, kind);
    out.push({ lo: n, hi: n });
  }
  return out;
}

function stringsOf(elements: readonly unknown[], what: string): string[] {
  return elements.map((raw) => {
    const e = unwrapElem(raw);
    if (typeof e !== 'string') throw new Unsupported(`${renderValue(e)} is not ${what}`);
    return e;
  });
}

function ifacePatterns(elements: readonly unknown[]): IfacePattern[] {
  return stringsOf(elements, 'an interface name').map((name) => {
    if (name.endsWith('\\*')) return { name: `${name.slice(0, -2)}*`, prefix: false };
    if (name.endsWith('*')) return { name: name.slice(0, -1), prefix: true };
    return { name, prefix: false };
  });
}

function familyOf(e: string): Family | undefined {
  if (e === 'ipv4' || e === 'ip' || e === '2' || e === '2048' || e === '0x0800') return 4;
  if (e === 'ipv6' || e === 'ip6' || e === '10' || e === '34525' || e === '0x86dd') return 6;
  return undefined;
}

/** The names OR-ed in a {"|": [...]} value (nested ones flattened), or undefined. */
function bitOr(v: unknown, depth = 0): string[] | undefined {
  const s = single(v);
  if (!s || s[0] !== '|' || !Array.isArray(s[1]) || depth > MAX_DEPTH) return undefined;
  const out: string[] = [];
  for (const item of s[1]) {
    if (typeof item === 'string') out.push(item);
    else {
      const inner = bitOr(item, depth + 1);
      if (inner === undefined) throw new Unsupported(`${renderValue(item)} is not a connection state`);
      out.push(...inner);
    }
  }
  return out;
}

/** < > <= >= as a range of the field's values. */
function orderedRange(op: string, v: bigint, max: bigint): { lo: bigint; hi: bigint } {
  switch (op) {
    case '<':
      return { lo: 0n, hi: v - 1n };
    case '<=':
      return { lo: 0n, hi: v };
    case '>':
      return { lo: v + 1n, hi: max };
    default:
      return { lo: v, hi: max };
  }
}

/** The test a field makes with the right-hand side's values (op ==, in, != handled by the caller). */
function testFor(f: Field, op: string, right: unknown, sets: ReadonlyMap<string, SetDef>, notes: string[]): Test {
  const ordered = op === '<' || op === '>' || op === '<=' || op === '>=';
  if (f.kind === 'unknown') return { kind: 'unknown', why: f.why };
  if (ordered && f.kind !== 'port' && f.kind !== 'proto' && f.kind !== 'addr') throw new Unsupported(`${op} on this expression is not evaluated`);
  if (ordered && (typeof right === 'object' || (typeof right === 'string' && right.startsWith('@')))) throw new Unsupported(`${op} needs a single value`);
  const elements = elementsOf(right, f, sets, notes);
  switch (f.kind) {
    case 'addr': {
      if (ordered) {
        const v = typeof right === 'string' ? addressValue(right, f.family) : undefined;
        if (v === undefined) throw new Unsupported(`${renderValue(right)} is not an IPv${f.family} address`);
        const r = orderedRange(op, v, maxAddress(f.family));
        return { kind: 'addr', dir: f.dir, family: f.family, ranges: r.lo <= r.hi ? [r] : [] };
      }
      return { kind: 'addr', dir: f.dir, family: f.family, ranges: addrRanges(elements, f.family) };
    }
    case 'proto':
    case 'port': {
      let ranges: NumRange[];
      if (ordered) {
        const v = numberOf(right, f.kind);
        const r = orderedRange(op, BigInt(v), f.kind === 'port' ? 65535n : 255n);
        ranges = r.lo <= r.hi ? [{ lo: Number(r.lo), hi: Number(r.hi) }] : [];
      } else {
        ranges = numRanges(elements, f.kind);
      }
      return f.kind === 'port' ? { kind: 'port', dir: f.dir, header: f.header, ranges } : { kind: 'proto', ranges };
    }
    case 'ct': {
      const combined = bitOr(right);
      if (combined !== undefined) {
        // `ct state != established,related` is printed as {"|": [...]}: the kernel compares the
        // whole state word with the OR of the bits (cmp eq/neq), not a bit test — a packet has
        // one state bit, so it equals the OR only when the OR has one bit
        for (const s of combined) if (!CT_STATE_NAMES.has(s)) throw new Unsupported(`ct state "${excerpt(s, 40)}" is not known`);
        const bits = [...new Set(combined)];
        if (op === 'in') return { kind: 'ct', states: bits };
        return bits.length === 1 ? { kind: 'ct', states: bits } : { kind: 'none' };
      }
      const states = stringsOf(elements, 'a connection state');
      for (const s of states) if (!CT_STATE_NAMES.has(s)) throw new Unsupported(`ct state "${excerpt(s, 40)}" is not known`);
      return { kind: 'ct', states };
    }
    case 'iface':
      return { kind: 'iface', dir: f.dir, byName: f.byName, patterns: ifacePatterns(elements) };
    case 'family': {
      const fams = new Set<Family>();
      for (const e of elements) {
        const fam = familyOf(String(unwrapElem(e)));
        if (fam === undefined) {
          // meta protocol arp, vlan …: never an IP packet of the family asked about
          if (f.ethertype && typeof unwrapElem(e) === 'string') continue;
          throw new Unsupported(`${renderValue(e)} is not ipv4 or ipv6`);
        }
        fams.add(fam);
      }
      if (fams.size === 2) return { kind: 'any' };
      const only = [...fams][0];
      return only === undefined ? { kind: 'none' } : { kind: 'family', family: only };
    }
  }
}

function parseMatch(m: unknown, sets: ReadonlyMap<string, SetDef>, notes: string[], path: string): Match {
  if (!isObj(m)) throw new PathError(path, 'a match must be an object with op, left and right');
  const op = get(m, 'op');
  const left = get(m, 'left');
  const right = get(m, 'right');
  if (typeof op !== 'string' || left === undefined || right === undefined) throw new PathError(path, 'a match needs op, left and right');
  const f = fieldOf(left);
  const leftText = renderValue(left);
  const text = `${leftText} ${op === '==' || op === 'in' ? '' : `${op} `}${renderValue(right)}`;
  const deps = fieldDeps(f);
  if (!['==', '!=', 'in', '<', '>', '<=', '>='].includes(op)) {
    return { deps, test: { kind: 'unknown', why: `operator "${excerpt(op, 10)}" is not evaluated` }, neg: false, text };
  }
  try {
    const test = testFor(f, op, right, sets, notes);
    return { deps, test, neg: op === '!=', text };
  } catch (e) {
    if (e instanceof PathErrorless) throw new PathError(path, e.message);
    if (e instanceof Unsupported) return { deps, test: { kind: 'unknown', why: `${text}: ${e.message}` }, neg: false, text };
    throw e;
  }
}

function parseVerdict(k: string, inner: unknown, path: string): Verdict | undefined {
  switch (k) {
    case 'accept':
    case 'drop':
    case 'continue':
    case 'return':
      return { kind: k };
    case 'reject':
      return { kind: 'reject' };
    case 'jump':
    case 'goto': {
      const target = isObj(inner) ? get(inner, 'target') : undefined;
      if (typeof target !== 'string' || target.length === 0) throw new PathError(path, `${k} needs a target chain`);
      return { kind: k, chain: target };
    }
    default:
      return undefined;
  }
}

interface ParsedRule {
  readonly steps: Step[];
  readonly text: string;
}

/** Whether the steps so far limit the rule to one address family (an ip/ip6 match, meta nfproto). */
function fixesFamily(steps: readonly Step[]): boolean {
  return steps.some((st) => st.kind === 'match' && [st.match.test, ...st.match.deps].some((t) => t.kind === 'family' || t.kind === 'addr'));
}

/**
 * A reject in an inet table. nft compiles `meta nfproto ipv4 … reject` into an IPv4 reject and
 * then lists the rule without the `meta nfproto ipv4` (it prints it as the reject's dependency):
 * the listing's reject type gives it back — icmp: IPv4 only, icmpv6: IPv6 only. With `tcp reset`
 * the listing is the same whether a `meta nfproto` was there or not, so such a rule is unknown
 * unless its other matches limit it to one family.
 */
function rejectSteps(inner: unknown, tableFamily: string): Step[] {
  if (tableFamily !== 'inet') return [];
  const type = isObj(inner) ? get(inner, 'type') : undefined;
  if (type === 'icmp' || type === 'icmpv6') {
    const family: Family = type === 'icmp' ? 4 : 6;
    return [{ kind: 'match', match: { deps: [], test: { kind: 'family', family }, neg: false, text: `meta nfproto ${family === 4 ? 'ipv4' : 'ipv6'} (implied by reject with ${type})` } }];
  }
  if (type === 'tcp reset') {
    const why = 'nft lists `meta nfproto ipv4|ipv6 … reject with tcp reset` without its meta nfproto: whether this rule is limited to one address family is not visible';
    return [{ kind: 'match', match: { deps: [], test: { kind: 'unknown', why }, neg: false, text: 'meta nfproto (hidden?)' } }];
  }
  return [];
}

function rejectText(inner: unknown): string {
  if (!isObj(inner)) return 'reject';
  const type = get(inner, 'type');
  const expr = get(inner, 'expr');
  return typeof type === 'string' ? `reject with ${type}${typeof expr === 'string' ? ` ${expr}` : ''}` : 'reject';
}

function parseRuleExprs(exprs: unknown, sets: ReadonlyMap<string, SetDef>, notes: string[], path: string, tableFamily: string): ParsedRule {
  if (!Array.isArray(exprs)) throw new PathError(path, '"expr" must be a list');
  const steps: Step[] = [];
  const texts: string[] = [];
  exprs.forEach((e, i) => {
    const p = `${path}[${i}]`;
    const s = single(e);
    if (!s) throw new PathError(p, 'a statement is an object with one key');
    const [k, inner] = s;
    if (k === 'match') {
      const match = parseMatch(inner, sets, notes, `${p}.match`);
      steps.push({ kind: 'match', match });
      texts.push(match.text);
      return;
    }
    const verdict = parseVerdict(k, inner, p);
    if (verdict) {
      if (k === 'reject') {
        const implied = rejectSteps(inner, tableFamily);
        if (!(implied[0]?.kind === 'match' && implied[0].match.test.kind === 'unknown' && fixesFamily(steps))) steps.push(...implied);
      }
      steps.push({ kind: 'verdict', verdict });
      texts.push(k === 'reject' ? rejectText(inner) : renderValue(e));
      return;
    }
    switch (k) {
      case 'counter':
        texts.push('counter');
        return;
      case 'log':
        texts.push(isObj(inner) && typeof get(inner, 'prefix') === 'string' ? `log prefix "${excerpt(String(get(inner, 'prefix')), 60)}"` : 'log');
        return;
      case 'limit': {
        const inv = isObj(inner) && get(inner, 'inv') === true;
        const rate = isObj(inner) ? `${renderValue(get(inner, 'rate'))}/${renderValue(get(inner, 'per'))}` : '?';
        const t = `limit rate ${inv ? 'over ' : ''}${rate}`;
        texts.push(t);
        steps.push({
          kind: 'assume',
          matches: !inv,
          note: inv ? `${t} is taken as not matching (traffic is assumed below the rate)` : `${t} is taken as matching (the rate is not modelled)`,
        });
        return;
      }
      case 'xt': {
        const type = isObj(inner) ? get(inner, 'type') : undefined;
        const name = isObj(inner) ? String(get(inner, 'name')) : '?';
        texts.push(`xt ${String(type)} ${name}`);
        if (type === 'match' && name === 'comment') return;
        if (type === 'target' && name === 'LOG') return;
        if (type === 'match') {
          steps.push({ kind: 'match', match: { deps: [], test: { kind: 'unknown', why: `xt match ${name} (an iptables-nft match nft cannot show) is not evaluated` }, neg: false, text: `xt match ${name}`, opaque: true } });
        } else {
          steps.push({ kind: 'unknown', why: `xt ${String(type)} ${name} (an iptables-nft extension nft cannot show) is not evaluated` });
        }
        return;
      }
      case 'vmap': {
        if (!isObj(inner)) throw new PathError(p, 'vmap needs key and data');
        const key = get(inner, 'key');
        const data = get(inner, 'data');
        texts.push(`${renderValue(key)} vmap ${renderValue(data)}`);
        steps.push(parseVmap(key, data, sets, notes, p));
        return;
      }
      default:
        texts.push(renderValue(e));
        steps.push({ kind: 'unknown', why: `statement "${excerpt(k, 30)}" is not evaluated` });
    }
  });
  return { steps, text: texts.join(' ') };
}

function parseVmap(key: unknown, data: unknown, sets: ReadonlyMap<string, SetDef>, notes: string[], path: string): Step {
  const f = fieldOf(key);
  const deps = fieldDeps(f);
  let pairs: unknown[];
  if (typeof data === 'string' && data.startsWith('@')) {
    const map = sets.get(data.slice(1));
    if (!map) throw new PathError(path, `map ${data} is not defined in this table`);
    if (map.map !== 'verdict') return { kind: 'unknown', why: `map ${data} is not a verdict map` };
    pairs = [...map.elem];
  } else {
    const s = single(data);
    if (!s || s[0] !== 'set' || !Array.isArray(s[1])) return { kind: 'unknown', why: `vmap data ${renderValue(data)} is not evaluated` };
    pairs = s[1];
  }
  const entries: { match: Match; verdict: Verdict }[] = [];
  for (const pair of pairs) {
    if (!Array.isArray(pair) || pair.length !== 2) return { kind: 'unknown', why: `vmap element ${renderValue(pair)} is not evaluated` };
    const vs = single(pair[1]);
    const verdict = vs ? parseVerdict(vs[0], vs[1], path) : undefined;
    if (!verdict) return { kind: 'unknown', why: `vmap verdict ${renderValue(pair[1])} is not evaluated` };
    const text = `${renderValue(key)} ${renderValue(pair[0])} : ${renderValue(pair[1])}`;
    try {
      entries.push({ match: { deps, test: testFor(f, '==', { set: [pair[0]] }, sets, notes), neg: false, text }, verdict });
    } catch (e) {
      if (e instanceof Unsupported) return { kind: 'unknown', why: `vmap key ${renderValue(pair[0])}: ${e.message}` };
      throw e;
    }
  }
  if (f.kind === 'unknown') return { kind: 'unknown', why: f.why };
  return { kind: 'vmap', entries };
}

/**
 * Where JSON text first goes wrong (JSON.parse does not always say): a small scanner that walks
 * the text with an explicit stack, so that deep nesting cannot overflow the call stack.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const n = text.length;
  const ws = (): void => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const scalar = (): boolean => {
    const c = text[i];
    if (c === '"') {
      i++;
      while (i < n && text[i] !== '"') {
        const ch = text.charCodeAt(i);
        if (ch < 0x20) return false;
        if (text[i] === '\\') {
          i++;
          if (i < n && text[i] === 'u') {
            if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) return false;
            i += 4;
          } else if (i >= n || !'"\\/bfnrt'.includes(text[i] as string)) return false;
        }
        i++;
      }
      if (i >= n) return false;
      i++;
      return true;
    }
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
    if (!m) return false;
    i += m[0].length;
    return true;
  };
  const stack: ('{' | '[')[] = [];
  // expecting: a value, then (inside a container) a comma or the closing bracket
  for (;;) {
    ws();
    if (text[i] === '{' || text[i] === '[') {
      const open = text[i] as '{' | '[';
      i++;
      ws();
      if ((open === '{' && text[i] === '}') || (open === '[' && text[i] === ']')) {
        i++;
      } else {
        stack.push(open);
        if (open === '{') {
          if (!scalar() || text[i - 1] !== '"') return i;
          ws();
          if (text[i] !== ':') return i;
          i++;
        }
        continue;
      }
    } else if (!scalar()) {
      return i;
    }
    // after a value
    for (;;) {
      ws();
      const top = stack[stack.length - 1];
      if (top === undefined) return i < n ? i : -1;
      if (text[i] === ',') {
        i++;
        if (top === '{') {
          ws();
          const start = i;
          if (!scalar() || text[start] !== '"') return start;
          ws();
          if (text[i] !== ':') return i;
          i++;
        }
        break;
      }
      if ((top === '{' && text[i] === '}') || (top === '[' && text[i] === ']')) {
        stack.pop();
        i++;
        continue;
      }
      return i;
    }
  }
}

function jsonErrorLine(text: string, message: string): { line: number; text: string } {
  const m = /position (\d+)/.exec(message);
  const found = jsonErrorOffset(text);
  const pos = m ? Number(m[1]) : found >= 0 ? found : 0;
  const line = text.slice(0, pos).split('\n').length;
  return { line, text: excerpt(text.split('\n')[line - 1] ?? '') };
}

interface BaseDraft {
  readonly type: string;
  readonly hook: string;
  readonly priority: number;
  readonly policy: 'accept' | 'drop';
}

interface TableDraft {
  readonly family: string;
  readonly name: string;
  readonly sets: Map<string, SetDef>;
  readonly chains: Map<string, { name: string; path: string; base?: BaseDraft; rules: Rule[] }>;
}

/** Parse `nft -j list ruleset` output. Errors name the JSON path and text; hostile input never throws. */
export function parseNftJson(text: string): AuditParse<NftRuleset> {
  const errors: AuditError[] = [];
  const notes: string[] = [];
  try {
    return parseNftJsonInner(String(text), errors, notes);
  } catch (e) {
    if (e instanceof PathError) errors.push({ path: e.path, text: '', message: e.message });
    else errors.push({ text: '', message: `cannot be read: ${e instanceof Error ? e.message : String(e)}` });
    return { ok: false, errors };
  }
}

function parseNftJsonInner(text: string, errors: AuditError[], notes: string[]): AuditParse<NftRuleset> {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const where = jsonErrorLine(text, message);
    return { ok: false, errors: [{ line: where.line, text: where.text, message: `not JSON: ${excerpt(message, 160)}` }] };
  }
  if (!isObj(root) || !Array.isArray(get(root, 'nftables'))) {
    return { ok: false, errors: [{ path: '$', text: excerpt(text.slice(0, 200)), message: 'not nft JSON output: expected {"nftables": [...]}' }] };
  }
  const items = get(root, 'nftables') as unknown[];
  const tables = new Map<string, TableDraft>();
  const order: string[] = [];
  const fail = (path: string, item: unknown, message: string): void => {
    if (errors.length < 100) errors.push({ path, text: renderValue(item), message });
  };
  const tableOf = (o: Obj, path: string): TableDraft => {
    const family = str(o, 'family', path);
    const name = str(o, 'table', path);
    const t = tables.get(`${family} ${name}`);
    if (!t) throw new PathError(path, `table ${family} ${name} is not listed before it is used`);
    return t;
  };

  // pass 1: tables, sets and maps, chains; pass 2: rules (which refer to them)
  for (const pass of [1, 2]) {
    items.forEach((item, i) => {
      const path = `nftables[${i}]`;
      try {
        const s = single(item);
        if (!s) throw new PathError(path, 'each entry is an object with one key');
        const [kind, body] = s;
        if (kind === 'metainfo') return;
        if (!isObj(body)) throw new PathError(`${path}.${kind}`, `${kind} must be an object`);
        const p = `${path}.${kind}`;
        if (pass === 1 && kind === 'table') {
          const family = str(body, 'family', p);
          const name = str(body, 'name', p);
          const key = `${family} ${name}`;
          if (tables.has(key)) throw new PathError(p, `table ${key} is listed twice`);
          tables.set(key, { family, name, sets: new Map(), chains: new Map() });
          order.push(key);
        } else if (pass === 1 && (kind === 'set' || kind === 'map')) {
          const t = tableOf(body, p);
          const name = str(body, 'name', p);
          const elem = get(body, 'elem');
          const flags = get(body, 'flags');
          const flagList = Array.isArray(flags) ? flags : typeof flags === 'string' ? [flags] : [];
          t.sets.set(name, {
            name,
            type: get(body, 'type'),
            elem: Array.isArray(elem) ? elem : [],
            ...(kind === 'map' ? { map: get(body, 'map') } : {}),
            dynamic: flagList.includes('dynamic') || flagList.includes('timeout') || get(body, 'timeout') !== undefined,
          });
        } else if (pass === 1 && kind === 'chain') {
          const t = tableOf(body, p);
          const name = str(body, 'name', p);
          if (t.chains.has(name)) throw new PathError(p, `chain ${name} is listed twice in table ${t.family} ${t.name}`);
          const hook = get(body, 'hook');
          let base: BaseDraft | undefined;
          if (hook !== undefined) {
            if (typeof hook !== 'string') throw new PathError(`${p}.hook`, 'hook must be a string');
            const type = get(body, 'type') ?? 'filter';
            if (typeof type !== 'string') throw new PathError(`${p}.type`, 'type must be a string');
            const prio = get(body, 'prio');
            let priority: number | undefined;
            if (typeof prio === 'number' && Number.isInteger(prio)) priority = prio;
            else if (typeof prio === 'string') priority = PRIORITY_NAMES[prio];
            if (priority === undefined) throw new PathError(`${p}.prio`, `priority ${renderValue(prio)} is not a number`);
            const policy = get(body, 'policy') ?? 'accept';
            if (policy !== 'accept' && policy !== 'drop') throw new PathError(`${p}.policy`, `policy ${renderValue(policy)} is not accept or drop`);
            base = { type, hook, priority, policy };
          }
          t.chains.set(name, { name, path: p, ...(base ? { base } : {}), rules: [] });
        } else if (pass === 2 && kind === 'rule') {
          const t = tableOf(body, p);
          const chainName = str(body, 'chain', p);
          const chain = t.chains.get(chainName);
          if (!chain) throw new PathError(p, `chain ${chainName} is not listed in table ${t.family} ${t.name}`);
          const handle = get(body, 'handle');
          const parsed = parseRuleExprs(get(body, 'expr'), t.sets, notes, `${p}.expr`, t.family);
          const comment = get(body, 'comment');
          for (const step of parsed.steps) {
            const targets = step.kind === 'verdict' ? [step.verdict] : step.kind === 'vmap' ? step.entries.map((e) => e.verdict) : [];
            for (const v of targets) {
              if ((v.kind === 'jump' || v.kind === 'goto') && !t.chains.has(v.chain)) throw new PathError(`${p}.expr`, `${v.kind} ${v.chain}: no such chain in table ${t.family} ${t.name}`);
              if ((v.kind === 'jump' || v.kind === 'goto') && t.chains.get(v.chain)?.base) throw new PathError(`${p}.expr`, `${v.kind} ${v.chain}: cannot jump to a base chain`);
            }
          }
          chain.rules.push({
            where: `nft table ${t.family} ${t.name} chain ${chainName} handle ${typeof handle === 'number' ? handle : '?'}`,
            text: `${parsed.text}${typeof comment === 'string' ? ` comment "${excerpt(comment, 80)}"` : ''}`,
            steps: parsed.steps,
          });
        } else if (pass === 1 && kind !== 'rule' && kind !== 'table' && kind !== 'set' && kind !== 'map' && kind !== 'chain') {
          notes.push(`nft ${excerpt(kind, 30)} objects are not evaluated (${path})`);
        }
      } catch (e) {
        if (e instanceof PathError) fail(e.path, item, e.message);
        else throw e;
      }
    });
  }
  if (errors.length > 0) return { ok: false, errors };

  const hazards: Hazard[] = [];
  const out: NftTable[] = [];
  for (const key of order) {
    const t = tables.get(key) as TableDraft;
    const chains = new Map<string, Chain>();
    for (const c of t.chains.values()) {
      chains.set(c.name, {
        name: c.name,
        ...(c.base ? { policy: c.base.policy } : {}),
        where: `nft table ${t.family} ${t.name} chain ${c.name}${c.base ? ` (type ${c.base.type} hook ${c.base.hook} priority ${c.base.priority}; policy ${c.base.policy})` : ''}`,
        rules: c.rules,
      });
    }
    const evaluated = t.family === 'ip' || t.family === 'ip6' || t.family === 'inet';
    const fam: Family | 'both' = t.family === 'ip' ? 4 : t.family === 'ip6' ? 6 : 'both';
    const bases: NftBaseChain[] = [];
    for (const c of t.chains.values()) {
      if (!c.base) continue;
      const chain = chains.get(c.name) as Chain;
      const label = `nft table ${t.family} ${t.name} chain ${c.name} (type ${c.base.type} hook ${c.base.hook})`;
      if (evaluated && c.base.type === 'filter' && HOOKS.includes(c.base.hook)) {
        bases.push({ chain: c.name, hook: c.base.hook as NftHook, priority: c.base.priority });
        continue;
      }
      if (t.family === 'bridge' || t.family === 'arp') {
        notes.push(`${label} is not evaluated (it does not filter routed IP packets)`);
        continue;
      }
      if (canDrop(chain, chains)) hazards.push({ family: fam, why: `${label} can drop or change packets and is not evaluated` });
      else notes.push(`${label} is not evaluated (it neither drops nor changes packets)`);
    }
    if (evaluated) out.push({ family: t.family as NftTable['family'], name: t.name, chains, bases });
  }
  return { ok: true, value: { tables: out, tableNames: order, hazards }, notes };
}

/** Whether a chain, or one it jumps to, can end or change a packet: a drop/reject verdict, a drop policy, or any statement not evaluated (dnat …). */
function canDrop(start: Chain, chains: ReadonlyMap<string, Chain>): boolean {
  const seen = new Set<string>();
  const todo: Chain[] = [start];
  if (start.policy === 'drop') return true;
  while (todo.length > 0) {
    const c = todo.pop() as Chain;
    if (seen.has(c.name)) continue;
    seen.add(c.name);
    for (const r of c.rules) {
      for (const s of r.steps) {
        if (s.kind === 'unknown') return true;
        const verdicts = s.kind === 'verdict' ? [s.verdict] : s.kind === 'vmap' ? s.entries.map((e) => e.verdict) : [];
        for (const v of verdicts) {
          if (v.kind === 'drop' || v.kind === 'reject') return true;
          if (v.kind === 'jump' || v.kind === 'goto') {
            const next = chains.get(v.chain);
            if (next) todo.push(next);
          }
        }
      }
    }
  }
  return false;
}
