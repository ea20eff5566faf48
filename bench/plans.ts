/**
 * Plans for the benchmark and the scale tests: the 50-row vendor policy with every role filled,
 * DVC and USERW grown to a chosen size.
 *
 * Addresses are spread with a stride so that aggregation cannot merge them (no two are adjacent or
 * overlapping): the rules really carry `dvc` and `userw` distinct networks. `contiguous` does the
 * opposite (every address next to the previous one) to measure aggregation itself.
 */
import { groupServiceIds } from '../src/engine/index.ts';

export type AddressMix = 'v4' | 'dual';

export interface BenchPlanSpec {
  /** DVC entries: /32 (IPv4) or /128 (IPv6) hosts */
  readonly dvc: number;
  /** USERW entries: /24 (IPv4) or /64 (IPv6) networks */
  readonly userw: number;
  /** senhasegura nodes: 1 = cluster off; 2 or more = cluster on, PRD + (nodes - 1) MBR */
  readonly nodes: number;
  /**
   * v4: IPv4 only, as the peers measured. dual: every node has an IPv4 and an IPv6 address, and
   * every fourth DVC / USERW entry is IPv6.
   */
  readonly mix: AddressMix;
  /** consecutive addresses instead of spread ones: aggregation collapses them */
  readonly contiguous?: boolean;
}

/** Stride between spread entries: 3 leaves two free addresses (or networks) between neighbours. */
export const STRIDE = 3;

/** One IPv6 entry in this many when the mix is dual. */
const V6_EVERY = 4;

function ipv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

/** 2001:db8:<group>::/48 plus a 64-bit offset, written in RFC 5952 form by hand-free hex groups. */
function ipv6(group: number, offset: bigint, suffixBits: 'host' | 'net64'): string {
  const words: number[] = [0x2001, 0x0db8, group, 0, 0, 0, 0, 0];
  if (suffixBits === 'host') {
    // offset fills the low 64 bits
    for (let i = 0; i < 4; i++) words[7 - i] = Number((offset >> BigInt(16 * i)) & 0xffffn);
  } else {
    // offset fills bits 48..63: the /64 subnet id
    words[3] = Number(offset & 0xffffn);
  }
  return words.map((w) => w.toString(16)).join(':');
}

const V4_DVC_BASE = (10 << 24) | (64 << 16); // 10.64.0.0: room for 16 M / 3 spread hosts up to 10.255.255.255
const V4_USERW_BASE = (172 << 24) | (16 << 16); // 172.16.0.0: /24s spread over 172.16–172.31 and on into 172.32+

/** The i-th DVC entry (0-based). */
export function dvcAddress(i: number, mix: AddressMix, contiguous = false): string {
  const step = contiguous ? 1 : STRIDE;
  if (mix === 'dual' && i % V6_EVERY === V6_EVERY - 1) {
    return ipv6(0xd, BigInt(Math.floor(i / V6_EVERY) * step + 0x100), 'host');
  }
  const n = mix === 'dual' ? i - Math.floor((i + 1) / V6_EVERY) : i;
  return ipv4((V4_DVC_BASE + n * step) >>> 0);
}

/** The i-th USERW entry (0-based): an IPv4 /24 or an IPv6 /64. */
export function userwNetwork(i: number, mix: AddressMix, contiguous = false): string {
  const step = contiguous ? 1 : STRIDE;
  if (mix === 'dual' && i % V6_EVERY === V6_EVERY - 1) {
    return `${ipv6(0xe, BigInt(Math.floor(i / V6_EVERY) * step), 'net64')}/64`;
  }
  const n = mix === 'dual' ? i - Math.floor((i + 1) / V6_EVERY) : i;
  return `${ipv4((V4_USERW_BASE + n * step * 256) >>> 0)}/24`;
}

function nodeAddresses(index: number, mix: AddressMix): string[] {
  const v4 = `192.0.2.${10 + index}`;
  return mix === 'dual' ? [v4, `2001:db8:10::${(0x10 + index).toString(16)}`] : [v4];
}

/** Both families for a management role when the mix is dual, IPv4 alone otherwise. */
function server(v4: string, v6: string, mix: AddressMix): string[] {
  return mix === 'dual' ? [v4, v6] : [v4];
}

/**
 * A version 2 plan file: the nodes by name, one user group and one device group holding every
 * service of their rows (what `fwplan migrate` makes of the same roles in a version 1 file).
 */
export function benchPlan(spec: BenchPlanSpec): Record<string, unknown> {
  const { mix } = spec;
  const contiguous = spec.contiguous === true;
  const dvc = Array.from({ length: spec.dvc }, (_, i) => dvcAddress(i, mix, contiguous));
  const userw = Array.from({ length: spec.userw }, (_, i) => userwNetwork(i, mix, contiguous));
  const nodes = Array.from({ length: spec.nodes }, (_, i) => nodeAddresses(i, mix));
  return {
    version: 2,
    name: `bench dvc=${spec.dvc} userw=${spec.userw} nodes=${spec.nodes} ${mix}${contiguous ? ' contiguous' : ''}`,
    cluster: spec.nodes > 1,
    nodes: nodes.map((addresses, i) => ({ name: `vault-${String(i + 1).padStart(2, '0')}`, role: i === 0 ? 'PRD' : 'MBR', addresses })),
    userGroups: [{ name: 'User workstations', entries: userw, services: groupServiceIds('USERW') }],
    deviceGroups: [{ name: 'Managed devices', entries: dvc, services: groupServiceIds('DVC') }],
    roles: {
      NTP: server('192.0.2.123', '2001:db8:1::123', mix),
      DNS: server('192.0.2.53', '2001:db8:1::53', mix),
      MAIL: server('192.0.2.25', '2001:db8:1::25', mix),
      LDAP: server('192.0.2.30', '2001:db8:1::30', mix),
      RADIUS: server('192.0.2.18', '2001:db8:1::18', mix),
      TACACS: server('192.0.2.49', '2001:db8:1::49', mix),
      LOG: server('192.0.2.40', '2001:db8:1::40', mix),
      BACKUP: server('192.0.2.50', '2001:db8:1::50', mix),
    },
    disabled: [],
    enabled: [],
    ports: {},
  };
}
