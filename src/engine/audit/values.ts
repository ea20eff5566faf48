/**
 * Values both parsers need: addresses as ranges, port and protocol numbers, interface patterns.
 */
import { parseAddress, type Family } from '../net/address.ts';
import type { AddrRange, IfacePattern, NumRange } from './types.ts';

export const ADDRESS_BITS: Record<Family, number> = { 4: 32, 6: 128 };

export function maxAddress(family: Family): bigint {
  return (1n << BigInt(ADDRESS_BITS[family])) - 1n;
}

/** A single address of a family (no prefix): its integer, or undefined. */
export function addressValue(text: string, family: Family): bigint | undefined {
  if (text.includes('/')) return undefined;
  const parsed = parseAddress(text);
  if (!parsed.ok || parsed.network.family !== family) return undefined;
  return parsed.network.start;
}

/**
 * An address or CIDR of the given family as a range (host bits are cleared, as the kernel does).
 * A dotted mask (iptables-save prints `/255.255.0.255` for a mask that is not a prefix) is
 * accepted when it is contiguous; otherwise the reason is returned.
 */
export function addressRange(text: string, family: Family): { ok: true; range: AddrRange } | { ok: false; reason: string } {
  const slash = text.indexOf('/');
  if (slash !== -1 && family === 4 && text.slice(slash + 1).includes('.')) {
    const mask = addressValue(text.slice(slash + 1), 4);
    if (mask === undefined) return { ok: false, reason: `"${text}" has an invalid netmask` };
    let prefix = 0;
    while (prefix < 32 && (mask >> BigInt(31 - prefix)) & 1n) prefix++;
    const contiguous = prefix === 32 ? mask === 0xffffffffn : (mask & ((1n << BigInt(32 - prefix)) - 1n)) === 0n;
    if (!contiguous) return { ok: false, reason: `"${text}" has a non-contiguous netmask, which is not evaluated` };
    return addressRange(`${text.slice(0, slash)}/${prefix}`, 4);
  }
  const parsed = parseAddress(text);
  if (!parsed.ok) return { ok: false, reason: `"${text}" ${parsed.reason}` };
  if (parsed.network.family !== family) return { ok: false, reason: `"${text}" is not an IPv${family} address` };
  return { ok: true, range: { lo: parsed.network.start, hi: parsed.network.end } };
}

export function inNumRanges(value: number, ranges: readonly NumRange[]): boolean {
  return ranges.some((r) => r.lo <= value && value <= r.hi);
}

/** Protocol names as /etc/protocols and nft write them. */
const PROTOCOLS: Record<string, number> = {
  icmp: 1,
  igmp: 2,
  tcp: 6,
  udp: 17,
  dccp: 33,
  gre: 47,
  esp: 50,
  ah: 51,
  'ipv6-icmp': 58,
  icmpv6: 58,
  icmp6: 58,
  comp: 108,
  sctp: 132,
  udplite: 136,
};

/** A protocol name or number (0–255), or undefined. */
export function protocolNumber(text: string): number | undefined {
  if (/^\d{1,3}$/.test(text)) {
    const n = Number(text);
    return n <= 255 ? n : undefined;
  }
  return PROTOCOLS[text.toLowerCase()];
}

/** The layer 4 protocol number of a packet. */
export function packetProtocol(proto: 'tcp' | 'udp' | 'icmp', family: Family): number {
  if (proto === 'tcp') return 6;
  if (proto === 'udp') return 17;
  return family === 4 ? 1 : 58;
}

export function protocolName(n: number): string {
  const name = Object.entries(PROTOCOLS).find(([, v]) => v === n)?.[0];
  return name ?? String(n);
}

/** A port number 0–65535 written in decimal, or undefined. */
export function portNumber(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= 65535 ? n : undefined;
}

export function ifaceMatches(name: string, pattern: IfacePattern): boolean {
  return pattern.prefix ? name.startsWith(pattern.name) : name === pattern.name;
}

/** A bounded, single-line excerpt of hostile text for an error message. */
export function excerpt(text: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
