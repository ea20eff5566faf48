import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
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

  it('accepts host bits set but says so and normalises', () => {
    const r = ok('10.0.0.5/24');
    expect(r.hostBitsSet).toBe(true);
    expect(r.network.display).toBe('10.0.0.0/24');
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
    ['vault.example.com', /hostnames are not accepted/],
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

  it('round-trips every IPv6 address', () => {
    fc.assert(
      fc.property(fc.ipV6(), fc.integer({ min: 0, max: 128 }), (ip, prefix) => {
        const r = ok(`${ip}/${prefix}`);
        expect(ok(r.network.cidr).network.cidr).toBe(r.network.cidr);
        expect(contains(r.network, ok(ip).network)).toBe(true);
      }),
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
