import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SENHASEGURA_CATALOG, groupServiceIds } from '../catalog/senhasegura.ts';
import { checkPlanV1, checkPlanV2 } from './check.ts';
import { LIMITS } from './plan.ts';
import { readPlanValue } from './parse.ts';
import { LIST_ROLES, ROLE_CODES } from './roles.ts';
import { PlanSchema, PlanV1Schema, parsePlan } from './schema.ts';

/*
 * The fast reader and the zod schema must give the same answer on every input: accept the same
 * plans, with the same output (defaults, key order), and refuse the same ones. Generated plans sit
 * on the boundaries (lengths at and past each limit, ports at 0/1/65535/65536, optional and
 * default-on rules, services of the other role), then get mutated at a random place.
 */

const RULE_IDS = SENHASEGURA_CATALOG.map((r) => r.id);
const OPTIONAL_IDS = SENHASEGURA_CATALOG.filter((r) => r.optional).map((r) => r.id);
const USER_SERVICES = groupServiceIds('USERW');
const DEVICE_SERVICES = groupServiceIds('DVC');

/** Mostly a valid value, now and then one just past the boundary: whole plans come out both ways. */
const mostly = <T,>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<unknown>) => fc.oneof({ weight: 40, arbitrary: good as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: bad });

/** A string up to `max` characters (exactly max included), now and then one past it. */
const sized = (max: number) =>
  mostly(fc.oneof(fc.string({ maxLength: 6 }), fc.constant('x'.repeat(max)), fc.constant('é'.repeat(max))), fc.constantFrom('x'.repeat(max + 1), 5, null));
const ruleId = mostly(fc.constantFrom(...RULE_IDS), fc.constantFrom('nope', '', 'prd-ntp-udp-124', '__proto__'));
const port = mostly(
  fc.oneof(fc.constantFrom<unknown>(1, 443, 65535, '443', '5000-5100', '1-65535', '7-7'), fc.integer({ min: 1, max: 65535 })),
  fc.constantFrom<unknown>(0, 65536, -1, 1.5, '5100-5000', '0-5', '65535-65536', 'abc', '', null, true, '0443'),
);
const entry = mostly(
  fc.oneof(
    { weight: 4, arbitrary: fc.oneof(fc.constantFrom('10.0.0.1', '10.0.0.0/8', '2001:db8::1', 'not an address'), sized(LIMITS.entryLength)) },
    { weight: 1, arbitrary: fc.record({ address: fc.oneof(fc.constant('10.0.0.2'), sized(LIMITS.entryLength)), label: sized(LIMITS.labelLength) }, { requiredKeys: ['address'] }) },
  ),
  fc.constantFrom<unknown>(7, null, { label: 'x' }, { address: '10.0.0.3', extra: 1 }, []),
);
const entries = fc.array(entry, { maxLength: 5 });
const date = mostly(fc.constantFrom('2026-01-31', '2026-12-01', '9999-99-99'), fc.constantFrom('2026-1-31', 'tomorrow', 20260131));
const side = mostly(
  fc.oneof(
    fc.record({ role: fc.constantFrom<string>(...ROLE_CODES) }),
    fc.record({ userGroup: sized(LIMITS.nameLength) }),
    fc.record({ deviceGroup: sized(LIMITS.nameLength) }),
    fc.record({ node: sized(LIMITS.nodeNameLength) }),
    fc.record({ entries }),
  ),
  fc.constantFrom<unknown>({}, { role: 'NTP', node: 'a' }, 'NTP', { role: 'XYZ' }),
);
const flow = fc.record(
  {
    name: mostly(sized(LIMITS.nameLength).filter((n) => n !== ''), fc.constant('')),
    source: side,
    destination: side,
    protocol: mostly(fc.constantFrom('tcp', 'udp'), fc.constant('icmp')),
    ports: port,
    reason: sized(LIMITS.textLength),
    owner: sized(LIMITS.nameLength),
    expires: date,
  },
  { requiredKeys: ['name', 'source', 'destination', 'protocol', 'ports'] },
);
const group = (services: readonly string[]) =>
  fc.record(
    { name: sized(LIMITS.nameLength), entries, services: fc.array(mostly(fc.constantFrom(...services), ruleId), { maxLength: 4 }) },
    { requiredKeys: ['name'] },
  );
const node = fc.record(
  {
    name: sized(LIMITS.nodeNameLength),
    role: mostly(fc.constantFrom('PRD', 'MBR'), fc.constant('DVC')),
    addresses: mostly(fc.array(sized(LIMITS.entryLength), { maxLength: LIMITS.addressesPerNode }), fc.constant(Array.from({ length: LIMITS.addressesPerNode + 1 }, () => '10.0.0.1'))),
  },
  { requiredKeys: ['name', 'role'] },
);
const changeRequest = fc.record(
  {
    changeId: sized(LIMITS.nameLength),
    title: sized(LIMITS.nameLength * 2),
    type: mostly(fc.constantFrom('new', 'modify', 'remove'), fc.constant('other')),
    category: mostly(fc.constantFrom('standard', 'normal', 'emergency'), fc.constant('other')),
    justification: sized(LIMITS.textLength),
    approvers: fc.array(fc.record({ role: sized(LIMITS.nameLength), name: sized(LIMITS.nameLength) }, { requiredKeys: ['role'] }), { maxLength: 3 }),
    riskRating: mostly(fc.constantFrom('low', 'critical'), fc.constant('extreme')),
    status: mostly(fc.constantFrom('draft', 'backed-out'), fc.constant('lost')),
    reviewDate: sized(LIMITS.nameLength),
    ruleNotes: fc.dictionary(
      fc.oneof(fc.constantFrom(...RULE_IDS), fc.string({ maxLength: 8 }), fc.constant('k'.repeat(LIMITS.nameLength + 1))),
      fc.record({ need: sized(LIMITS.textLength), owner: sized(LIMITS.nameLength), expires: date }, { requiredKeys: [] }),
      { maxKeys: 2 },
    ),
  },
  { requiredKeys: [] },
);
const choices = {
  disabled: fc.array(ruleId, { maxLength: 3 }),
  enabled: fc.array(mostly(fc.constantFrom(...OPTIONAL_IDS), fc.constantFrom(...RULE_IDS)), { maxLength: 3 }),
  ports: fc.dictionary(fc.constantFrom(...RULE_IDS, 'nope'), port, { maxKeys: 2 }),
  changeRequest,
};
const planV2 = fc.record(
  {
    version: fc.constant(2),
    name: sized(LIMITS.nameLength),
    cluster: mostly(fc.boolean(), fc.constant('yes')),
    nodes: fc.array(node, { maxLength: 3 }),
    roles: fc.dictionary(mostly(fc.constantFrom<string>(...LIST_ROLES), fc.constantFrom('PRD', 'DVC', 'XYZ')) as fc.Arbitrary<string>, entries, { maxKeys: 3 }),
    userGroups: fc.array(group(USER_SERVICES), { maxLength: 2 }),
    deviceGroups: fc.array(group(DEVICE_SERVICES), { maxLength: 2 }),
    customFlows: fc.array(flow, { maxLength: 2 }),
    ...choices,
  },
  { requiredKeys: ['version'] },
);
const planV1 = fc.record(
  {
    version: fc.constant(1),
    name: sized(LIMITS.nameLength),
    cluster: fc.boolean(),
    roles: fc.dictionary(mostly(fc.constantFrom<string>(...ROLE_CODES), fc.constant('XYZ')) as fc.Arbitrary<string>, entries, { maxKeys: 4 }),
    ...choices,
  },
  { requiredKeys: ['version'] },
);

type Json = unknown;

/** Somewhere in the value: replace it, drop a key, add an unknown (or __proto__) key, or set undefined. */
function mutate(root: Json, pick: number, kind: number, replacement: Json): Json {
  const copy = JSON.parse(JSON.stringify(root)) as Json;
  const spots: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        spots.push({ parent: v, key: i });
        walk(x);
      });
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        spots.push({ parent: v as Record<string, unknown>, key: k });
        walk(x);
      }
    }
  };
  walk(copy);
  const spot = spots[pick % Math.max(1, spots.length)];
  const target = spot === undefined ? (copy as Record<string, unknown>) : spot.parent;
  if (spot === undefined || kind === 0) {
    if (spot) (spot.parent as Record<string | number, unknown>)[spot.key] = replacement;
  } else if (kind === 1 && !Array.isArray(target)) {
    delete (target as Record<string, unknown>)[spot.key as string];
  } else if (kind === 2 && !Array.isArray(target)) {
    Object.defineProperty(target, '__proto__', { value: replacement, enumerable: true, configurable: true, writable: true });
  } else if (kind === 3 && !Array.isArray(target)) {
    (target as Record<string, unknown>).surprise = replacement;
  } else {
    (spot.parent as Record<string | number, unknown>)[spot.key] = undefined;
  }
  return copy;
}

/** A `__proto__` key anywhere: refused before the schema sees the plan (parse.ts). */
function hasProtoKey(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some(hasProtoKey);
  return Object.keys(value).some((k) => k === '__proto__' || hasProtoKey((value as Record<string, unknown>)[k]));
}

const outcomes = { accepted: 0, refused: 0 };

function agree(value: unknown): void {
  const version = (value as { version?: unknown }).version;
  const schema = version === 1 ? PlanV1Schema : PlanSchema;
  const fast = version === 1 ? checkPlanV1(value) : checkPlanV2(value);
  const slow = schema.safeParse(value);
  const accepted = slow.success && !hasProtoKey(value);
  expect(fast !== undefined, slow.success ? 'zod accepted' : JSON.stringify(slow.error.issues.slice(0, 2)).slice(0, 400)).toBe(accepted);
  outcomes[accepted ? 'accepted' : 'refused']++;
  if (slow.success && fast !== undefined) {
    expect(fast).toEqual(slow.data);
    // the same bytes when written back: same keys in the same order
    expect(JSON.stringify(fast)).toBe(JSON.stringify(slow.data));
  }
}

describe('fast plan reader', () => {
  it('accepts and refuses exactly what the zod schema does (version 2)', () => {
    outcomes.accepted = outcomes.refused = 0;
    fc.assert(fc.property(planV2, (plan) => agree(plan)), { numRuns: 1500 });
    // the generator sits on the boundary: both answers are common
    expect(outcomes.accepted).toBeGreaterThan(100);
    expect(outcomes.refused).toBeGreaterThan(100);
  });

  it('accepts and refuses exactly what the zod schema does (version 1)', () => {
    outcomes.accepted = outcomes.refused = 0;
    fc.assert(fc.property(planV1, (plan) => agree(plan)), { numRuns: 800 });
    expect(outcomes.accepted).toBeGreaterThan(50);
    expect(outcomes.refused).toBeGreaterThan(50);
  });

  it('agrees on mutated plans: a value replaced, a key dropped, an unknown or __proto__ key, undefined', () => {
    const replacement = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom<unknown>('x'.repeat(5000), 0, 65536, 'prd-ntp-udp-123', [], {}));
    fc.assert(
      fc.property(fc.oneof(planV2, planV1), fc.nat(), fc.integer({ min: 0, max: 4 }), replacement, (plan, pick, kind, value) => {
        agree(mutate(plan, pick, kind, value));
      }),
      { numRuns: 2500 },
    );
  });

  it('a plan the fast reader accepts holds no __proto__ key anywhere', () => {
    const text = '{"version":2,"changeRequest":{"ruleNotes":{"__proto__":{"need":"x"}}}}';
    expect(checkPlanV2(JSON.parse(text))).toBeUndefined();
    const read = readPlanValue(JSON.parse(text));
    expect(read.ok).toBe(false);
    if (read.ok === false) expect(read.errors[0]?.message).toMatch(/__proto__/);
  });

  it('keeps a million-entry role without copying it, and refuses one more', () => {
    const list = Array.from({ length: LIMITS.entriesPerRole }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    const plan = checkPlanV2({ version: 2, deviceGroups: [{ name: 'all', entries: list, services: ['prd-dvc-tcp-22'] }] });
    expect(plan?.deviceGroups[0]?.entries).toBe(list);
    list.push('10.255.255.255');
    expect(checkPlanV2({ version: 2, deviceGroups: [{ name: 'all', entries: list }] })).toBeUndefined();
    const refused = parsePlan({ version: 2, deviceGroups: [{ name: 'all', entries: list }] });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.errors[0]).toEqual({ path: 'deviceGroups[0].entries', message: `a role holds at most ${LIMITS.entriesPerRole} entries` });
  });
});
