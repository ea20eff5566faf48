import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluate, parseNftJson, type Evaluation, type Loaded, type NftRuleset, type Packet } from './index.ts';

const FIXTURES = new URL('../../../tests/fixtures/audit/', import.meta.url);

// ---- nft JSON, written the way `nft -j list ruleset` writes it

type J = Record<string, unknown>;
const payload = (protocol: string, field: string): J => ({ payload: { protocol, field } });
const meta = (key: string): J => ({ meta: { key } });
const m = (left: J, right: unknown, op = '=='): J => ({ match: { op, left, right } });
const v = (kind: string, target?: string): J => (target === undefined ? { [kind]: null } : { [kind]: { target } });

interface ChainSpec {
  readonly name: string;
  readonly base?: { readonly hook: string; readonly prio: number; readonly policy: 'accept' | 'drop'; readonly type?: string };
  readonly rules: readonly (readonly J[])[];
}

function listing(tables: readonly { family: string; name: string; chains: readonly ChainSpec[]; sets?: readonly J[] }[]): string {
  const items: J[] = [{ metainfo: { version: '1.0.6', release_name: 'Lester Gooch #5', json_schema_version: 1 } }];
  let handle = 1;
  for (const t of tables) {
    items.push({ table: { family: t.family, name: t.name, handle: handle++ } });
    for (const s of t.sets ?? []) items.push({ set: { family: t.family, table: t.name, handle: handle++, ...s } });
    for (const c of t.chains) {
      items.push({ chain: { family: t.family, table: t.name, name: c.name, handle: handle++, ...(c.base ? { type: c.base.type ?? 'filter', hook: c.base.hook, prio: c.base.prio, policy: c.base.policy } : {}) } });
    }
    for (const c of t.chains) for (const r of c.rules) items.push({ rule: { family: t.family, table: t.name, chain: c.name, handle: handle++, expr: r } });
  }
  return JSON.stringify({ nftables: items });
}

function parsed(text: string): NftRuleset {
  const r = parseNftJson(text);
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.path ?? e.line}: ${e.message}`).join('\n'));
  return r.value;
}

/** One inet table, one input base chain. */
function inputChain(rules: readonly (readonly J[])[], policy: 'accept' | 'drop' = 'accept', more: readonly ChainSpec[] = [], sets: readonly J[] = []): Loaded {
  return { nft: parsed(listing([{ family: 'inet', name: 't', sets, chains: [{ name: 'input', base: { hook: 'input', prio: 0, policy }, rules }, ...more] }])) };
}

const IN: Packet = { family: 4, hook: 'input', src: '198.51.100.7', dst: '192.0.2.10', proto: 'tcp', sport: 40000, dport: 22, state: 'new', iif: 'eth0' };
const IN6: Packet = { ...IN, family: 6, src: '2001:db8:1::7', dst: '2001:db8::10' };

function ev(l: Loaded, p: Partial<Packet> = {}, base: Packet = IN): Evaluation {
  return evaluate(l, { ...base, ...p } as Packet);
}
const verdict = (l: Loaded, p: Partial<Packet> = {}, base: Packet = IN): string => ev(l, p, base).verdict;

describe('parseNftJson: real nft output', () => {
  const features = parsed(readFileSync(new URL('nft-features.json', FIXTURES), 'utf8'));
  // the listing has a nat chain with a dnat, which makes every IPv4 accept unknown (tested last);
  // the other tests look at the filter chains without it
  const l: Loaded = { nft: { ...features, hazards: [] } };

  it('reads tables, base chains (hook, priority, policy) and regular chains', () => {
    expect(features.tableNames).toEqual(['inet fw', 'ip second']);
    const fw = features.tables[0];
    expect(fw?.bases).toEqual([
      { chain: 'input', hook: 'input', priority: 0 },
      { chain: 'forward', hook: 'forward', priority: -10 },
    ]);
    expect(fw?.chains.get('sub')?.policy).toBeUndefined();
    expect(fw?.chains.get('input')?.rules.map((r) => r.text)).toContain('ip saddr @allow4 tcp dport @ports accept comment "named sets"');
  });

  it('named sets (interval, ranges, prefixes) and port sets', () => {
    expect(verdict(l, { src: '192.0.2.100', dport: 1500 })).toBe('accept');
    expect(verdict(l, { src: '198.51.100.9', dport: 22 })).toBe('accept');
    expect(verdict(l, { src: '198.51.100.10', dport: 22 })).toBe('drop');
    expect(verdict(l, { src: '2001:db8::1', dst: '2001:db8::2', proto: 'udp', sport: 150, dport: 9999 }, IN6)).toBe('accept');
  });

  it('ct state forms: a list, a single flag, and != a|b (the whole state word compared)', () => {
    expect(verdict(l, { state: 'established', dport: 9 })).toBe('accept');
    expect(verdict(l, { state: 'invalid', src: '192.0.2.1', dport: 22 })).toBe('drop');
    // `ct state != established | related counter`: no verdict, and always true for a one-bit state
    expect(ev(l, { dport: 9, dst: '203.0.113.5' }).trace.at(-1)).toMatch(/policy drop/);
  });

  it('an unknown match with an implicit dependency is false for packets of another protocol', () => {
    // `icmp type echo-request accept` is unknown for ICMP, but a TCP packet passes by it
    expect(verdict(l, { dport: 9, dst: '203.0.113.5' })).toBe('drop');
    expect(verdict(l, { proto: 'icmp', dport: undefined, sport: undefined })).toBe('unknown');
  });

  it('iifname wildcard, != on an anonymous set, th dport with meta l4proto set', () => {
    expect(verdict(l, { iif: 'v-srv', src: '192.0.2.99', dport: 53, proto: 'udp' })).toBe('accept');
    expect(verdict(l, { iif: 'eth0', src: '192.0.2.99', dport: 53, proto: 'udp' })).toBe('drop');
    expect(verdict(l, { iif: 'v-srv', src: '192.0.2.20', dport: 53, proto: 'udp' })).toBe('drop');
  });

  it('jump and goto into a chain whose unknown match is skipped for UDP; < on ports; a verdict map', () => {
    // tcp to 192.0.2.0/24, dport not 22-25: jump sub -> `tcp flags …` is unknown
    expect(verdict(l, { dport: 80, src: '203.0.113.1' })).toBe('unknown');
    expect(verdict(l, { dport: 23, sport: 1000, src: '203.0.113.1' })).toBe('drop');
    expect(ev(l, { dport: 23, sport: 1000, src: '203.0.113.1' }).rejected).toBe(true);
    expect(verdict(l, { proto: 'udp', dport: 7, src: '203.0.113.1' })).toBe('accept');
    expect(verdict(l, { proto: 'udp', dport: 9, src: '203.0.113.1' })).toBe('drop');
    // udp to 2001:db8::/32 goes to sub: 5353 dropped there, others fall back to the input chain's policy
    expect(verdict(l, { proto: 'udp', dport: 5353, src: '2001:db8:1::1' }, IN6)).toBe('drop');
  });

  it('limit rate over is taken as not matching, and said so; a mangle statement is unknown', () => {
    const e = ev(l, { dport: 8080, src: '203.0.113.1', dst: '203.0.113.2' });
    expect(e.verdict).toBe('unknown');
    expect(e.reason).toMatch(/handle 26: .*statement "mangle" is not evaluated/);
    expect(e.notes.some((n) => n.includes('limit rate over 10/second is taken as not matching'))).toBe(true);
  });

  it('several base chains on a hook run by priority; an accept passes the packet to the next one', () => {
    const fwd = (p: Partial<Packet>) => ev(l, { hook: 'forward', iif: 'v-cli', oif: 'v-srv', dport: 443, ...p });
    const ok = fwd({});
    expect(ok.verdict).toBe('accept');
    expect(ok.trace).toEqual([
      'nft table inet fw chain forward handle 29: iif v-cli oifname v-srv tcp dport 443 accept',
      'nft table ip second chain forward handle 3: ip saddr 198.51.100.0/24 accept',
    ]);
    // accepted by the first chain, dropped by the second (its policy)
    expect(fwd({ src: '203.0.113.1' }).verdict).toBe('drop');
    // dropped by the first chain: final, whatever comes after
    expect(fwd({ iif: 'v-srv', oif: 'v-cli' }).reason).toMatch(/^dropped by nft table inet fw chain forward/);
  });

  it('a nat chain that changes packets is a hazard for its family: an accept there is unknown', () => {
    expect(features.hazards).toEqual([{ family: 4, why: 'nft table ip second chain prerouting (type nat hook prerouting) can drop or change packets and is not evaluated' }]);
    const e = ev({ nft: features }, { hook: 'forward', iif: 'v-cli', oif: 'v-srv', dport: 443 });
    expect(e.verdict).toBe('unknown');
    expect(e.reason).toMatch(/^every evaluated chain accepts, but nft table ip second chain prerouting/);
    expect(ev({ nft: features }, { hook: 'forward', iif: 'v-cli', oif: 'v-srv', dport: 443 }, IN6).verdict).toBe('accept');
    const hazard = evaluate({ nft: parsed(listing([{ family: 'ip', name: 'n', chains: [{ name: 'pre', base: { hook: 'prerouting', prio: -100, policy: 'accept', type: 'nat' }, rules: [[m(payload('tcp', 'dport'), 1), { dnat: { addr: '192.0.2.1' } }]] }] }])) }, IN);
    expect(hazard.verdict).toBe('unknown');
    expect(hazard.reason).toContain('can drop or change packets');
  });
});

describe('parseNftJson: matches', () => {
  it('ip/ip6 saddr and daddr: address, prefix, range, set; != keeps the family dependency', () => {
    const l = inputChain([[m(payload('ip', 'saddr'), { range: ['198.51.100.5', '198.51.100.9'] }), v('drop')], [m(payload('ip', 'daddr'), { prefix: { addr: '192.0.2.0', len: 28 } }, '!='), v('reject')]]);
    expect(verdict(l)).toBe('drop');
    expect(verdict(l, { src: '198.51.100.10' })).toBe('accept');
    expect(ev(l, { src: '198.51.100.10', dst: '192.0.2.16' }).rejected).toBe(true);
    // `ip daddr != …` never matches an IPv6 packet: the dependency fails, not the comparison
    expect(verdict(l, {}, IN6)).toBe('accept');
  });

  it('meta l4proto, ip protocol, ip6 nexthdr, by name and number', () => {
    const l = inputChain([[m(meta('l4proto'), 17), v('drop')], [m(payload('ip', 'protocol'), 'tcp'), v('reject')], [m(payload('ip6', 'nexthdr'), { set: ['tcp', 'ipv6-icmp'] }), v('drop')]]);
    expect(verdict(l, { proto: 'udp' })).toBe('drop');
    expect(ev(l).rejected).toBe(true);
    expect(ev(l, {}, IN6).rejected).toBeUndefined();
    expect(verdict(l, { proto: 'icmp', dport: undefined }, IN6)).toBe('drop');
    expect(verdict(l, { proto: 'icmp', dport: undefined })).toBe('accept');
  });

  it('tcp/udp/th ports: single, range, set, < >=, !=', () => {
    const l = inputChain([
      [m(payload('tcp', 'dport'), { set: [22, { range: [80, 90] }] }), v('drop')],
      [m(payload('udp', 'sport'), 1024, '>='), v('drop')],
      [m(payload('th', 'dport'), 53), v('reject')],
      [m(payload('tcp', 'dport'), { range: [1000, 2000] }, '!='), v('drop')],
    ]);
    expect(verdict(l)).toBe('drop');
    expect(verdict(l, { dport: 85 })).toBe('drop');
    expect(verdict(l, { dport: 1500 })).toBe('accept');
    expect(verdict(l, { dport: 2001 })).toBe('drop');
    expect(verdict(l, { proto: 'udp', sport: 1024, dport: 1 })).toBe('drop');
    expect(ev(l, { proto: 'udp', sport: 1023, dport: 53 }).rejected).toBe(true);
    // `tcp dport != …` is false for UDP (its dependency), so UDP to 1 passes
    expect(verdict(l, { proto: 'udp', sport: 1, dport: 1 })).toBe('accept');
    // th dport of an ICMP packet reads other bytes: unknown
    expect(verdict(l, { proto: 'icmp', sport: undefined, dport: undefined })).toBe('unknown');
  });

  it('iif/oif (by index) and iifname/oifname (by name, wildcard); a hook without that interface has index 0 and the empty name', () => {
    const l = inputChain([[m(meta('iif'), 'lo', '!='), m(meta('oif'), 'eth0', '!='), v('drop')], [m(meta('iifname'), 'wg*'), v('accept')], [m(meta('oif'), 'eth0'), v('drop')]]);
    // input has no output interface: index 0, so `oif != eth0` holds and `oif eth0` does not (as Linux 5.x+ does)
    const e = ev(l);
    expect(e.verdict).toBe('drop');
    expect(e.notes.some((n) => n.includes('taken as index 0'))).toBe(true);
    expect(verdict(l, { iif: 'lo' })).toBe('accept');
    const out = { nft: parsed(listing([{ family: 'inet', name: 't', chains: [{ name: 'output', base: { hook: 'output', prio: 0, policy: 'accept' }, rules: [[m(meta('iifname'), 'eth0', '!='), v('drop')]] }] }])) };
    // on output there is no input interface: iifname is the empty name
    expect(verdict(out, { hook: 'output', iif: undefined, oif: 'eth0' })).toBe('drop');
  });

  it('meta nfproto; tables of family ip and ip6 see their family only', () => {
    const l: Loaded = {
      nft: parsed(
        listing([
          { family: 'inet', name: 'a', chains: [{ name: 'input', base: { hook: 'input', prio: 0, policy: 'accept' }, rules: [[m(meta('nfproto'), 'ipv6'), v('drop')]] }] },
          { family: 'ip', name: 'b', chains: [{ name: 'input', base: { hook: 'input', prio: 0, policy: 'drop' }, rules: [] }] },
        ]),
      ),
    };
    expect(verdict(l, {}, IN6)).toBe('drop');
    expect(ev(l).reason).toMatch(/table ip b/);
    expect(verdict({ nft: parsed(listing([{ family: 'ip', name: 'b', chains: [{ name: 'input', base: { hook: 'input', prio: 0, policy: 'drop' }, rules: [] }] }])) }, {}, IN6)).toBe('accept');
  });

  it('a named set of the wrong type, a concatenation, a binop: unknown, with the rule named', () => {
    const sets = [{ name: 'pairs', type: ['ipv4_addr', 'inet_service'], elem: [] }];
    const l = inputChain([[m({ concat: [payload('ip', 'saddr'), payload('tcp', 'dport')] }, '@pairs'), v('drop')]], 'accept', [], sets);
    const e = ev(l);
    expect(e.verdict).toBe('unknown');
    expect(e.reason).toMatch(/nft table inet t chain input handle \d+: ip saddr \. tcp dport @pairs drop/);
  });
});

describe('parseNftJson: verdicts and statements', () => {
  it('return, goto and jump between regular chains', () => {
    const more: ChainSpec[] = [
      { name: 'a', rules: [[m(payload('tcp', 'dport'), 22), v('return')], [v('goto', 'b')]] },
      { name: 'b', rules: [[m(payload('tcp', 'dport'), 23), v('accept')]] },
    ];
    const l = inputChain([[v('jump', 'a')], [m(payload('tcp', 'dport'), { set: [22, 24] }), v('accept')]], 'drop', more);
    expect(verdict(l)).toBe('accept');
    expect(verdict(l, { dport: 23 })).toBe('accept');
    // 24: a -> goto b -> end of b returns to input (a's caller) -> accept rule
    expect(ev(l, { dport: 24 }).trace).toEqual(['nft table inet t chain input handle 6: tcp dport { 22, 24 } accept']);
    // 23: input -> jump a -> goto b -> accept there; the trace shows the way in
    expect(ev(l, { dport: 23 }).trace).toEqual([
      'nft table inet t chain input handle 5: jump a',
      'nft table inet t chain a handle 8: goto b',
      'nft table inet t chain b handle 9: tcp dport 23 accept',
    ]);
    expect(verdict(l, { dport: 25 })).toBe('drop');
  });

  it('counter, log and comments change nothing; limit is taken as matching and noted; continue goes on', () => {
    const l = inputChain([[{ counter: { packets: 0, bytes: 0 } }, { log: { prefix: 'x' } }, v('continue')], [{ limit: { rate: 5, per: 'minute', burst: 5 } }, v('drop')]]);
    const e = ev(l);
    expect(e.verdict).toBe('drop');
    expect(e.notes.some((n) => n.includes('limit rate 5/minute is taken as matching'))).toBe(true);
  });

  it('queue, dnat, set updates: unknown when reached, named by handle', () => {
    const l = inputChain([[m(payload('udp', 'dport'), 53), { queue: { num: 1 } }], [m(payload('tcp', 'dport'), 22), { set: { op: 'add', elem: payload('ip', 'saddr'), set: '@seen' } }, v('accept')]]);
    expect(verdict(l, { proto: 'icmp', dport: undefined })).toBe('accept');
    const e = ev(l);
    expect(e.verdict).toBe('unknown');
    expect(e.reason).toMatch(/handle \d+: .*statement "set" is not evaluated/);
  });

  it('iptables-nft tables: their xt matches are unknown when nft is all that is given', () => {
    const text = readFileSync(new URL('iptables-nft.json', FIXTURES), 'utf8');
    const l: Loaded = { nft: parsed(text) };
    const e = ev(l, { state: 'established' });
    expect(e.verdict).toBe('unknown');
    expect(e.reason).toContain('xt match conntrack');
  });
});

describe('parseNftJson: errors name the JSON path (or the line of a JSON syntax error)', () => {
  it('not JSON: line and text', () => {
    const r = parseNftJson('{"nftables": [\n  {"table": {"family": "inet", "name": "t"}},\n  oops\n]}');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]?.line).toBe(3);
    expect(r.errors[0]?.text).toBe('  oops');
  });

  it('not nft output', () => {
    const r = parseNftJson('[1, 2, 3]');
    expect(!r.ok && r.errors[0]?.message).toMatch(/expected \{"nftables"/);
  });

  it('a rule whose chain is not listed; a jump to a missing chain; a bad policy', () => {
    const missing = parseNftJson(JSON.stringify({ nftables: [{ table: { family: 'inet', name: 't' } }, { rule: { family: 'inet', table: 't', chain: 'c', expr: [] } }] }));
    expect(!missing.ok && missing.errors[0]).toMatchObject({ path: 'nftables[1].rule', message: 'chain c is not listed in table inet t' });
    const jump = parseNftJson(listing([{ family: 'inet', name: 't', chains: [{ name: 'input', base: { hook: 'input', prio: 0, policy: 'accept' }, rules: [[v('jump', 'nowhere')]] }] }]));
    expect(!jump.ok && jump.errors[0]?.message).toBe('jump nowhere: no such chain in table inet t');
    const policy = parseNftJson(JSON.stringify({ nftables: [{ table: { family: 'inet', name: 't' } }, { chain: { family: 'inet', table: 't', name: 'c', hook: 'input', prio: 0, policy: 'maybe' } }] }));
    expect(!policy.ok && policy.errors[0]).toMatchObject({ path: 'nftables[1].chain.policy' });
  });

  it('a statement that is not an object with one key', () => {
    const r = parseNftJson(listing([{ family: 'inet', name: 't', chains: [{ name: 'c', rules: [[{ a: 1, b: 2 }]] }] }]));
    expect(!r.ok && r.errors[0]?.path).toMatch(/^nftables\[\d+\]\.rule\.expr\[0\]$/);
  });
});

describe('parseNftJson: what the listing leaves out of a reject in an inet table', () => {
  // loaded: meta nfproto ipv4 udp sport 1 reject / meta nfproto ipv6 tcp dport 5 reject / udp sport 2 reject /
  //         meta nfproto ipv4 meta l4proto tcp tcp dport 7 reject with tcp reset / ip saddr 198.51.100.0/24 tcp dport 8 reject with tcp reset
  // listed: udp sport 1 reject with icmp … / tcp dport 5 reject with icmpv6 … / udp sport 2 reject / tcp dport 7 reject with tcp reset / …
  const l: Loaded = { nft: parsed(readFileSync(new URL('nft-reject.json', FIXTURES), 'utf8')) };

  it('reject with icmp is IPv4 only, reject with icmpv6 IPv6 only (the hidden meta nfproto)', () => {
    expect(ev(l, { proto: 'udp', sport: 1, dport: 9 }).rejected).toBe(true);
    expect(verdict(l, { proto: 'udp', sport: 1, dport: 9 }, IN6)).toBe('accept');
    expect(verdict(l, { dport: 5 })).toBe('accept');
    expect(ev(l, { dport: 5 }, IN6).rejected).toBe(true);
    // icmpx: both families
    expect(ev(l, { proto: 'udp', sport: 2, dport: 9 }, IN6).rejected).toBe(true);
    expect(ev(l, { proto: 'udp', sport: 2, dport: 9 }).rejected).toBe(true);
  });

  it('reject with tcp reset may hide a meta nfproto: unknown, unless the rule names its family otherwise', () => {
    const e = ev(l, { dport: 7 });
    expect(e.verdict).toBe('unknown');
    expect(e.reason).toContain('whether this rule is limited to one address family is not visible');
    expect(ev(l, { dport: 8 }).rejected).toBe(true);
    expect(verdict(l, { dport: 8, src: '203.0.113.1' })).toBe('accept');
  });
});
