import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import ipaddr from 'ipaddr.js';
import { aggregate, contains, overlaps, parseAddress } from './address.ts';

function ok(text: string) {
  const r = parseAddress(text);
  if (!r.ok) throw new Error(`${text}: ${r.reason}`);
  return r;
}

describe('parseAddress', () => {
  it('accepts IPv4 and IPv6 addresses and CIDRs, normalised', () => {
    expect(ok('10.0.0.10').network.display).toBe('10.0.0.10');
    expect(ok('10.0.0.10').network.cidr).toBe('10.0.0.10/32');
    expect(ok('10.0.0.0/8').network.display).toBe('10.0.0.0/8');
    expect(ok('2001:DB8:0:0::1').network.display).toBe('2001:db8::1');
    expect(ok('2001:db8::/32').network.family).toBe(6);
    expect(ok('0.0.0.0/0').network.prefix).toBe(0);
    expect(ok('::/0').network.display).toBe('::/0');
  });

  it('says when host bits are set, with both meanings: the network and the host', () => {
    const r = ok('10.0.0.5/24');
    expect(r.hostBitsSet).toBe(true);
    expect(r.network.display).toBe('10.0.0.0/24');
    expect(r.host?.display).toBe('10.0.0.5');
    expect(ok('2001:db8::1/64').host?.display).toBe('2001:db8::1');
    expect(ok('10.0.0.0/24').hostBitsSet).toBe(false);
    expect(ok('2001:db8::1/64').network.display).toBe('2001:db8::/64');
  });

  it.each([
    ['10.0.0.300', /not a valid IPv4/],
    ['10.0.0', /not a valid IPv4/],
    ['010.0.0.1', /not a valid IPv4/],
    ['10.0.0.0/33', /more than the 32 bits/],
    ['2001:db8::/129', /more than the 128 bits/],
    ['10.0.0.0/-1', /invalid prefix/],
    ['10.0.0.0/08', /invalid prefix/],
    ['vault.example.com', /is a hostname/],
    ['vault-01.example.com', /is a hostname/],
    ['vault-01', /is a hostname/],
    ['::192.0.2.1', /IPv4-compatible IPv6 address .* deprecated/],
    ['::198.51.100.0/120', /IPv4-compatible/],
    ['::ffff:0177.0.0.1', /IPv4 part must be four numbers 0–255 without leading zeros/],
    ['::ffff:192.0.2.010', /IPv4 part/],
    ['0177.0.0.1', /not a valid IPv4/],
    ['1:2:3:4:5:6:7:8:9', /not a valid IPv6/],
    ['1::2::3', /not a valid IPv6/],
    ['10.0.0.1 - 10.0.0.9', /contains spaces/],
    ['10.0.0.1-10.0.0.9', /range/],
    [' 10.0.0.1', /contains spaces/],
    ['fe80::1%eth0', /zone id/],
    ['2001:db8:::1', /not a valid IPv6/],
    ['', /empty/],
  ])('refuses %j with a reason', (text, reason) => {
    const r = parseAddress(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it('round-trips every IPv4 address and prefix', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 0, max: 32 }), (ip, prefix) => {
        const r = ok(`${ip}/${prefix}`);
        const again = ok(r.network.cidr);
        expect(again.network.cidr).toBe(r.network.cidr);
        expect(again.hostBitsSet).toBe(false);
        expect(contains(r.network, ok(ip).network)).toBe(true);
      }),
    );
  });

  it('round-trips every IPv6 address (but the deprecated IPv4-compatible form, which is refused)', () => {
    const compatible = (t: string) => {
      const r = parseAddress(t);
      return !r.ok && /IPv4-compatible/.test(r.reason);
    };
    fc.assert(
      fc.property(fc.ipV6().filter((t) => !compatible(t)), fc.integer({ min: 0, max: 128 }), (ip, prefix) => {
        const r = ok(`${ip}/${prefix}`);
        expect(ok(r.network.cidr).network.cidr).toBe(r.network.cidr);
        expect(contains(r.network, ok(ip).network)).toBe(true);
      }),
    );
  });

  it('keeps an embedded IPv4 part exactly: the address written, never another one', () => {
    expect(ok('::ffff:192.0.2.1').network.display).toBe('::ffff:192.0.2.1');
    expect(ok('::ffff:192.0.2.1').network.start).toBe(0xffffc0000201n);
    expect(ok('64:ff9b::192.0.2.1').network.display).toBe('64:ff9b::c000:201');
    expect(ok('::c000:201').network.display).toBe('::c000:201');
    expect(ok('::/96').network.display).toBe('::/96');
  });

  it('reads every hexadecimal IPv6 form as ipaddr.js does (the library as an oracle)', () => {
    fc.assert(
      fc.property(fc.ipV6().filter((t) => !t.includes('.')), (text) => {
        const mine = ok(text).network;
        const bytes = ipaddr.IPv6.parse(text).toByteArray();
        const value = bytes.reduce((v, b) => (v << 8n) | BigInt(b), 0n);
        expect(mine.start).toBe(value);
        // the canonical text reads back to the same address
        expect(ok(mine.address).network.start).toBe(value);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws, whatever the text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => { parseAddress(s); }));
  });
});

describe('contains, overlaps, aggregate', () => {
  it('never mixes families', () => {
    expect(overlaps(ok('0.0.0.0/0').network, ok('::/0').network)).toBe(false);
  });

  it('merges adjacent halves and drops what a wider entry covers', () => {
    const nets = ['10.0.0.0/25', '10.0.0.128/25', '192.0.2.7', '192.0.2.0/24', '2001:db8::/33', '2001:db8:8000::/33'].map((t) => ok(t).network);
    expect(aggregate(nets).map((n) => n.display)).toEqual(['10.0.0.0/24', '192.0.2.0/24', '2001:db8::/32']);
  });

  it('splits a merged range back into aligned CIDRs', () => {
    const nets = ['10.0.0.1', '10.0.0.2', '10.0.0.3'].map((t) => ok(t).network);
    expect(aggregate(nets).map((n) => n.display)).toEqual(['10.0.0.1', '10.0.0.2/31']);
  });
});
