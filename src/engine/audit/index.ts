/**
 * The audit module's public entry: read what a Linux firewall has loaded (iptables-save,
 * ip6tables-save, ipset save, nft -j list ruleset) and tell what it does with a packet.
 * Pure: no node:* and no DOM, like the rest of the engine.
 */
export { parseIptablesSave } from './iptables.ts';
export type { IptablesRuleset } from './iptables.ts';
export { parseIpsetSave, ipsetContains } from './ipset.ts';
export type { IpsetCollection, IpsetEntry, IpsetSet } from './ipset.ts';
export { parseNftJson } from './nft.ts';
export type { NftBaseChain, NftHook, NftRuleset, NftTable } from './nft.ts';
export { evaluate } from './evaluate.ts';
export type { Loaded } from './evaluate.ts';
export type {
  AddrRange,
  AuditError,
  AuditParse,
  Chain,
  CtState,
  Evaluation,
  Family,
  Hazard,
  Hook,
  IfacePattern,
  Match,
  NumRange,
  Packet,
  Rule,
  Step,
  Test,
  Verdict,
} from './types.ts';
export { KIND_TITLES, detectKind, readLoaded } from './files.ts';
export type { LoadedFile, LoadedKind, LoadedRead, LoadedSource } from './files.ts';
export { CLIENT_PORT, MAX_PROBES, SPAN_ALL, auditJson, auditPlan, entryText, ownerName, portsText, rulesetPorts } from './report.ts';
export type { AuditOptions, AuditReport, AuditResult, AuditedFlow, BeyondFlow, FlowStatus, Unevaluated } from './report.ts';
