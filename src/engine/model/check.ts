/**
 * The fast reader of a plan: accepts exactly what ./schema.ts accepts and returns exactly what
 * zod would return (defaults applied, keys in the schema's order), without loading zod. It says
 * nothing about why a plan is refused — that is the schema's job (explainPlan). A property test
 * (check.test.ts) holds both to the same answer on valid, mutated and hostile plans.
 *
 * Every function returns the validated value or BAD. Arrays of strings are returned as they came
 * (a million-entry role is not copied); every object is rebuilt in the schema's key order, so a
 * plan written back (`fwplan migrate`) has the same bytes whichever reader accepted it.
 */
import { isRuleId } from '../catalog/senhasegura.ts';
import { DAY_PATTERN, LIMITS, isGroupService, isOptionalRule, portSpan, type Entry, type Plan, type PlanV1 } from './plan.ts';
import { LIST_ROLES, NODE_ROLES, ROLE_CODES, type GroupRole } from './roles.ts';

const BAD: unique symbol = Symbol('bad');
type Bad = typeof BAD;
type Obj = Record<string, unknown>;

const hasOwn = Object.prototype.hasOwnProperty;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object has no key outside `allowed` (a strict object), and no `__proto__`. */
function onlyKeys(value: Obj, allowed: ReadonlySet<string>): boolean {
  for (const key in value) if (hasOwn.call(value, key) && !allowed.has(key)) return false;
  return true;
}

function keySet(...keys: string[]): ReadonlySet<string> {
  return new Set(keys);
}

function isText(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length <= max;
}

/**
 * An optional field: absent → omitted; present as undefined → kept as undefined (what zod does);
 * otherwise the checked value.
 */
function optional<T>(out: Obj, from: Obj, key: string, check: (value: unknown) => T | Bad): boolean {
  if (!hasOwn.call(from, key)) return true;
  const value = from[key];
  if (value === undefined) {
    out[key] = undefined;
    return true;
  }
  const checked = check(value);
  if (checked === BAD) return false;
  out[key] = checked;
  return true;
}

/** A field with a default: absent or undefined → the default (a fresh one each time). */
function withDefault<T>(from: Obj, key: string, check: (value: unknown) => T | Bad, fallback: () => T): T | Bad {
  const value = hasOwn.call(from, key) ? from[key] : undefined;
  return value === undefined ? fallback() : check(value);
}

function text(max: number): (value: unknown) => string | Bad {
  return (value) => (isText(value, max) ? value : BAD);
}

const ENTRY_KEYS = keySet('address', 'label');

/** A role's or a group's entries: strings, or { address, label? }. */
function entries(value: unknown): Entry[] | Bad {
  if (!Array.isArray(value) || value.length > LIMITS.entriesPerRole) return BAD;
  let out: Entry[] | undefined;
  for (let i = 0; i < value.length; i++) {
    const e: unknown = value[i];
    if (typeof e === 'string') {
      if (e.length > LIMITS.entryLength) return BAD;
      if (out !== undefined) out.push(e);
      continue;
    }
    if (!isObject(e) || !onlyKeys(e, ENTRY_KEYS) || !isText(e.address, LIMITS.entryLength)) return BAD;
    const entry: { address: string; label?: string } = { address: e.address };
    if (!optional(entry, e, 'label', text(LIMITS.labelLength))) return BAD;
    // the first object: from here on the output is a copy
    out ??= (value as Entry[]).slice(0, i);
    out.push(entry);
  }
  return out ?? (value as Entry[]);
}

function ruleIds(value: unknown): string[] | Bad {
  if (!Array.isArray(value)) return BAD;
  for (const id of value) if (typeof id !== 'string' || !isRuleId(id)) return BAD;
  return value as string[];
}

function portSpec(value: unknown): number | string | Bad {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 1 && value <= 65535 ? value : BAD;
  if (typeof value === 'string') return portSpan(value) !== undefined ? value : BAD;
  return BAD;
}

/** A record whose keys pass `key` and values pass `check`; `__proto__` never passes. */
function record<T>(value: unknown, key: (k: string) => boolean, check: (v: unknown) => T | Bad): Record<string, T> | Bad {
  if (!isObject(value)) return BAD;
  const out: Record<string, T> = {};
  for (const k in value) {
    if (!hasOwn.call(value, k)) continue;
    if (k === '__proto__' || !key(k)) return BAD;
    const v = value[k];
    // a record value may not be undefined unless its schema allows it (none here does)
    const checked = check(v);
    if (checked === BAD) return BAD;
    out[k] = checked;
  }
  return out;
}

function portsRecord(value: unknown): Record<string, number | string> | Bad {
  return record(value, isRuleId, portSpec);
}

const APPROVER_KEYS = keySet('role', 'name');
const NOTE_KEYS = keySet('need', 'owner', 'expires');
const CR_TEXT = ['changeId', 'title', 'requesterName', 'requesterTeam', 'requesterContact', 'type', 'category', 'justification', 'windowStart', 'windowEnd', 'expiry', 'risk', 'implementation', 'verification', 'backout', 'approvers', 'riskRating', 'priority', 'status', 'reviewDate', 'enforcementPoints', 'notImplementing', 'postReview', 'ruleNotes'] as const;
const CR_KEYS = keySet(...CR_TEXT);

function oneOf(values: readonly string[]): (value: unknown) => string | Bad {
  return (value) => (typeof value === 'string' && values.includes(value) ? value : BAD);
}

function approvers(value: unknown): Obj[] | Bad {
  if (!Array.isArray(value) || value.length > LIMITS.approvers) return BAD;
  const out: Obj[] = [];
  for (const a of value) {
    if (!isObject(a) || !onlyKeys(a, APPROVER_KEYS) || !isText(a.role, LIMITS.nameLength)) return BAD;
    const approver: Obj = { role: a.role };
    if (!optional(approver, a, 'name', text(LIMITS.nameLength))) return BAD;
    out.push(approver);
  }
  return out;
}

function ruleNote(value: unknown): Obj | Bad {
  if (!isObject(value) || !onlyKeys(value, NOTE_KEYS)) return BAD;
  const out: Obj = {};
  const ok =
    optional(out, value, 'need', text(LIMITS.textLength)) &&
    optional(out, value, 'owner', text(LIMITS.nameLength)) &&
    optional(out, value, 'expires', text(LIMITS.nameLength));
  return ok ? out : BAD;
}

/** The change request: every field optional, checked in the schema's order. */
const CR_FIELDS: Record<(typeof CR_TEXT)[number], (value: unknown) => unknown> = {
  changeId: text(LIMITS.nameLength),
  title: text(LIMITS.nameLength * 2),
  requesterName: text(LIMITS.nameLength),
  requesterTeam: text(LIMITS.nameLength),
  requesterContact: text(LIMITS.nameLength),
  type: oneOf(['new', 'modify', 'remove']),
  category: oneOf(['standard', 'normal', 'emergency']),
  justification: text(LIMITS.textLength),
  windowStart: text(LIMITS.nameLength),
  windowEnd: text(LIMITS.nameLength),
  expiry: text(LIMITS.nameLength),
  risk: text(LIMITS.textLength),
  implementation: text(LIMITS.textLength),
  verification: text(LIMITS.textLength),
  backout: text(LIMITS.textLength),
  approvers,
  riskRating: oneOf(['low', 'medium', 'high', 'critical']),
  priority: oneOf(['low', 'medium', 'high', 'urgent']),
  status: oneOf(['draft', 'submitted', 'approved', 'scheduled', 'implemented', 'verified', 'closed', 'rejected', 'backed-out']),
  reviewDate: text(LIMITS.nameLength),
  enforcementPoints: text(LIMITS.textLength),
  notImplementing: text(LIMITS.textLength),
  postReview: text(LIMITS.textLength),
  ruleNotes: (value) => record(value, (k) => k.length <= LIMITS.nameLength, ruleNote),
};

function changeRequest(value: unknown): Obj | Bad {
  if (!isObject(value) || !onlyKeys(value, CR_KEYS)) return BAD;
  const out: Obj = {};
  for (const key of CR_TEXT) if (!optional(out, value, key, CR_FIELDS[key] as (v: unknown) => unknown)) return BAD;
  return out;
}

/** The fields both versions share, after the version's own, in the schema's order. */
function ruleChoices(value: Obj, out: Obj): boolean {
  const disabled = withDefault(value, 'disabled', ruleIds, () => []);
  const enabled = withDefault(value, 'enabled', ruleIds, () => []);
  const ports = withDefault(value, 'ports', portsRecord, () => ({}));
  if (disabled === BAD || enabled === BAD || ports === BAD) return false;
  if (!enabled.every(isOptionalRule)) return false;
  out.disabled = disabled;
  out.enabled = enabled;
  out.ports = ports;
  return optional(out, value, 'changeRequest', changeRequest);
}

function cluster(value: unknown): boolean | Bad {
  return typeof value === 'boolean' ? value : BAD;
}

const V1_KEYS = keySet('version', 'name', 'cluster', 'roles', 'disabled', 'enabled', 'ports', 'changeRequest');

/** A version 1 plan exactly as PlanV1Schema returns it, or undefined. */
export function checkPlanV1(value: unknown): PlanV1 | undefined {
  if (!isObject(value) || !onlyKeys(value, V1_KEYS) || value.version !== 1) return undefined;
  const out: Obj = { version: 1 };
  if (!optional(out, value, 'name', text(LIMITS.nameLength))) return undefined;
  const clusterValue = withDefault(value, 'cluster', cluster, () => false);
  const roles = withDefault(value, 'roles', (v) => record(v, (k) => (ROLE_CODES as readonly string[]).includes(k), entries), () => ({}));
  if (clusterValue === BAD || roles === BAD) return undefined;
  out.cluster = clusterValue;
  out.roles = roles;
  return ruleChoices(value, out) ? (out as PlanV1) : undefined;
}

const NODE_KEYS = keySet('name', 'role', 'addresses');

function nodes(value: unknown): Obj[] | Bad {
  if (!Array.isArray(value) || value.length > LIMITS.nodes) return BAD;
  const out: Obj[] = [];
  for (const n of value) {
    if (!isObject(n) || !onlyKeys(n, NODE_KEYS) || !isText(n.name, LIMITS.nodeNameLength)) return BAD;
    if (!(NODE_ROLES as readonly unknown[]).includes(n.role)) return BAD;
    const addresses = withDefault(
      n,
      'addresses',
      (v) => (Array.isArray(v) && v.length <= LIMITS.addressesPerNode && v.every((a) => isText(a, LIMITS.entryLength)) ? (v as string[]) : BAD),
      () => [],
    );
    if (addresses === BAD) return BAD;
    out.push({ name: n.name, role: n.role, addresses });
  }
  return out;
}

const GROUP_KEYS = keySet('name', 'entries', 'services');

function groups(role: GroupRole): (value: unknown) => Obj[] | Bad {
  return (value) => {
    if (!Array.isArray(value) || value.length > LIMITS.groups) return BAD;
    const out: Obj[] = [];
    for (const g of value) {
      if (!isObject(g) || !onlyKeys(g, GROUP_KEYS) || !isText(g.name, LIMITS.nameLength)) return BAD;
      const list = withDefault(g, 'entries', entries, () => []);
      const services = withDefault(g, 'services', ruleIds, () => []);
      if (list === BAD || services === BAD || !services.every((id) => isGroupService(role, id))) return BAD;
      out.push({ name: g.name, entries: list, services });
    }
    return out;
  };
}

const SIDE_TEXT: Record<string, number> = { userGroup: LIMITS.nameLength, deviceGroup: LIMITS.nameLength, node: LIMITS.nodeNameLength };

function flowSide(value: unknown): Obj | Bad {
  if (!isObject(value)) return BAD;
  const keys = Object.keys(value);
  if (keys.length !== 1) return BAD;
  const key = keys[0] as string;
  const v = value[key];
  if (key === 'role') return (ROLE_CODES as readonly unknown[]).includes(v) ? { role: v } : BAD;
  if (key === 'entries') {
    const list = entries(v);
    return list === BAD ? BAD : { entries: list };
  }
  const max = hasOwn.call(SIDE_TEXT, key) ? SIDE_TEXT[key] : undefined;
  return max !== undefined && isText(v, max) ? { [key]: v } : BAD;
}

const FLOW_KEYS = keySet('name', 'source', 'destination', 'protocol', 'ports', 'reason', 'owner', 'expires');

function customFlows(value: unknown): Obj[] | Bad {
  if (!Array.isArray(value) || value.length > LIMITS.customFlows) return BAD;
  const out: Obj[] = [];
  for (const f of value) {
    if (!isObject(f) || !onlyKeys(f, FLOW_KEYS) || !isText(f.name, LIMITS.nameLength) || f.name.length === 0) return BAD;
    const source = flowSide(f.source);
    const destination = flowSide(f.destination);
    const ports = portSpec(f.ports);
    const reason = withDefault(f, 'reason', text(LIMITS.textLength), () => '');
    if (source === BAD || destination === BAD || ports === BAD || reason === BAD) return BAD;
    if (f.protocol !== 'tcp' && f.protocol !== 'udp') return BAD;
    const flow: Obj = { name: f.name, source, destination, protocol: f.protocol, ports, reason };
    const ok =
      optional(flow, f, 'owner', text(LIMITS.nameLength)) &&
      optional(flow, f, 'expires', (v) => (typeof v === 'string' && DAY_PATTERN.test(v) ? v : BAD));
    if (!ok) return BAD;
    out.push(flow);
  }
  return out;
}

const V2_KEYS = keySet('version', 'name', 'cluster', 'nodes', 'roles', 'userGroups', 'deviceGroups', 'customFlows', 'disabled', 'enabled', 'ports', 'changeRequest');

/** A version 2 plan exactly as PlanSchema returns it, or undefined. */
export function checkPlanV2(value: unknown): Plan | undefined {
  if (!isObject(value) || !onlyKeys(value, V2_KEYS) || value.version !== 2) return undefined;
  const out: Obj = { version: 2 };
  if (!optional(out, value, 'name', text(LIMITS.nameLength))) return undefined;
  const fields: [string, (v: unknown) => unknown, () => unknown][] = [
    ['cluster', cluster, () => false],
    ['nodes', nodes, () => []],
    ['roles', (v) => record(v, (k) => (LIST_ROLES as readonly string[]).includes(k), entries), () => ({})],
    ['userGroups', groups('USERW'), () => []],
    ['deviceGroups', groups('DVC'), () => []],
    ['customFlows', customFlows, () => []],
  ];
  for (const [key, check, fallback] of fields) {
    const checked = withDefault(value, key, check, fallback);
    if (checked === BAD) return undefined;
    out[key] = checked;
  }
  return ruleChoices(value, out) ? (out as Plan) : undefined;
}
