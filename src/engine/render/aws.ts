import { ADMIN_SHELL_RULE } from '../catalog/senhasegura.ts';
import { spanText, type PortSpan } from '../model/plan.ts';
import type { AddressEntry, Finding, PlanNodeRef, Protocol } from '../model/rules.ts';
import { aggregate, compareNetworks, contains, type Family, type Network } from '../net/address.ts';
import { scopeLabel } from '../scope.ts';
import { slugify } from '../text.ts';
import { append, chunk, compactJson, countText, headerLines, mergeSpans, nodesHeld, outsideNodes, scopeSlug } from './common.ts';
import { awsText, hclString, lineComment } from './quote.ts';
import type { Json, Renderer, RenderInput, RenderOutput } from './types.ts';

/**
 * AWS security groups for the senhasegura nodes, as Terraform or as a CloudFormation template.
 *
 * A security group filters at the network interfaces it is attached to, in both directions, and
 * allows only what a rule lists; each rule names the other side by one CIDR. So the groups here
 * are the nodes' own firewall: inbound rules hold the sources that may reach a node, outbound
 * rules the destinations a node may reach. Gateway scope: one group for every node (the rules
 * that hold alike for each of them, cluster rules included), plus a group of a node's own where
 * a rule holds for some nodes only. Host scope: the one node's group. A flow with no node on
 * either side never reaches a node's interface: it is a finding, not a rule.
 */

/** Documented quotas (Amazon VPC quotas, security groups). */
export const AWS_LIMITS = {
  /** inbound, and separately outbound, rules per security group, counted per address family (default, adjustable) */
  rulesPerGroup: 60,
  /** security groups per network interface (default; adjustable up to 16) */
  groupsPerInterface: 5,
  groupsPerInterfaceMax: 16,
  /** groups per interface × rules per group: no quota change goes past it */
  rulesPerInterface: 1000,
  /** CloudFormation: resources and outputs per template, template body size (bytes, from S3), logical id length */
  templateResources: 500,
  templateOutputs: 200,
  templateBytes: 1_000_000,
  logicalIdLength: 255,
} as const;

type SgDirection = 'in' | 'out';

/** One security group rule resource: a protocol, a port span, and the CIDRs (one AWS rule each) on the other side. */
export interface SgRule {
  readonly direction: SgDirection;
  readonly family: Family;
  readonly protocol: Protocol;
  readonly span: PortSpan;
  readonly cidrs: readonly Network[];
  /** what a person reads: the roles and groups on the other side, and the catalog rules */
  readonly remotes: readonly string[];
  readonly ruleIds: readonly string[];
  /** the same, for each CIDR */
  readonly perCidr: readonly Who[];
}

/** The sides and catalog rules behind a rule or one of its CIDRs. */
interface Who {
  readonly remotes: readonly string[];
  readonly ruleIds: readonly string[];
}

/** A set of rules attached alike to some nodes: every node, or one node. */
interface SgKind {
  /** 'nodes', or 'node-1' … by the node's position in the plan */
  readonly id: string;
  readonly title: string;
  readonly attach: readonly PlanNodeRef[];
  readonly rules: readonly SgRule[];
}

/** A slice of one rule's CIDRs that lands in one security group. */
export interface SgRulePart {
  readonly rule: SgRule;
  readonly start: number;
  readonly end: number;
}

/** One security group of the output: a kind, or one part of a kind split to stay within the rule quota. */
export interface SecurityGroup {
  readonly kind: SgKind;
  /** 1-based; parts > 1 only when the kind was split */
  readonly part: number;
  readonly parts: number;
  readonly rules: readonly SgRulePart[];
}

export interface SgModel {
  readonly groups: readonly SecurityGroup[];
  readonly findings: readonly Finding[];
  /** AWS rules in all (one per CIDR and port span) */
  readonly ruleCount: number;
  /** the nodes and the groups each must carry */
  readonly attachments: readonly { readonly node: PlanNodeRef; readonly groups: readonly SecurityGroup[] }[];
}

interface Grant {
  readonly direction: SgDirection;
  readonly family: Family;
  readonly protocol: Protocol;
  readonly network: Network;
  readonly spans: { span: PortSpan; remote: string; ruleId: string }[];
}

/** Collects what one kind allows, CIDR by CIDR, and turns it into the fewest rules that say exactly that. */
class KindBuilder {
  private readonly grants = new Map<string, Grant>();

  add(direction: SgDirection, family: Family, protocol: Protocol, span: PortSpan, remotes: readonly AddressEntry[], remote: string, ruleId: string): void {
    for (const e of remotes) {
      const key = `${direction}|${family}|${protocol}|${e.network.cidr}`;
      let g = this.grants.get(key);
      if (!g) {
        g = { direction, family, protocol, network: e.network, spans: [] };
        this.grants.set(key, g);
      }
      g.spans.push({ span, remote, ruleId });
    }
  }

  get size(): number {
    return this.grants.size;
  }

  /**
   * Per CIDR, the port spans merged where they touch (4567 and 4568 → 4567-4568); then per span,
   * the CIDRs aggregated where they are adjacent (never wider). Exact duplicates disappear, which
   * AWS would refuse anyway.
   */
  rules(): SgRule[] {
    // who asked for a CIDR's span (sides and catalog rules), interned: thousands of devices share one
    const interned = new Map<string, Who>();
    const whoOf = (remotes: readonly string[], ruleIds: readonly string[]): Who => {
      const r = [...new Set(remotes)].sort();
      const i = [...new Set(ruleIds)].sort();
      const sig = `${r.join('\u0001')}\u0002${i.join('\u0001')}`;
      let w = interned.get(sig);
      if (!w) {
        w = { remotes: r, ruleIds: i };
        interned.set(sig, w);
      }
      return w;
    };
    const union = (whos: Iterable<Who>): Who => {
      const distinct = [...new Set(whos)];
      return distinct.length === 1 ? (distinct[0] as Who) : whoOf(distinct.flatMap((w) => w.remotes), distinct.flatMap((w) => w.ruleIds));
    };
    interface Cell { readonly network: Network; readonly who: Who }
    const bySpan = new Map<string, { direction: SgDirection; family: Family; protocol: Protocol; span: PortSpan; cells: Cell[] }>();
    for (const g of this.grants.values()) {
      for (const span of mergeSpans(g.spans.map((s) => s.span))) {
        const inside = g.spans.filter((s) => s.span.from >= span.from && s.span.to <= span.to);
        const key = `${g.direction}|${g.family}|${g.protocol}|${span.from}|${span.to}`;
        let entry = bySpan.get(key);
        if (!entry) {
          entry = { direction: g.direction, family: g.family, protocol: g.protocol, span, cells: [] };
          bySpan.set(key, entry);
        }
        entry.cells.push({ network: g.network, who: whoOf(inside.map((x) => x.remote), inside.map((x) => x.ruleId)) });
      }
    }
    const out: SgRule[] = [];
    for (const e of bySpan.values()) {
      const cidrs = aggregate(e.cells.map((c) => c.network));
      // each cell lies in exactly one aggregated network; both lists sorted, one pass
      const cells = [...e.cells].sort((a, b) => compareNetworks(a.network, b.network));
      let k = 0;
      const perCidr = cidrs.map((n) => {
        const mine = new Set<Who>();
        while (k < cells.length && contains(n, (cells[k] as Cell).network)) mine.add((cells[k++] as Cell).who);
        return union(mine);
      });
      out.push({ direction: e.direction, family: e.family, protocol: e.protocol, span: e.span, cidrs, ...union(perCidr), perCidr });
    }
    const dir = (d: SgDirection) => (d === 'in' ? 0 : 1);
    return out.sort((a, b) => dir(a.direction) - dir(b.direction) || a.family - b.family || a.protocol.localeCompare(b.protocol) || a.span.from - b.span.from || a.span.to - b.span.to);
  }
}

/** The kinds of security group the scope needs, and what each allows. */
function kindsOf(input: RenderInput): SgKind[] {
  const { ruleSet } = input;
  if (input.node) {
    const node = input.node;
    const b = new KindBuilder();
    for (const r of input.rules) {
      const span = { from: r.port, to: r.portEnd };
      if (r.direction === 'in') b.add('in', r.family, r.protocol, span, r.source.entries, r.source.name, r.ruleId);
      else if (r.direction === 'out') b.add('out', r.family, r.protocol, span, r.destination.entries, r.destination.name, r.ruleId);
    }
    return [{ id: 'node', title: `node ${node.name}`, attach: [node], rules: b.rules() }];
  }
  const nodes = ruleSet.nodes;
  const shared = new KindBuilder();
  const own = new Map<PlanNodeRef, KindBuilder>(nodes.map((n) => [n, new KindBuilder()]));
  for (const r of input.rules) {
    const span = { from: r.port, to: r.portEnd };
    // inbound, at the nodes the destination holds: from the whole source (a node never to itself)
    if (r.destination.ref.kind === 'nodes') shared.add('in', r.family, r.protocol, span, r.source.entries, r.source.name, r.ruleId);
    else {
      for (const { node, entry } of nodesHeld(r.destination, nodes)) {
        own.get(node)?.add('in', r.family, r.protocol, span, r.source.entries.filter((e) => e.network.cidr !== entry.network.cidr), r.source.name, r.ruleId);
      }
    }
    // outbound, at the nodes the source holds
    if (r.source.ref.kind === 'nodes') shared.add('out', r.family, r.protocol, span, r.destination.entries, r.destination.name, r.ruleId);
    else {
      for (const { node, entry } of nodesHeld(r.source, nodes)) {
        own.get(node)?.add('out', r.family, r.protocol, span, r.destination.entries.filter((e) => e.network.cidr !== entry.network.cidr), r.destination.name, r.ruleId);
      }
    }
  }
  const kinds: SgKind[] = [];
  if (shared.size > 0) kinds.push({ id: 'nodes', title: 'every senhasegura node', attach: nodes, rules: shared.rules() });
  nodes.forEach((n, i) => {
    const b = own.get(n);
    if (b && b.size > 0) kinds.push({ id: `node-${i + 1}`, title: `node ${n.name} only`, attach: [n], rules: b.rules() });
  });
  return kinds;
}

type Stream = `${SgDirection}${Family}`;
const STREAMS: readonly Stream[] = ['in4', 'in6', 'out4', 'out6'];

function streamOf(r: SgRule): Stream {
  return `${r.direction}${r.family}`;
}

function countsOf(rules: readonly { rule: SgRule; start: number; end: number }[]): Record<Stream, number> {
  const c: Record<Stream, number> = { in4: 0, in6: 0, out4: 0, out6: 0 };
  for (const p of rules) c[streamOf(p.rule)] += p.end - p.start;
  return c;
}

/** Split a kind into groups of at most `limit` rules per direction and family, in rule order. */
function split(kind: SgKind, limit: number): SecurityGroup[] {
  const whole = kind.rules.map((rule) => ({ rule, start: 0, end: rule.cidrs.length }));
  const counts = countsOf(whole);
  const parts = Math.max(1, ...STREAMS.map((s) => Math.ceil(counts[s] / limit)));
  if (parts === 1) return [{ kind, part: 1, parts: 1, rules: whole }];
  const buckets: SgRulePart[][] = Array.from({ length: parts }, () => []);
  const used: Record<Stream, number> = { in4: 0, in6: 0, out4: 0, out6: 0 };
  for (const rule of kind.rules) {
    const s = streamOf(rule);
    let start = 0;
    while (start < rule.cidrs.length) {
      const bucket = Math.floor(used[s] / limit);
      const room = limit - (used[s] % limit);
      const end = Math.min(rule.cidrs.length, start + room);
      buckets[bucket]?.push({ rule, start, end });
      used[s] += end - start;
      start = end;
    }
  }
  return buckets.map((rules, i) => ({ kind, part: i + 1, parts, rules }));
}

const STREAM_TEXT: Record<Stream, string> = { in4: 'inbound IPv4', in6: 'inbound IPv6', out4: 'outbound IPv4', out6: 'outbound IPv6' };

/**
 * The security groups of an export: split to AWS's 60 rules per group (per direction and family)
 * while the nodes can still carry the parts (16 groups per interface at most); past that no split
 * helps, and the findings say what AWS will refuse. Nothing is ever cut.
 */
export function securityGroups(input: RenderInput, target: string): SgModel {
  const kinds = kindsOf(input);
  const nodes = input.node ? [input.node] : input.ruleSet.nodes;
  const findings: Finding[] = input.node ? [] : outsideNodes(input.rules, nodes, target);
  if (!input.rules.some((r) => r.ruleId === ADMIN_SHELL_RULE && r.direction !== 'out')) {
    // a security group is always a complete inbound policy: nothing keeps the admin shell open
    findings.push({
      code: 'no-admin-access',
      severity: 'warning',
      path: 'roles.ADMINW',
      message: `no rule of this export lets ADMINW reach the admin shell (${ADMIN_SHELL_RULE}): security groups drop what they do not allow, so once they are the nodes' only groups nobody reaches it over the network. Turn the rule on and fill ADMINW, or keep another way in (the EC2 serial console, Session Manager)`,
    });
  }
  for (const f of input.openFamilies ?? []) {
    // the nftables and iptables exports leave such a family unfiltered; a security group cannot
    // leave anything alone: what it does not allow is dropped
    findings.push({
      code: 'outside-target',
      severity: 'warning',
      message: `${target} on ${input.node?.name ?? 'this node'} holds no IPv${f} rule: the plan gives the node no IPv${f} address, but another node has only IPv${f} (perhaps the same machine). If this machine has that address too, its IPv${f} traffic is dropped: make the two one node`,
    });
  }
  const wholes = kinds.map((k) => split(k, Number.POSITIVE_INFINITY)[0] as SecurityGroup);
  const splitKinds = kinds.map((k) => split(k, AWS_LIMITS.rulesPerGroup));
  const perNode = (groupsOf: (k: number) => readonly SecurityGroup[]) =>
    nodes.map((node) => ({ node, groups: kinds.flatMap((k, i) => (k.attach.includes(node) ? groupsOf(i) : [])) }));
  const fits = perNode((i) => splitKinds[i] ?? []).every((a) => a.groups.length <= AWS_LIMITS.groupsPerInterfaceMax);
  const groups = fits ? splitKinds.flat() : wholes;
  const attachments = perNode((i) => (fits ? (splitKinds[i] ?? []) : [wholes[i] as SecurityGroup]));

  const ruleCount = groups.reduce((n, g) => n + g.rules.reduce((m, p) => m + p.end - p.start, 0), 0);
  for (const g of groups) {
    const counts = countsOf(g.rules);
    for (const s of STREAMS) {
      if (counts[s] > AWS_LIMITS.rulesPerGroup) {
        findings.push({
          code: 'target-limit',
          severity: 'warning',
          message: `the security group for ${g.kind.title} holds ${countText(counts[s])} ${STREAM_TEXT[s]} rules: AWS takes ${AWS_LIMITS.rulesPerGroup} per group by default (quota "Inbound or outbound rules per security group"), and no quota lets one interface carry more than ${countText(AWS_LIMITS.rulesPerInterface)}. Nothing was cut: AWS will refuse this file until the rules are fewer (larger device networks, fewer groups or services)`,
        });
      }
    }
  }
  for (const { node, groups: gs } of attachments) {
    const total = countsOf(gs.flatMap((g) => g.rules));
    const over = STREAMS.filter((s) => total[s] > AWS_LIMITS.rulesPerInterface);
    if (over.length > 0) {
      findings.push({
        code: 'target-limit',
        severity: 'warning',
        message: `node ${node.name} needs ${over.map((s) => `${countText(total[s])} ${STREAM_TEXT[s]}`).join(', ')} security group rules: one network interface carries at most ${countText(AWS_LIMITS.rulesPerInterface)} per direction and family, whatever the quotas. Security groups cannot hold this plan; filter these flows on a firewall in the path instead (AWS Network Firewall, or the nftables export on the nodes)`,
      });
    } else if (gs.length > AWS_LIMITS.groupsPerInterface) {
      findings.push({
        code: 'target-limit',
        severity: 'warning',
        message: `node ${node.name} needs ${gs.length} security groups (${AWS_LIMITS.rulesPerGroup} rules each at most): AWS attaches ${AWS_LIMITS.groupsPerInterface} per network interface by default. Raise the quota "Security groups per network interface" (up to ${AWS_LIMITS.groupsPerInterfaceMax}) before applying`,
      });
    }
  }
  return { groups, findings, ruleCount, attachments };
}

/** The lines of a header that say what goes where and what it takes (both AWS formats). */
function placementLines(model: SgModel, nameOf: (g: SecurityGroup) => string): string[] {
  const lines = [
    'AWS security groups allow only what their rules list, inbound and outbound, at the network',
    'interfaces they are attached to; replies to allowed traffic pass by themselves (stateful).',
    'Attach to each senhasegura node, and to nothing else:',
  ];
  for (const { node, groups } of model.attachments) {
    const addresses = [node.v4, node.v6].filter((a) => a !== undefined).map((a) => a.network.display).join(', ');
    lines.push(`  ${node.name} (${addresses}): ${groups.length === 0 ? 'no group (no rule holds for it)' : groups.map(nameOf).join(', ')}`);
  }
  lines.push(
    'Security groups on one interface add up: to make these rules the whole policy of a node, attach',
    'these groups alone (detach the VPC default group).',
    `AWS rules: one per CIDR and port span, ${countText(model.ruleCount)} in all. Quotas: ${AWS_LIMITS.rulesPerGroup} inbound and ${AWS_LIMITS.rulesPerGroup} outbound rules`,
    `per group for each address family; ${AWS_LIMITS.groupsPerInterface} groups per interface (up to ${AWS_LIMITS.groupsPerInterfaceMax}); groups x rules <= ${countText(AWS_LIMITS.rulesPerInterface)}.`,
  );
  for (const f of model.findings) if (f.code === 'target-limit') lines.push(`LIMIT: ${f.message}`);
  const outside = model.findings.filter((f) => f.code === 'outside-target');
  const rules = [...new Set(outside.map((f) => f.ruleId).filter((id) => id !== undefined))];
  if (rules.length > 0) lines.push(`Not in this file (no node on that side of the flow): ${rules.join(', ')} (see the findings).`);
  for (const f of outside) if (f.ruleId === undefined) lines.push(`NOTE: ${f.message}`);
  return lines;
}

function ruleDescription(r: SgRule, who: Who = r): string {
  return awsText(`fwplan ${r.direction === 'in' ? 'from' : 'to'} ${who.remotes.join(', ')} ${r.protocol} ${spanText(r.span)} ${who.ruleIds.join(' ')}`);
}

function groupDescription(input: RenderInput, g: SecurityGroup): string {
  const part = g.parts > 1 ? ` (part ${g.part} of ${g.parts})` : '';
  return awsText(`fwplan ${input.plan.name ?? 'plan'}: ${g.kind.title}${part}, ${scopeLabel(input.options.scope)} scope`);
}

function groupName(input: RenderInput, g: SecurityGroup): string {
  return `fwplan-${slugify(input.plan.name)}-${scopeSlug(input.options.scope)}-${g.kind.id}${g.parts > 1 ? `-part${g.part}` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// Terraform

function tfLabel(g: SecurityGroup): string {
  return `${g.kind.id.replace(/-/g, '_')}${g.parts > 1 ? `_part${g.part}` : ''}`;
}

/** CIDRs per line of a Terraform list. */
const CIDRS_PER_LINE = 4;

export function renderAwsTerraform(input: RenderInput): RenderOutput {
  const model = securityGroups(input, 'a security group');
  const body: string[] = [];
  body.push(
    'terraform {',
    '  required_providers {',
    '    aws = {',
    '      source  = "hashicorp/aws"',
    '      version = ">= 5.0"',
    '    }',
    '  }',
    '}',
    '',
    'variable "vpc_id" {',
    '  description = "The VPC of the senhasegura nodes"',
    '  type        = string',
    '}',
    '',
  );
  // every list of more than one CIDR once, by content; rules refer to it
  const lists = new Map<string, { name: string; rule: SgRule }>();
  for (const g of model.groups) {
    for (const p of g.rules) {
      if (p.rule.cidrs.length < 2) continue;
      const content = p.rule.cidrs.map((c) => c.cidr).join(' ');
      if (!lists.has(content)) lists.set(content, { name: `cidrs_${lists.size + 1}`, rule: p.rule });
    }
  }
  if (lists.size > 0) {
    body.push('locals {');
    for (const { name, rule } of lists.values()) {
      body.push(`  # ${lineComment(`${rule.remotes.join(', ')} (IPv${rule.family}): ${countText(rule.cidrs.length)} networks`)}`, `  ${name} = [`);
      append(body, chunk(rule.cidrs.map((c) => `"${c.cidr}"`), CIDRS_PER_LINE).map((c) => `    ${c.join(', ')},`));
      body.push('  ]');
    }
    body.push('}', '');
  }
  for (const g of model.groups) {
    const label = tfLabel(g);
    body.push(
      `resource "aws_security_group" "${label}" {`,
      `  name        = "${groupName(input, g)}"`,
      `  description = ${hclString(groupDescription(input, g))}`,
      '  vpc_id      = var.vpc_id',
      '  tags = {',
      `    Name = "${groupName(input, g)}"`,
      '  }',
      '}',
      '',
    );
    let n = 0;
    for (const p of g.rules) {
      const r = p.rule;
      n++;
      const cidrKey = r.family === 4 ? 'cidr_ipv4' : 'cidr_ipv6';
      const whole = p.start === 0 && p.end === r.cidrs.length;
      const list = lists.get(r.cidrs.map((c) => c.cidr).join(' '));
      body.push(`resource "aws_vpc_security_group_${r.direction === 'in' ? 'ingress' : 'egress'}_rule" "${label}_${r.direction}_${n}" {`);
      if (list) body.push(`  for_each          = toset(${whole ? `local.${list.name}` : `slice(local.${list.name}, ${p.start}, ${p.end})`})`);
      body.push(
        `  security_group_id = aws_security_group.${label}.id`,
        `  description       = ${hclString(ruleDescription(r))}`,
        `  ip_protocol       = "${r.protocol}"`,
        `  from_port         = ${r.span.from}`,
        `  to_port           = ${r.span.to}`,
        `  ${cidrKey.padEnd(17)} = ${list ? 'each.value' : `"${(r.cidrs[0] as Network).cidr}"`}`,
        '}',
        '',
      );
    }
  }
  body.push(
    'output "security_group_ids_by_node" {',
    '  description = "The security groups each senhasegura node carries (attach them to its network interface)"',
    '  value = {',
  );
  // keys aligned as terraform fmt aligns them
  const keys = model.attachments.map((a) => hclString(a.node.name));
  const width = Math.max(0, ...keys.map((k) => Array.from(k).length));
  model.attachments.forEach(({ groups }, i) => {
    const key = keys[i] as string;
    body.push(`    ${key}${' '.repeat(width - Array.from(key).length)} = [${groups.map((g) => `aws_security_group.${tfLabel(g)}.id`).join(', ')}]`);
  });
  body.push('  }', '}', '');
  const text = body.join('\n');
  const file = input.fileName;
  const header = [
    ...headerLines(input, 'AWS security groups (Terraform, hashicorp/aws >= 5.0)', countTerraform(text), 'security group rules'),
    ...placementLines(model, (g) => `aws_security_group.${tfLabel(g)}`).map((l) => `# ${lineComment(l)}`),
    '#',
    `# Check:    mkdir fwplan-sg && cp ${file} fwplan-sg/ && cd fwplan-sg && terraform init -backend=false && terraform validate`,
    '# Apply:    terraform init && terraform plan -var vpc_id=vpc-... -out fwplan.plan && terraform apply fwplan.plan',
    '#           then attach the groups of output "security_group_ids_by_node" to each node (vpc_security_group_ids)',
    '# Roll back: attach the groups the nodes had before (kept until you detach them), then terraform destroy',
    '',
  ];
  return { text: `${header.join('\n')}\n${text}`, findings: model.findings };
}

/**
 * AWS rules in a Terraform file of this format: a rule resource with for_each over a list of the
 * locals block counts one per CIDR (or per slice), one without it counts one.
 */
export function countTerraform(text: string): number {
  const sizes = new Map<string, number>();
  let list: string | undefined;
  let count = 0;
  for (const line of text.split('\n')) {
    if (list !== undefined) {
      if (line.trim() === ']') list = undefined;
      else sizes.set(list, (sizes.get(list) ?? 0) + (line.match(/"[^"]*"/g)?.length ?? 0));
      continue;
    }
    const start = /^ {2}(cidrs_\d+) = \[$/.exec(line);
    if (start) {
      list = start[1] as string;
      continue;
    }
    if (/^resource "aws_vpc_security_group_(ingress|egress)_rule" /.test(line)) count++;
    const each = /^ {2}for_each\s+= toset\((?:local\.(cidrs_\d+)|slice\(local\.cidrs_\d+, (\d+), (\d+)\))\)$/.exec(line);
    if (each) count += (each[1] !== undefined ? (sizes.get(each[1]) ?? 0) : Number(each[3]) - Number(each[2])) - 1;
  }
  return count;
}

/** A security group is a complete policy by its nature: the Export view says so instead of offering default drop. */
const AWS_POLICY = 'A security group is always a complete policy: it allows only the traffic its rules list, inbound and outbound (AWS’s allow-all outbound rule is not kept). Keep the admin shell (ADMINW → 59022/tcp) in the plan.';

export const awsTerraformRenderer: Renderer = {
  id: 'aws-terraform',
  label: 'AWS security groups (Terraform)',
  description: 'Security groups for the senhasegura nodes as Terraform (aws_security_group with one ingress or egress rule resource per CIDR and port span), attached to the nodes’ network interfaces.',
  mediaType: 'text/plain',
  suffix: '.aws-sg.tf',
  options: { scope: true, defaultDrop: false, ipset: false, egress: false, policy: AWS_POLICY },
  families: [4, 6],
  checkCommand: (file) => `mkdir fwplan-sg && cp ${file} fwplan-sg/ && cd fwplan-sg && terraform init -backend=false && terraform validate`,
  countRules: countTerraform,
  countMeaning: 'security group rules (one per CIDR and port span)',
  render: renderAwsTerraform,
};

// ---------------------------------------------------------------------------------------------
// CloudFormation

function cfnId(g: SecurityGroup): string {
  const base = g.kind.id === 'nodes' ? 'Nodes' : g.kind.id === 'node' ? 'Node' : `Node${g.kind.id.slice(5)}`;
  return `Sg${base}${g.parts > 1 ? `Part${g.part}` : ''}`;
}

/**
 * CloudFormation adds an allow-all outbound rule to a group that states no outbound rule of its
 * own; a group that must send nothing states this one, which matches no packet (ICMP type 252
 * code 86 to the limited broadcast address), as the AWS CDK does.
 */
export const CFN_NO_EGRESS = { IpProtocol: 'icmp', FromPort: 252, ToPort: 86, CidrIp: '255.255.255.255/32', Description: 'fwplan: no outbound traffic (matches no packet; keeps AWS from adding allow-all)' } as const;

export function renderAwsCloudFormation(input: RenderInput): RenderOutput {
  const model = securityGroups(input, 'a security group');
  const findings: Finding[] = [...model.findings];
  const resources: Record<string, Json> = {};
  const outputs: Record<string, Json> = {};
  for (const g of model.groups) {
    const ingress: Json[] = [];
    const egress: Json[] = [];
    for (const p of g.rules) {
      const r = p.rule;
      // thousands of a rule's CIDRs share who asked for them: one description each
      const described = new Map<Who, string>();
      for (let i = p.start; i < p.end; i++) {
        const c = r.cidrs[i] as Network;
        const who = r.perCidr[i] as Who;
        let description = described.get(who);
        if (description === undefined) {
          description = ruleDescription(r, who);
          described.set(who, description);
        }
        const rule = { IpProtocol: r.protocol, FromPort: r.span.from, ToPort: r.span.to, [r.family === 4 ? 'CidrIp' : 'CidrIpv6']: c.cidr, Description: description };
        (r.direction === 'in' ? ingress : egress).push(rule);
      }
    }
    const id = cfnId(g);
    const attach = model.attachments.filter((a) => a.groups.includes(g)).map((a) => a.node.name);
    resources[id] = {
      Type: 'AWS::EC2::SecurityGroup',
      Metadata: { fwplan: { attachTo: attach } },
      Properties: {
        GroupDescription: groupDescription(input, g),
        VpcId: { Ref: 'VpcId' },
        ...(ingress.length > 0 ? { SecurityGroupIngress: ingress } : {}),
        SecurityGroupEgress: egress.length > 0 ? egress : [CFN_NO_EGRESS],
        Tags: [{ Key: 'Name', Value: groupName(input, g) }],
      },
    };
    outputs[id] = { Description: awsText(`attach to ${attach.join(', ')}`), Value: { Ref: id } };
  }
  const ids = model.groups.map(cfnId);
  if (ids.length > AWS_LIMITS.templateResources || ids.length > AWS_LIMITS.templateOutputs) {
    findings.push({
      code: 'target-limit',
      severity: 'warning',
      message: `the template holds ${ids.length} security groups: CloudFormation takes ${AWS_LIMITS.templateResources} resources and ${AWS_LIMITS.templateOutputs} outputs per template. Split the nodes' groups over several stacks`,
    });
  }
  const file = input.fileName;
  const lines = (written: number) => [
    ...headerLines(input, 'AWS security groups (CloudFormation)', written, 'security group rules', ''),
    ...placementLines(model, (g) => cfnId(g)),
    'The rules are written inside each AWS::EC2::SecurityGroup (SecurityGroupIngress/SecurityGroupEgress), as',
    'CloudFormation recommends for groups that do not refer to each other: a group that states its outbound',
    'rules gets no allow-all outbound rule from AWS, and a group needing none states one that matches nothing.',
    `Check:    cfn-lint ${file}`,
    `Apply:    aws cloudformation deploy --template-file ${file} --stack-name fwplan-sg --parameter-overrides VpcId=vpc-...`,
    '          (past 51,200 bytes, upload the template to S3 first: --s3-bucket ...), then attach each group as listed',
    '          (stack outputs); roll back: attach the nodes\' former groups, then aws cloudformation delete-stack --stack-name fwplan-sg',
  ];
  const doc = (written: number): Json => ({
    AWSTemplateFormatVersion: '2010-09-09',
    Description: awsText(`fwplan ${input.plan.name ?? 'plan'}: security groups for the senhasegura nodes, ${scopeLabel(input.options.scope)} scope`),
    Metadata: { fwplan: lines(written).map(lineComment) },
    Parameters: { VpcId: { Type: 'AWS::EC2::VPC::Id', Description: 'The VPC of the senhasegura nodes' } },
    Resources: resources,
    Outputs: outputs,
  });
  // every rule of the model is one entry of a rule list (countCloudFormation counts the same)
  const text = `${compactJson(doc(model.ruleCount))}\n`;
  // UTF-8 takes 1 to 3 bytes per UTF-16 unit here: encode only when the length alone cannot tell
  const bytes = text.length > AWS_LIMITS.templateBytes || text.length * 3 <= AWS_LIMITS.templateBytes ? text.length : new TextEncoder().encode(text).length;
  if (bytes > AWS_LIMITS.templateBytes) {
    findings.push({
      code: 'target-limit',
      severity: 'warning',
      message: `the template is ${bytes === text.length && text.length > AWS_LIMITS.templateBytes ? 'at least ' : ''}${countText(bytes)} bytes: CloudFormation takes ${countText(AWS_LIMITS.templateBytes)} bytes from S3 (51,200 in the request). Use the Terraform export, or fewer rules`,
    });
  }
  return { text, findings };
}

/** AWS rules in a template: the entries of every SecurityGroupIngress and SecurityGroupEgress list, less the no-egress stand-in. */
export function countCloudFormation(text: string): number {
  try {
    const doc = JSON.parse(text) as { Resources?: Record<string, { Properties?: { SecurityGroupIngress?: unknown[]; SecurityGroupEgress?: { IpProtocol?: string; CidrIp?: string }[] } }> };
    let n = 0;
    for (const r of Object.values(doc.Resources ?? {})) {
      n += r.Properties?.SecurityGroupIngress?.length ?? 0;
      n += (r.Properties?.SecurityGroupEgress ?? []).filter((e) => !(e.IpProtocol === CFN_NO_EGRESS.IpProtocol && e.CidrIp === CFN_NO_EGRESS.CidrIp)).length;
    }
    return n;
  } catch {
    return 0;
  }
}

export const awsCloudFormationRenderer: Renderer = {
  id: 'aws-cloudformation',
  label: 'AWS security groups (CloudFormation)',
  description: 'The same security groups as a CloudFormation template (AWS::EC2::SecurityGroup with its rules, one per CIDR and port span; parameter VpcId).',
  mediaType: 'application/json',
  suffix: '.aws-sg.cfn.json',
  options: { scope: true, defaultDrop: false, ipset: false, egress: false, policy: AWS_POLICY },
  families: [4, 6],
  checkCommand: (file) => `cfn-lint ${file}`,
  countRules: countCloudFormation,
  countMeaning: 'security group rules (one per CIDR and port span)',
  render: renderAwsCloudFormation,
};
