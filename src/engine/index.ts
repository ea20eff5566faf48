/**
 * The engine's public entry: the web app, the sheet and the CLI import from here (and from
 * ./schema.ts, the zod schemas, which this entry never loads: a valid plan is read without zod;
 * and from ./delta.ts, the delta exports, which the web page loads only when one is asked for).
 */
export { ADMIN_SHELL_RULE, SECTIONS, SENHASEGURA_CATALOG, SERVICE_PRESETS, catalogRule, groupServiceIds, isRuleId } from './catalog/senhasegura.ts';
export type { Section, ServicePreset } from './catalog/senhasegura.ts';
export {
  GROUP_ROLES,
  LIST_ROLES,
  NODE_ROLES,
  ROLE_CODES,
  ROLE_DESCRIPTIONS,
  ROLE_NAMES,
  COMPONENT_ROLES,
  isGroupRole,
  isNodeRole,
} from './model/roles.ts';
export type { GroupRole, ListRole, NodeRole, RoleCode } from './model/roles.ts';
export {
  LIMITS,
  PLAN_VERSION,
  emptyPlan,
  entryAddress,
  entryLabel,
  isGroupService,
  portSpan,
  spanText,
} from './model/plan.ts';
export type { Plan, PlanInput, PlanNode, PlanGroup, Entry, ChangeRequest, CustomFlow, FlowSide, PortSpan } from './model/plan.ts';
export { V1_DEVICE_GROUP, V1_USER_GROUP, migrateV1 } from './model/migrate.ts';
export { decodePlanBytes, readPlanText, readPlanValue, formatPath, MAX_PLAN_BYTES } from './model/parse.ts';
export type { PlanError, PlanParse, PlanRead } from './model/parse.ts';
export type {
  AddressEntry,
  CatalogRule,
  Direction,
  Endpoint,
  EndpointRef,
  EntryOwner,
  ExpandedRule,
  Finding,
  FindingCode,
  GroupRef,
  PlanNodeRef,
  Protocol,
  RuleOrigin,
  RuleSet,
  SectionId,
  Severity,
  SkipReason,
  SkippedRule,
} from './model/rules.ts';
export { addressText, parseAddress, aggregate, contains, overlaps, compareNetworks, familyBits, isHost } from './net/address.ts';
export type { Family, Network, ParseResult } from './net/address.ts';
export { expandPlan, effectivePort, familyListOrigin, isRuleOn, ofFamily, withRuleOn, nodeAddress, nodeFamilies } from './expand.ts';
export { planListAt, plainEntries, resolvePlan, resolvedList, resolvedListOrigin, type ParsedEntries, type PlanListRef, type ResolvedListOrigin } from './resolve.ts';
export { lintChangeRequest } from './lint.ts';
export { addMonths, isDay, momentKey } from './dates.ts';
export { flowKey, flowsOf, isPair, pairCount, pairs } from './flows.ts';
export type { Flow } from './flows.ts';
export { applyScope, GATEWAY, parseScope, scopeLabel, scopeNode } from './scope.ts';
export type { Scope, ScopeResult } from './scope.ts';
export { DELTA_FORMATS, RENDERERS, rendererOf } from './render/registry.ts';
export { FORMAT_IDS, isFormatId } from './render/formats.ts';
export type { FormatId } from './render/formats.ts';
export type { DeltaDiff, DeltaFormat, DeltaInput, DeltaOutput, FormatOptions, Renderer, RenderOptions } from './render/types.ts';
export { BASELINE, baselineSummary } from './render/baseline.ts';
export { exportFileName, scopeSlug } from './render/common.ts';
export { ruleJson, ruleSetJson } from './render/json.ts';
export { csvCell, shellWord, iptablesComment, nftString, markdownCell, truncateUtf8, stripControls, ufwComment } from './render/quote.ts';
export { exportPlan, exportPlanChunks } from './export.ts';
export type { ExportRefusal, ExportResult } from './export.ts';
// deltaExport is in ./delta.ts, an entry of its own (like ./schema.ts): the web page loads it on demand
export type { DeltaResult } from './delta.ts';
export { checkTarget, verificationPlan, verifyScript } from './verify.ts';
export { diffPlans, diffRuleSets } from './diff.ts';
export type { Change, DiffGroup, PlanDiff } from './diff.ts';
export type { ExpandOptions } from './expand.ts';
export type { VerificationPlan, VerifyBlock, VerifyCheck } from './verify.ts';
export { assertNever } from './assert.ts';
export { plural as pluralText, printable, quoted, slugify } from './text.ts';
