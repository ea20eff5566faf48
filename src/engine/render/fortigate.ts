import type { Endpoint, Finding } from '../model/rules.ts';
import { slugify } from '../text.ts';
import {
  addressObjects,
  append,
  chunk,
  deniedFamilies,
  fitName,
  headerLines,
  ipv4Mask,
  pathEndpoints,
  pathFindings,
  pathPlacementLines,
  pathPolicies,
  pathServices,
  policyComment,
  refKey,
  serviceText,
  uniqueNames,
  type PathPolicy,
  type Placement,
  type Service,
} from './common.ts';
import { fortiString, lineComment } from './quote.ts';
import type { Renderer, RenderInput, RenderOutput } from './types.ts';

/** FortiOS: object names hold at most 79 characters, policy names 35. */
const NAME_MAX = 79;
const POLICY_NAME_MAX = 35;
/** Interface and zone names: at most 35 characters. */
const INTERFACE_MAX = 35;
/**
 * Members per address group: larger roles are nested in sub-groups of this size, well under the
 * per-group member limit of small FortiGate models.
 */
const GROUP_MEMBERS_MAX = 600;
/** Members per `set member` / `append member` line: keeps CLI lines short. */
const MEMBERS_PER_LINE = 50;

const PLACEMENT = { from: 'srcintf (users, devices, servers)', to: 'dstintf (senhasegura nodes)', defaultFrom: 'any', defaultTo: 'any' } as const;

/** Object names: letters, digits and . _ - / : only (an address is named by its CIDR), cut with a hash. */
function objectName(text: string, max = NAME_MAX): string {
  return fitName(text.replace(/[^A-Za-z0-9._/:-]+/g, '-'), max);
}

const I1 = '    ';
const I2 = '        ';

/** `set member` for the first members of a list, `append member` for the rest: no CLI line grows long. */
function memberLines(names: readonly string[]): string[] {
  return chunk(names, MEMBERS_PER_LINE).map((c, i) => `${I2}${i === 0 ? 'set' : 'append'} member ${c.map((n) => fortiString(n)).join(' ')}`);
}

export function renderFortigate(input: RenderInput): RenderOutput {
  const { options, plan } = input;
  const where: Placement = { from: options.from ?? PLACEMENT.defaultFrom, to: options.to ?? PLACEMENT.defaultTo };
  const policies = pathPolicies(input.rules, where);
  const planSlug = slugify(plan.name);
  const planName = plan.name ?? 'unnamed plan';
  const findings: Finding[] = pathFindings(input, policies, 'FortiGate');

  // names: addresses by their network, groups by the plan's roles, groups and nodes, services by port
  const addressName = (cidr: string) => objectName(`fwplan-${cidr}`);
  const groupNames = uniqueNames((w) => objectName(w));
  const groupName = (ep: Endpoint) => groupNames(ep.key, `${planSlug}-${refKey(ep)}${ep.family === 6 ? '-v6' : ''}`);
  const serviceName = (s: Service) => objectName(`fwplan-${serviceText(s)}`);
  const serviceGroupName = (list: readonly Service[]) => objectName(`fwplan-${list.map((s) => serviceText(s)).join('_')}`);
  const policyNames = uniqueNames((w) => fitName(w.replace(/[^A-Za-z0-9._-]+/g, '-'), POLICY_NAME_MAX));

  const body: string[] = [];
  for (const family of [4, 6] as const) {
    const objects = addressObjects(policies).filter((a) => a.network.family === family);
    if (objects.length === 0) continue;
    body.push(family === 4 ? 'config firewall address' : 'config firewall address6');
    for (const a of objects) {
      body.push(`${I1}edit ${fortiString(addressName(a.network.cidr))}`);
      body.push(family === 4 ? `${I2}set subnet ${a.network.address} ${ipv4Mask(a.network.prefix)}` : `${I2}set ip6 ${a.network.cidr}`);
      if (a.comment !== undefined) body.push(`${I2}set comment ${fortiString(a.comment, 255)}`);
      body.push(`${I1}next`);
    }
    body.push('end');
  }

  const nested: Finding[] = [];
  for (const family of [4, 6] as const) {
    const endpoints = pathEndpoints(policies).filter((ep) => ep.family === family);
    if (endpoints.length === 0) continue;
    body.push(family === 4 ? 'config firewall addrgrp' : 'config firewall addrgrp6');
    for (const ep of endpoints) {
      const name = groupName(ep);
      const members = [...new Set(ep.entries.map((e) => addressName(e.network.cidr)))];
      const parts = chunk(members, GROUP_MEMBERS_MAX);
      const subNames = parts.length > 1 ? parts.map((_, i) => objectName(`${name}-${i + 1}`)) : [];
      parts.forEach((part, i) => {
        if (parts.length === 1) return;
        body.push(`${I1}edit ${fortiString(subNames[i] as string)}`, ...memberLines(part), `${I2}set comment ${fortiString(`part ${i + 1} of ${ep.name} (fwplan: ${planName})`, 255)}`, `${I1}next`);
      });
      body.push(`${I1}edit ${fortiString(name)}`, ...memberLines(parts.length > 1 ? subNames : members), `${I2}set comment ${fortiString(`${ep.name} (fwplan: ${planName})`, 255)}`, `${I1}next`);
      if (parts.length > 1) nested.push({ code: 'target-limit', severity: 'note', message: `${ep.name} (IPv${family}) holds ${members.length} addresses: written as ${parts.length} nested address groups of at most ${GROUP_MEMBERS_MAX}` });
    }
    body.push('end');
  }
  append(findings, nested);

  const services = pathServices(policies);
  if (services.length > 0) {
    body.push('config firewall service custom');
    for (const s of services) {
      body.push(`${I1}edit ${fortiString(serviceName(s))}`, `${I2}set ${s.protocol}-portrange ${s.from === s.to ? s.from : `${s.from}-${s.to}`}`, `${I1}next`);
    }
    body.push('end');
  }
  const serviceGroups = new Map<string, readonly Service[]>();
  for (const p of policies) if (p.services.length > 1) serviceGroups.set(serviceGroupName(p.services), p.services);
  if (serviceGroups.size > 0) {
    body.push('config firewall service group');
    for (const [name, list] of serviceGroups) body.push(`${I1}edit ${fortiString(name)}`, ...memberLines(list.map(serviceName)), `${I1}next`);
    body.push('end');
  }

  const iface = (name: string) => fortiString(name, INTERFACE_MAX);
  const policyLines = (p: PathPolicy): string[] => {
    const first = p.sides[0];
    const name = policyNames(`${p.crossing}|${p.sides.map((s) => `${s.source.key}>${s.destination.key}`).join(',')}|${p.distinctPairs}`, first ? `${refKey(first.source)}-to-${refKey(first.destination)}` : 'fwplan');
    const lines = [`${I1}edit 0`, `${I2}set name ${fortiString(name)}`, `${I2}set srcintf ${iface(p.placement.from)}`, `${I2}set dstintf ${iface(p.placement.to)}`];
    for (const side of p.sides) {
      const six = side.family === 6 ? '6' : '';
      lines.push(`${I2}set srcaddr${six} ${fortiString(groupName(side.source))}`, `${I2}set dstaddr${six} ${fortiString(groupName(side.destination))}`);
    }
    const service = p.services.length === 1 ? serviceName(p.services[0] as Service) : serviceGroupName(p.services);
    lines.push(`${I2}set action accept`, `${I2}set schedule "always"`, `${I2}set service ${fortiString(service)}`, `${I2}set logtraffic all`, `${I2}set comments ${fortiString(policyComment(p))}`, `${I1}next`);
    return lines;
  };
  if (policies.length > 0 || options.defaultDrop) {
    body.push('config firewall policy');
    for (const p of policies) append(body, policyLines(p));
    if (options.defaultDrop) {
      const pairs = new Map<string, Placement>();
      for (const p of policies) pairs.set(`${p.placement.from}\n${p.placement.to}`, p.placement);
      if (pairs.size === 0) pairs.set(`${where.from}\n${where.to}`, where);
      let n = 0;
      for (const pl of pairs.values()) {
        n++;
        body.push(
          `${I1}edit 0`,
          `${I2}set name ${fortiString(policyNames(`deny|${pl.from}|${pl.to}`, `fwplan-deny-${n}`))}`,
          `${I2}set srcintf ${iface(pl.from)}`,
          `${I2}set dstintf ${iface(pl.to)}`,
          ...deniedFamilies(input).flatMap((f) => [`${I2}set srcaddr${f === 6 ? '6' : ''} "all"`, `${I2}set dstaddr${f === 6 ? '6' : ''} "all"`]),
          `${I2}set action deny`,
          `${I2}set schedule "always"`,
          `${I2}set service "ALL"`,
          `${I2}set logtraffic all`,
          `${I2}set comments ${fortiString(`fwplan default drop: deny and log what the plan does not allow, ${pl.from} -> ${pl.to}`)}`,
          `${I1}next`,
        );
      }
    }
    body.push('end');
  }
  body.push('');

  const file = input.fileName;
  const addresses = addressObjects(policies).length;
  const lines = [
    '#',
    '# FortiOS 6.4 and later (7.x) CLI: IPv4 and IPv6 in the one consolidated `config firewall policy`',
    '# (srcaddr/dstaddr and srcaddr6/dstaddr6); FortiOS 6.2 and earlier would need policy6 instead.',
    '# Load it: back up first (execute backup config ...), then paste it into the CLI console or run it',
    `# as a script (GUI: admin menu > Configuration > Scripts: ${lineComment(file)}).`,
    '# No offline checker exists: the FortiGate reports each line it refuses; read the output.',
    '# Policies are added (edit 0) at the end of the policy list: move them above any broader deny',
    '# (move <id> before <id>). Loading the file twice adds its policies twice.',
    `# Objects: ${addresses} addresses named fwplan-<network>, address groups named ${lineComment(planSlug)}-<role, group or node>,`,
    '# services fwplan-<protocol>-<port>. Check the table sizes of small models first: print tablesize.',
    '# Roll back: restore the backup (execute restore config ...), or delete the policies whose comments',
    '# begin with "fwplan", then the objects above.',
    ...pathPlacementLines(where, { from: 'srcintf', to: 'dstintf' }, options.defaultDrop
      ? 'FortiOS denies what no policy allows (implicit deny, not logged); with default drop a final deny policy logs it.'
      : 'FortiOS denies what no policy allows (implicit deny, not logged by default); default drop adds a logged deny.', '# '),
  ];
  const text = body.join('\n');
  const header = headerLines(input, 'FortiGate (FortiOS CLI)', countFortigate(text), 'firewall policies');
  return { text: `${[...header, ...lines].join('\n')}\n${text}`, findings };
}

/** The policies of a FortiOS CLI file: `edit` entries inside `config firewall policy`. */
export function countFortigate(text: string): number {
  let count = 0;
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('config ')) section = line;
    else if (line === 'end') section = '';
    else if (section === 'config firewall policy' && line.startsWith('edit ')) count++;
  }
  return count;
}

export const fortigateRenderer: Renderer = {
  id: 'fortigate',
  label: 'FortiGate (FortiOS CLI)',
  description: 'FortiOS 7.x CLI for a FortiGate in the path: addresses and address groups named after the roles, groups and nodes, services, and one policy per pair of sides (IPv4 and IPv6 together).',
  mediaType: 'text/plain',
  suffix: '-fortigate.conf',
  options: { scope: true, defaultDrop: true, ipset: false, egress: false, placement: PLACEMENT },
  families: [4, 6],
  countRules: countFortigate,
  countMeaning: 'firewall policies (edit entries of config firewall policy)',
  render: renderFortigate,
};
