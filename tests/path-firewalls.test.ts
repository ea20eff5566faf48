/**
 * Firewalls in the path, flow for flow: each FortiGate, PAN-OS (set and XML) and Cisco ASA export
 * is read back in its own syntax (tests/path-firewalls/readers.ts) and the flows it allows —
 * source network, destination network, protocol, ports, and where the policy sits — must be
 * exactly the engine's flows (flowsOf over the scoped rules), for every fixture plan and for
 * random plans. A node's traffic to itself (a cluster policy from the nodes to the nodes matches
 * it; it never crosses a firewall) is left out on both sides.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GATEWAY, RENDERERS, expandPlan, exportPlan, groupServiceIds, type Plan, type RenderOptions, type RuleSet, type Scope } from '../src/engine/index.ts';
import { parsePlan } from '../src/engine/schema.ts';
import { DEFAULTS, PATH_FORMATS, engineFlows, nodeAddressesOf, normalise, type PathFormat } from './path-firewalls/flows.ts';
import { benchPlan } from '../bench/plans.ts';
import { fixturePlans } from './real-tools/exports.ts';
import { readAsa, readFortigate, readPanosSet, readPanosXml, type ReadFlow } from './path-firewalls/readers.ts';

const FORMATS = PATH_FORMATS;

const READERS: Record<PathFormat, (text: string) => ReadFlow[]> = {
  fortigate: readFortigate,
  panos: readPanosSet,
  'panos-xml': readPanosXml,
  asa: readAsa,
};

/** Export, read back, and compare with the engine's flows of the same scope. */
function check(plan: Plan, ruleSet: RuleSet, format: PathFormat, options: RenderOptions): void {
  const out = exportPlan(plan, format, options, ruleSet);
  if (!out.ok) throw new Error(out.message);
  const [from, to] = [options.from ?? DEFAULTS[format][0], options.to ?? DEFAULTS[format][1]];
  const nodes = nodeAddressesOf(ruleSet);
  const expected = normalise(engineFlows(ruleSet, options.scope, format, from, to), nodes);
  const read = normalise(READERS[format](out.text), nodes);
  expect(read, `${format} ${JSON.stringify(options)}`).toEqual(expected);
  // the header's count is the format's own count of the text
  expect(out.text).toContain(`in this file: ${RENDERERS[format].countRules(out.text)}, for `);
}

const PLACEMENTS: Record<PathFormat, [string, string]> = { fortigate: ['port1', 'port2'], panos: ['untrust', 'vault'], 'panos-xml': ['untrust', 'vault'], asa: ['outside', 'dmz'] };

describe.each(fixturePlans())('$name: every firewall-in-the-path export allows exactly the planned flows', ({ plan }) => {
  const ruleSet = expandPlan(plan);
  const primary = ruleSet.nodes.find((n) => n.role === 'PRD')?.name;
  const scopes: Scope[] = [GATEWAY, ...(primary ? [{ kind: 'host', node: primary } as const] : [])];
  it.each(FORMATS)('%s', (format) => {
    for (const scope of scopes) {
      for (const defaultDrop of scope.kind === 'gateway' ? [false, true] : [false]) {
        check(plan, ruleSet, format, { scope, defaultDrop });
        const [from, to] = PLACEMENTS[format];
        check(plan, ruleSet, format, { scope, defaultDrop, from, to });
      }
    }
  });
});

describe('a role larger than one address group may hold', () => {
  it('is written as nested groups (FortiGate past 600 members, PAN-OS past 2,500) that still allow exactly the planned flows', () => {
    const parsed = parsePlan(benchPlan({ dvc: 2_600, userw: 10, nodes: 1, mix: 'v4' }));
    if (!parsed.ok) throw new Error('bench plan');
    const ruleSet = expandPlan(parsed.plan);
    for (const format of FORMATS) {
      check(parsed.plan, ruleSet, format, { scope: GATEWAY, defaultDrop: true });
      const out = exportPlan(parsed.plan, format, { scope: GATEWAY, defaultDrop: false }, ruleSet);
      const nested = out.ok ? out.findings.filter((f) => /nested address groups/.test(f.message)) : [];
      expect(nested.length, format).toBe(format === 'asa' ? 0 : 1);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// random plans

const NAMES = ['Admins', 'Ops "night" \\ shift', 'Wi?ndows! ; rm -rf /', 'Ünïcode 中', 'a', 'A'];
const hostV4 = fc.integer({ min: 1, max: 14 }).map((n) => `10.0.0.${n}`);
const netV4 = fc.constantFrom('10.0.0.0/28', '10.0.1.0/24', '10.0.0.0/24', '192.0.2.0/29');
const hostV6 = fc.integer({ min: 1, max: 14 }).map((n) => `2001:db8::${n.toString(16)}`);
const netV6 = fc.constantFrom('2001:db8::/64', '2001:db8:1::/48');
const address = fc.oneof(hostV4, netV4, hostV6, netV6);
const entries = fc.uniqueArray(address, { maxLength: 4 }).chain((list) =>
  fc.tuple(...list.map((a) => fc.option(fc.constantFrom(...NAMES), { nil: undefined }).map((label) => (label === undefined ? a : { address: a, label })))),
);

const USERW = groupServiceIds('USERW');
const DVC = groupServiceIds('DVC');

const planArb = fc
  .record({
    name: fc.constantFrom(...NAMES, 'HQ vault'),
    cluster: fc.boolean(),
    nodes: fc.uniqueArray(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 3 }).chain((ns) =>
      fc.tuple(...ns.map((n, i) => fc.constantFrom('v4', 'v6', 'dual').map((fam) => ({
        name: `vault-${n}`,
        role: i === 0 ? 'PRD' : 'MBR',
        addresses: [...(fam !== 'v6' ? [`10.9.0.${n}`] : []), ...(fam !== 'v4' ? [`2001:db8:9::${n}`] : [])],
      })))),
    ),
    ADMINW: entries,
    NTP: entries,
    LDAP: entries,
    userGroups: fc.uniqueArray(fc.record({ name: fc.constantFrom(...NAMES), entries, services: fc.subarray(USERW) }), { maxLength: 2, selector: (g) => g.name }),
    deviceGroups: fc.uniqueArray(fc.record({ name: fc.constantFrom(...NAMES), entries, services: fc.subarray(DVC) }), { maxLength: 2, selector: (g) => g.name }),
    flows: fc.array(
      fc.record({
        source: fc.integer({ min: 0, max: 5 }),
        destination: fc.integer({ min: 0, max: 5 }),
        entries: fc.uniqueArray(address, { minLength: 1, maxLength: 3 }),
        protocol: fc.constantFrom('tcp', 'udp'),
        ports: fc.oneof(fc.integer({ min: 1, max: 65535 }), fc.tuple(fc.integer({ min: 1, max: 60000 }), fc.integer({ min: 0, max: 500 })).map(([a, n]) => `${a}-${a + n}`)),
      }),
      { maxLength: 3 },
    ),
  })
  .map((r) => {
    const side = (k: number, list: string[]) => {
      const nodeName = r.nodes[k % r.nodes.length]?.name as string;
      const options = [
        { role: 'PRD' },
        { role: 'NTP' },
        { node: nodeName },
        r.userGroups[0] ? { userGroup: r.userGroups[0].name } : { role: 'ADMINW' },
        r.deviceGroups[0] ? { deviceGroup: r.deviceGroups[0].name } : { role: 'LDAP' },
        { entries: list },
      ];
      return options[k] as Record<string, unknown>;
    };
    return {
      version: 2,
      name: r.name,
      cluster: r.cluster,
      nodes: r.nodes,
      roles: { ADMINW: r.ADMINW, NTP: r.NTP, LDAP: r.LDAP },
      userGroups: r.userGroups,
      deviceGroups: r.deviceGroups,
      customFlows: r.flows.map((f, i) => ({ name: `flow ${i} ${NAMES[i % NAMES.length]}`, source: side(f.source, f.entries), destination: side(f.destination, f.entries), protocol: f.protocol, ports: f.ports })),
      enabled: ['prd-mbr-tcp-4248', 'mbr-prd-tcp-4248'],
    };
  });

const placementArb = fc.constantFrom<[string, string] | undefined>(undefined, ['port1', 'port2'], ['outside', 'inside'], ['untrust', 'trust']);

describe('random plans', () => {
  it('every firewall-in-the-path export allows exactly the planned flows (gateway with and without --default-drop, host)', () => {
    let checked = 0;
    fc.assert(
      fc.property(planArb, placementArb, fc.boolean(), fc.nat(), (raw, placement, defaultDrop, pick) => {
        const parsed = parsePlan(raw);
        if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors.slice(0, 2)));
        const ruleSet = expandPlan(parsed.plan);
        fc.pre(!ruleSet.hasErrors);
        const node = ruleSet.nodes[pick % Math.max(1, ruleSet.nodes.length)];
        const scopes: { scope: Scope; defaultDrop: boolean }[] = [{ scope: GATEWAY, defaultDrop }];
        if (node) scopes.push({ scope: { kind: 'host', node: node.name }, defaultDrop: false });
        for (const format of FORMATS) {
          for (const s of scopes) check(parsed.plan, ruleSet, format, { ...s, ...(placement ? { from: placement[0], to: placement[1] } : {}) });
        }
        checked++;
      }),
      { seed: 20261130, numRuns: 100 },
    );
    expect(checked).toBeGreaterThan(80);
  });
});
