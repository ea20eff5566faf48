import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluate, parseIpsetSave, parseIptablesSave, parseNftJson, type Loaded, type Packet } from './index.ts';

const FIXTURES = new URL('../../../tests/fixtures/audit/', import.meta.url);
const fixture = (name: string): string => readFileSync(new URL(name, FIXTURES), 'utf8');

function must<T>(r: { ok: true; value: T } | { ok: false; errors: readonly { message: string }[] }): T {
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.value;
}

/** What iptables-nft left in a namespace, read back with the four real tools (captured once). */
const REAL: Loaded = {
  iptables: must(parseIptablesSave(fixture('iptables-nft.iptables-save'), 4)),
  ip6tables: must(parseIptablesSave(fixture('iptables-nft.ip6tables-save'), 6)),
  ipsets: must(parseIpsetSave(fixture('iptables-nft.ipset-save'))),
  nft: must(parseNftJson(fixture('iptables-nft.json'))),
};

const IN: Packet = { family: 4, hook: 'input', src: '198.51.100.7', dst: '192.0.2.10', proto: 'tcp', sport: 40000, dport: 22, state: 'new', iif: 'eth0' };

describe('evaluate: iptables-nft read back with every tool', () => {
  it('evaluates the iptables tables from iptables-save and says why the nft copies are skipped', () => {
    const e = evaluate(REAL, IN);
    expect(e.verdict).toBe('accept');
    expect(e.trace).toEqual([
      'iptables filter line 10: -A INPUT -p tcp -m set --match-set users src -m multiport --dports 22,443 -m comment --comment "admins \\"here\\"" -j ADMIN',
      'iptables filter line 16: -A ADMIN -j ACCEPT',
    ]);
    expect(e.notes).toContain('iptables: every rule is checked against iptables-save and nft\'s view of it (iptables-save can leave out a repeated -m tcp/-m udp match)');
    // a RETURN in ADMIN goes back to INPUT; the REJECT there is for 8080 only (see below), so the policy drops
    const back = evaluate(REAL, { ...IN, src: '198.51.100.10' });
    expect(back.verdict).toBe('drop');
    expect(back.reason).toMatch(/:INPUT DROP/);
    expect(evaluate(REAL, { ...IN, src: '198.51.100.10', dport: 8080 }).rejected).toBe(true);
    const six = evaluate(REAL, { ...IN, family: 6, src: '2001:db8::10', dst: '2001:db8::1', proto: 'udp', dport: 9 });
    expect(six.verdict).toBe('accept');
    expect(six.trace).toEqual(['ip6tables filter line 7: -A INPUT -p udp -m set --match-set hosts6 src -j ACCEPT']);
  });

  it('a rule iptables-save shows with one of its two -m udp matches is still evaluated with both (nft shows them)', () => {
    // loaded: -p udp -m udp --dport 1000:2000 -m udp ! --dport 1500 -j ACCEPT; saved: -p udp -m udp ! --dport 1500 -j ACCEPT
    const udp = (dport: number) => evaluate(REAL, { ...IN, proto: 'udp', src: '203.0.113.1', dport }).verdict;
    expect(udp(1200)).toBe('accept');
    expect(udp(1500)).toBe('drop');
    expect(udp(53)).toBe('drop');
    // from iptables-save alone, 53 would be accepted: that is what the pairing prevents
    expect(evaluate({ ...REAL, nft: undefined }, { ...IN, proto: 'udp', src: '203.0.113.1', dport: 53 }).verdict).toBe('accept');
  });

  it('when the two views of iptables-nft do not line up, iptables-save alone is used, and said so', () => {
    const shorter = must(parseIptablesSave(fixture('iptables-nft.iptables-save').replace(/^-A ADMIN -j ACCEPT\n/m, ''), 4));
    const e = evaluate({ ...REAL, iptables: shorter }, IN);
    expect(e.notes.some((n) => n.includes("iptables-save and nft's view of iptables-nft's table ip filter differ (chain ADMIN has 1 rules in iptables-save and 2 in nft's view)"))).toBe(true);
  });
});

describe('evaluate: several rulesets and chains', () => {
  const nft = (chains: string): Loaded['nft'] => must(parseNftJson(chains));
  const chain = (table: string, family: string, hook: string, prio: number, policy: string, rules: unknown[][] = []): unknown[] => [
    { table: { family, name: table } },
    { chain: { family, table, name: hook, type: 'filter', hook, prio, policy } },
    ...rules.map((expr) => ({ rule: { family, table, chain: hook, expr } })),
  ];
  const listing = (...parts: unknown[][]): string => JSON.stringify({ nftables: parts.flat() });
  const acceptAll = must(parseIptablesSave('*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n', 4));
  const dropAll = must(parseIptablesSave('*filter\n:INPUT DROP [0:0]\nCOMMIT\n', 4));

  it('a packet is accepted only when iptables and every nft base chain accept it', () => {
    const accept = nft(listing(chain('a', 'inet', 'input', 0, 'accept')));
    const drop = nft(listing(chain('a', 'inet', 'input', 10, 'drop')));
    expect(evaluate({ iptables: acceptAll, nft: accept }, IN).verdict).toBe('accept');
    expect(evaluate({ iptables: acceptAll, nft: drop }, IN).reason).toMatch(/^dropped by nft table inet a chain input/);
    expect(evaluate({ iptables: dropAll, nft: accept }, IN).reason).toMatch(/^dropped by iptables filter INPUT/);
  });

  it('an unknown chain after a drop does not matter; before one, the verdict is unknown', () => {
    const unknownRule = [{ queue: { num: 0 } }];
    const early = nft(listing(chain('u', 'inet', 'input', -5, 'accept', [unknownRule])));
    const late = nft(listing(chain('u', 'inet', 'input', 5, 'accept', [unknownRule])));
    expect(evaluate({ iptables: dropAll, nft: late }, IN).verdict).toBe('drop');
    expect(evaluate({ iptables: dropAll, nft: early }, IN).verdict).toBe('unknown');
  });

  it('chains at the same priority: the verdict does not depend on their order, and that is said', () => {
    const tied = nft(listing(chain('a', 'inet', 'input', 0, 'accept', [[{ reject: null }]]), chain('b', 'inet', 'input', 0, 'drop')));
    const e = evaluate({ nft: tied }, IN);
    expect(e.verdict).toBe('drop');
    expect(e.rejected).toBe(true);
    expect(e.notes.some((n) => n.includes('share a priority'))).toBe(true);
  });

  it('a prerouting chain before conntrack (priority below -200) sees the state as invalid', () => {
    const raw = nft(listing(chain('r', 'inet', 'prerouting', -300, 'accept', [[{ match: { op: 'in', left: { ct: { key: 'state' } }, right: 'invalid' } }, { drop: null }]])));
    expect(evaluate({ nft: raw }, IN).verdict).toBe('drop');
    const later = nft(listing(chain('r', 'inet', 'prerouting', -150, 'accept', [[{ match: { op: 'in', left: { ct: { key: 'state' } }, right: 'invalid' } }, { drop: null }]])));
    expect(evaluate({ nft: later }, IN).verdict).toBe('accept');
    // output and postrouting are on the way of an outgoing packet, prerouting is not
    expect(evaluate({ nft: raw }, { ...IN, hook: 'output', iif: undefined, oif: 'eth0' }).verdict).toBe('accept');
  });

  it('nothing given for the packet family is unknown; a ruleset given with no chain on the path accepts', () => {
    const onlySix = must(parseIptablesSave('*filter\n:INPUT DROP [0:0]\nCOMMIT\n', 6));
    expect(evaluate({ ip6tables: onlySix }, IN).reason).toMatch(/neither iptables-save nor nft output is given/);
    const forwardOnly = nft(listing(chain('f', 'inet', 'forward', 0, 'drop')));
    const e = evaluate({ nft: forwardOnly }, IN);
    expect(e.verdict).toBe('accept');
    expect(e.reason).toMatch(/nothing filters it/);
    expect(e.notes.some((n) => n.includes('no iptables-save output given'))).toBe(true);
  });

  it('a ruleset parsed for the other family is refused', () => {
    const e = evaluate({ iptables: must(parseIptablesSave('', 6)) }, IN);
    expect(e.verdict).toBe('unknown');
    expect(e.reason).toMatch(/parsed as IPv6/);
  });
});

describe('evaluate: the packet is checked, never trusted', () => {
  const l: Loaded = { iptables: must(parseIptablesSave('', 4)) };
  const bad: [string, Partial<Packet> | Record<string, unknown>, RegExp][] = [
    ['a source of the other family', { src: '2001:db8::1' }, /source "2001:db8::1" is not an IPv4 address/],
    ['a CIDR as destination', { dst: '192.0.2.0/24' }, /destination/],
    ['a port out of range', { dport: 70000 }, /dport must be a port number/],
    ['an unknown protocol', { proto: 'sctp' }, /protocol must be tcp, udp or icmp/],
    ['an unknown state', { state: 'untracked' }, /state must be/],
    ['an unknown hook', { hook: 'prerouting' }, /hook must be/],
    ['an interface name that is too long', { iif: 'x'.repeat(16) }, /iif must be an interface name/],
    ['family 5', { family: 5 }, /family must be 4 or 6/],
  ];
  for (const [what, change, message] of bad) {
    it(what, () => {
      const e = evaluate(l, { ...IN, ...change } as Packet);
      expect(e.verdict).toBe('unknown');
      expect(e.reason).toMatch(message);
    });
  }
  it('not even an object', () => {
    expect(evaluate(l, null as unknown as Packet).verdict).toBe('unknown');
    expect(evaluate(undefined as unknown as Loaded, IN).verdict).toBe('unknown');
  });
});
