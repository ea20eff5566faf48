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
  | {
      ok: true;
      network: Network;
      /**
       * The written CIDR had host bits set (10.0.0.5/24). `network` is then the network
       * (10.0.0.0/24) and `host` the single address written (10.0.0.5): two meanings, and the
       * plan must say which one it wants.
       */
      hostBitsSet: boolean;
      host?: Network;
    }
  | { ok: false; reason: string };

const IPV4_OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4_DOTTED = new RegExp(`^${IPV4_OCTET}(\\.${IPV4_OCTET}){3}$`);
const PREFIX = /^(0|[1-9]\d{0,2})$/;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;
const HOSTNAME = /^(?=.*[A-Za-z_])[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?$/;

export function familyBits(family: Family): number {
  return family === 4 ? 32 : 128;
}

/** Strict dotted-quad IPv4 (no leading zeros, no shortened forms) as an integer, or undefined. */
function ipv4Value(text: string): bigint | undefined {
  if (!IPV4_DOTTED.test(text)) return undefined;
  let value = 0;
  for (const part of text.split('.')) value = value * 256 + Number(part);
  return BigInt(value);
}

type V6Parse = { ok: true; value: bigint; dotted: boolean } | { ok: false; reason: string };

/**
 * IPv6 text (RFC 4291 §2.2) to its 128-bit value. Written by hand because ipaddr.js reads
 * `::192.0.2.1` as the IPv4-mapped `::ffff:192.0.2.1` (another address) and accepts leading
 * zeros in an embedded IPv4 part (`::ffff:0177.0.0.1`) that fwplan refuses in plain IPv4.
 */
function ipv6Value(text: string): V6Parse {
  const bad: V6Parse = { ok: false, reason: 'is not a valid IPv6 address' };
  const halves = text.split('::');
  if (halves.length > 2) return bad;
  const groupsOf = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const head = groupsOf(halves[0] ?? '');
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  const all = halves.length === 2 ? tail : head;
  const last = all[all.length - 1];
  let dotted: bigint | undefined;
  if (last !== undefined && last.includes('.')) {
    dotted = ipv4Value(last);
    if (dotted === undefined) {
      return { ok: false, reason: 'is not a valid IPv6 address (its IPv4 part must be four numbers 0–255 without leading zeros)' };
    }
    all.pop();
  }
  for (const g of [...head, ...tail]) if (!HEX_GROUP.test(g)) return bad;
  const width = head.length + tail.length + (dotted !== undefined ? 2 : 0);
  if (halves.length === 2 ? width > 7 : width !== 8) return bad;
  const groups: bigint[] = [
    ...head.map((g) => BigInt(`0x${g}`)),
    ...new Array<bigint>(halves.length === 2 ? 8 - width : 0).fill(0n),
    ...tail.map((g) => BigInt(`0x${g}`)),
  ];
  let value = 0n;
  for (const g of groups) value = (value << 16n) | g;
  if (dotted !== undefined) value = (value << 32n) | dotted;
  return { ok: true, value, dotted: dotted !== undefined };
}

function v4Text(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
}

/** RFC 5952: lower case, the longest run of two or more zero groups as ::, IPv4-mapped in dotted form. */
function v6Text(value: bigint): string {
  if (value >> 32n === 0xffffn) return `::ffff:${v4Text(value & 0xffffffffn)}`;
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (list: number[]) => list.map((g) => g.toString(16)).join(':');
  if (bestStart === -1) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

export function addressText(value: bigint, family: Family): string {
  return family === 4 ? v4Text(value) : v6Text(value);
}

export function makeNetwork(family: Family, start: bigint, prefix: number): Network {
  const bits = familyBits(family);
  const hostBits = BigInt(bits - prefix);
  const size = 1n << hostBits;
  const first = (start >> hostBits) << hostBits;
  return networkOf(family, first, first + size - 1n, prefix, addressText(first, family));
}

function networkOf(family: Family, start: bigint, end: bigint, prefix: number, address: string): Network {
  const cidr = `${address}/${prefix}`;
  return { family, prefix, start, end, address, cidr, display: prefix === familyBits(family) ? address : cidr };
}

/** IPv4 with plain numbers: parsing thousands of entries per keystroke must stay cheap. */
function ipv4Network(text: string, prefix: number): { network: Network; hostBitsSet: boolean; host?: Network } {
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
  const address = first === value ? text : v4Text(BigInt(first));
  const network = networkOf(4, BigInt(first), BigInt(first + size - 1), prefix, address);
  if (first === value) return { network, hostBitsSet: false };
  return { network, hostBitsSet: true, host: networkOf(4, BigInt(value), BigInt(value), 32, text) };
}

function refuseNonAddress(text: string): string {
  if (/^[\d.]+$/.test(text)) return 'is not a valid IPv4 address (four numbers 0–255, no leading zeros)';
  if (/^[\d.]+-[\d.]+$/.test(text) || /^[\d.]+-\d+$/.test(text)) return 'looks like a range; write it as CIDRs';
  if (HOSTNAME.test(text)) return 'is a hostname: a firewall rule needs an IP address or CIDR (resolve the name and enter its addresses)';
  return 'is not an IP address or CIDR';
}

/**
 * The common case without regular expressions or intermediate strings: a strict dotted-quad IPv4
 * address with an optional prefix and no host bits set. Anything else (IPv6, an error, host bits)
 * returns undefined and goes the general way (parseAddress), which explains it. Plans of a
 * million addresses spend most of their reading time here; a caller that reads many may try this
 * first and skip parseAddress's result object.
 */
export function plainIpv4(text: string): Network | undefined {
  const length = text.length;
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  let i = 0;
  for (; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      // no leading zeros: "0" alone is an octet, "01" is not
      if (digits === 1 && octet === 0) return undefined;
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return undefined;
    } else if (c === 46) {
      if (digits === 0 || ++dots > 3) return undefined;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
    } else if (c === 47) {
      break;
    } else {
      return undefined;
    }
  }
  if (dots !== 3 || digits === 0) return undefined;
  value = value * 256 + octet;
  let prefix = 32;
  if (i < length) {
    // "/" then 1–2 digits, no leading zero, at most 32
    const rest = length - i - 1;
    if (rest < 1 || rest > 2) return undefined;
    const d1 = text.charCodeAt(i + 1) - 48;
    if (d1 < 0 || d1 > 9) return undefined;
    if (rest === 2) {
      const d2 = text.charCodeAt(i + 2) - 48;
      if (d1 === 0 || d2 < 0 || d2 > 9) return undefined;
      prefix = d1 * 10 + d2;
      if (prefix > 32) return undefined;
    } else {
      prefix = d1;
    }
  }
  const size = 2 ** (32 - prefix);
  if (value % size !== 0) return undefined;
  const address = i === length ? text : text.slice(0, i);
  const start = BigInt(value);
  const cidr = i === length ? `${text}/32` : text;
  return { family: 4, prefix, start, end: size === 1 ? start : BigInt(value + size - 1), address, cidr, display: prefix === 32 ? address : cidr };
}

/**
 * Parse one entry: an IPv4 or IPv6 address, or a CIDR. Strict: no hostnames, no shortened
 * or octal IPv4 forms, no zone ids, no ranges, no surrounding spaces, no deprecated
 * IPv4-compatible IPv6 (::a.b.c.d).
 */
export function parseAddress(input: string): ParseResult {
  const text = input;
  const plain = plainIpv4(text);
  if (plain !== undefined) return { ok: true, network: plain, hostBitsSet: false };
  if (text.length === 0) return { ok: false, reason: 'is empty' };
  if (text.length > 100) return { ok: false, reason: 'is too long to be an address' };
  if (/\s/.test(text)) return { ok: false, reason: 'contains spaces (write one address or CIDR per entry; ranges are not accepted)' };
  const slash = text.indexOf('/');
  const addrText = slash === -1 ? text : text.slice(0, slash);
  const prefixText = slash === -1 ? undefined : text.slice(slash + 1);
  const isV6 = addrText.includes(':');
  let v6: bigint | undefined;
  if (isV6) {
    if (addrText.includes('%')) return { ok: false, reason: 'has a zone id (%…), which a firewall rule cannot use' };
    const parsed = ipv6Value(addrText);
    if (!parsed.ok) return parsed;
    if (parsed.dotted && parsed.value >> 32n === 0n) {
      return {
        ok: false,
        reason: 'is an IPv4-compatible IPv6 address (::a.b.c.d), deprecated by RFC 4291: write the IPv4 address itself, or ::ffff:a.b.c.d for the IPv4-mapped one',
      };
    }
    v6 = parsed.value;
  } else if (!IPV4_DOTTED.test(addrText)) {
    return { ok: false, reason: refuseNonAddress(text) };
  }
  const family: Family = isV6 ? 6 : 4;
  const bits = familyBits(family);
  let prefix = bits;
  if (prefixText !== undefined) {
    if (!PREFIX.test(prefixText)) return { ok: false, reason: `has an invalid prefix length "/${prefixText}"` };
    prefix = Number(prefixText);
    if (prefix > bits) return { ok: false, reason: `has prefix /${prefix}, more than the ${bits} bits of an IPv${family} address` };
  }
  if (v6 === undefined) return { ok: true, ...ipv4Network(addrText, prefix) };
  const network = makeNetwork(6, v6, prefix);
  if (network.start === v6) return { ok: true, network, hostBitsSet: false };
  return { ok: true, network, hostBitsSet: true, host: makeNetwork(6, v6, 128) };
}

export function isHost(n: Network): boolean {
  return n.prefix === familyBits(n.family);
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
  const bits = familyBits(family);
  let cur = start;
  while (cur <= end) {
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

/** Whether each network comes after the one before it (compareNetworks) with a gap between them. */
function inOrderApart(networks: readonly Network[]): boolean {
  for (let i = 1; i < networks.length; i++) {
    const a = networks[i - 1] as Network;
    const b = networks[i] as Network;
    if (a.family !== b.family) {
      if (a.family > b.family) return false;
    } else if (b.start <= a.end + 1n) {
      return false;
    }
  }
  return true;
}

/**
 * Merge adjacent and overlapping networks into the fewest CIDRs that cover exactly the same
 * addresses. The result is sorted; families are kept apart. A renderer's optimisation: the plan
 * and every listing keep the entries as written.
 */
export function aggregate(networks: readonly Network[]): Network[] {
  // the usual list: already in order with a gap after each network, so nothing to sort or merge
  if (inOrderApart(networks)) return [...networks];
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

/** A run of consecutive addresses of one family, first to last. */
export interface AddressRange {
  readonly family: Family;
  readonly start: bigint;
  readonly end: bigint;
}

/**
 * The maximal runs of addresses the networks cover: overlapping and adjacent networks merged.
 * This is what an nftables interval set with auto-merge holds, whatever order the elements came in.
 */
export function coveredRanges(networks: readonly Network[]): AddressRange[] {
  const sorted = [...networks].sort(compareNetworks);
  const out: AddressRange[] = [];
  for (const n of sorted) {
    const last = out[out.length - 1];
    if (last && last.family === n.family && n.start <= last.end + 1n) {
      if (n.end > last.end) out[out.length - 1] = { ...last, end: n.end };
    } else {
      out.push({ family: n.family, start: n.start, end: n.end });
    }
  }
  return out;
}

/** A range as nft writes an element: one address, a CIDR when the range is exactly one, else first-last. */
export function rangeText(r: AddressRange): string {
  const parts: Network[] = [];
  rangeToNetworks(r.family, r.start, r.end, parts);
  const only = parts[0];
  if (parts.length === 1 && only) return only.display;
  return `${addressText(r.start, r.family)}-${addressText(r.end, r.family)}`;
}
