/** The engine's one public entry: the web app and the CLI import from here only. */
export { SECTIONS, SENHASEGURA_CATALOG, catalogRule, isRuleId } from './catalog/senhasegura.ts';
export type { Section } from './catalog/senhasegura.ts';
export {
  ROLE_CODES,
  ROLE_DESCRIPTIONS,
  LIMITS,
  PlanSchema,
  ChangeRequestSchema,
  EntrySchema,
  emptyPlan,
  entryAddress,
  entryLabel,
} from './model/plan.ts';
export type { Plan, PlanInput, RoleCode, Entry, ChangeRequest } from './model/plan.ts';
export { parsePlan, parsePlanText, formatPath, MAX_PLAN_BYTES } from './model/parse.ts';
export type { PlanError, PlanParse } from './model/parse.ts';
export type {
  AddressEntry,
  CatalogRule,
  Direction,
  Endpoint,
  ExpandedRule,
  Finding,
  FindingCode,
  Protocol,
  RuleSet,
  SectionId,
  Severity,
  SkipReason,
  SkippedRule,
} from './model/rules.ts';
export { parseAddress, aggregate, contains, overlaps, compareNetworks } from './net/address.ts';
export type { Family, Network, ParseResult } from './net/address.ts';
export { expandPlan, resolveRoles } from './expand.ts';
export { applyScope, parseScope, sameNodeOtherFamily, scopeLabel } from './scope.ts';
export type { Scope, ScopeResult } from './scope.ts';
export { RENDERERS } from './render/registry.ts';
export { FORMAT_IDS } from './render/types.ts';
export type { FormatId, Renderer, RenderOptions } from './render/types.ts';
export { pairs, slugify } from './render/common.ts';
export { ruleJson, ruleSetJson } from './render/json.ts';
export { csvCell, shellWord, iptablesComment, nftString, markdownCell, truncateUtf8, stripControls, ufwComment } from './render/quote.ts';
export { exportPlan, planJsonSchema } from './export.ts';
export type { ExportResult } from './export.ts';
export { verifyScript } from './verify.ts';
