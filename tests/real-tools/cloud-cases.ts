/**
 * The exports the cloud real-tool checks run (terraform validate, cfn-lint): every fixture plan in
 * the gateway scope and for each of its nodes, a group split past 60 rules, and a plan whose names
 * and labels try to break out of HCL and JSON strings.
 */
import { expandPlan, exportPlan, type FormatId, type Plan, type Scope } from '../../src/engine/index.ts';
import { parsePlan } from '../../src/engine/schema.ts';
import { fixturePlans } from './exports.ts';

export interface CloudCase {
  readonly title: string;
  readonly text: string;
}

export function hostilePlan(): Plan {
  const parsed = parsePlan({
    version: 2,
    name: 'x" ${file("/etc/passwd")} %{ if true }\\"\n} resource "null" "x" {',
    nodes: [{ name: 'vault "01" ${var.x}', role: 'PRD', addresses: ['192.0.2.10', '2001:db8::10'] }],
    roles: { ADMINW: [{ address: '198.51.100.7', label: '"}] , "Type": "AWS::IAM::Role' }] },
    userGroups: [{ name: 'users ${path.root} [concat()] "Fn::Sub"', entries: ['198.51.100.0/24'], services: ['userw-prd-tcp-443'] }],
    deviceGroups: [{ name: 'dev ’ \\ %{endif}', entries: ['203.0.113.0/24', '2001:db8:2::/64'], services: ['prd-dvc-tcp-22'] }],
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.plan;
}

function splitPlan(): Plan {
  const parsed = parsePlan({
    version: 2,
    name: 'split',
    nodes: [{ name: 'vault-1', role: 'PRD', addresses: ['192.0.2.10'] }],
    deviceGroups: [{ name: 'devices', entries: Array.from({ length: 150 }, (_, i) => `10.64.${i >> 6}.${(i & 63) * 3}`), services: ['prd-dvc-tcp-22'] }],
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.plan;
}

/** Every case for one format; `skip` leaves out fixtures too large for a slow tool. */
export function cloudCases(format: FormatId, skip: readonly string[] = []): CloudCase[] {
  const plans = [...fixturePlans().filter((p) => !skip.includes(p.name)), { name: 'split', plan: splitPlan() }, { name: 'hostile', plan: hostilePlan() }];
  const out: CloudCase[] = [];
  for (const { name, plan } of plans) {
    const ruleSet = expandPlan(plan);
    for (const scope of [{ kind: 'gateway' } as Scope, ...ruleSet.nodes.map((n): Scope => ({ kind: 'host', node: n.name }))]) {
      const r = exportPlan(plan, format, { scope, defaultDrop: false }, ruleSet);
      if (!r.ok) throw new Error(`${name}: ${r.message}`);
      out.push({ title: `${name} ${scope.kind === 'gateway' ? 'gateway' : `host:${scope.node}`}`, text: r.text });
    }
  }
  return out;
}
