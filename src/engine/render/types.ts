import type { Plan } from '../model/plan.ts';
import type { ExpandedRule, Finding, PlanNodeRef, RuleSet } from '../model/rules.ts';
import type { Family } from '../net/address.ts';
import type { Scope } from '../scope.ts';

/** A JSON value, for the formats that are JSON documents. */
export type Json = string | number | boolean | null | readonly Json[] | { readonly [k: string]: Json };

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
  /**
   * Firewalls in the path (FortiGate, PAN-OS, ASA …): where the policy sits — the interface or
   * zone traffic comes from and goes to. A format says in `placement` what it calls them.
   */
  readonly from?: string;
  readonly to?: string;
  /** formats written for the managed devices (Windows Firewall): only this device group's rules */
  readonly deviceGroup?: string;
}

export interface RenderInput {
  readonly plan: Plan;
  readonly ruleSet: RuleSet;
  /** the rule set cut to the scope, directions set, anti-lockout rules first */
  readonly rules: readonly ExpandedRule[];
  /** the node a host scope protects */
  readonly node?: PlanNodeRef;
  /**
   * Host scope: families the node has no address of while another node of the plan has only that
   * family — perhaps the same machine. They are left unfiltered, never dropped (with a warning).
   */
  readonly openFamilies?: readonly Family[];
  readonly options: RenderOptions;
  /**
   * With the ipset option: the rules the ipset companion's sets come from. The companion holds
   * every set either variant (with or without default drop) can name, so a file's rollback must
   * cover these sets, not only the ones its own rules name.
   */
  readonly companionRules?: readonly ExpandedRule[];
  /** the file name this export is saved under, for the instructions in its header */
  readonly fileName: string;
}

export interface RenderOutput {
  readonly text: string;
  /** what the format could not express or what the admin must know before applying */
  readonly findings: readonly Finding[];
}

/** Which export options mean something to a format. */
export interface FormatOptions {
  readonly scope: boolean;
  readonly defaultDrop: boolean;
  readonly ipset: boolean;
  readonly egress: boolean;
  /** what `from` and `to` are called for this format ("source interface", "zone"), and their defaults */
  readonly placement?: { readonly from: string; readonly to: string; readonly defaultFrom: string; readonly defaultTo: string };
  /** the export can be cut to one device group */
  readonly deviceGroup?: boolean;
  /**
   * A firewall format without the default-drop switch: what its file does to the target's policy
   * ("a security group allows only what it lists"). Formats without it and without defaultDrop are
   * lists of rules (CSV, JSON, ipset), not firewalls.
   */
  readonly policy?: string;
}

/**
 * One output format: everything fwplan knows about it lives here, so a new format is one file and
 * one registry line. A rule the format cannot express becomes a finding, never a silent drop.
 */
export interface Renderer {
  readonly id: string;
  /** a short name for menus: "iptables (IPv4)" */
  readonly label: string;
  /** one sentence for the export view and the README */
  readonly description: string;
  readonly mediaType: string;
  /** the file name after the plan's slug and scope: ".nft", "-ufw.sh", ".csv" */
  readonly suffix: string;
  /** whether the file name carries the scope (every format's does: an export is of one scope) */
  readonly options: FormatOptions;
  /** the address families the file holds rules for */
  readonly families: readonly Family[];
  /** how to check the file before it goes near a firewall, if a tool can */
  checkCommand?(fileName: string): string;
  /** the firewall rules (or rows, or elements) in an output of this format, counted from the text */
  countRules(text: string): number;
  /** what countRules counts, for legends: "rule lines (-A/-I)" */
  readonly countMeaning: string;
  /** a file this export needs beside it (iptables with ipsets needs the ipset file) */
  companion?(options: RenderOptions): string | undefined;
  render(input: RenderInput): RenderOutput;
  /** the output in pieces, for formats whose files can outgrow one string (CSV of many pairs) */
  stream?(input: RenderInput): { chunks: Iterable<string>; findings: readonly Finding[] };
  /**
   * A companion file must hold everything any variant of the file it serves can name: the ipset
   * file always carries the sets of the default-drop anti-lockout rules too.
   */
  readonly holdsAllSets?: boolean;
  /**
   * The change from one export of this format to another (same options): what turns a firewall
   * loaded with OLD's export into one loaded with NEW's. Formats without one have no delta.
   */
  readonly delta?: DeltaFormat;
}

/** Two exports of one format, made with the same options, and what the delta file needs to say. */
export interface DeltaInput {
  /** the export the firewall holds now */
  readonly old: string;
  /** the export it should hold */
  readonly new: string;
  readonly oldPlan: string;
  readonly newPlan: string;
  readonly options: RenderOptions;
  /** the delta's own file name, for the instructions in its header */
  readonly fileName: string;
}

export type DeltaOutput =
  | {
      readonly ok: true;
      readonly text: string;
      /** rules (or set elements, for ipset) the delta adds, and removes */
      readonly added: number;
      readonly removed: number;
      /**
       * commands to run once every rule delta of the change is loaded (ipset: destroying the
       * sets NEW no longer has, which the iptables and ip6tables deltas stop using)
       */
      readonly afterwards: readonly string[];
    }
  | { readonly ok: false; readonly message: string };

/**
 * A format's delta, as the renderer declares it: how its files are named and what they are. The
 * comparison itself (a DeltaDiff) lives in render/<format>-delta.ts and is reached through
 * src/engine/delta.ts only, so the web page loads it when a delta is asked for, not with the page.
 */
export interface DeltaFormat {
  /** the file name after the plan's slug and scope: ".delta-nft.sh" */
  readonly suffix: string;
  readonly mediaType: string;
  /** one sentence: what the delta file is and how it is applied */
  readonly description: string;
}

/** How two exports of one format are compared into the delta file. */
export type DeltaDiff = (input: DeltaInput) => DeltaOutput;
