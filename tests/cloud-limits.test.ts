/**
 * The documented limits of the cloud targets, checked on the files themselves:
 * - AWS (Amazon VPC quotas; CloudFormation quotas): 60 inbound and 60 outbound rules per security
 *   group for each address family, 5 groups per network interface (16 at most), groups × rules ≤
 *   1,000; a template of at most 500 resources, 200 outputs, 1 MB, logical ids alphanumeric ≤ 255.
 *   Past 60 rules the groups are split deterministically while a node can carry the parts; past
 *   that nothing helps and the findings say so — never a silent cut.
 * - Azure (networking limits; security rule properties): 1,000 rules per NSG, 4,000 source and
 *   4,000 destination prefixes per NSG, priorities 100–4096 unique per direction, names ≤ 80 of
 *   word characters . - _, descriptions ≤ 140.
 * And at the peers' plan (5,000 devices, 500 user networks, 3 nodes) the files stay small and the
 * rules AWS and Azure cannot hold are findings.
 */
import { describe, expect, it } from 'vitest';
import { benchPlan } from '../bench/plans.ts';
import { exportPlan, expandPlan, type FormatId, type Plan, type RenderOptions, type Scope } from '../src/engine/index.ts';
import { parsePlan } from '../src/engine/schema.ts';
import { readCloudFormation, readTerraform, sgBoxes, type SgFile } from './readback/aws.ts';
import { nsgBoxes, readNsg } from './readback/azure.ts';
import { canonical, flowBoxes, nodeAddresses, selfPairs, touchingNodes } from './readback/boxes.ts';
import { scoped } from './readback/plans.ts';
import { fixturePlans } from './real-tools/exports.ts';

const GATEWAY: Scope = { kind: 'gateway' };

function text(plan: Plan, format: FormatId, options: Partial<RenderOptions> = {}) {
  const r = exportPlan(plan, format, { scope: GATEWAY, defaultDrop: false, ...options });
  if (!r.ok) throw new Error(r.message);
  return r;
}

/** One node, and `devices` hosts three apart (aggregation cannot merge them) on one device port. */
function devicesPlan(devices: number, nodes = 1): Plan {
  const host = (i: number) => {
    const v = (10 << 24) + (64 << 16) + i * 3;
    return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
  };
  const parsed = parsePlan({
    version: 2,
    name: `devices ${devices}`,
    cluster: nodes > 1,
    nodes: Array.from({ length: nodes }, (_, i) => ({ name: `vault-${i + 1}`, role: i === 0 ? 'PRD' : 'MBR', addresses: [`192.0.2.${10 + i}`] })),
    deviceGroups: [{ name: 'devices', entries: Array.from({ length: devices }, (_, i) => host(i)), services: ['prd-dvc-tcp-22'] }],
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors.slice(0, 2)));
  return parsed.plan;
}

const CFN_ID = /^[A-Za-z0-9]{1,255}$/;

/** Per group: inbound and outbound rules of each family. */
function perGroup(file: SgFile): { name: string; counts: number[] }[] {
  return [...file.groups.values()].map((g) => ({
    name: g.name,
    counts: [g.ingress, g.egress].flatMap((list) => [4, 6].map((f) => list.filter((r) => r.network.family === f).length)),
  }));
}

describe('AWS security groups: documented quotas', () => {
  it('every fixture plan and scope keeps to the quotas and the template limits, or says where it does not', () => {
    for (const { name, plan } of fixturePlans()) {
      const ruleSet = expandPlan(plan);
      for (const scope of [GATEWAY, ...ruleSet.nodes.map((n): Scope => ({ kind: 'host', node: n.name }))]) {
        const tf = text(plan, 'aws-terraform', { scope });
        const cfn = text(plan, 'aws-cloudformation', { scope });
        for (const [r, file] of [[tf, readTerraform(tf.text)], [cfn, readCloudFormation(cfn.text)]] as const) {
          const over = perGroup(file).some((g) => g.counts.some((c) => c > 60)) || [...file.attach.values()].some((g) => g.length > 5);
          expect(r.findings.some((f) => f.code === 'target-limit'), `${name} ${r.fileName}: a limit finding exactly when a quota is passed`).toBe(over);
        }
        // the small fixtures fit; the large estate (153 device entries × 12 services) passes the quotas
        expect(name === 'large' || !tf.findings.some((f) => f.code === 'target-limit'), name).toBe(true);
        const doc = JSON.parse(cfn.text) as { Resources: Record<string, unknown>; Outputs: Record<string, unknown> };
        expect(Object.keys(doc.Resources).length).toBeLessThanOrEqual(500);
        expect(Object.keys(doc.Outputs).length).toBeLessThanOrEqual(200);
        for (const id of [...Object.keys(doc.Resources), ...Object.keys(doc.Outputs)]) expect(id).toMatch(CFN_ID);
        expect(new TextEncoder().encode(cfn.text).length).toBeLessThanOrEqual(1_000_000);
      }
    }
  });

  it('splits a group past 60 rules into parts of at most 60, in order, all attached to the node, flows unchanged', () => {
    const plan = devicesPlan(150);
    const ruleSet = expandPlan(plan);
    for (const format of ['aws-terraform', 'aws-cloudformation'] as const) {
      const r = text(plan, format);
      const file = format === 'aws-terraform' ? readTerraform(r.text) : readCloudFormation(r.text);
      expect(perGroup(file).map((g) => g.counts[2])).toEqual([60, 60, 30]);
      expect(file.attach.get('vault-1')?.length).toBe(3);
      expect(r.findings.filter((f) => f.code === 'target-limit')).toEqual([]);
      expect(r.ruleCount).toBe(150);
      const nodes = nodeAddresses(ruleSet.nodes);
      const { inbound, outbound } = sgBoxes(file, ruleSet.nodes);
      expect(canonical([...inbound, ...outbound, ...selfPairs(nodes)])).toBe(canonical([...touchingNodes(flowBoxes(scoped(ruleSet, GATEWAY)), nodes), ...selfPairs(nodes)]));
    }
    const cfn = JSON.parse(text(plan, 'aws-cloudformation').text) as { Resources: Record<string, unknown> };
    expect(Object.keys(cfn.Resources)).toEqual(['SgNodesPart1', 'SgNodesPart2', 'SgNodesPart3']);
    // the same plan gives the same split
    expect(text(plan, 'aws-terraform').text).toBe(text(devicesPlan(150), 'aws-terraform').text);
  });

  it('says when a node needs more groups than AWS attaches by default', () => {
    const r = text(devicesPlan(400), 'aws-terraform');
    expect(readTerraform(r.text).attach.get('vault-1')?.length).toBe(7);
    expect(r.findings.map((f) => f.message).join('\n')).toMatch(/vault-1 needs 7 security groups .* 5 per network interface by default.*up to 16/);
  });

  it('past what an interface can carry it does not split, keeps every rule, and says AWS will refuse', () => {
    const r = text(devicesPlan(1200), 'aws-terraform');
    const file = readTerraform(r.text);
    expect(file.groups.size).toBe(1);
    expect(r.ruleCount).toBe(1200);
    expect(perGroup(file)[0]?.counts[2]).toBe(1200);
    const messages = r.findings.filter((f) => f.code === 'target-limit').map((f) => f.message).join('\n');
    expect(messages).toMatch(/holds 1,200 outbound IPv4 rules: AWS takes 60 per group/);
    expect(messages).toMatch(/vault-1 needs 1,200 outbound IPv4 security group rules: one network interface carries at most 1,000/);
    expect(r.text).toMatch(/^# LIMIT: .*1,200 outbound IPv4/m);
  });
});

describe('Azure NSG: documented limits', () => {
  it('every fixture plan and scope: names, priorities, descriptions, rule and prefix counts within the limits', () => {
    for (const { name, plan } of fixturePlans()) {
      const ruleSet = expandPlan(plan);
      for (const scope of [GATEWAY, ...ruleSet.nodes.map((n): Scope => ({ kind: 'host', node: n.name }))]) {
        for (const defaultDrop of [false, true]) {
          const r = text(plan, 'azure-nsg', { scope, defaultDrop });
          const rules = readNsg(r.text);
          expect(r.findings.filter((f) => f.code === 'target-limit'), name).toEqual([]);
          expect(rules.length).toBeLessThanOrEqual(1000);
          for (const x of rules) {
            expect(x.priority).toBeGreaterThanOrEqual(100);
            expect(x.priority).toBeLessThanOrEqual(4096);
          }
          for (const side of ['sources', 'destinations'] as const) expect(rules.reduce((n, x) => n + (x[side] === '*' ? 0 : x[side].length), 0)).toBeLessThanOrEqual(4000);
          const denies = nsgBoxes(rules).denies.map((d) => `${d.direction} ${d.priority}`);
          expect(denies).toEqual(defaultDrop ? ['Inbound 4096', 'Outbound 4096'] : []);
        }
      }
    }
  });

  it('open egress keeps the inbound deny only', () => {
    const { plan } = fixturePlans()[0] as { plan: Plan };
    const node = expandPlan(plan).nodes[0]?.name as string;
    const rules = readNsg(text(plan, 'azure-nsg', { scope: { kind: 'host', node }, defaultDrop: true, egress: 'open' }).text);
    expect(nsgBoxes(rules).denies.map((d) => d.direction)).toEqual(['Inbound']);
  });

  it('more than 4,000 destination prefixes: a finding, nothing cut', () => {
    const r = text(devicesPlan(4100), 'azure-nsg');
    const rules = readNsg(r.text);
    expect(rules.reduce((n, x) => n + (x.destinations === '*' ? 0 : x.destinations.length), 0)).toBe(4100);
    expect(r.findings.map((f) => f.message).join('\n')).toMatch(/4,100 destination address prefixes: Azure takes 4,000 per NSG/);
  });

  it('more than 1,000 rules: a finding; priorities one apart once steps of ten no longer fit, still unique and within 100–4095', () => {
    const flows = Array.from({ length: 500 }, (_, i) => ({
      name: `flow ${i}`,
      source: { role: 'PRD' },
      destination: { entries: [`10.${i >> 8}.${i & 255}.1`, `2001:db8:${i.toString(16)}::1`] },
      protocol: 'tcp',
      ports: 1000 + i,
    }));
    const parsed = parsePlan({ version: 2, name: 'many flows', nodes: [{ name: 'vault-1', role: 'PRD', addresses: ['192.0.2.10', '2001:db8:10::10'] }], roles: { ADMINW: ['198.51.100.7'] }, customFlows: flows });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors.slice(0, 2)));
    const r = text(parsed.plan, 'azure-nsg');
    const rules = readNsg(r.text);
    expect(rules.length).toBeGreaterThan(1000);
    const out = rules.filter((x) => x.direction === 'Outbound').map((x) => x.priority);
    expect(out.slice(0, 3)).toEqual([100, 101, 102]);
    expect(Math.max(...out)).toBeLessThanOrEqual(4095);
    expect(r.findings.map((f) => f.message).join('\n')).toMatch(/holds 1,00\d security rules: Azure takes 1,000 per NSG/);
  });
});

describe('names at their longest', () => {
  it('a 120-character plan name and a 63-character node name stay within every name limit', () => {
    const parsed = parsePlan({
      version: 2,
      name: 'Plan '.repeat(24),
      nodes: [{ name: `n${'x'.repeat(62)}`, role: 'PRD', addresses: ['192.0.2.10'] }],
      roles: { ADMINW: ['198.51.100.7'] },
      userGroups: [{ name: 'U'.repeat(120), entries: ['198.51.100.0/24'], services: ['userw-prd-tcp-443'] }],
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const plan = parsed.plan;
    const scope: Scope = { kind: 'host', node: plan.nodes[0]?.name as string };
    const nsg = JSON.parse(text(plan, 'azure-nsg', { scope }).text) as { parameters: { nsgName: { defaultValue: string } } };
    expect(nsg.parameters.nsgName.defaultValue).toMatch(/^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,78}[A-Za-z0-9_])?$/);
    readNsg(text(plan, 'azure-nsg', { scope }).text);
    for (const g of readTerraform(text(plan, 'aws-terraform', { scope }).text).groups.values()) {
      expect(g.name.length).toBeLessThanOrEqual(255);
      expect(g.name).toMatch(/^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]+$/);
      expect(g.name.startsWith('sg-')).toBe(false);
    }
  });
});

describe("the peers' plan (DVC 5,000 /32, USERW 500 /24, 3 nodes)", () => {
  const parsed = parsePlan(benchPlan({ dvc: 5000, userw: 500, nodes: 3, mix: 'v4' }));
  if (!parsed.ok) throw new Error('bench plan');
  const plan = parsed.plan;

  it('stays small where the target can say "this list", and says what AWS and Azure cannot hold', () => {
    const tf = text(plan, 'aws-terraform');
    const nsg = text(plan, 'azure-nsg');
    const win = text(plan, 'windows-firewall');
    expect(tf.text.length).toBeLessThan(300_000);
    expect(nsg.text.length).toBeLessThan(150_000);
    expect(win.text.length).toBeLessThan(100_000);
    // every AWS rule is there (one per CIDR and port span), and the header says how many
    expect(tf.ruleCount).toBeGreaterThan(55_000);
    expect(tf.text).toContain(`security group rules in this file: ${tf.ruleCount},`);
    expect(tf.findings.some((f) => f.code === 'target-limit' && /one network interface carries at most 1,000/.test(f.message))).toBe(true);
    expect(nsg.findings.some((f) => f.code === 'target-limit' && /destination address prefixes/.test(f.message))).toBe(true);
    expect(win.ruleCount).toBeLessThan(20);
  });
});
