/**
 * The plan file's zod schemas: the single source of truth for the plan's types (plan.ts infers
 * them from here), for the JSON Schema `fwplan schema` prints, and for the message that names the
 * field whenever a plan is refused. A valid plan is read by ./check.ts without loading zod; this
 * module is loaded to explain a refusal, to print the JSON Schema, and by the web app.
 */
import { z } from 'zod';
import { isRuleId } from '../catalog/senhasegura.ts';
import { DAY_PATTERN, LIMITS, isGroupService, isOptionalRule, portSpan, type PlanGroup } from './plan.ts';
import { LIST_ROLES, NODE_ROLES, ROLE_CODES, type GroupRole } from './roles.ts';
import { migrateV1 } from './migrate.ts';
import { formatPath, readPlanText, readPlanValue, type PlanError, type PlanParse, type PlanRead } from './parse.ts';

export const RoleCodeSchema = z.enum(ROLE_CODES);
export const ListRoleSchema = z.enum(LIST_ROLES);

/**
 * An entry as the user wrote it. Whether it is a valid address is not the schema's business: an
 * invalid entry is kept in the plan (nothing typed is lost) and reported as an error finding that
 * names it, which blocks every export until it is fixed.
 */
const EntryText = z.string({ error: 'an address is a string' }).max(LIMITS.entryLength, `an entry has at most ${LIMITS.entryLength} characters`);
const Label = z.string().max(LIMITS.labelLength, `a label has at most ${LIMITS.labelLength} characters`);
const ENTRY_SHAPE = 'an entry is an address string or { "address", "label" }';

export const EntrySchema = z.union([EntryText, z.strictObject({ address: EntryText, label: Label.optional() })], { error: ENTRY_SHAPE });

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
  approvers: z.array(ApproverSchema).max(LIMITS.approvers).optional(),
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

const RuleId = z.string().refine(isRuleId, { error: (issue) => `unknown rule id "${String(issue.input).slice(0, 60)}"` });
const Port = z.int({ error: 'a port is a whole number' }).min(1, 'a port is 1–65535').max(65535, 'a port is 1–65535');

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
    if (!isOptionalRule(id)) ctx.addIssue({ code: 'custom', path: ['enabled', i], message: `"${id}" is on by default; only optional rules are listed in "enabled"` });
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

export const NodeSchema = z.strictObject({
  name: z.string({ error: 'a node has a name' }).max(LIMITS.nodeNameLength, `a node name has at most ${LIMITS.nodeNameLength} characters`),
  role: z.enum(NODE_ROLES, { error: 'a node is PRD (primary) or MBR (cluster member)' }),
  addresses: z.array(EntryText).max(LIMITS.addressesPerNode).default([]),
});

export const GroupSchema = z.strictObject({
  name: z.string({ error: 'a group has a name' }).max(LIMITS.nameLength, `a group name has at most ${LIMITS.nameLength} characters`),
  entries: Entries.default([]),
  services: z.array(RuleId).default([]),
});

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
  expires: z.string().regex(DAY_PATTERN, 'a date is YYYY-MM-DD').optional(),
});

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


function unknownRoleMessage(version: 1 | 2, key: string): string {
  if (version === 2) {
    if (key === 'PRD' || key === 'MBR') return `${key} nodes are listed in "nodes" in a version 2 plan ({ "name", "role": "${key}", "addresses" })`;
    if (key === 'USERW') return 'user workstations are listed in "userGroups" in a version 2 plan';
    if (key === 'DVC') return 'managed devices are listed in "deviceGroups" in a version 2 plan';
    return `unknown role code (expected one of ${LIST_ROLES.join(', ')})`;
  }
  return `unknown role code (expected one of ${ROLE_CODES.join(', ')})`;
}

function issueErrors(version: 1 | 2, issue: z.core.$ZodIssue): PlanError[] {
  if (issue.code === 'unrecognized_keys') {
    const inRoles = issue.path.length === 1 && issue.path[0] === 'roles';
    return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: inRoles ? unknownRoleMessage(version, key) : 'unknown field' }));
  }
  if (issue.code === 'invalid_key') {
    return [{ path: formatPath(issue.path), message: issue.issues[0]?.message ?? 'invalid key' }];
  }
  return [{ path: formatPath(issue.path), message: issue.message }];
}

/**
 * What readPlanValue could not accept, validated by the schema: every problem with its JSON path.
 * (Should the schema accept what the fast reader refused, the schema's result stands; a property
 * test holds the two to the same answer.)
 */
export function explainPlan(read: PlanRead): PlanParse {
  if (read.ok !== 'unexplained') return read;
  if (read.version === 1) {
    const v1 = PlanV1Schema.safeParse(read.value);
    if (!v1.success) return { ok: false, errors: v1.error.issues.flatMap((i) => issueErrors(1, i)) };
    return { ok: true, plan: migrateV1(v1.data), upgradedFrom: 1 };
  }
  const result = PlanSchema.safeParse(read.value);
  if (result.success) return { ok: true, plan: result.data };
  return { ok: false, errors: result.error.issues.flatMap((i) => issueErrors(2, i)) };
}

/** Validate a parsed JSON value; version 1 is upgraded to version 2. Every problem names its JSON path. */
export function parsePlan(value: unknown): PlanParse {
  return explainPlan(readPlanValue(value));
}

/** Parse a plan file's text: size limit, byte order mark, JSON syntax, then the schema. */
export function parsePlanText(input: string): PlanParse {
  return explainPlan(readPlanText(input));
}

/** The plan file's JSON Schema (version 2), made from the zod schema (the single source of truth). */
export function planJsonSchema(): unknown {
  return z.toJSONSchema(PlanSchema, { io: 'input', unrepresentable: 'any' });
}
