/**
 * What the loaded rulesets do with one packet, with netfilter's semantics:
 *
 * - the packet passes the hooks of its path (input: prerouting, input; forward: prerouting,
 *   forward, postrouting; output: output, postrouting) and, on each hook, every base chain in
 *   priority order — the iptables filter table at priority 0, nft's filter base chains at theirs;
 * - an accept ends one base chain only: the next base chain still sees the packet; a drop or
 *   reject anywhere is final; so a packet is accepted only when every ruleset accepts it;
 * - within a chain: rules in order, jump pushes a return point, goto does not, return (or the end
 *   of a chain) goes back, and the end of the base chain is its policy.
 *
 * Anything not modelled that the packet reaches makes the verdict unknown, with the line that
 * caused it; it is never guessed.
 */
import { ipsetContains, type IpsetCollection } from './ipset.ts';
import type { IptablesRuleset } from './iptables.ts';
import type { NftHook, NftRuleset, NftTable } from './nft.ts';
import type { Chain, Evaluation, Family, Hazard, Match, Packet, Rule, Test, Verdict } from './types.ts';
import { addressValue, ifaceMatches, inNumRanges, packetProtocol } from './values.ts';
import type { AddrRange } from './types.ts';

/** What a machine has loaded, as read back with the real tools (any part may be left out). */
export interface Loaded {
  /** iptables-save, parsed with family 4 */
  readonly iptables?: IptablesRuleset;
  /** ip6tables-save, parsed with family 6 */
  readonly ip6tables?: IptablesRuleset;
  /** ipset save: the sets -m set refers to */
  readonly ipsets?: IpsetCollection;
  /** nft -j list ruleset */
  readonly nft?: NftRuleset;
}

/** Jumps deeper than this, or this many rules in one evaluation, mean a loop: unknown. */
const MAX_STACK = 64;
const MAX_RULES = 200_000;

/** Tables iptables-nft keeps in nft: the same rules iptables-save shows. */
const IPTABLES_NFT_TABLES = new Set(['filter', 'nat', 'mangle', 'raw', 'security']);

const PATHS: Record<Packet['hook'], readonly NftHook[]> = {
  input: ['prerouting', 'input'],
  forward: ['prerouting', 'forward', 'postrouting'],
  output: ['output', 'postrouting'],
};

interface Unknown {
  readonly unknown: string;
}
type Tri = boolean | Unknown;

function isUnknown(t: Tri): t is Unknown {
  return typeof t === 'object';
}

interface Ctx {
  readonly family: Family;
  readonly src: bigint;
  readonly dst: bigint;
  readonly proto: number;
  readonly sport?: number;
  readonly dport?: number;
  /** the conntrack state this chain sees, or why it is not known */
  readonly state: string | Unknown;
  /** interface name; null: the packet has none at this hook (the empty name, index 0); undefined: not given */
  readonly iif: string | null | undefined;
  readonly oif: string | null | undefined;
  /** an interface not given is not loopback */
  readonly notLoopback: boolean;
  readonly ipsets?: IpsetCollection;
  readonly notes: Set<string>;
}

/** Address ranges sorted and merged once (sets of thousands of elements), then searched by halves. */
const sortedRanges = new WeakMap<readonly AddrRange[], AddrRange[]>();

function inAddrRanges(value: bigint, ranges: readonly AddrRange[]): boolean {
  if (ranges.length < 8) return ranges.some((r) => r.lo <= value && value <= r.hi);
  let sorted = sortedRanges.get(ranges);
  if (!sorted) {
    const list = [...ranges].sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
    sorted = [];
    for (const r of list) {
      const last = sorted[sorted.length - 1];
      if (last && r.lo <= last.hi + 1n) sorted[sorted.length - 1] = { lo: last.lo, hi: r.hi > last.hi ? r.hi : last.hi };
      else sorted.push(r);
    }
    sortedRanges.set(ranges, sorted);
  }
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = sorted[mid] as AddrRange;
    if (value < r.lo) hi = mid - 1;
    else if (value > r.hi) lo = mid + 1;
    else return true;
  }
  return false;
}

function runTest(t: Test, c: Ctx): Tri {
  switch (t.kind) {
    case 'any':
      return true;
    case 'none':
      return false;
    case 'family':
      return c.family === t.family;
    case 'addr':
      return t.family === c.family && inAddrRanges(t.dir === 'src' ? c.src : c.dst, t.ranges);
    case 'proto':
      return inNumRanges(c.proto, t.ranges);
    case 'port': {
      const transport = c.proto === 6 || c.proto === 17;
      if (t.header === 'tcp' && c.proto !== 6) return false;
      if (t.header === 'udp' && c.proto !== 17) return false;
      if (t.header === 'ports' && !transport) return false;
      if (t.header === 'th' && !transport) return { unknown: 'th sport/dport of a packet that is neither TCP nor UDP reads other header fields' };
      const one = (dir: 'src' | 'dst'): Tri => {
        const v = dir === 'src' ? c.sport : c.dport;
        if (v === undefined) return { unknown: `the packet has no ${dir === 'src' ? 'source' : 'destination'} port: give ${dir === 'src' ? 'sport' : 'dport'}` };
        return inNumRanges(v, t.ranges);
      };
      if (t.dir !== 'either') return one(t.dir);
      const s = one('src');
      const d = one('dst');
      if (s === true || d === true) return true;
      if (isUnknown(s)) return s;
      if (isUnknown(d)) return d;
      return false;
    }
    case 'ct':
      if (typeof c.state !== 'string') return c.state;
      return t.states.includes(c.state);
    case 'iface': {
      const name = t.dir === 'in' ? c.iif : c.oif;
      if (name === undefined) {
        // a packet between two addresses of a plan does not use loopback: `-i lo` / `iif lo` is false for it
        if (c.notLoopback && t.patterns.every((p) => !p.prefix && p.name === 'lo')) return false;
        return { unknown: `the rule tests the ${t.dir === 'in' ? 'input' : 'output'} interface and the packet has none given: give ${t.dir === 'in' ? 'iif' : 'oif'}` };
      }
      if (name === null && !t.byName) {
        c.notes.add(`${t.dir === 'in' ? 'iif' : 'oif'} where the packet has no ${t.dir === 'in' ? 'input' : 'output'} interface is taken as index 0, as Linux 5.x and later do (older kernels skip the rule)`);
      }
      // no interface at this hook: the empty name (iifname/oifname), index 0 (iif/oif) — neither is any real interface
      return t.patterns.some((p) => ifaceMatches(name ?? '', p));
    }
    case 'ipset': {
      const set = c.ipsets?.sets.get(t.name);
      if (set === undefined) return { unknown: `ipset ${t.name} is referenced but not given (pass the ipset save output)` };
      if (set.unsupported !== undefined) return { unknown: `ipset ${t.name}: ${set.unsupported}` };
      if (set.family !== c.family) return { unknown: `ipset ${t.name} is an IPv${set.family} set, used for an IPv${c.family} packet` };
      return ipsetContains(set, t.dir === 'src' ? c.src : c.dst);
    }
    case 'unknown':
      return { unknown: t.why };
  }
}

function runMatch(m: Match, c: Ctx): Tri {
  let depUnknown: Unknown | undefined;
  for (const d of m.deps) {
    const r = runTest(d, c);
    if (r === false) return false;
    if (isUnknown(r)) depUnknown ??= r;
  }
  const r = runTest(m.test, c);
  const value: Tri = isUnknown(r) ? r : m.neg ? !r : r;
  if (value === false) return false;
  return depUnknown ?? value;
}

type RuleResult = { readonly kind: 'next' } | { readonly kind: 'unknown'; readonly why: string } | { readonly kind: 'verdict'; readonly verdict: Verdict };

function runRule(rule: Rule, c: Ctx): RuleResult {
  let uncertain: string | undefined;
  const assumed: string[] = [];
  for (const step of rule.steps) {
    switch (step.kind) {
      case 'match': {
        const r = runMatch(step.match, c);
        if (r === false) return { kind: 'next' };
        if (isUnknown(r)) uncertain ??= `${step.match.text}: ${r.unknown}`;
        break;
      }
      case 'assume':
        assumed.push(step.note);
        if (!step.matches) {
          for (const a of assumed) c.notes.add(`${rule.where}: ${a}`);
          return { kind: 'next' };
        }
        break;
      case 'unknown':
        return { kind: 'unknown', why: uncertain ?? step.why };
      case 'verdict':
        if (uncertain !== undefined) return { kind: 'unknown', why: uncertain };
        for (const a of assumed) c.notes.add(`${rule.where}: ${a}`);
        if (step.verdict.kind === 'continue') break;
        return { kind: 'verdict', verdict: step.verdict };
      case 'vmap': {
        if (uncertain !== undefined) return { kind: 'unknown', why: uncertain };
        let found: Verdict | undefined;
        for (const e of step.entries) {
          const r = runMatch(e.match, c);
          if (isUnknown(r)) return { kind: 'unknown', why: `${e.match.text}: ${r.unknown}` };
          if (r === true) {
            found = e.verdict;
            break;
          }
        }
        // no element for the key: the rule ends here; `continue` goes on with the rule's next statement
        if (found === undefined) return { kind: 'next' };
        for (const a of assumed) c.notes.add(`${rule.where}: ${a}`);
        if (found.kind !== 'continue') return { kind: 'verdict', verdict: found };
        break;
      }
    }
  }
  return { kind: 'next' };
}

interface Outcome {
  readonly kind: 'accept' | 'drop' | 'reject' | 'unknown';
  /** the deciding line (or the reason it is unknown) */
  readonly reason: string;
  readonly trace: string[];
}

function line(rule: Rule): string {
  return `${rule.where}: ${rule.text}`;
}

/** Run one base chain to its end: accept, drop, reject or unknown. */
function runBase(chains: ReadonlyMap<string, Chain>, base: Chain, c: Ctx): Outcome {
  const frames: { chain: Chain; index: number; via: string[] }[] = [{ chain: base, index: 0, via: [] }];
  const policy = (): Outcome => {
    const p = base.policy ?? 'accept';
    const where = `${base.where}: policy ${p}`;
    return { kind: p, reason: where, trace: [...frames.flatMap((f) => f.via), where] };
  };
  let count = 0;
  for (;;) {
    const frame = frames[frames.length - 1] as (typeof frames)[number];
    if (frame.index >= frame.chain.rules.length) {
      if (frames.length === 1) return policy();
      frames.pop();
      continue;
    }
    const rule = frame.chain.rules[frame.index] as Rule;
    frame.index++;
    if (++count > MAX_RULES) return { kind: 'unknown', reason: `more than ${MAX_RULES} rules evaluated for one packet (a loop?) at ${rule.where}`, trace: [line(rule)] };
    const r = runRule(rule, c);
    if (r.kind === 'next') continue;
    const trace = (): string[] => [...frames.flatMap((f) => f.via), line(rule)];
    if (r.kind === 'unknown') return { kind: 'unknown', reason: `${rule.where}: ${rule.text} — ${r.why}`, trace: trace() };
    const v = r.verdict;
    switch (v.kind) {
      case 'accept':
      case 'drop':
      case 'reject':
        return { kind: v.kind, reason: line(rule), trace: trace() };
      case 'continue':
        continue;
      case 'return':
        if (frames.length === 1) return policy();
        frames.pop();
        continue;
      case 'jump':
      case 'goto': {
        const target = chains.get(v.chain);
        if (target === undefined) return { kind: 'unknown', reason: `${rule.where}: ${v.kind} to chain ${v.chain}, which is not there`, trace: trace() };
        if (v.kind === 'jump') {
          if (frames.length >= MAX_STACK) return { kind: 'unknown', reason: `${rule.where}: jumps nested deeper than ${MAX_STACK}`, trace: trace() };
          frames.push({ chain: target, index: 0, via: [line(rule)] });
        } else {
          frame.chain = target;
          frame.index = 0;
          frame.via.push(line(rule));
        }
        continue;
      }
    }
  }
}

/**
 * iptables-nft keeps its rules in nft too, and iptables-save is not always faithful to them: a
 * rule with two `-m tcp --dport` matches is enforced with both, but saved with the last one only.
 * nft's view shows every native match exactly (and names the extensions it cannot show). When both
 * views are given and hold the same chains with the same number of rules, each rule is evaluated
 * with the matches of both views: a rule matches only if both say so.
 */
const paired = new WeakMap<IptablesRuleset, WeakMap<NftTable, ReadonlyMap<string, Chain> | string>>();

function pairWithNft(ipt: IptablesRuleset, table: NftTable): ReadonlyMap<string, Chain> | string {
  let byTable = paired.get(ipt);
  if (!byTable) {
    byTable = new WeakMap();
    paired.set(ipt, byTable);
  }
  const known = byTable.get(table);
  if (known !== undefined) return known;
  const result = buildPairs(ipt, table);
  byTable.set(table, result);
  return result;
}

function modelled(m: Match): boolean {
  return m.opaque !== true && m.test.kind !== 'unknown' && m.deps.every((d) => d.kind !== 'unknown');
}

function buildPairs(ipt: IptablesRuleset, table: NftTable): ReadonlyMap<string, Chain> | string {
  const chains = ipt.filter?.chains;
  if (!chains) return 'iptables-save has no filter table';
  if (table.chains.size !== chains.size) return `they hold ${chains.size} and ${table.chains.size} chains`;
  const out = new Map<string, Chain>();
  for (const [name, chain] of chains) {
    const view = table.chains.get(name);
    if (!view) return `chain ${name} is missing from nft's view`;
    if (view.rules.length !== chain.rules.length) return `chain ${name} has ${chain.rules.length} rules in iptables-save and ${view.rules.length} in nft's view`;
    if ((view.policy ?? undefined) !== (chain.policy ?? undefined)) return `chain ${name} has different policies`;
    out.set(name, {
      ...chain,
      rules: chain.rules.map((rule, i) => {
        // what nft shows but this evaluator cannot model adds nothing: iptables-save covers it
        const native = (view.rules[i] as Rule).steps.filter((st) => st.kind === 'match' && modelled(st.match));
        return native.length === 0 ? rule : { ...rule, steps: [...native, ...rule.steps] };
      }),
    });
  }
  return out;
}

interface Stage {
  readonly hookIndex: number;
  readonly priority: number;
  /** "iptables filter INPUT", "nft table inet fw chain input" */
  readonly label: string;
  readonly run: () => Outcome;
}

function unknownResult(reason: string, notes: Iterable<string> = []): Evaluation {
  return { verdict: 'unknown', reason, trace: [], notes: [...notes] };
}

function validate(p: Packet): string | { src: bigint; dst: bigint } {
  if (p === null || typeof p !== 'object') return 'the packet is not an object';
  if (p.family !== 4 && p.family !== 6) return 'the packet family must be 4 or 6';
  if (!['input', 'output', 'forward'].includes(p.hook)) return 'the packet hook must be input, output or forward';
  if (!['tcp', 'udp', 'icmp'].includes(p.proto)) return 'the packet protocol must be tcp, udp or icmp';
  if (!['new', 'established', 'related', 'invalid'].includes(p.state)) return 'the packet state must be new, established, related or invalid';
  for (const k of ['sport', 'dport'] as const) {
    const v = p[k];
    if (v !== undefined && !(Number.isInteger(v) && v >= 0 && v <= 65535)) return `the packet ${k} must be a port number 0–65535`;
  }
  for (const k of ['iif', 'oif'] as const) {
    const v = p[k];
    if (v !== undefined && (typeof v !== 'string' || v.length === 0 || v.length > 15)) return `the packet ${k} must be an interface name`;
  }
  const src = typeof p.src === 'string' ? addressValue(p.src, p.family) : undefined;
  const dst = typeof p.dst === 'string' ? addressValue(p.dst, p.family) : undefined;
  if (src === undefined) return `the packet source "${String(p.src)}" is not an IPv${p.family} address`;
  if (dst === undefined) return `the packet destination "${String(p.dst)}" is not an IPv${p.family} address`;
  return { src, dst };
}

/** What the loaded rulesets do with a packet: accept, drop (reject counts as drop) or unknown. */
export function evaluate(loaded: Loaded, packet: Packet): Evaluation {
  try {
    return evaluateInner(loaded, packet);
  } catch (e) {
    return unknownResult(`evaluation failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function evaluateInner(loaded: Loaded, packet: Packet): Evaluation {
  const valid = validate(packet);
  if (typeof valid === 'string') return unknownResult(valid);
  const family = packet.family;
  const notes = new Set<string>();
  const ipt = family === 4 ? loaded.iptables : loaded.ip6tables;
  const iptName = family === 4 ? 'iptables' : 'ip6tables';
  if (ipt !== undefined && ipt.family !== family) return unknownResult(`the ${iptName} ruleset given was parsed as IPv${ipt.family}`);
  if (ipt === undefined && loaded.nft === undefined) {
    return unknownResult(`neither ${iptName}-save nor nft output is given: nothing is known about IPv${family}`);
  }
  if (ipt === undefined) notes.add(`no ${iptName}-save output given: rules of iptables-legacy, if any, are not seen (iptables-nft's rules are in the nft ruleset)`);
  if (loaded.nft === undefined) notes.add('no nft ruleset given: native nftables tables, if any, are not seen');

  const path = PATHS[packet.hook];
  const ctxFor = (hook: NftHook, priority: number): Ctx => {
    // conntrack runs at priority -200 on prerouting and output: a chain before it sees no state
    let state: string | Unknown = packet.state;
    if ((hook === 'prerouting' || hook === 'output') && priority <= -200) {
      state = priority < -200 ? 'invalid' : { unknown: 'a chain at priority -200 runs beside conntrack: its ct state is not known' };
    }
    // a forwarded packet keeps its input interface in postrouting; a local one never had one
    const iif = hook === 'output' || (hook === 'postrouting' && packet.hook !== 'forward') ? null : packet.iif;
    const oif = hook === 'input' || hook === 'prerouting' ? null : packet.oif;
    return {
      family,
      src: valid.src,
      dst: valid.dst,
      proto: packetProtocol(packet.proto, family),
      ...(packet.sport !== undefined ? { sport: packet.sport } : {}),
      ...(packet.dport !== undefined ? { dport: packet.dport } : {}),
      state,
      iif,
      oif,
      notLoopback: packet.notLoopback === true,
      ...(loaded.ipsets ? { ipsets: loaded.ipsets } : {}),
      notes,
    };
  };

  const stages: Stage[] = [];
  const hazards: Hazard[] = [];
  if (ipt !== undefined) {
    hazards.push(...ipt.hazards);
    const chainName = packet.hook === 'input' ? 'INPUT' : packet.hook === 'output' ? 'OUTPUT' : 'FORWARD';
    let chains = ipt.filter?.chains;
    const view = loaded.nft?.tables.find((t) => t.family === (family === 4 ? 'ip' : 'ip6') && t.name === 'filter');
    if (chains && view) {
      const pairs = pairWithNft(ipt, view);
      if (typeof pairs === 'string') {
        notes.add(`${iptName}-save and nft's view of iptables-nft's table ${view.family} filter differ (${pairs}): evaluated from ${iptName}-save alone`);
      } else {
        chains = pairs;
        notes.add(`${iptName}: every rule is checked against iptables-save and nft's view of it (iptables-save can leave out a repeated -m tcp/-m udp match)`);
      }
    }
    const base = chains?.get(chainName);
    if (chains && base) {
      stages.push({ hookIndex: path.indexOf(packet.hook), priority: 0, label: `${iptName} filter ${chainName}`, run: () => runBase(chains, base, ctxFor(packet.hook, 0)) });
    } else {
      notes.add(`${iptName}: no filter ${chainName} chain, so ${iptName} does not filter this hook`);
    }
  }
  if (loaded.nft !== undefined) {
    hazards.push(...loaded.nft.hazards.filter((h) => h.family === family || h.family === 'both'));
    for (const table of loaded.nft.tables) {
      if (table.family === 'ip' && family !== 4) continue;
      if (table.family === 'ip6' && family !== 6) continue;
      if (ipt !== undefined && table.family !== 'inet' && IPTABLES_NFT_TABLES.has(table.name)) {
        if (table.bases.length > 0) notes.add(`nft table ${table.family} ${table.name} is how iptables-nft shows ${iptName}'s ${table.name} table: it is evaluated from ${iptName}-save instead`);
        continue;
      }
      for (const b of table.bases) {
        const hookIndex = path.indexOf(b.hook);
        if (hookIndex === -1) continue;
        const base = table.chains.get(b.chain);
        if (!base) continue;
        stages.push({
          hookIndex,
          priority: b.priority,
          label: `nft table ${table.family} ${table.name} chain ${b.chain} (hook ${b.hook} priority ${b.priority})`,
          run: () => runBase(table.chains, base, ctxFor(b.hook, b.priority)),
        });
      }
    }
  }
  stages.sort((a, b) => a.hookIndex - b.hookIndex || a.priority - b.priority);

  // chains on one hook at one priority run in an order a listing does not show (the kernel puts
  // the one registered last first): they are evaluated as a group, whose verdict does not depend
  // on that order — any unknown is unknown, else any drop drops
  const groups: Stage[][] = [];
  for (const stage of stages) {
    const last = groups[groups.length - 1];
    const head = last?.[0];
    if (last && head && head.hookIndex === stage.hookIndex && head.priority === stage.priority) last.push(stage);
    else groups.push([stage]);
  }
  const trace: string[] = [];
  const accepted: string[] = [];
  for (const group of groups) {
    const outcomes = group.map((stage) => ({ stage, o: stage.run() }));
    if (group.length > 1) notes.add(`${group.map((g) => g.label).join(' and ')} share a priority: their order is not visible in a listing, so each was evaluated`);
    for (const { o } of outcomes) trace.push(...o.trace);
    const unknown = outcomes.find((x) => x.o.kind === 'unknown');
    const dropped = outcomes.filter((x) => x.o.kind === 'drop' || x.o.kind === 'reject');
    if (unknown === undefined && dropped.length === 0) {
      for (const { stage, o } of outcomes) accepted.push(`${stage.label} (${o.reason})`);
      continue;
    }
    for (const h of hazards) notes.add(`also not evaluated: ${h.why}`);
    if (unknown) return { verdict: 'unknown', reason: `unknown at ${unknown.o.reason}`, trace, notes: [...notes] };
    const first = dropped[0] as (typeof dropped)[number];
    const rejected = dropped.some((x) => x.o.kind === 'reject');
    const what = first.o.kind === 'reject' ? 'rejected (a reject counts as a drop)' : 'dropped';
    return { verdict: 'drop', reason: `${what} by ${first.stage.label}: ${first.o.reason}`, trace, notes: [...notes], ...(rejected ? { rejected: true } : {}) };
  }
  if (hazards.length > 0) {
    const first = hazards[0] as Hazard;
    for (const h of hazards.slice(1)) notes.add(`also not evaluated: ${h.why}`);
    return { verdict: 'unknown', reason: `every evaluated chain accepts, but ${first.why}`, trace, notes: [...notes] };
  }
  if (stages.length === 0) {
    return { verdict: 'accept', reason: `no filter chain of the rulesets given is on the ${packet.hook} path of an IPv${family} packet: nothing filters it`, trace, notes: [...notes] };
  }
  return { verdict: 'accept', reason: `accepted by every chain on the path: ${accepted.join('; ')}`, trace, notes: [...notes] };
}
