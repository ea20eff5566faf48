import { z } from 'zod';
import { isRuleId, SENHASEGURA_CATALOG } from '../catalog/senhasegura.ts';
import { parseAddress } from '../net/address.ts';

export const ROLE_CODES = ['PRD', 'MBR', 'USERW', 'DVC', 'NTP', 'DNS', 'MAIL', 'LDAP', 'RADIUS', 'TACACS', 'LOG', 'BACKUP'] as const;
export const RoleCodeSchema = z.enum(ROLE_CODES);
export type RoleCode = z.infer<typeof RoleCodeSchema>;

export const ROLE_DESCRIPTIONS: Record<RoleCode, string> = {
  PRD: 'senhasegura primary application node(s)',
  MBR: 'secondary cluster members (used only with cluster mode on)',
  USERW: 'user workstations that reach senhasegura',
  DVC: 'devices managed through senhasegura',
  NTP: 'NTP servers',
  DNS: 'DNS servers',
  MAIL: 'mail (SMTP) servers',
  LDAP: 'LDAP / Active Directory servers',
  RADIUS: 'RADIUS servers',
  TACACS: 'TACACS+ servers',
  LOG: 'syslog servers',
  BACKUP: 'backup servers (SSH, NFS, SMB)',
};

/** Bounds that keep a hostile or mistaken file from freezing the page. */
export const LIMITS = {
  entriesPerRole: 50_000,
  labelLength: 200,
  nameLength: 120,
  textLength: 4_000,
} as const;

function addressProblem(value: string): string | undefined {
  const parsed = parseAddress(value);
  return parsed.ok ? undefined : `"${value.slice(0, 60)}" ${parsed.reason}`;
}

const AddressText = z.string().superRefine((value, ctx) => {
  const problem = addressProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const Label = z.string().max(LIMITS.labelLength, `a label has at most ${LIMITS.labelLength} characters`).optional();
const ENTRY_SHAPE = 'an entry is an address string or { "address", "label" }';

/** One entry, address checked: for single entries and the JSON Schema. */
export const EntrySchema = z.union([AddressText, z.strictObject({ address: AddressText, label: Label })], { error: ENTRY_SHAPE });

/**
 * A role's entries. Addresses are checked once per list rather than by a refinement per entry:
 * thousands of entries are common, and zod's per-entry refinement costs more than the check
 * itself. `when` keeps address errors coming even where another entry of the list is malformed.
 */
const RoleEntries = z
  .array(z.union([z.string(), z.strictObject({ address: z.string(), label: Label })], { error: ENTRY_SHAPE }))
  .max(LIMITS.entriesPerRole, `a role holds at most ${LIMITS.entriesPerRole} entries`)
  .superRefine(
    (list, ctx) => {
      list.forEach((entry: unknown, i) => {
        const isObject = typeof entry === 'object' && entry !== null;
        const address = typeof entry === 'string' ? entry : isObject ? (entry as { address?: unknown }).address : undefined;
        if (typeof address !== 'string') return;
        const problem = addressProblem(address);
        if (problem) ctx.addIssue({ code: 'custom', path: typeof entry === 'string' ? [i] : [i, 'address'], message: problem });
      });
    },
    { when: (payload) => Array.isArray(payload.value) },
  );
export type Entry = z.infer<typeof EntrySchema>;

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
});
export type ChangeRequest = z.infer<typeof ChangeRequestSchema>;

const RuleId = z.string().refine(isRuleId, { error: (issue) => `unknown rule id "${String(issue.input).slice(0, 60)}"` });
const Port = z.int({ error: 'a port is a whole number' }).min(1, 'a port is 1–65535').max(65535, 'a port is 1–65535');

export const PlanSchema = z
  .strictObject({
    version: z.literal(1, { error: 'only plan version 1 is understood' }),
    name: z.string().max(LIMITS.nameLength, `a plan name has at most ${LIMITS.nameLength} characters`).optional(),
    cluster: z.boolean({ error: 'cluster is true or false' }).default(false),
    roles: z.partialRecord(RoleCodeSchema, RoleEntries).default({}),
    disabled: z.array(RuleId).default([]),
    enabled: z.array(RuleId).default([]),
    ports: z.record(RuleId, Port).default({}),
    changeRequest: ChangeRequestSchema.optional(),
  })
  .superRefine((plan, ctx) => {
    plan.enabled.forEach((id, i) => {
      const rule = SENHASEGURA_CATALOG.find((r) => r.id === id);
      if (rule && !rule.optional) ctx.addIssue({ code: 'custom', path: ['enabled', i], message: `"${id}" is on by default; only optional rules are listed in "enabled"` });
    });
  });

/** The plan as written in a file (defaults not yet applied). */
export type PlanInput = z.input<typeof PlanSchema>;
/** The plan after validation, defaults applied. */
export type Plan = z.output<typeof PlanSchema>;

export function entryAddress(entry: Entry): string {
  return typeof entry === 'string' ? entry : entry.address;
}

export function entryLabel(entry: Entry): string | undefined {
  return typeof entry === 'string' ? undefined : entry.label;
}

export function emptyPlan(name = 'New plan'): Plan {
  return { version: 1, name, cluster: false, roles: {}, disabled: [], enabled: [], ports: {} };
}
