import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { groupServiceIds, SENHASEGURA_CATALOG } from './catalog/senhasegura.ts';
import { expandPlan, isRuleOn, withRuleOn } from './expand.ts';
import { flowKey, flowsOf, pairCount, pairs } from './flows.ts';
import { parsePlan } from './model/schema.ts';
import type { Plan } from './model/plan.ts';
import type { ExpandedRule, PlanNodeRef, RuleSet } from './model/rules.ts';
import { contains } from './net/address.ts';
import { applyScope, parseScope } from './scope.ts';

export function v1(value: Record<string, unknown>): Plan {
  const r = parsePlan({ version: 1, ...value });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.plan;
}

export function v2(value: Record<string, unknown>): Plan {
  const r = parsePlan({ version: 2, ...value });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.plan;
}

const rule = (rs: RuleSet, key: string): ExpandedRule => {
  const r = rs.rules.find((x) => x.key === key);
  if (!r) throw new Error(`no rule ${key}; have ${rs.rules.map((x) => x.key).join(' ')}`);
  return r;
};
const addrs = (r: ExpandedRule, side: 'source' | 'destination') => r[side].entries.map((e) => e.written);
const pairList = (r: ExpandedRule) => [...pairs(r)].map(([s, d]) => `${s.written}>${d.written}`);
const skipOf = (rs: RuleSet, id: string) => rs.skipped.find((s) => s.ruleId === id)?.reason.kind;
const codes = (rs: RuleSet, code: string) => rs.findings.filter((f) => f.code === code);
const CATALOG_SIZE = SENHASEGURA_CATALOG.length;

describe('expandPlan', () => {
  it('makes nothing without a PRD node, and says so as an error', () => {
    const rs = expandPlan(v1({ roles: { USERW: ['10.1.0.0/16'] } }));
    expect(rs.rules).toHaveLength(0);
    expect(codes(rs, 'no-primary')[0]?.severity).toBe('error');
    expect(rs.hasErrors).toBe(true);
    expect(skipOf(rs, 'userw-prd-tcp-443')).toBe('role-empty');
  });

  it('cluster off: MBR and the cluster section are ignored, with a finding', () => {
    const rs = expandPlan(v1({ roles: { PRD: ['10.0.0.10'], MBR: ['10.0.0.11'], USERW: ['10.1.0.0/16'] } }));
    expect(addrs(rule(rs, 'userw-prd-tcp-443@user-workstations/v4'), 'destination')).toEqual(['10.0.0.10']);
    expect(skipOf(rs, 'prd-mbr-tcp-3306')).toBe('cluster-off');
    expect(codes(rs, 'mbr-ignored')).toHaveLength(1);
  });

  it('cluster on: PRD rules hold for every node, cluster rules between every ordered pair of distinct nodes', () => {
    const rs = expandPlan(v1({ cluster: true, roles: { PRD: ['10.0.0.10'], MBR: ['10.0.0.11', '10.0.0.12'], USERW: ['10.1.0.0/16'], NTP: ['10.9.0.1'] } }));
    expect(addrs(rule(rs, 'userw-prd-tcp-443@user-workstations/v4'), 'destination')).toEqual(['10.0.0.10', '10.0.0.11', '10.0.0.12']);
    expect(addrs(rule(rs, 'prd-ntp-udp-123/v4'), 'source')).toEqual(['10.0.0.10', '10.0.0.11', '10.0.0.12']);
    const mysql = rule(rs, 'prd-mbr-tcp-3306/v4');
    expect(mysql.covers).toEqual(['prd-mbr-tcp-3306', 'mbr-prd-tcp-3306']);
    expect(pairList(mysql).sort()).toEqual([
      '10.0.0.10>10.0.0.11', '10.0.0.10>10.0.0.12', '10.0.0.11>10.0.0.10', '10.0.0.11>10.0.0.12', '10.0.0.12>10.0.0.10', '10.0.0.12>10.0.0.11',
    ]);
    expect(pairCount(mysql)).toBe(6);
    expect(rs.rules.filter((r) => r.covers.includes('mbr-prd-tcp-3306'))).toHaveLength(1);
  });

  it('a cluster of one node has no pair, and says so', () => {
    const rs = expandPlan(v1({ cluster: true, roles: { PRD: ['10.0.0.10'] } }));
    expect(skipOf(rs, 'prd-mbr-tcp-22')).toBe('single-node');
  });

  it('never pairs IPv4 with IPv6, and a dual-stack node takes part in both families', () => {
    const rs = expandPlan(v2({
      cluster: true,
      nodes: [{ name: 'vault-01', role: 'PRD', addresses: ['10.0.0.10', '2001:db8::10'] }, { name: 'vault-02', role: 'MBR', addresses: ['2001:db8::11'] }],
      userGroups: [{ name: 'Users', entries: ['10.1.0.0/16'], services: ['userw-prd-tcp-443'] }],
      deviceGroups: [{ name: 'Devices', entries: ['2001:db8:20::/48'], services: ['prd-dvc-tcp-22'] }],
    }));
    for (const r of rs.rules) for (const [s, d] of pairs(r)) expect([s.network.family, d.network.family]).toEqual([r.family, r.family]);
    expect(addrs(rule(rs, 'userw-prd-tcp-443@users/v4'), 'destination')).toEqual(['10.0.0.10']);
    expect(rs.rules.some((r) => r.key === 'userw-prd-tcp-443@users/v6')).toBe(false);
    expect(addrs(rule(rs, 'prd-dvc-tcp-22@devices/v6'), 'source')).toEqual(['2001:db8::10', '2001:db8::11']);
    expect(pairList(rule(rs, 'prd-mbr-tcp-22/v6'))).toEqual(['2001:db8::10>2001:db8::11', '2001:db8::11>2001:db8::10']);
  });

  it('skips a rule whose sides share no family, with both families in the reason', () => {
    const rs = expandPlan(v1({ roles: { PRD: ['10.0.0.10'], NTP: ['2001:db8::123'] } }));
    const s = rs.skipped.find((x) => x.ruleId === 'prd-ntp-udp-123');
    expect(s?.reason).toEqual({ kind: 'no-common-family', sourceFamilies: [4], destinationFamilies: [6] });
    expect(s?.message).toMatch(/never mixes IPv4 and IPv6/);
  });

  it('applies disabled rules, port overrides and optional rules; the service says the port used', () => {
    const rs = expandPlan(v1({
      cluster: true,
      roles: { PRD: ['10.0.0.10'], MBR: ['10.0.0.11'], MAIL: ['10.9.0.25'], DVC: ['10.20.0.0/16'] },
      disabled: ['prd-dvc-tcp-23'],
      enabled: ['prd-mbr-tcp-59022'],
      ports: { 'prd-mail-tcp-420': 587 },
    }));
    expect(skipOf(rs, 'prd-dvc-tcp-23')).toBe('disabled');
    const mail = rule(rs, 'prd-mail-tcp-420/v4');
    expect([mail.port, mail.defaultPort, mail.service]).toEqual([587, 420, 'SMTP 587/tcp']);
    expect(rs.findings.some((f) => f.code === 'port-override' && f.ruleId === 'prd-mail-tcp-420')).toBe(true);
    expect(rs.findings.some((f) => f.code === 'non-standard-port' && f.ruleId === 'prd-mail-tcp-420')).toBe(false);
    expect(rule(rs, 'prd-mbr-tcp-59022/v4').port).toBe(59022);
    expect(skipOf(rs, 'mbr-prd-tcp-59022')).toBe('optional-off');
  });

  it('lists every skip as a finding, and every catalog row is realised or skipped', () => {
    const rs = expandPlan(v1({ roles: { PRD: ['10.0.0.10'] }, disabled: ['prd-dvc-tcp-22'] }));
    expect(rs.findings.filter((f) => f.code === 'rule-skipped').map((f) => f.ruleId)).toEqual(rs.skipped.map((s) => s.ruleId));
    expect(rs.skipped.length + rs.rules.length).toBe(CATALOG_SIZE);
  });

  it('keeps the admin shell rule: ADMINW reaches every node on 59022/tcp, on by default, not from the article', () => {
    const admin = SENHASEGURA_CATALOG.find((r) => r.id === 'adminw-prd-tcp-59022');
    expect(admin?.optional).toBe(false);
    expect(admin?.origin).toBe('vendor-docs');
    expect(admin?.cite?.title).toMatch(/59022/);
    const rs = expandPlan(v1({ cluster: true, roles: { PRD: ['10.0.0.10'], MBR: ['10.0.0.11'], ADMINW: ['10.5.0.0/24'] } }));
    expect(addrs(rule(rs, 'adminw-prd-tcp-59022/v4'), 'destination')).toEqual(['10.0.0.10', '10.0.0.11']);
  });

  it('is deterministic', () => {
    const p = v1({ cluster: true, roles: { PRD: ['10.0.0.10'], MBR: ['10.0.0.11'], DVC: ['10.20.0.0/16', '2001:db8::/48'] } });
    const text = () => JSON.stringify(expandPlan(p), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Set ? [...(v as Set<string>)] : v));
    expect(text()).toBe(text());
  });
});

describe('nothing typed vanishes, nothing is widened', () => {
  it('an invalid entry is an error that names it, and blocks the rule set', () => {
    const rs = expandPlan(v1({ roles: { PRD: ['10.0.0.10'], DVC: ['10.0.0.300', 'vault-01.example.com', '10.20.0.0/16'] } }));
    const errors = codes(rs, 'invalid-entry');
    expect(errors.map((f) => [f.path, f.severity])).toEqual([
      ['deviceGroups[0].entries[0]', 'error'],
      ['deviceGroups[0].entries[1]', 'error'],
    ]);
    expect(errors[0]?.message).toMatch(/"10\.0\.0\.300" is not a valid IPv4 address/);
    expect(errors[1]?.message).toMatch(/is a hostname/);
    expect(rs.hasErrors).toBe(true);
  });

  it('a CIDR with host bits set is an error offering both meanings, never used widened', () => {
    const rs = expandPlan(v1({ roles: { PRD: ['10.0.0.10'], USERW: ['10.1.0.5/24'] } }));
    const f = codes(rs, 'host-bits')[0];
    expect(f?.severity).toBe('error');
    expect(f?.choices).toEqual(['10.1.0.5', '10.1.0.0/24']);
    expect(f?.message).toMatch(/write 10\.1\.0\.5 for the one host, or 10\.1\.0\.0\/24 for the whole network/);
    expect(rs.rules.some((r) => r.source.entries.some((e) => e.network.cidr === '10.1.0.0/24'))).toBe(false);
  });

  it('keeps entries as written and with their labels: nothing is merged', () => {
    const rs = expandPlan(v1({ roles: { PRD: ['10.0.0.10'], DVC: ['10.20.0.0/25', '10.20.0.128/25', { address: '2001:DB8::7', label: 'dc01' }] } }));
    const r4 = rule(rs, 'prd-dvc-tcp-22@managed-devices/v4');
    expect(addrs(r4, 'destination')).toEqual(['10.20.0.0/25', '10.20.0.128/25']);
    expect(rs.findings.some((f) => (f.code as string) === 'merged')).toBe(false);
  });

  it('warns where another role holds a node: a device range, a management server', () => {
    const rs = expandPlan(v1({ cluster: true, roles: { PRD: ['192.0.2.10'], MBR: ['192.0.2.11'], DVC: ['192.0.2.0/24'], NTP: ['192.0.2.10'] } }));
    const overlaps = codes(rs, 'role-overlap');
    expect(overlaps.map((f) => f.path)).toEqual(['deviceGroups[0].entries[0]', 'roles.NTP[0]']);
    expect(overlaps[0]?.message).toMatch(/contains the node "192\.0\.2\.10"/);
    expect(overlaps[1]?.message).toMatch(/is the node/);
  });

  it('refuses nodes that are networks, two addresses of one family, shared addresses and duplicate names', () => {
    const rs = expandPlan(v2({
      nodes: [
        { name: 'a', role: 'PRD', addresses: ['192.0.2.10/31'] },
        { name: 'b', role: 'PRD', addresses: ['192.0.2.20', '192.0.2.21'] },
        { name: 'c', role: 'MBR', addresses: ['192.0.2.20'] },
        { name: 'A', role: 'MBR', addresses: ['192.0.2.30'] },
      ],
    }));
    expect(codes(rs, 'node-address').map((f) => f.path)).toEqual(['nodes[0].addresses[0]', 'nodes[1].addresses[1]', 'nodes[2].addresses[0]']);
    expect(codes(rs, 'node-name').map((f) => f.path)).toEqual(['nodes[3].name']);
  });

  it('warns about single-family nodes that may be one machine', () => {
    const rs = expandPlan(v1({ roles: { PRD: [{ address: '10.20.0.11', label: 'vault-02' }, { address: '2001:db8::11', label: 'vault-02 v6' }] } }));
    expect(codes(rs, 'dual-stack-partner')[0]?.message).toMatch(/"vault-02" has only an IPv4 address and "vault-02 v6" only an IPv6 address/);
  });
});

describe('groups', () => {
  const p = v2({
    nodes: [{ name: 'vault-01', role: 'PRD', addresses: ['192.0.2.10', '2001:db8::10'] }],
    userGroups: [
      { name: 'Administrators', entries: ['10.10.5.0/24'], services: ['userw-prd-tcp-443', 'userw-prd-tcp-22', 'userw-prd-tcp-3389'] },
      { name: 'Everyone', entries: ['10.10.0.0/16'], services: ['userw-prd-tcp-443'] },
    ],
    deviceGroups: [
      { name: 'Windows servers', entries: [{ address: '10.20.2.5', label: 'dc01' }, '10.20.1.0/24'], services: ['prd-dvc-tcp-3389', 'prd-dvc-tcp-135', 'prd-dvc-tcp-139', 'prd-dvc-tcp-445'] },
      { name: 'Network devices', entries: ['10.30.0.0/24'], services: ['prd-dvc-tcp-22'] },
    ],
  });
  const rs = expandPlan(p);
  const flows = new Set([...flowsOf(rs.rules)].map(flowKey));

  it('a rule holds for a group only if the group lists it', () => {
    expect(flows.has('tcp/3389 192.0.2.10/32 > 10.20.2.5/32')).toBe(true);
    expect(flows.has('tcp/22 192.0.2.10/32 > 10.20.2.5/32')).toBe(false);
    expect(flows.has('tcp/22 192.0.2.10/32 > 10.30.0.0/24')).toBe(true);
    expect(flows.has('tcp/3389 192.0.2.10/32 > 10.30.0.0/24')).toBe(false);
    expect(flows.has('tcp/22 10.10.5.0/24 > 192.0.2.10/32')).toBe(true);
    expect(flows.has('tcp/22 10.10.0.0/16 > 192.0.2.10/32')).toBe(false);
    expect(flows.has('tcp/443 10.10.0.0/16 > 192.0.2.10/32')).toBe(true);
  });

  it('names each group in its rules, labels kept', () => {
    const r = rule(rs, 'prd-dvc-tcp-3389@windows-servers/v4');
    expect(r.destination.name).toBe('DVC Windows servers');
    expect(r.destination.entries[0]?.label).toBe('dc01');
    expect(skipOf(rs, 'prd-dvc-tcp-23')).toBe('no-group');
  });

  it('one group with every service gives exactly version 1 flows', () => {
    const roles = { PRD: ['192.0.2.10'], USERW: ['10.10.0.0/16'], DVC: ['10.20.0.0/16', '10.30.0.7'] };
    const old = expandPlan(v1({ roles }));
    const grouped = expandPlan(v2({
      nodes: [{ name: 'p', role: 'PRD', addresses: ['192.0.2.10'] }],
      userGroups: [{ name: 'u', entries: roles.USERW, services: groupServiceIds('USERW') }],
      deviceGroups: [{ name: 'd', entries: roles.DVC, services: groupServiceIds('DVC') }],
    }));
    const set = (x: RuleSet) => [...new Set([...flowsOf(x.rules)].map(flowKey))].sort();
    expect(set(grouped)).toEqual(set(old));
  });

  it('refuses a service of the wrong section with its path', () => {
    const r = parsePlan({ version: 2, userGroups: [{ name: 'x', entries: [], services: ['prd-dvc-tcp-22'] }] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]?.path).toBe('userGroups[0].services[0]');
  });
});

describe('rule switches', () => {
  it('isRuleOn and withRuleOn are each other\'s inverse, for optional and default rules', () => {
    const p = v1({});
    for (const r of SENHASEGURA_CATALOG) {
      const on = withRuleOn(p, r, true);
      const off = withRuleOn(p, r, false);
      expect([isRuleOn(on, r), isRuleOn(off, r)]).toEqual([true, false]);
    }
  });
});

describe('invariants on random plans', () => {
  it('never mixes families, never pairs a node with itself, realises or skips every row', () => {
    const v4 = fc.tuple(fc.integer({ min: 1, max: 223 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 254 })).map((p) => p.join('.'));
    const v6 = fc.integer({ min: 1, max: 0xffff }).map((n) => `2001:db8:${n.toString(16)}::1`);
    const addr = fc.oneof(v4, v6);
    fc.assert(
      fc.property(fc.boolean(), fc.uniqueArray(addr, { minLength: 1, maxLength: 3 }), fc.uniqueArray(addr, { maxLength: 3 }), fc.array(addr, { maxLength: 5 }), fc.array(addr, { maxLength: 5 }), (cluster, prd, mbr, userw, dvc) => {
        const rs = expandPlan(v1({ cluster, roles: { PRD: prd, MBR: mbr.filter((a) => !prd.includes(a)), USERW: userw, DVC: dvc } }));
        for (const r of rs.rules) {
          for (const [s, d] of pairs(r)) {
            expect(s.network.family).toBe(d.network.family);
            if (r.distinctPairs) expect(s.network.cidr).not.toBe(d.network.cidr);
          }
          if (r.section === 'cluster') expect(cluster).toBe(true);
        }
        const realised = new Set(rs.rules.flatMap((r) => r.covers));
        for (const s of rs.skipped) expect(realised.has(s.ruleId)).toBe(false);
        expect(realised.size + rs.skipped.length).toBe(CATALOG_SIZE);
      }),
      { numRuns: 150 },
    );
  });
});

describe('scopes', () => {
  const p = v2({
    cluster: true,
    nodes: [
      { name: 'vault-01', role: 'PRD', addresses: ['10.0.0.10', '2001:db8::10'] },
      { name: 'vault-02', role: 'MBR', addresses: ['10.0.0.11', '2001:db8::11'] },
      { name: 'vault-03', role: 'MBR', addresses: ['10.0.0.12'] },
    ],
    roles: { NTP: ['10.9.0.1'] },
    userGroups: [{ name: 'Users', entries: ['10.1.0.0/16', '2001:db8:1::/48'], services: groupServiceIds('USERW') }],
  });
  const rs = expandPlan(p);
  const host = (text: string) => {
    const s = parseScope(rs, text);
    if (!s.ok) throw new Error(s.message);
    const r = applyScope(rs, s.scope);
    if (!r.ok) throw new Error(r.message);
    return r.rules;
  };

  it('gateway keeps every rule, forwarded', () => {
    const s = applyScope(rs, { kind: 'gateway' });
    expect(s.ok && s.rules.length).toBe(rs.rules.length);
  });

  it('a node is chosen by name or by any of its addresses, and covers every family it has', () => {
    for (const text of ['host:vault-02', 'host:10.0.0.11', 'host:2001:db8::11', 'host:10.0.0.11,2001:db8::11']) {
      const rules = host(text);
      const https = rules.filter((r) => r.ruleId === 'userw-prd-tcp-443');
      expect(https.map((r) => `${r.family} ${addrs(r, 'destination').join()}`)).toEqual(['4 10.0.0.11', '6 2001:db8::11']);
    }
    expect(parseScope(rs, 'host:10.0.0.10,2001:db8::11').ok).toBe(false);
    expect(parseScope(rs, 'host:10.1.0.5').ok).toBe(false);
  });

  it('host keeps inbound rules to the node and outbound rules from it; cluster peers exclude the node', () => {
    const rules = host('host:vault-02');
    const ntp = rules.find((r) => r.ruleId === 'prd-ntp-udp-123');
    expect([ntp?.direction, ntp && addrs(ntp, 'source')]).toEqual(['out', ['10.0.0.11']]);
    const cl = rules.filter((r) => r.ruleId === 'prd-mbr-tcp-22' && r.family === 4);
    expect(cl.map((r) => r.direction)).toEqual(['in', 'out']);
    expect(cl[0] && addrs(cl[0], 'source')).toEqual(['10.0.0.10', '10.0.0.12']);
  });

  it('host and gateway agree flow for flow, also where a device range holds a node', () => {
    /** The flows a node's firewall must pass, worked out from the gateway flows alone. */
    const expectedOn = (set: RuleSet, node: PlanNodeRef): string[] => {
      const out = new Set<string>();
      for (const a of [node.v4, node.v6]) {
        if (!a) continue;
        for (const f of flowsOf(set.rules)) {
          const key = (s: string, d: string) => `${f.protocol}/${f.port} ${s}>${d}`;
          if (contains(f.destination.network, a.network) && f.source.network.cidr !== a.network.cidr) out.add(key(f.source.network.cidr, a.network.cidr));
          if (contains(f.source.network, a.network) && f.destination.network.cidr !== a.network.cidr) out.add(key(a.network.cidr, f.destination.network.cidr));
        }
      }
      return [...out].sort();
    };
    const hostFlows = (set: RuleSet, node: PlanNodeRef): string[] => {
      const scoped = applyScope(set, { kind: 'host', node: node.name });
      if (!scoped.ok) throw new Error(scoped.message);
      return [...new Set([...flowsOf(scoped.rules)].map((f) => `${f.protocol}/${f.port} ${f.source.network.cidr}>${f.destination.network.cidr}`))].sort();
    };
    const overlap = expandPlan(v1({ cluster: true, roles: { PRD: ['192.0.2.10'], MBR: ['192.0.2.11'], DVC: ['192.0.2.0/24'] } }));
    for (const node of overlap.nodes) expect(hostFlows(overlap, node)).toEqual(expectedOn(overlap, node));
    // vault-02 lies inside DVC: the primary's device rules reach it, so its host export lets them in
    expect(hostFlows(overlap, overlap.nodes[1] as PlanNodeRef)).toContain('tcp/3389 192.0.2.10/32>192.0.2.11/32');
    expect(hostFlows(rs, rs.nodes[0] as PlanNodeRef)).toEqual(expectedOn(rs, rs.nodes[0] as PlanNodeRef));

    const octet = fc.integer({ min: 1, max: 6 });
    const entry = fc.oneof(octet.map((n) => `192.0.2.${n}`), fc.constantFrom('192.0.2.0/29', '192.0.2.0/24', '198.51.100.0/24', '2001:db8::/64', '2001:db8::3'));
    fc.assert(
      fc.property(fc.boolean(), fc.uniqueArray(octet, { minLength: 1, maxLength: 3 }), fc.array(entry, { maxLength: 3 }), fc.array(entry, { maxLength: 3 }), fc.array(entry, { maxLength: 2 }), (cluster, nodes, users, devices, ntp) => {
        const set = expandPlan(v2({
          cluster,
          nodes: nodes.map((n, i) => ({ name: `n${i}`, role: i === 0 ? 'PRD' : 'MBR', addresses: [`192.0.2.${n}`, ...(i === 0 ? ['2001:db8::1'] : [])] })),
          roles: { NTP: ntp },
          userGroups: [{ name: 'u', entries: users, services: groupServiceIds('USERW') }],
          deviceGroups: [{ name: 'd', entries: devices, services: groupServiceIds('DVC') }],
        }));
        for (const node of set.nodes) expect(hostFlows(set, node)).toEqual(expectedOn(set, node));
      }),
      { numRuns: 100 },
    );
  });

  it('refuses an MBR node while cluster mode is off', () => {
    const off = expandPlan({ ...p, cluster: false });
    expect(applyScope(off, { kind: 'host', node: 'vault-02' }).ok).toBe(false);
  });
});

describe('lists read once and remembered', () => {
  const base = (): Plan => {
    const r = parsePlan({
      version: 2,
      cluster: true,
      nodes: [{ name: 'vault-01', role: 'PRD', addresses: ['10.0.0.10'] }, { name: 'vault-02', role: 'MBR', addresses: ['10.0.0.11'] }],
      roles: { NTP: ['10.9.0.1', '10.9.0.1', 'ntp.example'], DNS: ['10.0.0.0/24'] },
      userGroups: [{ name: 'Ops', entries: ['10.1.0.0/24', '10.1.0.5/24'], services: ['userw-prd-tcp-443'] }],
      deviceGroups: [{ name: 'Linux', entries: ['10.2.0.1', '10.2.0.1', '10.0.0.10'], services: ['prd-dvc-tcp-22'] }],
    });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    return r.plan;
  };
  /** the same plan rebuilt from JSON: no array shared with any earlier call */
  const fresh = (plan: Plan) => expandPlan(JSON.parse(JSON.stringify(plan)) as Plan);

  it('an edit elsewhere reuses a list and gives what a fresh read gives', () => {
    const plan = base();
    expandPlan(plan);
    const toggled: Plan = { ...plan, disabled: ['prd-dvc-tcp-22'] };
    const again = expandPlan(toggled);
    expect(again).toEqual(fresh(toggled));
    // the entries are the very objects of the first read
    expect(again.roles.NTP).toBe(expandPlan(plan).roles.NTP);
  });

  it('renaming or moving a group reads its list again: its entries and messages name the new group', () => {
    const plan = base();
    expandPlan(plan);
    const renamed: Plan = { ...plan, deviceGroups: [{ ...plan.deviceGroups[0]!, name: 'Unix' }] };
    const r = expandPlan(renamed);
    expect(r).toEqual(fresh(renamed));
    expect(r.findings.find((f) => f.code === 'duplicate-entry' && f.path?.startsWith('deviceGroups'))?.message).toContain('"Unix"');
    const moved: Plan = { ...plan, deviceGroups: [{ name: 'First', entries: ['10.3.0.1'], services: ['prd-dvc-tcp-22'] }, plan.deviceGroups[0]!] };
    const m = expandPlan(moved);
    expect(m).toEqual(fresh(moved));
    expect(m.deviceGroups[1]?.entries[0]?.path).toBe('deviceGroups[1].entries[0]');
  });
});
