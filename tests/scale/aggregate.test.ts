import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregate, compareNetworks, expandPlan, exportPlan, parseAddress, type Family, type Network } from '../../src/engine/index.ts';
import { parsePlan } from '../../src/engine/schema.ts';

/**
 * The engine's `aggregate` against a reference written differently: the set of addresses the
 * input covers (merged ranges), and the unique minimal CIDR cover of that set found by walking
 * the prefix tree from /0 down (a block goes in whole when it lies inside the set, and is split
 * in halves when it only overlaps it). The minimal cover of an address set is unique, so the
 * engine must return exactly these blocks, in order.
 */

interface Range {
  readonly family: Family;
  readonly start: bigint;
  readonly end: bigint;
}

const BITS: Record<Family, number> = { 4: 32, 6: 128 };

function net(text: string): Network {
  const r = parseAddress(text);
  if (!r.ok) throw new Error(`${text}: ${r.reason}`);
  return r.network;
}

/** Addresses covered, as sorted, disjoint, non-adjacent ranges per family. */
function coveredRanges(networks: readonly { family: Family; start: bigint; end: bigint }[]): Range[] {
  const sorted = [...networks].sort((a, b) => a.family - b.family || (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const out: { family: Family; start: bigint; end: bigint }[] = [];
  for (const n of sorted) {
    const last = out[out.length - 1];
    if (last && last.family === n.family && n.start <= last.end + 1n) {
      if (n.end > last.end) last.end = n.end;
    } else {
      out.push({ family: n.family, start: n.start, end: n.end });
    }
  }
  return out;
}

/** The minimal CIDR cover of `ranges` (one family), from the prefix tree, as "start/prefix" keys. */
function referenceCover(family: Family, ranges: readonly Range[]): string[] {
  const bits = BITS[family];
  const out: string[] = [];
  const visit = (start: bigint, prefix: number) => {
    const end = start + (1n << BigInt(bits - prefix)) - 1n;
    const touching = ranges.filter((r) => r.start <= end && start <= r.end);
    if (touching.length === 0) return;
    if (touching.some((r) => r.start <= start && end <= r.end)) {
      out.push(`${start}/${prefix}`);
      return;
    }
    const half = 1n << BigInt(bits - prefix - 1);
    visit(start, prefix + 1);
    visit(start + half, prefix + 1);
  };
  visit(0n, 0);
  return out;
}

function reference(networks: readonly Network[]): string[] {
  const ranges = coveredRanges(networks);
  return ([4, 6] as const).flatMap((family) => referenceCover(family, ranges.filter((r) => r.family === family)).map((k) => `${family}:${k}`));
}

function keys(networks: readonly Network[]): string[] {
  return networks.map((n) => `${n.family}:${n.start}/${n.prefix}`);
}

function ipv4Text(value: bigint): string {
  const v = Number(value);
  return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
}

function ipv6Text(value: bigint): string {
  const words: string[] = [];
  for (let i = 7; i >= 0; i--) words.push(((value >> BigInt(16 * i)) & 0xffffn).toString(16));
  return words.join(':');
}

/**
 * Networks that crowd a few small windows of the address space (so they overlap, nest and touch
 * often), near its bottom and top edges too, with the odd very wide network.
 */
function networkArb(family: Family): fc.Arbitrary<Network> {
  const bits = BITS[family];
  const max = (1n << BigInt(bits)) - 1n;
  const windowBase = fc.constantFrom(0n, max - 4095n, family === 4 ? 0x0a000000n : 0x20010db8n << 96n, family === 4 ? 0xc0000200n : (0x20010db8n << 96n) + (1n << 64n));
  const near = fc.record({ base: windowBase, offset: fc.bigInt({ min: 0n, max: 4095n }), hostBits: fc.integer({ min: 0, max: 10 }) })
    .map(({ base, offset, hostBits }) => ({ value: base + offset, prefix: bits - hostBits }));
  // a few dozen addresses, small blocks: runs that touch end to end are common
  const denseBase = fc.constantFrom(family === 4 ? 0x0a000000n : 0x20010db8n << 96n, max - 63n);
  const dense = fc.record({ base: denseBase, offset: fc.bigInt({ min: 0n, max: 63n }), hostBits: fc.integer({ min: 0, max: 3 }) })
    .map(({ base, offset, hostBits }) => ({ value: base + offset, prefix: bits - hostBits }));
  const wide = fc.record({ value: fc.bigInt({ min: 0n, max }), prefix: fc.integer({ min: 0, max: bits }) });
  return fc.oneof({ arbitrary: dense, weight: 6 }, { arbitrary: near, weight: 4 }, { arbitrary: wide, weight: 1 }).map(({ value, prefix }) => {
    const text = family === 4 ? ipv4Text(value) : ipv6Text(value);
    return net(`${text}/${prefix}`);
  });
}

const networksArb = fc.array(fc.oneof(networkArb(4), networkArb(6)), { maxLength: 40 });

describe('aggregate against a reference implementation', () => {
  it('returns exactly the minimal CIDR cover of the addresses the input covers', () => {
    fc.assert(
      fc.property(networksArb, (input) => {
        expect(keys(aggregate(input))).toEqual(reference(input));
      }),
      { numRuns: 400 },
    );
  });

  it('covers the same addresses: merged ranges of input and output are equal', () => {
    fc.assert(
      fc.property(networksArb, (input) => {
        expect(coveredRanges(aggregate(input))).toEqual(coveredRanges(input));
      }),
      { numRuns: 1000 },
    );
  });

  it('is minimal and sorted: no overlap, no two sibling blocks left unmerged, families apart', () => {
    fc.assert(
      fc.property(networksArb, (input) => {
        const out = aggregate(input);
        for (let i = 1; i < out.length; i++) {
          const a = out[i - 1] as Network;
          const b = out[i] as Network;
          expect(compareNetworks(a, b)).toBeLessThan(0);
          if (a.family !== b.family) {
            expect(a.family).toBeLessThan(b.family);
            continue;
          }
          // sorted and disjoint
          expect(a.end < b.start).toBe(true);
          // two halves of one block would have been merged into it
          const bits = BITS[a.family];
          const siblings = a.prefix === b.prefix && a.prefix > 0 && a.end + 1n === b.start && a.start % (1n << BigInt(bits - a.prefix + 1)) === 0n;
          expect(siblings).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('returns well-formed networks whose text reads back as the same network', () => {
    fc.assert(
      fc.property(networksArb, (input) => {
        for (const n of aggregate(input)) {
          const size = 1n << BigInt(BITS[n.family] - n.prefix);
          expect(n.start % size).toBe(0n);
          expect(n.end).toBe(n.start + size - 1n);
          const again = net(n.cidr);
          expect([again.family, again.start, again.end, again.prefix]).toEqual([n.family, n.start, n.end, n.prefix]);
          expect(n.display).toBe(n.prefix === BITS[n.family] ? n.address : n.cidr);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('does not depend on the order of the input, and a second pass changes nothing', () => {
    fc.assert(
      fc.property(networksArb.chain((list) => fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length }))), ([list, shuffled]) => {
        const once = aggregate(list);
        expect(keys(aggregate(shuffled))).toEqual(keys(once));
        expect(keys(aggregate(once))).toEqual(keys(once));
      }),
      { numRuns: 200 },
    );
  });

  it('a list already in order (as plans usually are) gives the reference too, apart or not', () => {
    fc.assert(
      fc.property(networksArb, (input) => {
        const sorted = [...input].sort(compareNetworks);
        expect(keys(aggregate(sorted))).toEqual(reference(input));
      }),
      { numRuns: 400 },
    );
    // in order with gaps: nothing to merge, every network kept in its place
    const apart = ['10.0.0.1', '10.0.0.3', '10.0.1.0/24', '192.0.2.0/25', '2001:db8::1', '2001:db8::3'].map(net);
    expect(aggregate(apart).map((n) => n.display)).toEqual(['10.0.0.1', '10.0.0.3', '10.0.1.0/24', '192.0.2.0/25', '2001:db8::1', '2001:db8::3']);
    // one adjacent pair, or one out of order, and the list is merged and sorted as ever
    expect(aggregate(['10.0.0.1', '10.0.0.3', '10.0.0.4/30', '10.0.0.8'].map(net)).map((n) => n.display)).toEqual(['10.0.0.1', '10.0.0.3', '10.0.0.4/30', '10.0.0.8']);
    expect(aggregate(['10.0.0.1', '10.0.0.5', '10.0.0.3'].map(net)).map((n) => n.display)).toEqual(['10.0.0.1', '10.0.0.3', '10.0.0.5']);
    expect(aggregate(['2001:db8::1', '10.0.0.1'].map(net)).map((n) => n.display)).toEqual(['10.0.0.1', '2001:db8::1']);
  });

  it('checks itself: the reference splits a range into aligned blocks', () => {
    // guards the reference, not the engine: 10.0.0.1–10.0.0.3 is 10.0.0.1/32 + 10.0.0.2/31
    expect(reference([net('10.0.0.1'), net('10.0.0.2'), net('10.0.0.3')])).toEqual([`4:${0x0a000001n}/32`, `4:${0x0a000002n}/31`]);
    expect(reference([net('0.0.0.0/1'), net('128.0.0.0/1')])).toEqual(['4:0/0']);
  });
});

describe('the issue\'s examples', () => {
  const show = (texts: string[]) => aggregate(texts.map(net)).map((n) => n.display);

  it('merges two adjacent halves: 10.0.0.0/25 + 10.0.0.128/25 -> 10.0.0.0/24', () => {
    expect(show(['10.0.0.0/25', '10.0.0.128/25'])).toEqual(['10.0.0.0/24']);
    expect(show(['10.0.0.128/25', '10.0.0.0/25'])).toEqual(['10.0.0.0/24']);
  });

  it('drops a /32 inside a listed /24', () => {
    expect(show(['192.0.2.0/24', '192.0.2.77'])).toEqual(['192.0.2.0/24']);
    expect(show(['192.0.2.77', '192.0.2.0/24'])).toEqual(['192.0.2.0/24']);
    expect(show(['2001:db8::/64', '2001:db8::1'])).toEqual(['2001:db8::/64']);
  });

  it('extends a run by a host right after it: 10.0.0.0/31 + 10.0.0.2 + 10.0.0.3 -> 10.0.0.0/30', () => {
    expect(show(['10.0.0.0/31', '10.0.0.2', '10.0.0.3'])).toEqual(['10.0.0.0/30']);
    expect(show(['10.0.0.0/31', '10.0.0.2', '10.0.0.3', '10.0.0.4'])).toEqual(['10.0.0.0/30', '10.0.0.4']);
    expect(show(['255.255.255.254', '255.255.255.255'])).toEqual(['255.255.255.254/31']);
  });

  it('keeps halves that are adjacent but not siblings apart', () => {
    // 10.0.0.128/25 + 10.0.1.0/25 touch, but no single CIDR is exactly their union
    expect(show(['10.0.0.128/25', '10.0.1.0/25'])).toEqual(['10.0.0.128/25', '10.0.1.0/25']);
  });

  it('keeps entries as written in the rule set; iptables merges them in its address chains where that saves rules', () => {
    const parsed = parsePlan({ version: 1, cluster: false, roles: { PRD: ['192.0.2.10'], USERW: ['198.51.100.7'], DVC: ['10.0.0.0/25', '10.0.0.128/25', '198.51.100.0/24', { address: '198.51.100.9', label: 'sw-9' }, '203.0.113.5'] } });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const ruleSet = expandPlan(parsed.plan);
    const dvcRule = ruleSet.rules.find((r) => r.destination.role === 'DVC');
    expect(dvcRule?.destination.entries.map((e) => e.written)).toEqual(['10.0.0.0/25', '10.0.0.128/25', '198.51.100.0/24', '198.51.100.9', '203.0.113.5']);
    const ipt = exportPlan(parsed.plan, 'iptables', { scope: { kind: 'gateway' }, defaultDrop: false }, ruleSet);
    if (!ipt.ok) throw new Error(ipt.message);
    const chain = ipt.text.split('\n').filter((l) => l.startsWith('-A FWPLAN-DST-'));
    const dvcChain = chain.filter((l) => l.includes('FWPLAN-DST-DVC'));
    expect(dvcChain.map((l) => l.split(' ')[3])).toEqual(['10.0.0.0/24', '198.51.100.0/24', '203.0.113.5']);
    expect(dvcChain[1]).toMatch(/--comment "2 entries: 198\.51\.100\.0\/24, 198\.51\.100\.9 \(sw-9\)"/);
    const csv = exportPlan(parsed.plan, 'csv', { scope: { kind: 'gateway' }, defaultDrop: false }, ruleSet);
    expect(csv.ok && csv.text).toMatch(/,198\.51\.100\.9,sw-9,/);
  });
});
