import type { Plan } from '../model/plan.ts';
import type { AddressEntry, ExpandedRule, Finding, RuleSet } from '../model/rules.ts';
import type { Scope } from '../scope.ts';

export const FORMAT_IDS = ['iptables', 'ip6tables', 'nftables', 'ufw', 'firewalld', 'ipset', 'csv', 'json'] as const;
export type FormatId = (typeof FORMAT_IDS)[number];

export interface RenderOptions {
  readonly scope: Scope;
  /** a complete policy: default DROP, established/related, loopback, ICMP, then the plan */
  readonly defaultDrop: boolean;
  /**
   * iptables/ip6tables: match roles of several addresses through kernel ipsets (loaded first from
   * the `ipset` export) instead of address chains, so the rule count drops to tens.
   */
  readonly ipset?: boolean;
  /**
   * Host scope with defaultDrop: 'filter' (default) drops outbound traffic the plan does not list;
   * 'open' leaves the node's outbound traffic alone (its outbound rules are still written).
   */
  readonly egress?: 'filter' | 'open';
}

export interface RenderInput {
  readonly plan: Plan;
  readonly ruleSet: RuleSet;
  /** the rule set cut to the scope, directions set */
  readonly rules: readonly ExpandedRule[];
  /** the node a host scope protects: one address, or its IPv4 and IPv6 address */
  readonly nodes: readonly AddressEntry[];
  readonly options: RenderOptions;
}

export interface RenderOutput {
  readonly text: string;
  /** what the format could not express or what the admin must know before applying */
  readonly findings: readonly Finding[];
}

/** One output format. A rule the format cannot express becomes a finding, never a silent drop. */
export interface Renderer {
  readonly id: FormatId;
  readonly label: string;
  /** file name suffix after the plan slug: "-gateway.nft" … */
  fileName(planSlug: string, scope: Scope): string;
  readonly mediaType: string;
  /** whether the scope and default-drop options mean anything to this format */
  readonly firewall: boolean;
  render(input: RenderInput): RenderOutput;
}
