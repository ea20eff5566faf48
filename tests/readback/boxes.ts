/**
 * Sets of allowed traffic as unions of boxes: (family, protocol) × destination port span ×
 * source addresses × destination addresses. Two unions are compared through a canonical form
 * (maximal strips, dimension by dimension), so the same traffic written as other CIDRs, merged
 * port ranges or aggregated networks compares equal, and any address or port too many or too few
 * does not.
 */
import { flowsOf, parseAddress, type AddressEntry, type ExpandedRule, type Family, type Network, type PlanNodeRef, type Protocol } from '../../src/engine/index.ts';

export type Range = readonly [bigint, bigint];

export interface Box {
  /** "4/tcp", "6/udp" */
  readonly key: string;
  /** [ports, sources, destinations] */
  readonly ranges: readonly [Range, Range, Range];
}

export function box(family: Family, protocol: Protocol, ports: readonly [number, number], src: Range, dst: Range): Box {
  return { key: `${family}/${protocol}`, ranges: [[BigInt(ports[0]), BigInt(ports[1])], src, dst] };
}

export function rangeOf(n: Network): Range {
  return [n.start, n.end];
}

/** A CIDR or address as the target wrote it, parsed strictly (host bits set are an error here). */
export function networkOf(text: string): Network {
  const p = parseAddress(text);
  if (!p.ok) throw new Error(`not an address: ${text} (${p.reason})`);
  if (p.hostBitsSet) throw new Error(`host bits set: ${text}`);
  return p.network;
}

function canon(items: readonly (readonly Range[])[], d: number): string {
  if (items.length === 0) return '';
  if (d === (items[0] as readonly Range[]).length) return '*';
  const points = new Set<bigint>();
  for (const it of items) {
    const r = it[d] as Range;
    points.add(r[0]);
    points.add(r[1] + 1n);
  }
  const sorted = [...points].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const order = items.map((_, i) => i).sort((a, b) => {
    const x = (items[a] as readonly Range[])[d] as Range;
    const y = (items[b] as readonly Range[])[d] as Range;
    return x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0;
  });
  const memo = new Map<string, string>();
  const out: string[] = [];
  let next = 0;
  let active: number[] = [];
  let open: { lo: bigint; sub: string } | undefined;
  let last = -1n;
  const close = (hi: bigint) => {
    if (open && open.sub !== '') out.push(`${open.lo}-${hi}(${open.sub})`);
    open = undefined;
  };
  for (let i = 0; i < sorted.length - 1; i++) {
    const lo = sorted[i] as bigint;
    const hi = (sorted[i + 1] as bigint) - 1n;
    while (next < order.length && ((items[order[next] as number] as readonly Range[])[d] as Range)[0] <= lo) active.push(order[next++] as number);
    active = active.filter((k) => ((items[k] as readonly Range[])[d] as Range)[1] >= lo);
    const memoKey = [...active].sort((a, b) => a - b).join(',');
    let sub = memo.get(memoKey);
    if (sub === undefined) {
      sub = canon(active.map((k) => items[k] as readonly Range[]), d + 1);
      memo.set(memoKey, sub);
    }
    if (open && open.sub === sub) {
      last = hi;
      continue;
    }
    close(last);
    open = { lo, sub };
    last = hi;
  }
  close(last);
  return out.join(';');
}

/** The canonical text of a union of boxes: equal texts, equal traffic. */
export function canonical(boxes: readonly Box[]): string {
  const byKey = new Map<string, Range[][]>();
  for (const b of boxes) {
    const list = byKey.get(b.key) ?? [];
    list.push([...b.ranges]);
    byKey.set(b.key, list);
  }
  return [...byKey.keys()]
    .sort()
    .map((k) => `${k}: ${canon(byKey.get(k) as Range[][], 0)}`)
    .filter((l) => !l.endsWith(': '))
    .join('\n');
}

/** Every flow of the rules as a box: its source and destination entries, its protocol and port span. */
export function flowBoxes(rules: readonly ExpandedRule[], keep: (destination: AddressEntry) => boolean = () => true): Box[] {
  const out: Box[] = [];
  for (const f of flowsOf(rules)) {
    if (!keep(f.destination)) continue;
    out.push(box(f.family, f.protocol, [f.port, f.portEnd], rangeOf(f.source.network), rangeOf(f.destination.network)));
  }
  return out;
}

export function nodeAddresses(nodes: readonly PlanNodeRef[]): Network[] {
  return nodes.flatMap((n) => [n.v4, n.v6]).filter((a) => a !== undefined).map((a) => a.network);
}

function inside(r: Range, x: bigint): boolean {
  return r[0] <= x && x <= r[1];
}

/** The part of the boxes with a node at either end: what a firewall on the nodes' own interfaces sees. */
export function touchingNodes(boxes: readonly Box[], nodes: readonly Network[]): Box[] {
  const out: Box[] = [];
  for (const b of boxes) {
    for (const n of nodes) {
      if (!b.key.startsWith(`${n.family}/`)) continue;
      const [ports, src, dst] = b.ranges;
      if (inside(src, n.start)) out.push({ key: b.key, ranges: [ports, [n.start, n.start], dst] });
      if (inside(dst, n.start)) out.push({ key: b.key, ranges: [ports, src, [n.start, n.start]] });
    }
  }
  return out;
}

/** A node to itself on every port: never on the wire, so left out of every comparison (added to both sides). */
export function selfPairs(nodes: readonly Network[]): Box[] {
  return nodes.flatMap((n) => (['tcp', 'udp'] as const).map((p) => box(n.family, p, [0, 65535], [n.start, n.start], [n.start, n.start])));
}

/** Port spans (per protocol) a set of boxes allows from one address to another, canonical. */
export function between(boxes: readonly Box[], a: Network, b: Network): string {
  const hits = boxes.filter((x) => x.key.startsWith(`${a.family}/`) && inside(x.ranges[1], a.start) && inside(x.ranges[2], b.start));
  return canonical(hits.map((x) => ({ key: x.key, ranges: [x.ranges[0], [0n, 0n], [0n, 0n]] as const })));
}
