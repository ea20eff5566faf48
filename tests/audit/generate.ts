/**
 * Random rulesets within the evaluator's supported subset, and their renderings: iptables-restore
 * (+ ipset restore) and nft -f input. A ruleset is a list of stages; each stage is one filter
 * table: stage 0 is loaded as iptables/ip6tables (iptables variant) or as nft (nft variant), the
 * optional stage 1 always as a second, native nft table on the same hooks at another priority —
 * so the iptables variant also runs iptables-nft beside native nft.
 *
 * The two variants of one ruleset need not mean the same (some features exist in one syntax
 * only): each is compared with the kernel on its own.
 */
import fc from 'fast-check';
import { parseAddress } from '../../src/engine/index.ts';

export type Fam = 4 | 6;
export type HookName = 'input' | 'output' | 'forward';
/** nft base chains may also hook prerouting and postrouting (the second, nft-only stage does) */
export type BaseHook = HookName | 'prerouting' | 'postrouting';

export type GMatch =
  | { readonly kind: 'addr'; readonly dir: 'src' | 'dst'; readonly neg: boolean; readonly nets: readonly string[]; readonly set?: string; readonly setFlags?: string }
  | { readonly kind: 'proto'; readonly neg: boolean; readonly proto: 'tcp' | 'udp' | 'icmp'; readonly style: 'name' | 'number' | 'header' }
  | {
      readonly kind: 'port';
      readonly dir: 'src' | 'dst' | 'either';
      readonly neg: boolean;
      readonly ranges: readonly (readonly [number, number])[];
      readonly style: 'plain' | 'multiport' | 'th';
    }
  | { readonly kind: 'ct'; readonly neg: boolean; readonly states: readonly string[]; readonly style: 'conntrack' | 'state' | 'set' | 'flags' }
  | { readonly kind: 'iface'; readonly dir: 'in' | 'out'; readonly neg: boolean; readonly name: string; readonly wildcard: boolean; readonly byIndex: boolean }
  | { readonly kind: 'nfproto' }
  | { readonly kind: 'limit'; readonly over: boolean }
  | { readonly kind: 'comment'; readonly text: string };

export type GAction =
  | { readonly kind: 'accept' | 'drop' | 'reject' | 'return' | 'log' | 'counter' }
  | { readonly kind: 'jump' | 'goto'; readonly chain: string };

export interface GRule {
  /** the rule is for one family only (iptables: that table; nft: implied by its matches) */
  readonly family?: Fam;
  /** the protocol a port match depends on */
  readonly proto?: 'tcp' | 'udp';
  /** nft: leave the protocol match out where a port match implies it (nft's implicit dependency) */
  readonly implicitProto?: boolean;
  readonly matches: readonly GMatch[];
  readonly action: GAction;
}

export interface GChain {
  readonly name: string;
  readonly rules: readonly GRule[];
}

export interface GBase {
  readonly hook: BaseHook;
  readonly policy: 'accept' | 'drop';
  readonly priority: number;
  readonly rules: readonly GRule[];
}

export interface GSet {
  readonly name: string;
  readonly family: Fam;
  readonly type: 'hash:net' | 'hash:ip';
  readonly entries: readonly { readonly net: string; readonly nomatch: boolean }[];
}

export interface GStage {
  readonly bases: readonly GBase[];
  readonly chains: readonly GChain[];
  readonly sets: readonly GSet[];
  /** nft: one inet table, or an ip and an ip6 table */
  readonly nftStyle: 'inet' | 'split';
}

export interface GRuleset {
  readonly stages: readonly GStage[];
}

export interface GFlow {
  readonly family: Fam;
  readonly proto: 'tcp' | 'udp';
  /** which end starts it: 'a' (the client) or 'b' (the server; forward lab only) */
  readonly from: 'a' | 'b';
  readonly src: string;
  readonly dst: string;
  readonly sport: number;
  readonly dport: number;
}

/** The test network as the generator sees it. */
export interface Shape {
  readonly kind: 'forward' | 'input';
  /** base chains of a stage */
  readonly hooks: readonly HookName[];
  /** addresses of end a and end b, per family */
  readonly ends: Readonly<Record<Fam, { readonly a: readonly string[]; readonly b: readonly string[] }>>;
  /** networks and ranges rules and sets pick from, per family (all in documentation ranges) */
  readonly nets: Readonly<Record<Fam, readonly string[]>>;
  /** interface names a rule may name, per direction (a trailing "*" in the list is never used: wildcard is a flag) */
  readonly ifaces: Readonly<Record<'in' | 'out', readonly string[]>>;
  /** interfaces that exist where the rules are loaded (nft iif/oif by index need them) */
  readonly existing: readonly string[];
  /** a wide net and a narrower one inside it: hash:net sets with a nomatch hole */
  readonly holes: Readonly<Record<Fam, readonly (readonly [string, string])[]>>;
}

export const DPORTS = [22, 53, 80, 443, 1000, 1001, 8080] as const;

const four = (base: string, first: number): string[] => [0, 1, 2, 3].map((k) => `${base}.${first + k}`);
const fourV6 = (net: string): string[] => ['10', '11', '12', '13'].map((h) => `${net}::${h}`);

/**
 * The forward network: a router between a client (end a) and a server (end b); its FORWARD chain
 * is the firewall. Documentation addresses only; tests/audit/lab.ts builds it and checks it is this.
 */
export const FORWARD_SHAPE: Shape = {
  kind: 'forward',
  hooks: ['forward'],
  ends: { 4: { a: four('198.51.100', 10), b: four('203.0.113', 10) }, 6: { a: fourV6('2001:db8:c1'), b: fourV6('2001:db8:5e') } },
  nets: {
    4: ['198.51.100.10', '198.51.100.11', '198.51.100.12', '203.0.113.10', '203.0.113.13', '198.51.100.8/30', '198.51.100.12/30', '198.51.100.0/28', '198.51.100.0/24', '203.0.113.8/30', '203.0.113.12/31', '203.0.113.0/24', '192.0.2.0/24', '198.51.100.11-198.51.100.12', '203.0.113.9-203.0.113.11'],
    6: ['2001:db8:c1::10', '2001:db8:c1::12', '2001:db8:5e::11', '2001:db8:c1::10/127', '2001:db8:c1::12/127', '2001:db8:c1::/64', '2001:db8:5e::10/126', '2001:db8:5e::12/128', '2001:db8:5e::/64', '2001:db8::/32', '2001:db8:ffff::/48', '2001:db8:c1::11-2001:db8:c1::12', '2001:db8:5e::f-2001:db8:5e::11'],
  },
  ifaces: { in: ['v-cli', 'v-srv', 'v-', 'eth9'], out: ['v-cli', 'v-srv', 'v-', 'eth9'] },
  existing: ['v-cli', 'v-srv', 'lo'],
  holes: {
    4: [['198.51.100.0/28', '198.51.100.12/30'], ['203.0.113.0/24', '203.0.113.10/31'], ['198.51.100.0/24', '198.51.100.11/32']],
    6: [['2001:db8:c1::/64', '2001:db8:c1::12/127'], ['2001:db8::/32', '2001:db8:5e::10/127']],
  },
};

/** The input network: a client (end a) and a host (end b) whose INPUT and OUTPUT chains are the firewall. */
export const INPUT_SHAPE: Shape = {
  kind: 'input',
  hooks: ['input', 'output'],
  ends: { 4: { a: four('192.0.2', 10), b: four('192.0.2', 26) }, 6: { a: fourV6('2001:db8:1'), b: fourV6('2001:db8:2') } },
  nets: {
    4: ['192.0.2.10', '192.0.2.12', '192.0.2.27', '192.0.2.8/30', '192.0.2.12/30', '192.0.2.0/28', '192.0.2.16/28', '192.0.2.26/31', '192.0.2.28/30', '192.0.2.0/24', '198.51.100.0/24', '192.0.2.11-192.0.2.12', '192.0.2.27-192.0.2.28'],
    6: ['2001:db8:1::10', '2001:db8:1::12', '2001:db8:2::11', '2001:db8:1::10/127', '2001:db8:1::12/127', '2001:db8:1::/64', '2001:db8:2::10/126', '2001:db8:2::/64', '2001:db8::/32', '2001:db8:ffff::/48', '2001:db8:1::11-2001:db8:1::12', '2001:db8:2::12-2001:db8:2::13'],
  },
  ifaces: { in: ['eth0', 'eth', 'lo', 'v-cli'], out: ['eth0', 'eth', 'lo', 'v-srv'] },
  existing: ['eth0', 'lo'],
  holes: {
    4: [['192.0.2.0/28', '192.0.2.10/31'], ['192.0.2.16/28', '192.0.2.28/30'], ['192.0.2.0/24', '192.0.2.12/32']],
    6: [['2001:db8:1::/64', '2001:db8:1::12/127'], ['2001:db8::/32', '2001:db8:2::10/127']],
  },
};
export const FLOWS_PER_ROUND = 32;

/** First source port of round r: every probe of a run has its own, so conntrack never mixes two up. */
export function sportBase(round: number): number {
  return 20000 + round * FLOWS_PER_ROUND;
}

// ---------------------------------------------------------------------------------------------
// generation

const COMMENTS = ['audit', 'two words', 'quote " inside', 'back\\slash'] as const;
const STATES = ['new', 'established', 'related', 'invalid'] as const;

/** Port values: destination ports from the pool, source ports from this round's (one per flow). */
function portSpecs(base: number, dir: 'src' | 'dst' | 'either'): fc.Arbitrary<readonly (readonly [number, number])[]> {
  const dsingle = fc.constantFrom(...DPORTS).map((p) => [p, p] as const);
  const ssingle = fc.integer({ min: 0, max: FLOWS_PER_ROUND - 1 }).map((k) => [base + k, base + k] as const);
  const drange = fc.constantFrom([1000, 1001] as const, [80, 443] as const, [1, 1023] as const, [53, 80] as const, [1024, 65535] as const, [22, 53] as const);
  const srange = fc.tuple(fc.integer({ min: 0, max: FLOWS_PER_ROUND - 1 }), fc.integer({ min: 0, max: FLOWS_PER_ROUND - 1 })).map(([x, y]) => [base + Math.min(x, y), base + Math.max(x, y)] as const);
  const single = dir === 'dst' ? dsingle : dir === 'src' ? ssingle : fc.oneof(dsingle, ssingle);
  const range = dir === 'dst' ? drange : dir === 'src' ? srange : fc.oneof(drange, srange);
  return fc.oneof(single.map((s) => [s]), range.map((r) => [r]), fc.uniqueArray(fc.oneof(single, range), { minLength: 2, maxLength: 4, selector: (r) => `${r[0]}:${r[1]}` }));
}

interface RuleContext {
  readonly shape: Shape;
  readonly sportBase: number;
  /** chains a rule here may jump to */
  readonly targets: readonly string[];
  /** interface directions the hook that owns this chain has */
  readonly ifaceDirs: readonly ('in' | 'out')[];
  readonly sets: readonly GSet[];
  /** a user chain: more returns and fall-throughs, so that jump, goto and return make a difference */
  readonly user: boolean;
  /** the kernel refuses reject outside input, forward and output */
  readonly reject: boolean;
}

/** arb in `percent` of the cases, null otherwise. */
function maybe<T>(arb: fc.Arbitrary<T>, percent: number): fc.Arbitrary<T | null> {
  return fc.tuple(fc.integer({ min: 0, max: 99 }), arb).map(([n, v]) => (n < percent ? v : null));
}

/** A list of 0, 1 or 2 items: each further item in `percent` of the cases. */
function some<T>(arb: fc.Arbitrary<T>, percent: number): fc.Arbitrary<T[]> {
  return fc.tuple(maybe(arb, percent), maybe(arb, percent / 3)).map(([a, b]) => (a === null ? [] : b === null ? [a] : [a, b]));
}

/**
 * One rule. Each kind of match is there in a fixed share of rules, small enough that a rule
 * matches a flow often: rules that never match would leave every verdict to the policies.
 */
function arbRule(ctx: RuleContext): fc.Arbitrary<GRule> {
  const actions: fc.WeightedArbitrary<GAction>[] = [
    { weight: ctx.user ? 3 : 6, arbitrary: fc.constant({ kind: 'accept' } as const) },
    { weight: ctx.user ? 2 : 3, arbitrary: fc.constant({ kind: 'drop' } as const) },
    { weight: 2, arbitrary: fc.constant({ kind: ctx.reject ? 'reject' : 'drop' } as const) },
    { weight: ctx.user ? 5 : 1, arbitrary: fc.constant({ kind: 'return' } as const) },
    { weight: 1, arbitrary: fc.constant({ kind: 'log' } as const) },
    { weight: ctx.user ? 3 : 1, arbitrary: fc.constant({ kind: 'counter' } as const) },
  ];
  if (ctx.targets.length > 0) {
    actions.push({ weight: 6, arbitrary: fc.constantFrom(...ctx.targets).map((chain) => ({ kind: 'jump', chain }) as const) });
    actions.push({ weight: 3, arbitrary: fc.constantFrom(...ctx.targets).map((chain) => ({ kind: 'goto', chain }) as const) });
  }
  return fc
    .record({
      family: fc.constantFrom<Fam | undefined>(undefined, undefined, 4, 6),
      proto: maybe(fc.record({ proto: fc.constantFrom('tcp', 'udp', 'tcp', 'udp', 'icmp'), style: fc.constantFrom('name', 'number', 'header') }), 50),
      protoNeg: fc.integer({ min: 0, max: 5 }),
      addrs: some(fc.record({ dir: fc.constantFrom('src', 'dst'), neg: fc.integer({ min: 0, max: 3 }), picks: fc.uniqueArray(fc.nat(), { minLength: 1, maxLength: 3 }), viaSet: fc.integer({ min: 0, max: 4 }), setFlags: fc.constantFrom('', '', ',dst', ',src') }), 60),
      ports: some(
        fc.constantFrom<'src' | 'dst' | 'either'>('src', 'src', 'dst', 'dst', 'either').chain((dir) => fc.record({ dir: fc.constant(dir), neg: fc.integer({ min: 0, max: 2 }), ranges: portSpecs(ctx.sportBase, dir), style: fc.constantFrom('plain', 'multiport', 'th') })),
        50,
      ),
      implicitProto: fc.boolean(),
      ct: maybe(fc.record({ states: fc.subarray([...STATES], { minLength: 1 }), neg: fc.integer({ min: 0, max: 2 }), style: fc.constantFrom('conntrack', 'state', 'set', 'flags', 'flags') }), 25),
      iface: maybe(fc.record({ dir: fc.constantFrom(...(ctx.ifaceDirs.length > 0 ? ctx.ifaceDirs : (['in'] as const))), pick: fc.nat(), neg: fc.boolean(), wildcard: fc.boolean(), byIndex: fc.boolean() }), 20),
      nfproto: fc.boolean(),
      limit: maybe(fc.boolean(), 12),
      comment: maybe(fc.constantFrom(...COMMENTS), 15),
      action: fc.oneof(...actions),
    })
    .map((r): GRule => {
      const matches: GMatch[] = [];
      const family = r.family;
      let implicitProto = false;
      let proto: GRule['proto'];
      if (r.proto) {
        const neg = r.protoNeg === 0;
        matches.push({ kind: 'proto', neg, proto: r.proto.proto, style: r.proto.style as 'name' | 'number' | 'header' });
        if (!neg && r.proto.proto !== 'icmp') proto = r.proto.proto;
      }
      if (family !== undefined) {
        for (const a of r.addrs) {
          const pool = ctx.shape.nets[family];
          const sets = ctx.sets.filter((s) => s.family === family);
          const nets = [...new Set(a.picks.map((k) => pool[k % pool.length] as string))];
          if (a.viaSet < 3 && sets.length > 0) {
            const set = sets[(a.picks[0] ?? 0) % sets.length] as GSet;
            matches.push({ kind: 'addr', dir: a.dir as 'src' | 'dst', neg: a.neg === 0, nets: [], set: set.name, setFlags: a.setFlags });
          } else if (!matches.some((m) => m.kind === 'addr' && m.set === undefined && m.dir === a.dir)) {
            // iptables takes one -s and one -d per rule
            matches.push({ kind: 'addr', dir: a.dir as 'src' | 'dst', neg: a.neg === 0, nets: a.neg === 0 ? nets.slice(0, 1) : nets });
          }
        }
        if (r.nfproto) matches.push({ kind: 'nfproto' });
      }
      if (proto !== undefined) {
        for (const p of r.ports) {
          // multiport takes at most 15 ports, and a list needs multiport (or an nft set)
          const style = p.ranges.length > 1 && p.style === 'plain' ? 'multiport' : p.dir === 'either' ? 'multiport' : (p.style as 'plain' | 'multiport' | 'th');
          matches.push({ kind: 'port', dir: p.dir as 'src' | 'dst' | 'either', neg: p.neg === 0, ranges: p.ranges, style });
          if (style !== 'th') implicitProto = r.implicitProto;
        }
      }
      if (r.ct) matches.push({ kind: 'ct', neg: r.ct.neg === 0, states: r.ct.states, style: r.ct.style as 'conntrack' | 'state' | 'set' | 'flags' });
      if (r.iface && ctx.ifaceDirs.length > 0) {
        const names = ctx.shape.ifaces[r.iface.dir as 'in' | 'out'];
        const name = names[r.iface.pick % names.length] as string;
        const byIndex = r.iface.byIndex && !r.iface.wildcard && ctx.shape.existing.includes(name);
        matches.push({ kind: 'iface', dir: r.iface.dir as 'in' | 'out', neg: r.iface.neg, name, wildcard: r.iface.wildcard, byIndex });
      }
      if (r.limit !== null) matches.push({ kind: 'limit', over: r.limit });
      if (r.comment !== null) matches.push({ kind: 'comment', text: r.comment });
      return { ...(family !== undefined ? { family } : {}), ...(proto !== undefined ? { proto } : {}), ...(implicitProto ? { implicitProto } : {}), matches, action: r.action };
    });
}

function arbSets(shape: Shape, stage: number): fc.Arbitrary<GSet[]> {
  const holed = (family: Fam, i: number): fc.Arbitrary<GSet> =>
    fc.record({ k: fc.nat(), extra: fc.option(fc.nat(), { freq: 2 }) }).map(({ k, extra }) => {
      const [wide, narrow] = shape.holes[family][k % shape.holes[family].length] as readonly [string, string];
      const entries = [{ net: wide, nomatch: false }, { net: narrow, nomatch: true }];
      const hosts = [...shape.ends[family].a, ...shape.ends[family].b];
      if (extra !== null) entries.push({ net: `${hosts[extra % hosts.length] as string}/${family === 4 ? 32 : 128}`, nomatch: false });
      return { name: `s${stage}v${family}n${i}`, family, type: 'hash:net' as const, entries: [...new Map(entries.map((e) => [e.net, e])).values()] };
    });
  const plain = (family: Fam, i: number): fc.Arbitrary<GSet> =>
    fc.record({ type: fc.constantFrom('hash:net', 'hash:ip'), picks: fc.uniqueArray(fc.record({ k: fc.nat(), nomatch: fc.integer({ min: 0, max: 3 }) }), { minLength: 1, maxLength: 4, selector: (p) => p.k % shape.nets[family].length }) }).map(({ type, picks }) => {
      const hosts = [...shape.ends[family].a, ...shape.ends[family].b];
      const entries = picks.map((p) =>
        type === 'hash:ip'
          ? { net: hosts[p.k % hosts.length] as string, nomatch: false }
          : { net: toCidrs(shape.nets[family][p.k % shape.nets[family].length] as string, family)[0] as string, nomatch: p.nomatch === 0 },
      );
      const unique = [...new Map(entries.map((e) => [e.net, e])).values()];
      return { name: `s${stage}v${family}n${i}`, family, type: type as GSet['type'], entries: unique };
    });
  const one = (family: Fam, i: number): fc.Arbitrary<GSet> => fc.oneof({ weight: 2, arbitrary: holed(family, i) }, { weight: 1, arbitrary: plain(family, i) });
  return fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })).chain(([n4, n6]) =>
    fc.tuple(...Array.from({ length: n4 }, (_, i) => one(4, i)), ...Array.from({ length: n6 }, (_, i) => one(6, i))).map((sets) => [...sets]),
  );
}

/**
 * Where stage 1's chain for a hook of the shape may sit instead: a packet to this machine passes
 * prerouting then input, a forwarded one prerouting, forward, postrouting, an outgoing one output
 * then postrouting.
 */
const ALTERNATIVES: Record<HookName, readonly BaseHook[]> = {
  input: ['input', 'input', 'prerouting'],
  forward: ['forward', 'forward', 'prerouting', 'postrouting'],
  output: ['output', 'output', 'postrouting'],
};

function ifaceDirsOf(hook: BaseHook): ('in' | 'out')[] {
  // on prerouting there is no output interface yet, on output and a local packet's postrouting no
  // input interface: nft allows the match all the same (an empty name, index 0)
  return hook === 'input' ? ['in'] : hook === 'output' ? ['out'] : ['in', 'out'];
}

function arbStage(shape: Shape, stage: number, base: number, priorities: readonly number[], hooks: readonly BaseHook[] = shape.hooks): fc.Arbitrary<GStage> {
  const [minRules, maxRules] = stage === 0 ? [2, 8] : [1, 3];
  return fc.record({ sets: arbSets(shape, stage), chainCounts: fc.array(fc.integer({ min: stage === 0 ? 1 : 0, max: stage === 0 ? 3 : 1 }), { minLength: shape.hooks.length, maxLength: shape.hooks.length }), nftStyle: fc.constantFrom('inet', 'inet', 'split') }).chain(({ sets, chainCounts, nftStyle }) => {
    // user chains belong to one hook (a chain reached from OUTPUT cannot test -i); a chain jumps
    // only to chains after it, so there are no loops
    const owned = hooks.map((_, h) => Array.from({ length: chainCounts[h] ?? 0 }, (_, k) => `uc${stage}h${h}n${k}`));
    const ctxFor = (h: number, from: number, user: boolean): RuleContext => ({
      user,
      reject: hooks[h] !== 'prerouting' && hooks[h] !== 'postrouting',
      shape,
      sportBase: base,
      targets: (owned[h] ?? []).slice(from),
      ifaceDirs: ifaceDirsOf(hooks[h] as BaseHook),
      sets,
    });
    const bases = hooks.map((hook, h) =>
      fc.record({
        policy: fc.constantFrom<'accept' | 'drop'>('accept', 'drop'),
        established: fc.integer({ min: 0, max: 9 }),
        rules: fc.array(arbRule(ctxFor(h, 0, false)), { minLength: minRules, maxLength: maxRules, size: 'max' }),
      }).map(({ policy, established, rules }): GBase => {
        // most real rulesets let replies through early; a few here do not
        const first: GRule[] = established < 6 ? [{ matches: [{ kind: 'ct', neg: false, states: ['established', 'related'], style: 'conntrack' }], action: { kind: 'accept' } }] : [];
        return { hook, policy, priority: priorities[h] ?? 0, rules: [...first, ...rules] };
      }),
    );
    const chains = hooks.flatMap((_, h) => (owned[h] ?? []).map((name, k) => fc.array(arbRule(ctxFor(h, k + 1, true)), { minLength: 1, maxLength: 5, size: 'max' }).map((rules): GChain => ({ name, rules }))));
    return fc.tuple(fc.tuple(...bases), fc.tuple(...chains)).map(([b, c]): GStage => ({ bases: b, chains: c, sets, nftStyle: nftStyle as GStage['nftStyle'] }));
  });
}

export function arbFlows(shape: Shape, base: number): fc.Arbitrary<GFlow[]> {
  return fc.array(
    fc.record({ family: fc.constantFrom<Fam>(4, 6), proto: fc.constantFrom<'tcp' | 'udp'>('tcp', 'udp'), from: fc.constantFrom<'a' | 'b'>('a', ...(shape.kind === 'forward' ? (['b'] as const) : [])), s: fc.nat(), d: fc.nat(), dport: fc.constantFrom(...DPORTS) }),
    { minLength: FLOWS_PER_ROUND, maxLength: FLOWS_PER_ROUND },
  ).map((raw) =>
    raw.map((r, k): GFlow => {
      const ends = shape.ends[r.family];
      const from = r.from === 'a' ? ends.a : ends.b;
      const to = r.from === 'a' ? ends.b : ends.a;
      return { family: r.family, proto: r.proto, from: r.from, src: from[r.s % from.length] as string, dst: to[r.d % to.length] as string, sport: base + k, dport: r.dport };
    }),
  );
}

/** One round: a ruleset and the flows sent through it. */
export function arbRound(shape: Shape, round: number): fc.Arbitrary<{ ruleset: GRuleset; flows: GFlow[] }> {
  const base = sportBase(round);
  return fc
    .record({
      p0: fc.integer({ min: -20, max: 20 }),
      p1: fc.integer({ min: -20, max: 20 }),
      // sometimes before conntrack (priority -300, raw): there every packet's ct state is invalid
      raw: fc.integer({ min: 0, max: 4 }),
      second: fc.integer({ min: 0, max: 1 }),
      hooks1: fc.tuple(...shape.hooks.map((h) => fc.constantFrom(...ALTERNATIVES[h]))),
    })
    .chain(({ p0, p1, raw, second, hooks1 }) => {
      const prio1 = raw === 0 ? -300 : p1 === p0 ? p0 + 1 : p1;
      const stages = [arbStage(shape, 0, base, shape.hooks.map(() => p0)), ...(second === 1 ? [arbStage(shape, 1, base, shape.hooks.map(() => prio1), hooks1)] : [])];
      return fc.record({ ruleset: fc.tuple(...stages).map((s): GRuleset => ({ stages: s })), flows: arbFlows(shape, base) });
    });
}

/**
 * Hand-written rulesets for behaviours a seed may or may not hit, checked against the kernel in
 * every run: the rules go into the shape's first hook.
 */
export function fixedRulesets(shape: Shape): { readonly why: string; readonly ruleset: GRuleset }[] {
  const hook = shape.hooks[0] as HookName;
  const est: GRule = { matches: [{ kind: 'ct', neg: false, states: ['established', 'related'], style: 'conntrack' }], action: { kind: 'accept' } };
  const proto = (p: 'tcp' | 'udp'): GMatch => ({ kind: 'proto', neg: false, proto: p, style: 'name' });
  const dport = (lo: number, hi: number, neg = false): GMatch => ({ kind: 'port', dir: 'dst', neg, ranges: [[lo, hi]], style: 'plain' });
  const stage = (rules: readonly GRule[], policy: 'accept' | 'drop'): GStage => ({
    bases: shape.hooks.map((h) => ({ hook: h, policy: h === hook ? policy : 'accept', priority: 0, rules: h === hook ? rules : [] })),
    chains: [],
    sets: [],
    nftStyle: 'inet',
  });
  return [
    {
      why: 'two -m tcp --dport matches in one rule: iptables-save (iptables-nft) keeps only the last',
      ruleset: {
        stages: [
          stage(
            [
              est,
              { proto: 'tcp', matches: [proto('tcp'), dport(22, 80), dport(53, 53, true)], action: { kind: 'reject' } },
              { proto: 'udp', matches: [proto('udp'), dport(1000, 8080), dport(1001, 1001, true)], action: { kind: 'drop' } },
            ],
            'accept',
          ),
        ],
      },
    },
    {
      why: 'two base chains at the same priority, one dropping silently, one rejecting',
      ruleset: {
        stages: [
          stage([est, { proto: 'udp', matches: [proto('udp')], action: { kind: 'accept' } }, { proto: 'tcp', matches: [proto('tcp'), dport(1000, 8080)], action: { kind: 'accept' } }], 'drop'),
          stage([est, { proto: 'tcp', matches: [proto('tcp'), dport(22, 1000)], action: { kind: 'reject' } }, { proto: 'udp', matches: [proto('udp'), dport(53, 80)], action: { kind: 'reject' } }], 'accept'),
        ],
      },
    },
    {
      why: 'ct state != established,related: nft compares the whole state word, iptables tests the bits',
      ruleset: { stages: [stage([{ matches: [{ kind: 'ct', neg: true, states: ['established', 'related'], style: 'flags' }], action: { kind: 'accept' } }], 'drop')] },
    },
    {
      why: "an address range's last address; iptables multiport --ports, which matches the source port too",
      ruleset: {
        stages: [
          stage(
            [
              est,
              { family: 4, matches: [{ kind: 'addr', dir: 'src', neg: false, nets: [shape.nets[4].find((n) => n.includes('-')) as string] }], action: { kind: 'drop' } },
              // the probes' source ports are 20000 and up, their destination ports below 10000
              { proto: 'udp', matches: [proto('udp'), { kind: 'port', dir: 'either', neg: false, ranges: [[20000, 29999]], style: 'multiport' }], action: { kind: 'reject' } },
            ],
            'accept',
          ),
        ],
      },
    },
    {
      why: 'chains on prerouting/postrouting and before conntrack: which interfaces and which state they see',
      ruleset: { stages: [stage([], 'accept'), { bases: hookRules(shape), chains: [], sets: [], nftStyle: 'inet' }] },
    },
  ];
}

/**
 * Base chains that only the kernel's view of interfaces and conntrack state decides: a chain
 * before conntrack (priority -300) sees every packet as invalid; prerouting has no output
 * interface (index 0, the empty name) and the postrouting of a forwarded packet still has its
 * input interface, that of a local packet none.
 */
function hookRules(shape: Shape): GBase[] {
  const udp: GMatch = { kind: 'proto', neg: false, proto: 'udp', style: 'name' };
  const tcp: GMatch = { kind: 'proto', neg: false, proto: 'tcp', style: 'name' };
  const state = (states: string[]): GMatch => ({ kind: 'ct', neg: false, states, style: 'set' });
  const iface = (dir: 'in' | 'out', name: string, neg: boolean, byIndex: boolean): GMatch => ({ kind: 'iface', dir, neg, name, wildcard: false, byIndex });
  const dport = (p: number): GMatch => ({ kind: 'port', dir: 'dst', neg: false, ranges: [[p, p]], style: 'plain' });
  const sport = (p: number): GMatch => ({ kind: 'port', dir: 'src', neg: false, ranges: [[p, p]], style: 'plain' });
  const drop = { kind: 'drop' } as const;
  if (shape.kind === 'forward') {
    return [
      {
        hook: 'prerouting',
        policy: 'accept',
        priority: -300,
        rules: [
          // before conntrack every packet is invalid: this never drops
          { proto: 'udp', matches: [udp, state(['new'])], action: drop },
          // no output interface yet: index 0 is not v-srv
          { proto: 'tcp', matches: [tcp, iface('out', 'v-srv', true, true), dport(22)], action: drop },
        ],
      },
      {
        hook: 'postrouting',
        policy: 'accept',
        priority: 0,
        // a forwarded packet still has its input interface here
        rules: [{ proto: 'tcp', matches: [tcp, iface('in', 'v-cli', false, false), dport(1000)], action: drop }],
      },
    ];
  }
  return [
    { hook: 'prerouting', policy: 'accept', priority: -300, rules: [{ proto: 'udp', matches: [udp, state(['new'])], action: drop }] },
    // the host's replies: before conntrack on output they are invalid, not established
    { hook: 'output', policy: 'accept', priority: -300, rules: [{ proto: 'tcp', matches: [tcp, state(['established']), sport(80)], action: drop }] },
    // a local packet has no input interface in postrouting: index 0 is not lo
    { hook: 'postrouting', policy: 'accept', priority: 0, rules: [{ proto: 'udp', matches: [udp, iface('in', 'lo', true, true), sport(1000)], action: drop }] },
  ];
}

// ---------------------------------------------------------------------------------------------
// rendering

function toBig(address: string): { value: bigint; family: Fam } {
  const p = parseAddress(address);
  if (!p.ok) throw new Error(`generator: bad address ${address}`);
  return { value: p.network.start, family: p.network.family };
}

function fromBig(value: bigint, family: Fam): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 255n)).join('.');
  const groups: string[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(((value >> s) & 0xffffn).toString(16));
  const p = parseAddress(groups.join(':'));
  if (!p.ok) throw new Error('generator: bad IPv6');
  return p.network.address;
}

/** A net of the pool as [lo, hi]: "a/n", "a", or "a-b". */
export function netRange(net: string, family: Fam): [bigint, bigint] {
  const dash = net.indexOf('-');
  if (dash > 0) return [toBig(net.slice(0, dash)).value, toBig(net.slice(dash + 1)).value];
  const p = parseAddress(net);
  if (!p.ok || p.network.family !== family) throw new Error(`generator: bad net ${net}`);
  return [p.network.start, p.network.end];
}

/** The CIDRs that cover exactly one net of the pool (a range becomes several). */
export function toCidrs(net: string, family: Fam): string[] {
  if (!net.includes('-')) return [net.includes('/') ? net : `${net}/${family === 4 ? 32 : 128}`];
  const bits = family === 4 ? 32 : 128;
  const [lo, hi] = netRange(net, family);
  const out: string[] = [];
  let cur = lo;
  while (cur <= hi) {
    let host = 0;
    while (host < bits && (cur & ((1n << BigInt(host + 1)) - 1n)) === 0n && cur + (1n << BigInt(host + 1)) - 1n <= hi) host++;
    out.push(`${fromBig(cur, family)}/${bits - host}`);
    cur += 1n << BigInt(host);
  }
  return out;
}

/** Nets merged into disjoint ranges, as nft elements ("a", "a-b"): nft refuses overlapping intervals. */
function nftElements(nets: readonly string[], family: Fam): string[] {
  const ranges = nets.map((n) => netRange(n, family)).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const merged: [bigint, bigint][] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1] + 1n) last[1] = r[1] > last[1] ? r[1] : last[1];
    else merged.push([r[0], r[1]]);
  }
  return merged.map(([lo, hi]) => (lo === hi ? fromBig(lo, family) : `${fromBig(lo, family)}-${fromBig(hi, family)}`));
}

function iptQuote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

const PROTO_NUMBERS = { tcp: 6, udp: 17, icmp: 1 } as const;

/** One rule as iptables-restore words, for one family; undefined when the rule is not for it. */
function iptRule(rule: GRule, family: Fam): string | undefined {
  if (rule.family !== undefined && rule.family !== family) return undefined;
  const w: string[] = [];
  // iptables takes a list of addresses only when no -s/-d of the rule is negated
  const single = rule.matches.some((m) => m.kind === 'addr' && m.set === undefined && m.neg);
  for (const m of rule.matches) {
    const not = m.kind !== 'nfproto' && m.kind !== 'limit' && m.kind !== 'comment' && m.neg ? '! ' : '';
    switch (m.kind) {
      case 'addr':
        if (m.set !== undefined) w.push(`-m set ${not}--match-set ${m.set} ${m.dir}${m.setFlags ?? ''}`);
        else {
          const cidrs = m.nets.flatMap((n) => toCidrs(n, family));
          w.push(`${not}${m.dir === 'src' ? '-s' : '-d'} ${(single ? cidrs.slice(0, 1) : cidrs).join(',')}`);
        }
        break;
      case 'proto': {
        const name = m.proto === 'icmp' && family === 6 ? 'ipv6-icmp' : m.proto;
        const number = m.proto === 'icmp' && family === 6 ? 58 : PROTO_NUMBERS[m.proto];
        w.push(`${not}-p ${m.style === 'number' ? number : name}`);
        break;
      }
      case 'port': {
        const p = rule.proto as 'tcp' | 'udp';
        if (m.style === 'multiport' || m.ranges.length > 1 || m.dir === 'either') {
          const opt = m.dir === 'either' ? '--ports' : m.dir === 'src' ? '--sports' : '--dports';
          w.push(`-m multiport ${not}${opt} ${m.ranges.map(([a, b]) => (a === b ? `${a}` : `${a}:${b}`)).join(',')}`);
        } else {
          const [a, b] = m.ranges[0] as readonly [number, number];
          w.push(`-m ${p} ${not}--${m.dir === 'src' ? 'sport' : 'dport'} ${a === b ? a : `${a}:${b}`}`);
        }
        break;
      }
      case 'ct': {
        const states = m.states.map((s) => s.toUpperCase()).join(',');
        w.push(m.style === 'state' ? `-m state ${not}--state ${states}` : `-m conntrack ${not}--ctstate ${states}`);
        break;
      }
      case 'iface':
        w.push(`${not}${m.dir === 'in' ? '-i' : '-o'} ${m.name}${m.wildcard ? '+' : ''}`);
        break;
      case 'limit':
        if (!m.over) w.push('-m limit --limit 1000/sec --limit-burst 1000');
        break;
      case 'comment':
        w.push(`-m comment --comment ${iptQuote(m.text)}`);
        break;
      case 'nfproto':
        break;
    }
  }
  const a = rule.action;
  switch (a.kind) {
    case 'accept':
    case 'drop':
    case 'reject':
    case 'return':
      w.push(`-j ${a.kind.toUpperCase()}`);
      break;
    case 'log':
      w.push('-j LOG --log-prefix "audit "');
      break;
    case 'counter':
      break;
    case 'jump':
      w.push(`-j ${a.chain}`);
      break;
    case 'goto':
      w.push(`-g ${a.chain}`);
      break;
  }
  return w.join(' ');
}

const BUILTIN: Record<HookName, string> = { input: 'INPUT', output: 'OUTPUT', forward: 'FORWARD' };

/** iptables-restore (family 4) or ip6tables-restore (family 6) input of a stage. */
export function renderIptables(stage: GStage, family: Fam): string {
  const lines = ['*filter'];
  for (const hook of ['input', 'forward', 'output'] as const) {
    const base = stage.bases.find((b) => b.hook === hook);
    lines.push(`:${BUILTIN[hook]} ${base?.policy === 'drop' ? 'DROP' : 'ACCEPT'} [0:0]`);
  }
  for (const c of stage.chains) lines.push(`:${c.name} - [0:0]`);
  const add = (chain: string, rules: readonly GRule[]): void => {
    for (const r of rules) {
      const text = iptRule(r, family);
      if (text !== undefined) lines.push(`-A ${chain} ${text}`.trimEnd());
    }
  };
  for (const b of stage.bases) {
    if (b.hook === 'prerouting' || b.hook === 'postrouting') throw new Error('iptables renders the filter table: input, forward and output only');
    add(BUILTIN[b.hook], b.rules);
  }
  for (const c of stage.chains) add(c.name, c.rules);
  lines.push('COMMIT', '');
  return lines.join('\n');
}

/** ipset restore input of a stage's sets. */
export function renderIpset(stage: GStage): string {
  const lines: string[] = [];
  for (const s of stage.sets) {
    lines.push(`create ${s.name} ${s.type} family ${s.family === 4 ? 'inet' : 'inet6'}`);
    for (const e of s.entries) lines.push(`add ${s.name} ${s.type === 'hash:ip' ? e.net.replace(/\/\d+$/, '') : e.net}${e.nomatch ? ' nomatch' : ''}`);
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

function nftPortValues(ranges: readonly (readonly [number, number])[]): string {
  const items = ranges.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`));
  return items.length === 1 ? (items[0] as string) : `{ ${items.join(', ')} }`;
}

/** One rule as nft statements, for a table of the given family; undefined when it does not belong there. */
function nftRule(rule: GRule, tableFamily: 'inet' | Fam): string | undefined {
  if (tableFamily !== 'inet' && rule.family !== undefined && rule.family !== tableFamily) return undefined;
  const fam = rule.family ?? (tableFamily === 'inet' ? undefined : tableFamily);
  const w: string[] = [];
  let comment: string | undefined;
  for (const m of rule.matches) {
    const op = m.kind !== 'nfproto' && m.kind !== 'limit' && m.kind !== 'comment' && m.neg ? '!= ' : '';
    switch (m.kind) {
      case 'addr': {
        const f = rule.family as Fam;
        const key = `${f === 4 ? 'ip' : 'ip6'} ${m.dir === 'src' ? 'saddr' : 'daddr'}`;
        if (m.set !== undefined) w.push(`${key} ${op}@${m.set}`);
        else {
          const els = nftElements(m.nets, f);
          w.push(`${key} ${op}${els.length === 1 ? els[0] : `{ ${els.join(', ')} }`}`);
        }
        break;
      }
      case 'proto': {
        if (rule.implicitProto === true && !m.neg) break;
        const name = m.proto === 'icmp' && fam === 6 ? 'ipv6-icmp' : m.proto;
        const value = m.style === 'number' ? String(m.proto === 'icmp' && fam === 6 ? 58 : PROTO_NUMBERS[m.proto]) : name;
        const key = m.style === 'header' && fam === 4 ? 'ip protocol' : m.style === 'header' && fam === 6 ? 'ip6 nexthdr' : 'meta l4proto';
        w.push(`${key} ${op}${value}`);
        break;
      }
      case 'port': {
        // nft has no "source or destination port" in one match: --ports is rendered as dport here
        const header = m.style === 'th' ? 'th' : (rule.proto as string);
        w.push(`${header} ${m.dir === 'src' ? 'sport' : 'dport'} ${op}${nftPortValues(m.ranges)}`);
        break;
      }
      case 'ct': {
        const list = m.states.join(',');
        if (m.style === 'set' || m.states.length === 1) w.push(`ct state ${op}{ ${m.states.join(', ')} }`);
        else if (m.style === 'flags' && m.neg) w.push(`ct state != ${list}`);
        else if (m.neg) w.push(`ct state != { ${m.states.join(', ')} }`);
        else w.push(`ct state ${list}`);
        break;
      }
      case 'iface': {
        const key = m.byIndex ? (m.dir === 'in' ? 'iif' : 'oif') : m.dir === 'in' ? 'iifname' : 'oifname';
        w.push(`${key} ${op}"${m.name}${m.wildcard ? '*' : ''}"`);
        break;
      }
      case 'nfproto':
        // nft refuses meta nfproto outside the inet family
        if (fam !== undefined && tableFamily === 'inet') w.push(`meta nfproto ${fam === 4 ? 'ipv4' : 'ipv6'}`);
        break;
      case 'limit':
        w.push(`limit rate ${m.over ? 'over ' : ''}1000/second burst 1000 packets`);
        break;
      case 'comment':
        comment = m.text.replace(/["\\]/g, '');
        break;
    }
  }
  if (rule.family !== undefined && tableFamily === 'inet' && !rule.matches.some((m) => m.kind === 'addr' || m.kind === 'nfproto')) {
    w.push(`meta nfproto ${rule.family === 4 ? 'ipv4' : 'ipv6'}`);
  }
  const a = rule.action;
  switch (a.kind) {
    case 'log':
      w.push('log prefix "audit "');
      break;
    case 'jump':
    case 'goto':
      w.push(`${a.kind} ${a.chain}`);
      break;
    default:
      w.push(a.kind);
  }
  if (comment !== undefined) w.push(`comment "${comment}"`);
  return w.join(' ');
}

/** nft -f input of a stage, as table(s) named `name`. */
export function renderNft(stage: GStage, name: string): string {
  const families: ('inet' | Fam)[] = stage.nftStyle === 'inet' ? ['inet'] : [4, 6];
  const out: string[] = [];
  for (const f of families) {
    out.push(`table ${f === 'inet' ? 'inet' : f === 4 ? 'ip' : 'ip6'} ${name} {`);
    for (const s of stage.sets) {
      if (f !== 'inet' && s.family !== f) continue;
      const els = nftElements(s.entries.filter((e) => !e.nomatch).map((e) => e.net), s.family);
      out.push(`  set ${s.name} {`, `    type ${s.family === 4 ? 'ipv4_addr' : 'ipv6_addr'}`, '    flags interval');
      if (els.length > 0) out.push(`    elements = { ${els.join(', ')} }`);
      out.push('  }');
    }
    const usable = (r: GRule): boolean => f === 'inet' || !r.matches.some((m) => m.kind === 'addr' && m.set !== undefined && !stage.sets.some((s) => s.name === m.set && s.family === f));
    for (const c of stage.chains) {
      out.push(`  chain ${c.name} {`);
      for (const r of c.rules) {
        const text = usable(r) ? nftRule(r, f) : undefined;
        if (text !== undefined) out.push(`    ${text}`);
      }
      out.push('  }');
    }
    for (const b of stage.bases) {
      out.push(`  chain b_${b.hook} {`, `    type filter hook ${b.hook} priority ${b.priority}; policy ${b.policy};`);
      for (const r of b.rules) {
        const text = usable(r) ? nftRule(r, f) : undefined;
        if (text !== undefined) out.push(`    ${text}`);
      }
      out.push('  }');
    }
    out.push('}');
  }
  return `${out.join('\n')}\n`;
}
