/**
 * The "what is loaded now" evaluator: types shared by the parsers and the evaluator.
 *
 * Both iptables-save text and nft's JSON are turned into one small intermediate form (chains of
 * rules, each rule a sequence of steps: matches, non-terminal statements, a verdict), so that one
 * evaluator walks both with the same netfilter semantics.
 */
import type { Family } from '../net/address.ts';

export type { Family } from '../net/address.ts';

/** The hooks a packet is asked about: to this machine, from it, or through it. */
export type Hook = 'input' | 'output' | 'forward';

/** Conntrack state of the packet as the filter hook sees it. */
export type CtState = 'new' | 'established' | 'related' | 'invalid';

/** One packet, as the filter table sees it (after any DNAT). */
export interface Packet {
  readonly family: Family;
  readonly hook: Hook;
  /** a single address of the packet's family, without prefix */
  readonly src: string;
  readonly dst: string;
  readonly proto: 'tcp' | 'udp' | 'icmp';
  readonly sport?: number;
  readonly dport?: number;
  readonly state: CtState;
  /** input interface (hooks input and forward); a rule that tests it is unknown without it */
  readonly iif?: string;
  /** output interface (hooks output and forward); a rule that tests it is unknown without it */
  readonly oif?: string;
  /**
   * iif/oif not given, but known not to be loopback (a packet between two different addresses of
   * a plan): a rule that tests only for `lo` does not match; any other interface test is unknown
   */
  readonly notLoopback?: boolean;
}

export interface Evaluation {
  readonly verdict: 'accept' | 'drop' | 'unknown';
  /** one sentence: who decided, and how */
  readonly reason: string;
  /** the rule lines that decided: jumps taken and the deciding rule or policy, per ruleset */
  readonly trace: readonly string[];
  /** assumptions made and things not evaluated (limit treated as matching, other tables …) */
  readonly notes: readonly string[];
  /**
   * verdict drop, and a reject may have done it: the sender may get an error back instead of
   * silence (true also when a drop and a reject share a priority, whose order is not visible)
   */
  readonly rejected?: boolean;
}

/** A parse problem: where (line number, or JSON path for nft) and the offending text. */
export interface AuditError {
  readonly line?: number;
  readonly path?: string;
  readonly text: string;
  readonly message: string;
}

export type AuditParse<T> =
  | { readonly ok: true; readonly value: T; readonly notes: readonly string[] }
  | { readonly ok: false; readonly errors: readonly AuditError[] };

// ---------------------------------------------------------------------------------------------
// the intermediate form

/** An inclusive range of addresses (as unsigned integers) of one family. */
export interface AddrRange {
  readonly lo: bigint;
  readonly hi: bigint;
}

/** An inclusive range of numbers: ports, protocol numbers. */
export interface NumRange {
  readonly lo: number;
  readonly hi: number;
}

/** An interface name, or a prefix (iptables `eth+`, nft `"eth*"`). */
export interface IfacePattern {
  readonly name: string;
  readonly prefix: boolean;
}

/**
 * One test on a packet. Each returns true, false or unknown; negation is applied by the Match
 * that holds it (never to its dependencies).
 */
export type Test =
  | { readonly kind: 'any' }
  | { readonly kind: 'none' }
  | { readonly kind: 'family'; readonly family: Family }
  | { readonly kind: 'addr'; readonly dir: 'src' | 'dst'; readonly family: Family; readonly ranges: readonly AddrRange[] }
  /** layer 4 protocol number (tcp 6, udp 17, icmp 1, ipv6-icmp 58) */
  | { readonly kind: 'proto'; readonly ranges: readonly NumRange[] }
  /**
   * a port. header: which transport header it is read from — 'th' reads the first bytes of any
   * transport header (unknown for ICMP); 'either' (multiport --ports) is true when source or
   * destination port is in the ranges.
   */
  | { readonly kind: 'port'; readonly dir: 'src' | 'dst' | 'either'; readonly ranges: readonly NumRange[]; readonly header: 'tcp' | 'udp' | 'th' | 'ports' }
  | { readonly kind: 'ct'; readonly states: readonly string[] }
  /**
   * byName: iifname/oifname and iptables -i/-o; otherwise nft iif/oif (by index). A packet with no
   * such interface at the hook has the empty name and index 0, which match no interface.
   */
  | { readonly kind: 'iface'; readonly dir: 'in' | 'out'; readonly patterns: readonly IfacePattern[]; readonly byName: boolean }
  /** an ipset (iptables -m set), looked up at evaluation in the ipsets given */
  | { readonly kind: 'ipset'; readonly name: string; readonly dir: 'src' | 'dst' }
  | { readonly kind: 'unknown'; readonly why: string };

/**
 * A match: every dependency must hold (a failing dependency makes the match false even when it is
 * negated, as nft's implicit `meta l4proto tcp` before `tcp dport != 22` does), then the test,
 * negated or not.
 */
export interface Match {
  readonly deps: readonly Test[];
  readonly test: Test;
  readonly neg: boolean;
  /** how the source wrote it: "-s 192.0.2.0/24", "tcp dport != 22" */
  readonly text: string;
  /** an iptables-nft extension nft can only name (`xt match conntrack`): iptables-save shows what it is */
  readonly opaque?: boolean;
}

export type Verdict =
  | { readonly kind: 'accept' }
  | { readonly kind: 'drop' }
  | { readonly kind: 'reject' }
  | { readonly kind: 'return' }
  | { readonly kind: 'continue' }
  | { readonly kind: 'jump'; readonly chain: string }
  | { readonly kind: 'goto'; readonly chain: string };

/** One step of a rule, in the order the kernel runs them. */
export type Step =
  | { readonly kind: 'match'; readonly match: Match }
  /** a statement taken as matching, with the assumption said (limit) */
  | { readonly kind: 'assume'; readonly matches: boolean; readonly note: string }
  /** a statement that does something not modelled: reaching it makes the verdict unknown */
  | { readonly kind: 'unknown'; readonly why: string }
  | { readonly kind: 'verdict'; readonly verdict: Verdict }
  /** nft verdict map: the first entry whose match holds gives the verdict; none → next rule */
  | { readonly kind: 'vmap'; readonly entries: readonly { readonly match: Match; readonly verdict: Verdict }[] };

export interface Rule {
  /** where it is: "iptables filter line 12", "nft table inet t chain input handle 7" */
  readonly where: string;
  /** the rule as written (iptables) or as nft would print it */
  readonly text: string;
  readonly steps: readonly Step[];
}

export interface Chain {
  readonly name: string;
  /** base chains and iptables built-in chains: what happens at the end */
  readonly policy?: 'accept' | 'drop';
  /** where the chain is declared (its policy line) */
  readonly where: string;
  readonly rules: readonly Rule[];
}

/** Something outside what is evaluated that could still drop a packet of this family: makes the verdict unknown. */
export interface Hazard {
  readonly family: Family | 'both';
  readonly why: string;
}
