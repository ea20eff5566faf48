/**
 * Property tests for the parsers and the evaluator: hostile text never throws, errors always name
 * where they are, and rulesets generated within the supported subset parse and evaluate without
 * any unknown.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FORWARD_SHAPE, INPUT_SHAPE, arbRound, renderIpset, renderIptables, type Fam, type GFlow, type Shape } from '../../../tests/audit/generate.ts';
import { parseAddress } from '../net/address.ts';
import { evaluate, ipsetContains, parseIpsetSave, parseIptablesSave, parseNftJson, type AuditParse, type Loaded, type Packet } from './index.ts';

const FIXTURES = new URL('../../../tests/fixtures/audit/', import.meta.url);
const fixture = (name: string): string => readFileSync(new URL(name, FIXTURES), 'utf8');
const SEED = 424242;

/** A parse either succeeds or names each problem (a line or a JSON path, and a message). */
function wellFormed<T>(r: AuditParse<T>): boolean {
  if (r.ok) return r.value !== undefined && Array.isArray(r.notes);
  return r.errors.length > 0 && r.errors.every((e) => (e.line !== undefined || e.path !== undefined) && e.message.length > 0 && typeof e.text === 'string');
}

/** Text that looks like iptables-save, ipset save or nft output often enough to get deep into the parsers. */
const IPT_WORDS = ['*filter', '*nat', 'COMMIT', ':INPUT', ':FORWARD', ':OUTPUT', ':X', 'ACCEPT', 'DROP', '-', '[0:0]', '-A', 'INPUT', 'X', '-s', '-d', '!', '-p', 'tcp', 'udp', 'all', '6', '-i', '-o', 'eth0', 'lo+', '-m', 'tcp', 'udp', 'multiport', 'conntrack', 'state', 'set', 'comment', 'limit', 'foo', '--dport', '--sport', '--dports', '--ports', '22', '1:2', ':9', '--ctstate', 'NEW,ESTABLISHED', '--state', '--match-set', 's', 'src', 'dst,dst', '--comment', '"a b"', '"\\"', '--limit', '5/min', '-j', '-g', 'REJECT', 'RETURN', 'LOG', 'MARK', '--log-prefix', '192.0.2.0/24', '2001:db8::/32', '10.0.0.300', '-4', '-6', '-c', '0', '#', '"'];
const arbIptText = fc.array(fc.array(fc.oneof(fc.constantFrom(...IPT_WORDS), fc.string({ maxLength: 6 })), { maxLength: 12 }).map((w) => w.join(' ')), { maxLength: 30 }).map((lines) => lines.join('\n'));
const IPSET_WORDS = ['create', 'add', 'flush', 's', 'hash:net', 'hash:ip', 'hash:ip,port', 'family', 'inet', 'inet6', 'netmask', '24', 'timeout', '5', 'nomatch', 'comment', '"x y"', '192.0.2.0/24', '192.0.2.1-192.0.2.9', '2001:db8::/64', '10.0.0.1', 'packets', '-'];
const arbIpsetText = fc.array(fc.array(fc.oneof(fc.constantFrom(...IPSET_WORDS), fc.string({ maxLength: 5 })), { maxLength: 8 }).map((w) => w.join(' ')), { maxLength: 20 }).map((l) => l.join('\n'));

/** JSON that looks like nft's: known keys and shapes, random contents. */
const nftKeys = ['table', 'chain', 'rule', 'set', 'map', 'metainfo', 'flowtable', 'match', 'payload', 'meta', 'ct', 'prefix', 'range', 'set', 'elem', 'accept', 'drop', 'jump', 'goto', 'return', 'reject', 'vmap', 'counter', 'limit', 'xt', 'concat', '|', '&', '__proto__', 'constructor'];
const { value: arbNftValue } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('inet', 'ip', 'ip6', 'netdev', 't', 'c', 'input', 'forward', 'filter', 'nat', 'accept', 'drop', '==', '!=', 'in', '<', 'saddr', 'dport', 'tcp', 'udp', 'state', 'new', '192.0.2.1', '2001:db8::1', '@s', 'lo', 'v-*', 'key', 'family', 'name', 'table', 'chain', 'hook', 'prio', 'policy', 'expr', 'op', 'left', 'right', 'protocol', 'field', 'target', 'elem', 'type', 'len', 'addr'),
    fc.integer({ min: -400, max: 70000 }),
    fc.constant(null),
    fc.boolean(),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...nftKeys, 'family', 'name', 'table', 'chain', 'hook', 'prio', 'policy', 'expr', 'op', 'left', 'right', 'protocol', 'field', 'key', 'target', 'elem', 'type', 'addr', 'len'), tie('value'), { maxKeys: 4 }),
  ),
}));
const arbNftText = fc.array(fc.dictionary(fc.constantFrom(...nftKeys), arbNftValue, { minKeys: 1, maxKeys: 1 }), { maxLength: 12 }).map((items) => JSON.stringify({ nftables: items }));

const arbPacket: fc.Arbitrary<Packet> = fc.record({
  family: fc.constantFrom<4 | 6>(4, 6),
  hook: fc.constantFrom<Packet['hook']>('input', 'output', 'forward'),
  src: fc.oneof(fc.constantFrom('192.0.2.1', '198.51.100.7', '203.0.113.9', '2001:db8::1', '2001:db8:1::7'), fc.ipV4(), fc.ipV6(), fc.string({ maxLength: 8 })),
  dst: fc.oneof(fc.constantFrom('192.0.2.10', '198.51.100.10', '2001:db8::10'), fc.ipV4(), fc.ipV6()),
  proto: fc.constantFrom<Packet['proto']>('tcp', 'udp', 'icmp'),
  sport: fc.option(fc.integer({ min: 0, max: 65535 }), { nil: undefined }),
  dport: fc.option(fc.oneof(fc.constantFrom(22, 53, 80, 443, 1500, 8080), fc.integer({ min: 0, max: 65535 })), { nil: undefined }),
  state: fc.constantFrom<Packet['state']>('new', 'established', 'related', 'invalid'),
  iif: fc.option(fc.constantFrom('eth0', 'lo', 'v-cli', 'v-srv', 'wg0'), { nil: undefined }),
  oif: fc.option(fc.constantFrom('eth0', 'lo', 'v-cli', 'v-srv'), { nil: undefined }),
});

describe('the parsers never throw, and always return a result or errors', () => {
  const runs = { numRuns: 200, seed: SEED };
  it('parseIptablesSave on any text and on iptables-like text', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), arbIptText), fc.constantFrom<4 | 6>(4, 6), (text, family) => wellFormed(parseIptablesSave(text, family))), runs);
  });
  it('parseIpsetSave on any text and on ipset-like text', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 400 }), arbIpsetText), (text) => wellFormed(parseIpsetSave(text))), runs);
  });
  it('parseNftJson on any text, any JSON, and nft-like JSON', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.json(), arbNftText), (text) => wellFormed(parseNftJson(text))), runs);
  });
  it('parseNftJson on real output with a random piece cut out or repeated', () => {
    const real = fixture('nft-features.json');
    fc.assert(
      fc.property(fc.nat(real.length), fc.nat(200), fc.boolean(), (at, length, repeat) => {
        const piece = real.slice(at, at + length);
        return wellFormed(parseNftJson(repeat ? real.slice(0, at) + piece + piece + real.slice(at + length) : real.slice(0, at) + real.slice(at + length)));
      }),
      runs,
    );
  });
  it('pathological sizes: deep nesting, long lines, many lines', () => {
    expect(wellFormed(parseNftJson(`${'['.repeat(200_000)}${']'.repeat(200_000)}`))).toBe(true);
    expect(wellFormed(parseNftJson(`{"nftables": ${'['.repeat(100_000)}`))).toBe(true);
    expect(wellFormed(parseIptablesSave(`*filter\n:INPUT ACCEPT [0:0]\n-A INPUT ${'-s 192.0.2.1 '.repeat(20_000)}\nCOMMIT\n`, 4))).toBe(true);
    expect(wellFormed(parseIptablesSave('x\n'.repeat(100_000), 4))).toBe(true);
    expect(wellFormed(parseIpsetSave(`create s hash:net\n${'add s 192.0.2.0/24\n'.repeat(20_000)}`))).toBe(true);
  });
});

describe('errors name the line they are on', () => {
  it('a garbage line in a valid table is reported with its number and text', () => {
    const valid = ['*filter', ':INPUT DROP [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', '-A INPUT -s 192.0.2.0/24 -j DROP', 'COMMIT'];
    fc.assert(
      fc.property(fc.integer({ min: 1, max: valid.length - 1 }), fc.stringMatching(/^[a-z][a-z0-9 ]{0,20}$/), (at, garbage) => {
        const lines = [...valid.slice(0, at), garbage, ...valid.slice(at)];
        const r = parseIptablesSave(lines.join('\n'), 4);
        return !r.ok && r.errors[0]?.line === at + 1 && r.errors[0]?.text === garbage.trim();
      }),
      { numRuns: 200, seed: SEED },
    );
  });
});

describe('the evaluator never throws', () => {
  const must = <T,>(r: AuditParse<T>): T => {
    if (!r.ok) throw new Error(r.errors[0]?.message);
    return r.value;
  };
  const loadedSets: Loaded[] = [
    {
      iptables: must(parseIptablesSave(fixture('iptables-nft.iptables-save'), 4)),
      ip6tables: must(parseIptablesSave(fixture('iptables-nft.ip6tables-save'), 6)),
      ipsets: must(parseIpsetSave(fixture('iptables-nft.ipset-save'))),
      nft: must(parseNftJson(fixture('iptables-nft.json'))),
    },
    { nft: must(parseNftJson(fixture('nft-features.json'))) },
  ];
  it('for any packet on real rulesets, and any parsed random ruleset', () => {
    fc.assert(
      fc.property(arbPacket, fc.nat(1), (p, k) => {
        const e = evaluate(loadedSets[k] as Loaded, p);
        return ['accept', 'drop', 'unknown'].includes(e.verdict) && e.reason.length > 0;
      }),
      { numRuns: 500, seed: SEED },
    );
    fc.assert(
      fc.property(arbIptText, arbNftText, arbPacket, (ipt, nft, p) => {
        const a = parseIptablesSave(ipt, p.family);
        const b = parseNftJson(nft);
        const loaded: Loaded = { ...(a.ok ? (p.family === 4 ? { iptables: a.value } : { ip6tables: a.value }) : {}), ...(b.ok ? { nft: b.value } : {}) };
        return ['accept', 'drop', 'unknown'].includes(evaluate(loaded, p).verdict);
      }),
      { numRuns: 300, seed: SEED },
    );
  });
  it('for packets that are not packets', () => {
    fc.assert(fc.property(fc.anything(), (p) => evaluate(loadedSets[0] as Loaded, p as Packet).verdict === 'unknown' || typeof p === 'object'), { numRuns: 200, seed: SEED });
  });
});

describe('round trip: rulesets generated within the supported subset', () => {
  function packetsOf(shape: Shape, f: GFlow): Packet[] {
    const hooks = shape.kind === 'forward' ? (['forward', 'forward'] as const) : (['input', 'output'] as const);
    const ifs = shape.kind === 'forward' ? [{ iif: f.from === 'a' ? 'v-cli' : 'v-srv', oif: f.from === 'a' ? 'v-srv' : 'v-cli' }, { iif: f.from === 'a' ? 'v-srv' : 'v-cli', oif: f.from === 'a' ? 'v-cli' : 'v-srv' }] : [{ iif: 'eth0' }, { oif: 'eth0' }];
    return [
      { family: f.family, hook: hooks[0], src: f.src, dst: f.dst, proto: f.proto, sport: f.sport, dport: f.dport, state: 'new', ...ifs[0] },
      { family: f.family, hook: hooks[1], src: f.dst, dst: f.src, proto: f.proto, sport: f.dport, dport: f.sport, state: 'established', ...ifs[1] },
    ];
  }

  for (const shape of [FORWARD_SHAPE, INPUT_SHAPE]) {
    it(`${shape.kind}: iptables-restore text of any generated ruleset parses, keeps every chain and rule, and no flow is unknown`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 50 }).chain((r) => arbRound(shape, r)), ({ ruleset, flows }) => {
          const stage = ruleset.stages[0];
          if (!stage) return false;
          const sets = parseIpsetSave(renderIpset(stage));
          if (!sets.ok) return false;
          const loaded: { iptables?: Loaded['iptables']; ip6tables?: Loaded['ip6tables'] } = {};
          for (const family of [4, 6] as const) {
            const text = renderIptables(stage, family);
            const r = parseIptablesSave(text, family);
            if (!r.ok) throw new Error(`${r.errors[0]?.message}: ${r.errors[0]?.text}`);
            const chains = r.value.filter?.chains;
            const declared = text.split('\n').filter((l) => l.startsWith(':')).map((l) => l.slice(1).split(' ')[0]);
            expect([...(chains?.keys() ?? [])]).toEqual(declared);
            for (const [name, chain] of chains ?? []) {
              expect(chain.rules.length).toBe(text.split('\n').filter((l) => l.startsWith(`-A ${name} `) || l === `-A ${name}`).length);
              for (const rule of chain.rules) expect(rule.steps.filter((s) => s.kind === 'unknown')).toEqual([]);
            }
            if (family === 4) loaded.iptables = r.value;
            else loaded.ip6tables = r.value;
          }
          for (const f of flows) {
            for (const p of packetsOf(shape, f)) {
              const e = evaluate({ ...loaded, ipsets: sets.value }, p);
              if (e.verdict === 'unknown') throw new Error(`unknown: ${e.reason}`);
            }
          }
          return true;
        }),
        { numRuns: 60, seed: SEED },
      );
    });
  }

  it('ipset restore text of any generated set keeps its meaning: the most specific entry decides', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50 }).chain((r) => arbRound(FORWARD_SHAPE, r)), ({ ruleset }) => {
        for (const stage of ruleset.stages) {
          const parsed = parseIpsetSave(renderIpset(stage));
          if (!parsed.ok) return false;
          for (const set of stage.sets) {
            const inSet = parsed.value.sets.get(set.name);
            if (!inSet) return false;
            const hosts = [...FORWARD_SHAPE.ends[set.family as Fam].a, ...FORWARD_SHAPE.ends[set.family as Fam].b];
            for (const host of hosts) {
              const a = parseAddress(host);
              if (!a.ok) return false;
              // the model: among the entries holding the address, the longest prefix decides
              const holding = set.entries.map((e) => ({ e, n: parseAddress(set.type === 'hash:ip' ? e.net.replace(/\/\d+$/, '') : e.net) })).filter((x) => x.n.ok && x.n.network.start <= a.network.start && a.network.start <= x.n.network.end);
              const best = holding.sort((x, y) => (y.n.ok ? y.n.network.prefix : 0) - (x.n.ok ? x.n.network.prefix : 0))[0];
              const expected = best !== undefined && !best.e.nomatch;
              if (ipsetContains(inSet, a.network.start) !== expected) return false;
            }
          }
        }
        return true;
      }),
      { numRuns: 100, seed: SEED },
    );
  });
});

describe('address sets: a large set is searched by halves, with the same answers', () => {
  it('ip saddr { many prefixes and ranges, overlapping } drops exactly the addresses in one of them', () => {
    const v4 = (n: number): string => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
    const arbElement = fc.oneof(
      fc.record({ kind: fc.constant('range' as const), a: fc.integer({ min: 0, max: 400 }), len: fc.integer({ min: 0, max: 40 }) }),
      fc.record({ kind: fc.constant('prefix' as const), a: fc.integer({ min: 0, max: 400 }), len: fc.integer({ min: 26, max: 32 }) }),
    );
    const base = 0xc0000200; // 192.0.2.0
    fc.assert(
      fc.property(fc.array(arbElement, { minLength: 1, maxLength: 40 }), fc.array(fc.integer({ min: 0, max: 480 }), { minLength: 1, maxLength: 30 }), (elements, probes) => {
        const ranges = elements.map((e) => {
          if (e.kind === 'range') return [base + e.a, base + e.a + e.len] as const;
          const size = 2 ** (32 - e.len);
          const start = base + e.a - ((base + e.a) % size);
          return [start, start + size - 1] as const;
        });
        const json = ranges.map(([lo, hi]) => (lo === hi ? v4(lo) : { range: [v4(lo), v4(hi)] }));
        const listing = JSON.stringify({
          nftables: [
            { table: { family: 'ip', name: 't' } },
            { chain: { family: 'ip', table: 't', name: 'input', type: 'filter', hook: 'input', prio: 0, policy: 'accept' } },
            { rule: { family: 'ip', table: 't', chain: 'input', expr: [{ match: { op: '==', left: { payload: { protocol: 'ip', field: 'saddr' } }, right: { set: json } } }, { drop: null }] } },
          ],
        });
        const parsed = parseNftJson(listing);
        if (!parsed.ok) return false;
        return probes.every((k) => {
          const a = base + k;
          const expected = ranges.some(([lo, hi]) => lo <= a && a <= hi);
          const e = evaluate({ nft: parsed.value }, { family: 4, hook: 'input', src: v4(a), dst: '192.0.2.1', proto: 'udp', sport: 1, dport: 2, state: 'new', iif: 'eth0' });
          return e.verdict === (expected ? 'drop' : 'accept');
        });
      }),
      { numRuns: 300, seed: SEED },
    );
  });
});
