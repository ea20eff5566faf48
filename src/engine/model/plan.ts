import { z } from 'zod';
import { catalogRule, isRuleId } from '../catalog/senhasegura.ts';
import { LIST_ROLES, ListRoleSchema, NODE_ROLES, RoleCodeSchema, type GroupRole } from './roles.ts';

/** Bounds that keep a hostile or mistaken file from freezing the page. */
export const LIMITS = {
  entriesPerRole: 50_000,
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
} as const;

/**
 * An entry as the user wrote it. Whether it is a valid address is not the schema's business: an
 * invalid entry is kept in the plan (nothing typed is lost) and reported as an error finding that
 * names it, which blocks every export until it is fixed.
 */
const EntryText = z.string({ error: 'an address is a string' }).max(LIMITS.entryLength, `an entry has at most ${LIMITS.entryLength} characters`);
const Label = z.string().max(LIMITS.labelLength, `a label has at most ${LIMITS.labelLength} characters`);
const ENTRY_SHAPE = 'an entry is an address string or { "address", "label" }';

export const EntrySchema = z.union([EntryText, z.strictObject({ address: EntryText, label: Label.optional() })], { error: ENTRY_SHAPE });
export type Entry = z.infer<typeof EntrySchema>;

const Entries = z.array(EntrySchema).max(LIMITS.entriesPerRole, `a role holds at most ${LIMITS.entriesPerRole} entries`);

const Text = z.string().max(LIMITS.textLength).optional();

export const ApproverSchema = z.strictObject({
  role: z.string().max(LIMITS.nameLength),
  name: z.string().max(LIMITS.nameLength).optional(),
});

export const ChangeRequestSchema = z.strictObject({
  changeId: z.string().max(LIMITS.nameLength).optional(),
  title: z.string().max(LIMITS.nameLength * 2).optional(),
  requesterName: z.string().max(LIMITS.nameLength).optional(),
  requesterTeam: z.string().max(LIMITS.nameLength).optional(),
  requesterContact: z.string().max(LIMITS.nameLength).optional(),
  type: z.enum(['new', 'modify', 'remove']).optional(),
  category: z.enum(['standard', 'normal', 'emergency']).optional(),
  justification: Text,
  windowStart: z.string().max(LIMITS.nameLength).optional(),
  windowEnd: z.string().max(LIMITS.nameLength).optional(),
  expiry: z.string().max(LIMITS.nameLength).optional(),
  risk: Text,
  implementation: Text,
  verification: Text,
  backout: Text,
  approvers: z.array(ApproverSchema).max(20).optional(),
  // what a change board expects beyond the basics (issue 12)
  riskRating: z.enum(['low', 'medium', 'high', 'critical']).optional(),
  priority: z.enum(['low', 'medium', 'high', 'urgent']).optional(),
  status: z.enum(['draft', 'submitted', 'approved', 'scheduled', 'implemented', 'verified', 'closed', 'rejected', 'backed-out']).optional(),
  /** YYYY-MM-DD: when the rules are reviewed next (PCI DSS 1.2.7: every six months) */
  reviewDate: z.string().max(LIMITS.nameLength).optional(),
  enforcementPoints: Text,
  notImplementing: Text,
  postReview: Text,
  /** per catalog rule or site flow id: the business need, its owner, and an expiry (YYYY-MM-DD) */
  ruleNotes: z
    .record(
      z.string().max(LIMITS.nameLength),
      z.strictObject({ need: Text, owner: z.string().max(LIMITS.nameLength).optional(), expires: z.string().max(LIMITS.nameLength).optional() }),
    )
    .optional(),
});
export type ChangeRequest = z.infer<typeof ChangeRequestSchema>;

const RuleId = z.string().refine(isRuleId, { error: (issue) => `unknown rule id "${String(issue.input).slice(0, 60)}"` });
const Port = z.int({ error: 'a port is a whole number' }).min(1, 'a port is 1–65535').max(65535, 'a port is 1–65535');

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

/** A port override or a site flow's ports: one port (1–65535) or a range "5000-5100". */
const PortSpec = z.union([Port, z.string()], { error: 'a port is 1–65535, or a range such as "5000-5100"' }).superRefine((value, ctx) => {
  if (typeof value === 'string' && portSpan(value) === undefined) ctx.addIssue({ code: 'custom', message: `"${value.slice(0, 20)}" is not a port (1–65535) or a range "low-high" with low ≤ high` });
});
const PlanName = z.string().max(LIMITS.nameLength, `a plan name has at most ${LIMITS.nameLength} characters`);
const Cluster = z.boolean({ error: 'cluster is true or false' });

/** The parts every version shares: rule switches, port overrides and the change request. */
const ruleChoices = {
  disabled: z.array(RuleId).default([]),
  enabled: z.array(RuleId).default([]),
  ports: z.record(RuleId, PortSpec).default({}),
  changeRequest: ChangeRequestSchema.optional(),
};

function optionalOnly(plan: { enabled: readonly string[] }, ctx: z.RefinementCtx): void {
  plan.enabled.forEach((id, i) => {
    const rule = catalogRule(id);
    if (rule && !rule.optional) ctx.addIssue({ code: 'custom', path: ['enabled', i], message: `"${id}" is on by default; only optional rules are listed in "enabled"` });
  });
}

/** Version 1: a flat list of entries per role (the first file format; still read, upgraded on the way in). */
export const PlanV1Schema = z
  .strictObject({
    version: z.literal(1),
    name: PlanName.optional(),
    cluster: Cluster.default(false),
    roles: z.partialRecord(RoleCodeSchema, Entries).default({}),
    ...ruleChoices,
  })
  .superRefine(optionalOnly);
export type PlanV1 = z.output<typeof PlanV1Schema>;

export const NodeSchema = z.strictObject({
  name: z.string({ error: 'a node has a name' }).max(LIMITS.nodeNameLength, `a node name has at most ${LIMITS.nodeNameLength} characters`),
  role: z.enum(NODE_ROLES, { error: 'a node is PRD (primary) or MBR (cluster member)' }),
  addresses: z.array(EntryText).max(LIMITS.addressesPerNode).default([]),
});
export type PlanNode = z.infer<typeof NodeSchema>;

export const GroupSchema = z.strictObject({
  name: z.string({ error: 'a group has a name' }).max(LIMITS.nameLength, `a group name has at most ${LIMITS.nameLength} characters`),
  entries: Entries.default([]),
  services: z.array(RuleId).default([]),
});
export type PlanGroup = z.infer<typeof GroupSchema>;

/** Which catalog rules a group of a role may list: the rows that name that role. */
export function isGroupService(role: GroupRole, ruleId: string): boolean {
  const rule = catalogRule(ruleId);
  if (rule === undefined) return false;
  return role === 'USERW' ? rule.source === 'USERW' : rule.destination === 'DVC';
}

function groupServices(role: GroupRole, key: 'userGroups' | 'deviceGroups') {
  return (plan: Record<'userGroups' | 'deviceGroups', readonly PlanGroup[]>, ctx: z.RefinementCtx) => {
    plan[key].forEach((group, g) => {
      group.services.forEach((id, i) => {
        if (isRuleId(id) && !isGroupService(role, id)) {
          ctx.addIssue({
            code: 'custom',
            path: [key, g, 'services', i],
            message: `"${id}" is not a ${role === 'USERW' ? 'user service (user groups list rules from USERW to the nodes)' : 'device service (device groups list rules from the nodes to DVC)'}`,
          });
        }
      });
    });
  };
}

/** One side of a site flow: a role, a group, a node, or entries written in the flow itself. */
export const FlowSideSchema = z.union(
  [
    z.strictObject({ role: RoleCodeSchema }),
    z.strictObject({ userGroup: z.string().max(LIMITS.nameLength) }),
    z.strictObject({ deviceGroup: z.string().max(LIMITS.nameLength) }),
    z.strictObject({ node: z.string().max(LIMITS.nodeNameLength) }),
    z.strictObject({ entries: Entries }),
  ],
  { error: 'a side is { "role" }, { "userGroup" }, { "deviceGroup" }, { "node" } or { "entries" }' },
);
export type FlowSide = z.infer<typeof FlowSideSchema>;

/** A flow of the site's own (a jump host, the update proxy, a monitor): same engine, every output. */
export const CustomFlowSchema = z.strictObject({
  name: z.string({ error: 'a flow has a name' }).min(1, 'a flow has a name').max(LIMITS.nameLength),
  source: FlowSideSchema,
  destination: FlowSideSchema,
  protocol: z.enum(['tcp', 'udp'], { error: 'protocol is tcp or udp' }),
  ports: PortSpec,
  reason: z.string().max(LIMITS.textLength).default(''),
  owner: z.string().max(LIMITS.nameLength).optional(),
  /** YYYY-MM-DD: from that day on the flow is skipped, with a finding */
  expires: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date is YYYY-MM-DD').optional(),
});
export type CustomFlow = z.infer<typeof CustomFlowSchema>;

/**
 * Version 2: objects. Named nodes with one address per family, named user and device groups with
 * the services each needs, plain lists for the other roles.
 */
export const PlanSchema = z
  .strictObject({
    version: z.literal(2),
    name: PlanName.optional(),
    cluster: Cluster.default(false),
    nodes: z.array(NodeSchema).max(LIMITS.nodes, `a plan has at most ${LIMITS.nodes} nodes`).default([]),
    roles: z.partialRecord(ListRoleSchema, Entries).default({}),
    userGroups: z.array(GroupSchema).max(LIMITS.groups).default([]),
    deviceGroups: z.array(GroupSchema).max(LIMITS.groups).default([]),
    customFlows: z.array(CustomFlowSchema).max(LIMITS.customFlows).default([]),
    ...ruleChoices,
  })
  .superRefine(optionalOnly)
  .superRefine(groupServices('USERW', 'userGroups'))
  .superRefine(groupServices('DVC', 'deviceGroups'));

/** The plan as written in a file (defaults not yet applied). */
export type PlanInput = z.input<typeof PlanSchema>;
/** The plan after validation, defaults applied: always version 2 inside fwplan. */
export type Plan = z.output<typeof PlanSchema>;

export const PLAN_VERSION = 2;
export const LIST_ROLE_CODES = LIST_ROLES;

export function entryAddress(entry: Entry): string {
  return typeof entry === 'string' ? entry : entry.address;
}

export function entryLabel(entry: Entry): string | undefined {
  return typeof entry === 'string' ? undefined : entry.label;
}

export function emptyPlan(name = 'New plan'): Plan {
  return { version: 2, name, cluster: false, nodes: [], roles: {}, userGroups: [], deviceGroups: [], customFlows: [], disabled: [], enabled: [], ports: {} };
}
