/**
 * The default-drop baseline as data: what every complete policy lets through before the plan's
 * rules, in one shared vocabulary that each firewall format translates to its own syntax.
 * Order of use: connection tracking, loopback (on a host), ICMP, the plan, a rate-limited log.
 */
export type Icmp4Type = 'destination-unreachable' | 'time-exceeded' | 'parameter-problem' | 'echo-request';
export type Icmp6Type =
  | 'destination-unreachable'
  | 'packet-too-big'
  | 'time-exceeded'
  | 'parameter-problem'
  | 'echo-request'
  | 'router-solicitation'
  | 'router-advertisement'
  | 'neighbor-solicitation'
  | 'neighbor-advertisement'
  | 'mld-query'
  | 'mld-report'
  | 'mld-done'
  | 'mld2-report';

export interface Baseline {
  /** conntrack states accepted first, and dropped */
  readonly accept: readonly ('established' | 'related')[];
  readonly drop: readonly 'invalid'[];
  /** ICMP errors that keep a network working, wherever the firewall sits */
  readonly icmp4: readonly Icmp4Type[];
  readonly icmp6: readonly Icmp6Type[];
  /** only on a host: ping to the node itself */
  readonly icmp4Local: readonly Icmp4Type[];
  readonly icmp6Local: readonly Icmp6Type[];
  /** only on a host: neighbour discovery, which must carry hop limit 255 (never routed) */
  readonly neighbourDiscovery: readonly Icmp6Type[];
  /** only on a host: multicast listener discovery, from link-local sources */
  readonly multicastListener: readonly Icmp6Type[];
  readonly log: { readonly perMinute: number; readonly burst: number; readonly prefix: string };
}

export const BASELINE: Baseline = {
  accept: ['established', 'related'],
  drop: ['invalid'],
  icmp4: ['destination-unreachable', 'time-exceeded', 'parameter-problem'],
  icmp6: ['destination-unreachable', 'packet-too-big', 'time-exceeded', 'parameter-problem'],
  icmp4Local: ['echo-request'],
  icmp6Local: ['echo-request'],
  neighbourDiscovery: ['router-solicitation', 'router-advertisement', 'neighbor-solicitation', 'neighbor-advertisement'],
  multicastListener: ['mld-query', 'mld-report', 'mld-done', 'mld2-report'],
  log: { perMinute: 5, burst: 10, prefix: 'fwplan-drop' },
};

/** What the baseline lets through, said once for every export header. */
export function baselineSummary(local: boolean): string {
  return local
    ? 'established/related, loopback, ICMP errors, ping to this node, IPv6 neighbour and multicast-listener discovery'
    : 'established/related and ICMP errors (destination unreachable, packet too big, time exceeded, parameter problem); no ping is forwarded';
}
