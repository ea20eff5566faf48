import ipaddr from 'ipaddr.js';

export type Family = 4 | 6;

/** A parsed, normalised network: host bits cleared, canonical text. */
export interface Network {
  readonly family: Family;
  readonly prefix: number;
  /** first address of the network as an unsigned integer (IPv4 fits a number, IPv6 needs bigint) */
  readonly start: bigint;
  /** last address of the network */
  readonly end: bigint;
  /** canonical address text without prefix: 10.0.0.0, 2001:db8::1 */
  readonly address: string;
  /** canonical CIDR text: always carries the prefix (10.0.0.10/32) */
  readonly cidr: string;
  /** what a person reads: a host is shown without prefix, a network with it */
  readonly display: string;
}

export type ParseResult =
  | { ok: true; network: Network; hostBitsSet: boolean }
  | { ok: false; reason: string };

const IPV4_DOTTED = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const PREFIX = /^(0|[1-9]\d{0,2})$/;

function bitsOf(family: Family): number {
  return family === 4 ? 32 : 128;
}

function toBigInt(bytes: number[]): bigint {
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  return value;
}

function fromBigInt(value: bigint, family: Family): string {
  const count = family === 4 ? 4 : 16;
  const bytes: number[] = new Array<number>(count);
  let v = value;
  for (let i = count - 1; i >= 0; i--) {
    bytes[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  if (family === 4) return bytes.join('.');
  return new ipaddr.IPv6(bytes).toRFC5952String();
}

export function makeNetwork(family: Family, start: bigint, prefix: number): Network {
  const bits = bitsOf(family);
  const hostBits = BigInt(bits - prefix);
  const size = 1n << hostBits;
  const first = (start >> hostBits) << hostBits;
  const address = fromBigInt(first, family);
  return networkOf(family, first, first + size - 1n, prefix, address);
}

function networkOf(family: Family, start: bigint, end: bigint, prefix: number, address: string): Network {
  const cidr = `${address}/${prefix}`;
  return { family, prefix, start, end, address, cidr, display: prefix === bitsOf(family) ? address : cidr };
}

/** IPv4 with plain numbers: parsing thousands of entries per keystroke must stay cheap. */
function ipv4Network(text: string, prefix: number): { network: Network; hostBitsSet: boolean } {
  let value = 0;
  let octet = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      value = value * 256 + octet;
      octet = 0;
    } else {
      octet = octet * 10 + (c - 48);
    }
  }
  value = value * 256 + octet;
  const size = 2 ** (32 - prefix);
  const first = value - (value % size);
  const address = first === value ? text : `${Math.floor(first / 16777216)}.${Math.floor(first / 65536) % 256}.${Math.floor(first / 256) % 256}.${first % 256}`;
  return { network: networkOf(4, BigInt(first), BigInt(first + size - 1), prefix, address), hostBitsSet: first !== value };
}

/**
 * Parse one entry: an IPv4 or IPv6 address, or a CIDR. Strict: no hostnames, no shortened
 * or octal IPv4 forms, no zone ids, no ranges, no surrounding spaces.
 */
export function parseAddress(input: string): ParseResult {
  const text = input;
  if (text.length === 0) return { ok: false, reason: 'is empty' };
  if (text.length > 100) return { ok: false, reason: 'is too long to be an address' };
  if (/\s/.test(text)) return { ok: false, reason: 'contains spaces (write one address or CIDR per entry; ranges are not accepted)' };
  const slash = text.indexOf('/');
  const addrText = slash === -1 ? text : text.slice(0, slash);
  const prefixText = slash === -1 ? undefined : text.slice(slash + 1);
  const isV6 = addrText.includes(':');
  if (isV6) {
    if (addrText.includes('%')) return { ok: false, reason: 'has a zone id (%…), which a firewall rule cannot use' };
    if (!ipaddr.IPv6.isValid(addrText)) return { ok: false, reason: 'is not a valid IPv6 address' };
  } else if (!IPV4_DOTTED.test(addrText)) {
    if (/^[\d.]+$/.test(addrText)) return { ok: false, reason: 'is not a valid IPv4 address (four numbers 0–255, no leading zeros)' };
    if (addrText.includes('-')) return { ok: false, reason: 'looks like a range; write it as CIDRs' };
    return { ok: false, reason: 'is not an IP address or CIDR (hostnames are not accepted)' };
  }
  const family: Family = isV6 ? 6 : 4;
  const bits = bitsOf(family);
  let prefix = bits;
  if (prefixText !== undefined) {
    if (!PREFIX.test(prefixText)) return { ok: false, reason: `has an invalid prefix length "/${prefixText}"` };
    prefix = Number(prefixText);
    if (prefix > bits) return { ok: false, reason: `has prefix /${prefix}, more than the ${bits} bits of an IPv${family} address` };
  }
  if (family === 4) return { ok: true, ...ipv4Network(addrText, prefix) };
  const start = toBigInt(ipaddr.IPv6.parse(addrText).toByteArray());
  const network = makeNetwork(family, start, prefix);
  return { ok: true, network, hostBitsSet: network.start !== start };
}

export function contains(outer: Network, inner: Network): boolean {
  return outer.family === inner.family && outer.start <= inner.start && inner.end <= outer.end;
}

export function overlaps(a: Network, b: Network): boolean {
  return a.family === b.family && a.start <= b.end && b.start <= a.end;
}

export function compareNetworks(a: Network, b: Network): number {
  if (a.family !== b.family) return a.family - b.family;
  if (a.start !== b.start) return a.start < b.start ? -1 : 1;
  return a.prefix - b.prefix;
}

/** The largest CIDR blocks that exactly cover [start, end]. */
function rangeToNetworks(family: Family, start: bigint, end: bigint, out: Network[]): void {
  const bits = bitsOf(family);
  let cur = start;
  while (cur <= end) {
    // largest block aligned at cur
    let size = 1n;
    let hostBits = 0;
    while (hostBits < bits) {
      const next = size << 1n;
      if ((cur & (next - 1n)) !== 0n || cur + next - 1n > end) break;
      size = next;
      hostBits++;
    }
    out.push(makeNetwork(family, cur, bits - hostBits));
    cur += size;
  }
}

/**
 * Merge adjacent and overlapping networks into the fewest CIDRs that cover exactly the same
 * addresses. The result is sorted; families are kept apart.
 */
export function aggregate(networks: readonly Network[]): Network[] {
  const sorted = [...networks].sort(compareNetworks);
  const out: Network[] = [];
  let i = 0;
  while (i < sorted.length) {
    const first = sorted[i] as Network;
    const family = first.family;
    const start = first.start;
    let end = first.end;
    let widest = first;
    i++;
    while (i < sorted.length) {
      const n = sorted[i] as Network;
      if (n.family !== family || n.start > end + 1n) break;
      if (n.end > end) {
        end = n.end;
        widest = n;
      }
      i++;
    }
    // a run that one input network covers needs no splitting (the common case)
    if (widest.start === start && widest.end === end) out.push(widest);
    else rangeToNetworks(family, start, end, out);
  }
  return out;
}
