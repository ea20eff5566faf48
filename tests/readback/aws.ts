/**
 * Reads AWS security groups back from the Terraform and the CloudFormation export — on their own
 * terms, not through the renderer — and says what traffic they let through at each node.
 */
import type { Network, PlanNodeRef } from '../../src/engine/index.ts';
import { box, networkOf, rangeOf, type Box } from './boxes.ts';
import { parseHcl, type Body, type Expr } from './hcl.ts';

export interface SgRuleRead {
  readonly protocol: 'tcp' | 'udp';
  readonly from: number;
  readonly to: number;
  readonly network: Network;
  readonly description: string;
}

export interface SgRead {
  readonly name: string;
  readonly description: string;
  readonly ingress: SgRuleRead[];
  readonly egress: SgRuleRead[];
}

export interface SgFile {
  readonly groups: ReadonlyMap<string, SgRead>;
  /** node name → the groups attached to it */
  readonly attach: ReadonlyMap<string, readonly string[]>;
}

/** AWS's description alphabet (security groups and rules), at most 255 characters. */
export const AWS_DESCRIPTION = /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]{0,255}$/;

function str(e: Expr | undefined, what: string): string {
  if (e?.kind !== 'string') throw new Error(`${what}: a string expected`);
  return e.value;
}

function num(e: Expr | undefined, what: string): number {
  if (e?.kind !== 'number') throw new Error(`${what}: a number expected`);
  return e.value;
}

function refTo(e: Expr | undefined, what: string): readonly string[] {
  if (e?.kind !== 'ref') throw new Error(`${what}: a reference expected`);
  return e.path;
}

function sgRef(e: Expr | undefined, what: string): string {
  const path = refTo(e, what);
  if (path.length !== 3 || path[0] !== 'aws_security_group' || path[2] !== 'id') throw new Error(`${what}: aws_security_group.NAME.id expected, got ${path.join('.')}`);
  return path[1] as string;
}

function stringList(e: Expr | undefined, what: string): string[] {
  if (e?.kind !== 'list') throw new Error(`${what}: a list expected`);
  return e.items.map((x, i) => str(x, `${what}[${i}]`));
}

const RULE_ATTRIBUTES = new Set(['for_each', 'security_group_id', 'description', 'ip_protocol', 'from_port', 'to_port', 'cidr_ipv4', 'cidr_ipv6']);

/** The Terraform export, read block by block: every attribute known, every value of the expected kind. */
export function readTerraform(text: string): SgFile {
  const body: Body = parseHcl(text);
  if (body.attributes.size > 0) throw new Error('no top-level attribute expected');
  const locals = new Map<string, string[]>();
  const groups = new Map<string, SgRead>();
  const attach = new Map<string, string[]>();
  const rules: { type: string; name: string; body: Body }[] = [];
  for (const b of body.blocks) {
    if (b.type === 'terraform') continue;
    if (b.type === 'variable') {
      if (b.labels.join() !== 'vpc_id') throw new Error(`unexpected variable ${b.labels.join()}`);
      continue;
    }
    if (b.type === 'locals') {
      for (const [k, v] of b.body.attributes) locals.set(k, stringList(v, `local.${k}`));
      continue;
    }
    if (b.type === 'output') {
      const value = b.body.attributes.get('value');
      if (value?.kind !== 'object') throw new Error('output value: an object expected');
      for (const [node, list] of value.entries) {
        if (list.kind !== 'list') throw new Error(`output ${node}: a list expected`);
        attach.set(node, list.items.map((x) => sgRef(x, `output ${node}`)));
      }
      continue;
    }
    if (b.type !== 'resource') throw new Error(`unexpected block ${b.type}`);
    const [type, name] = b.labels as [string, string];
    if (type === 'aws_security_group') {
      const a = b.body.attributes;
      for (const k of a.keys()) if (!['name', 'description', 'vpc_id', 'tags'].includes(k)) throw new Error(`${name}: unknown attribute ${k}`);
      if (refTo(a.get('vpc_id'), `${name}.vpc_id`).join('.') !== 'var.vpc_id') throw new Error(`${name}: vpc_id must be var.vpc_id`);
      groups.set(name, { name: str(a.get('name'), `${name}.name`), description: str(a.get('description'), `${name}.description`), ingress: [], egress: [] });
    } else if (type === 'aws_vpc_security_group_ingress_rule' || type === 'aws_vpc_security_group_egress_rule') {
      rules.push({ type, name, body: b.body });
    } else {
      throw new Error(`unexpected resource type ${type}`);
    }
  }
  for (const r of rules) {
    const a = r.body.attributes;
    for (const k of a.keys()) if (!RULE_ATTRIBUTES.has(k)) throw new Error(`${r.name}: unknown attribute ${k}`);
    const group = groups.get(sgRef(a.get('security_group_id'), `${r.name}.security_group_id`));
    if (!group) throw new Error(`${r.name}: refers to a group that is not defined`);
    const protocol = str(a.get('ip_protocol'), `${r.name}.ip_protocol`);
    if (protocol !== 'tcp' && protocol !== 'udp') throw new Error(`${r.name}: protocol ${protocol}`);
    const v4 = a.get('cidr_ipv4');
    const v6 = a.get('cidr_ipv6');
    if ((v4 === undefined) === (v6 === undefined)) throw new Error(`${r.name}: exactly one of cidr_ipv4 and cidr_ipv6`);
    const cidrExpr = (v4 ?? v6) as Expr;
    let cidrs: string[];
    const each = a.get('for_each');
    if (each) {
      if (cidrExpr.kind !== 'ref' || cidrExpr.path.join('.') !== 'each.value') throw new Error(`${r.name}: with for_each the CIDR is each.value`);
      if (each.kind !== 'call' || each.name !== 'toset' || each.args.length !== 1) throw new Error(`${r.name}: for_each = toset(...) expected`);
      const arg = each.args[0] as Expr;
      const listOf = (e: Expr) => {
        const path = refTo(e, `${r.name}.for_each`);
        const list = path[0] === 'local' && path.length === 2 ? locals.get(path[1] as string) : undefined;
        if (!list) throw new Error(`${r.name}: unknown local ${path.join('.')}`);
        return list;
      };
      if (arg.kind === 'call' && arg.name === 'slice' && arg.args.length === 3) {
        const [l, s, e] = arg.args as [Expr, Expr, Expr];
        const list = listOf(l);
        const start = num(s, 'slice start');
        const end = num(e, 'slice end');
        if (start < 0 || end > list.length || start >= end) throw new Error(`${r.name}: slice out of range`);
        cidrs = list.slice(start, end);
      } else {
        cidrs = listOf(arg);
      }
      if (new Set(cidrs).size !== cidrs.length) throw new Error(`${r.name}: toset would drop a repeated CIDR`);
    } else {
      cidrs = [str(cidrExpr, `${r.name}.cidr`)];
    }
    const from = num(a.get('from_port'), `${r.name}.from_port`);
    const to = num(a.get('to_port'), `${r.name}.to_port`);
    const description = str(a.get('description'), `${r.name}.description`);
    for (const c of cidrs) {
      const network = networkOf(c);
      if ((network.family === 4) !== (v4 !== undefined)) throw new Error(`${r.name}: ${c} in the wrong family attribute`);
      (r.type.endsWith('ingress_rule') ? group.ingress : group.egress).push({ protocol, from, to, network, description });
    }
  }
  return { groups, attach };
}

interface CfnRule {
  IpProtocol?: unknown;
  FromPort?: unknown;
  ToPort?: unknown;
  CidrIp?: unknown;
  CidrIpv6?: unknown;
  Description?: unknown;
}

/** The no-egress stand-in: ICMP type 252 code 86 to 255.255.255.255/32 matches no packet. */
function isNoEgress(r: CfnRule): boolean {
  return r.IpProtocol === 'icmp' && r.FromPort === 252 && r.ToPort === 86 && r.CidrIp === '255.255.255.255/32' && r.CidrIpv6 === undefined;
}

/** The CloudFormation export: security groups with their rules inside, attachments in each group's metadata. */
export function readCloudFormation(text: string): SgFile {
  const doc = JSON.parse(text) as { Resources: Record<string, { Type: string; Metadata?: { fwplan?: { attachTo?: string[] } }; Properties: Record<string, unknown> }> };
  const groups = new Map<string, SgRead>();
  const attach = new Map<string, string[]>();
  for (const [id, res] of Object.entries(doc.Resources)) {
    if (res.Type !== 'AWS::EC2::SecurityGroup') throw new Error(`${id}: unexpected type ${res.Type}`);
    const p = res.Properties;
    for (const k of Object.keys(p)) if (!['GroupDescription', 'VpcId', 'SecurityGroupIngress', 'SecurityGroupEgress', 'Tags'].includes(k)) throw new Error(`${id}: unknown property ${k}`);
    const read = (list: unknown, egress: boolean): SgRuleRead[] => {
      if (list === undefined) return [];
      if (!Array.isArray(list)) throw new Error(`${id}: rules must be a list`);
      const rules = list as CfnRule[];
      if (egress && rules.length === 1 && isNoEgress(rules[0] as CfnRule)) return [];
      return rules.map((r, i) => {
        for (const k of Object.keys(r)) if (!['IpProtocol', 'FromPort', 'ToPort', 'CidrIp', 'CidrIpv6', 'Description'].includes(k)) throw new Error(`${id}[${i}]: unknown key ${k}`);
        if (r.IpProtocol !== 'tcp' && r.IpProtocol !== 'udp') throw new Error(`${id}[${i}]: protocol ${String(r.IpProtocol)}`);
        if (typeof r.FromPort !== 'number' || typeof r.ToPort !== 'number') throw new Error(`${id}[${i}]: ports`);
        const cidr = r.CidrIp ?? r.CidrIpv6;
        if (typeof cidr !== 'string' || (r.CidrIp !== undefined) === (r.CidrIpv6 !== undefined)) throw new Error(`${id}[${i}]: exactly one CIDR`);
        const network = networkOf(cidr);
        if ((network.family === 4) !== (r.CidrIp !== undefined)) throw new Error(`${id}[${i}]: ${cidr} under the wrong key`);
        if (typeof r.Description !== 'string') throw new Error(`${id}[${i}]: description`);
        return { protocol: r.IpProtocol, from: r.FromPort, to: r.ToPort, network, description: r.Description };
      });
    };
    groups.set(id, { name: id, description: String(p.GroupDescription), ingress: read(p.SecurityGroupIngress, false), egress: read(p.SecurityGroupEgress, true) });
    for (const node of res.Metadata?.fwplan?.attachTo ?? []) attach.set(node, [...(attach.get(node) ?? []), id]);
  }
  return { groups, attach };
}

/** What the groups let through at each node: inbound (to the node) and outbound (from it) apart. */
export function sgBoxes(file: SgFile, nodes: readonly PlanNodeRef[]): { inbound: Box[]; outbound: Box[] } {
  const inbound: Box[] = [];
  const outbound: Box[] = [];
  for (const [name, groups] of file.attach) {
    const node = nodes.find((n) => n.name === name);
    if (!node) throw new Error(`attached to ${name}, which is not a node of the plan`);
    for (const g of groups) {
      const sg = file.groups.get(g);
      if (!sg) throw new Error(`${name}: unknown group ${g}`);
      for (const [list, out, dir] of [[sg.ingress, inbound, 'in'], [sg.egress, outbound, 'out']] as const) {
        for (const r of list) {
          const self = r.network.family === 4 ? node.v4 : node.v6;
          if (!self) continue;
          const here = rangeOf(self.network);
          out.push(box(r.network.family, r.protocol, [r.from, r.to], dir === 'in' ? rangeOf(r.network) : here, dir === 'in' ? here : rangeOf(r.network)));
        }
      }
    }
  }
  return { inbound, outbound };
}
