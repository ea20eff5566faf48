/**
 * The plan's types and the plain helpers around them. The zod schemas that define the types live
 * in ./schema.ts and are only imported as types here: reading a valid plan (./check.ts) never loads
 * zod, which is what keeps a cold `fwplan export` near the start-up time of Node itself.
 */
import type { z } from 'zod';
import { catalogRule } from '../catalog/senhasegura.ts';
import type { GroupRole } from './roles.ts';
import type { ChangeRequestSchema, CustomFlowSchema, EntrySchema, FlowSideSchema, GroupSchema, NodeSchema, PlanSchema, PlanV1Schema } from './schema.ts';

/** Bounds that keep a hostile or mistaken file from freezing the page. */
export const LIMITS = {
  entriesPerRole: 1_000_000,
  /** an entry as written; longer text is not an address, but is kept as typed up to this length */
  entryLength: 256,
  labelLength: 200,
  nameLength: 120,
  nodeNameLength: 63,
  nodes: 256,
  addressesPerNode: 8,
  groups: 100,
  customFlows: 500,
  textLength: 4_000,
  approvers: 20,
} as const;

export type Entry = z.infer<typeof EntrySchema>;
export type ChangeRequest = z.infer<typeof ChangeRequestSchema>;
export type PlanV1 = z.output<typeof PlanV1Schema>;
export type PlanNode = z.infer<typeof NodeSchema>;
export type PlanGroup = z.infer<typeof GroupSchema>;
export type FlowSide = z.infer<typeof FlowSideSchema>;
export type CustomFlow = z.infer<typeof CustomFlowSchema>;
/** The plan as written in a file (defaults not yet applied). */
export type PlanInput = z.input<typeof PlanSchema>;
/** The plan after validation, defaults applied: always version 2 inside fwplan. */
export type Plan = z.output<typeof PlanSchema>;

/** One port or an inclusive range: 443, or "5000-5100". */
export interface PortSpan {
  readonly from: number;
  readonly to: number;
}

const RANGE = /^([1-9]\d{0,4})-([1-9]\d{0,4})$/;

/** "5000-5100" → {from, to}; a number → that port; anything else → undefined. */
export function portSpan(value: number | string): PortSpan | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 1 && value <= 65535 ? { from: value, to: value } : undefined;
  const m = RANGE.exec(value);
  if (!m) return /^[1-9]\d{0,4}$/.test(value) && Number(value) <= 65535 ? { from: Number(value), to: Number(value) } : undefined;
  const from = Number(m[1]);
  const to = Number(m[2]);
  return from <= to && to <= 65535 ? { from, to } : undefined;
}

export function spanText(span: PortSpan, separator = '-'): string {
  return span.from === span.to ? String(span.from) : `${span.from}${separator}${span.to}`;
}

/** A site flow's expiry and every other date in a plan: YYYY-MM-DD. */
export const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** Which catalog rules a group of a role may list: the rows that name that role. */
export function isGroupService(role: GroupRole, ruleId: string): boolean {
  const rule = catalogRule(ruleId);
  if (rule === undefined) return false;
  return role === 'USERW' ? rule.source === 'USERW' : rule.destination === 'DVC';
}

/** "enabled" lists optional rules only: a rule that is on by default cannot be listed there. */
export function isOptionalRule(ruleId: string): boolean {
  const rule = catalogRule(ruleId);
  return rule === undefined || rule.optional;
}

export const PLAN_VERSION = 2;

export function entryAddress(entry: Entry): string {
  return typeof entry === 'string' ? entry : entry.address;
}

export function entryLabel(entry: Entry): string | undefined {
  return typeof entry === 'string' ? undefined : entry.label;
}

export function emptyPlan(name = 'New plan'): Plan {
  return { version: 2, name, cluster: false, nodes: [], roles: {}, userGroups: [], deviceGroups: [], customFlows: [], disabled: [], enabled: [], ports: {} };
}
