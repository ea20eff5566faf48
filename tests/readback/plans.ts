/**
 * Random plans for the read-back tests (fast-check), and what the engine says each scope must let
 * through. Addresses come from small pools, so nodes fall inside device and user ranges, entries
 * repeat across groups, ranges touch and merge: the cases where a target's aggregation, merging
 * or per-node placement could go wrong.
 */
import fc from 'fast-check';
import {
  applyScope,
  expandPlan,
  groupServiceIds,
  type ExpandedRule,
  type Plan,
  type RuleSet,
  type Scope,
} from '../../src/engine/index.ts';
import { parsePlan } from '../../src/engine/schema.ts';

const V4_HOSTS = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6'];
const V6_HOSTS = ['2001:db8::1', '2001:db8::2', '2001:db8::3', '2001:db8::4'];
const ENTRIES = ['10.0.0.0/29', '10.0.0.0/30', '10.0.0.4/30', '10.0.0.8/29', '10.0.1.0/24', '192.0.2.0/25', '192.0.2.128/25', '198.51.100.7', '2001:db8::/64', '2001:db8::/126', '2001:db8:1::/48', '2001:db8:1::5', ...V4_HOSTS, ...V6_HOSTS];

const entries = fc.uniqueArray(fc.constantFrom(...ENTRIES), { maxLength: 4 });
const subset = (ids: readonly string[]) => fc.subarray([...ids]);

const OPTIONAL = ['prd-mbr-tcp-4248', 'mbr-prd-tcp-4248', 'prd-mbr-tcp-59022', 'mbr-prd-tcp-59022', 'prd-dvc-tcp-5985', 'prd-dvc-tcp-5986', 'userw-prd-tcp-5432', 'prd-log-udp-514'];

/** A version 2 plan object: 1–3 nodes, roles, groups, overrides (ports and ranges) and site flows. */
export const planArbitrary: fc.Arbitrary<unknown> = fc
  .record({
    cluster: fc.boolean(),
    nodes: fc.uniqueArray(fc.record({ v4: fc.option(fc.constantFrom(...V4_HOSTS), { nil: undefined }), v6: fc.option(fc.constantFrom(...V6_HOSTS), { nil: undefined }) }), {
      minLength: 1,
      maxLength: 3,
      selector: (n) => `${n.v4 ?? ''}|${n.v6 ?? ''}`,
    }),
    adminw: entries,
    ntp: entries,
    ldap: entries,
    users: fc.array(fc.record({ entries, services: subset(groupServiceIds('USERW')) }), { maxLength: 2 }),
    devices: fc.array(fc.record({ entries, services: subset(groupServiceIds('DVC')) }), { maxLength: 3 }),
    enabled: subset(OPTIONAL),
    disabled: subset(['adminw-prd-tcp-59022', 'prd-mbr-tcp-22', 'userw-prd-tcp-443']),
    ports: fc.dictionary(fc.constantFrom('prd-dvc-tcp-22', 'userw-prd-tcp-443', 'prd-ntp-udp-123', 'prd-mbr-tcp-4567'), fc.oneof(fc.constantFrom(22, 23, 4568, 65535), fc.constantFrom('5000-5100', '4566-4567', '1-1024')), { maxKeys: 2 }),
    flows: fc.array(
      fc.record({
        source: fc.constantFrom<Record<string, unknown>>({ role: 'PRD' }, { node: 'n0' }, { userGroup: 'u0' }, { entries: ['10.0.0.0/29', '198.51.100.7'] }, { role: 'NTP' }),
        destination: fc.constantFrom<Record<string, unknown>>({ role: 'PRD' }, { node: 'n1' }, { deviceGroup: 'd0' }, { entries: ['10.0.0.2', '2001:db8::/64'] }),
        protocol: fc.constantFrom('tcp', 'udp'),
        ports: fc.constantFrom<number | string>(8443, '2222-2223', '10000-10010'),
      }),
      { maxLength: 2 },
    ),
  })
  .map((r) => {
    const nodes = r.nodes
      .map((n, i) => ({ name: `n${i}`, role: i === 0 ? 'PRD' : 'MBR', addresses: [n.v4, n.v6].filter((a) => a !== undefined) }))
      .filter((n) => n.addresses.length > 0);
    return {
      version: 2,
      name: 'random plan',
      cluster: r.cluster,
      nodes,
      roles: { ADMINW: r.adminw, NTP: r.ntp, LDAP: r.ldap },
      userGroups: r.users.map((g, i) => ({ name: `u${i}`, ...g })),
      deviceGroups: r.devices.map((g, i) => ({ name: `d${i}`, ...g })),
      enabled: r.enabled,
      disabled: r.disabled,
      ports: r.ports,
      customFlows: r.flows.map((f, i) => ({ name: `flow ${i}`, ...f })),
    };
  });

/** The plan and its rule set, or undefined when the random plan is one the engine refuses (errors block exports). */
export function usable(value: unknown): { plan: Plan; ruleSet: RuleSet } | undefined {
  const parsed = parsePlan(value);
  if (!parsed.ok) return undefined;
  const ruleSet = expandPlan(parsed.plan);
  if (ruleSet.hasErrors || ruleSet.nodes.length === 0) return undefined;
  return { plan: parsed.plan, ruleSet };
}

/** The scoped rules the engine hands a renderer (applyScope), or why there are none. */
export function scoped(ruleSet: RuleSet, scope: Scope): ExpandedRule[] {
  const s = applyScope(ruleSet, scope);
  if (!s.ok) throw new Error(s.message);
  return s.rules;
}

/** The fixed seed of every read-back property test: a failure is the same failure on every run. */
export const SEED = 20261130;
