import type { AddressEntry, Endpoint, Finding, Protocol } from '../model/rules.ts';
import type { Network } from '../net/address.ts';
import { slugify } from '../text.ts';
import {
  addressObjects,
  append,
  deniedFamilies,
  headerLines,
  ipv4Mask,
  networkNamePart,
  pathEndpoints,
  pathFindings,
  pathPlacementLines,
  pathPolicies,
  policyComment,
  refKey,
  uniqueNames,
  type Placement,
  type Service,
} from './common.ts';
import { ASA_REMARK_MAX, asaName, asaText, lineComment } from './quote.ts';
import type { Renderer, RenderInput, RenderOutput } from './types.ts';

/** Interface names (nameif) hold at most 48 characters; `global` binds an access list to every interface. */
const NAMEIF_MAX = 48;
const GLOBAL = 'global';
/** Object group descriptions hold at most 200 characters. */
const DESCRIPTION_MAX = 200;

const PLACEMENT = {
  from: 'interface of users, devices, servers (access-group in; or global)',
  to: 'interface of the senhasegura nodes (access-group in; or global)',
  defaultFrom: 'outside',
  defaultTo: 'inside',
} as const;

/** `host 10.0.0.1`, `10.0.0.0 255.255.255.0`, `2001:db8::/64`: a network as ASA writes it after network-object. */
function networkText(n: Network): string {
  if (n.prefix === (n.family === 4 ? 32 : 128)) return `host ${n.address}`;
  return n.family === 4 ? `${n.address} ${ipv4Mask(n.prefix)}` : n.cidr;
}

/** The same inside an `object network`: host or subnet. */
function objectText(n: Network): string {
  if (n.prefix === (n.family === 4 ? 32 : 128)) return `host ${n.address}`;
  return `subnet ${n.family === 4 ? `${n.address} ${ipv4Mask(n.prefix)}` : n.cidr}`;
}

function portText(s: Service): string {
  return s.from === s.to ? `eq ${s.from}` : `range ${s.from} ${s.to}`;
}

export function renderAsa(input: RenderInput): RenderOutput {
  const { options, plan } = input;
  const planSlug = slugify(plan.name);
  const planName = plan.name ?? 'unnamed plan';
  const findings: Finding[] = [];
  const nameif = (text: string, option: string): string => {
    const name = asaName(text, NAMEIF_MAX, false);
    if (name !== text) findings.push({ code: 'placement', severity: 'warning', message: `--${option} ${JSON.stringify(text)} is not an ASA interface name (nameif: letters, digits, . _ -, at most ${NAMEIF_MAX}): written as ${JSON.stringify(name)}` });
    return name;
  };
  const where: Placement = { from: nameif(options.from ?? PLACEMENT.defaultFrom, 'from'), to: nameif(options.to ?? PLACEMENT.defaultTo, 'to') };
  const policies = pathPolicies(input.rules, where);
  append(findings, pathFindings(input, policies, 'Cisco ASA'));

  // a labelled entry (or a node) is an object of its own that carries the label; others are written inline
  const body: string[] = [];
  const objectOf = new Map<string, string>();
  for (const a of addressObjects(policies)) {
    if (a.comment === undefined) continue;
    const name = asaName(`fwplan-${networkNamePart(a.network)}`);
    objectOf.set(a.network.cidr, name);
    body.push(`object network ${name}`, ` ${objectText(a.network)}`, ` description ${asaText(a.comment, DESCRIPTION_MAX)}`);
  }
  const member = (e: AddressEntry): string => {
    const object = objectOf.get(e.network.cidr);
    return object !== undefined ? ` network-object object ${object}` : ` network-object ${networkText(e.network)}`;
  };

  const groupNames = uniqueNames((w) => asaName(w));
  const groupName = (ep: Endpoint) => groupNames(ep.key, `${planSlug}-${refKey(ep)}${ep.family === 6 ? '-v6' : ''}`);
  for (const ep of pathEndpoints(policies)) {
    body.push(`object-group network ${groupName(ep)}`, ` description ${asaText(`${ep.name} (fwplan: ${planName})`, DESCRIPTION_MAX)}`);
    const seen = new Set<string>();
    for (const e of ep.entries) {
      if (seen.has(e.network.cidr)) continue;
      seen.add(e.network.cidr);
      body.push(member(e));
    }
  }

  // one service group per protocol and set of ports (a single port is written in the entry itself)
  const serviceGroups = new Map<string, readonly Service[]>();
  const serviceMatch = (protocol: Protocol, list: readonly Service[]): string => {
    if (list.length === 1) return portText(list[0] as Service);
    const name = asaName(`fwplan-${protocol}-${list.map((s) => (s.from === s.to ? s.from : `${s.from}-${s.to}`)).join('_')}`);
    serviceGroups.set(name, list);
    return `object-group ${name}`;
  };

  // access lists by the interface traffic enters: toward the nodes at `from`, from the nodes at `to`
  const acls = new Map<string, { name: string; lines: string[] }>();
  const aclOf = (iface: string) => {
    let acl = acls.get(iface);
    if (!acl) {
      acl = { name: asaName(`${planSlug}-${iface === GLOBAL ? 'global' : `in-${iface}`}`), lines: [] };
      acls.set(iface, acl);
    }
    return acl;
  };
  let elements = 0;
  for (const p of policies) {
    const acl = aclOf(p.placement.from);
    acl.lines.push(`access-list ${acl.name} remark ${asaText(policyComment(p), ASA_REMARK_MAX)}`);
    for (const side of p.sides) {
      for (const protocol of ['tcp', 'udp'] as const) {
        const list = p.services.filter((s) => s.protocol === protocol);
        if (list.length === 0) continue;
        acl.lines.push(`access-list ${acl.name} extended permit ${protocol} object-group ${groupName(side.source)} object-group ${groupName(side.destination)} ${serviceMatch(protocol, list)}`);
        elements += new Set(side.source.entries.map((e) => e.network.cidr)).size * new Set(side.destination.entries.map((e) => e.network.cidr)).size * list.length;
      }
    }
  }
  if (options.defaultDrop) {
    if (acls.size === 0) aclOf(where.from);
    // "any" is both families; a family the export leaves as it is is not denied, the other is named by its whole range
    const denied = deniedFamilies(input);
    const denies = denied.length === 2 ? ['any any'] : denied.map((f) => (f === 4 ? '0.0.0.0 0.0.0.0 0.0.0.0 0.0.0.0' : '::/0 ::/0'));
    for (const acl of acls.values()) {
      acl.lines.push(`access-list ${acl.name} remark ${asaText('fwplan default drop: deny and log what the plan does not allow')}`);
      for (const d of denies) acl.lines.push(`access-list ${acl.name} extended deny ip ${d} log`);
    }
  }
  for (const [name, list] of serviceGroups) {
    const protocol = (list[0] as Service).protocol;
    body.push(`object-group service ${name} ${protocol}`, ...list.map((s) => ` port-object ${portText(s)}`));
  }
  for (const acl of acls.values()) append(body, acl.lines);
  for (const [iface, acl] of acls) body.push(iface === GLOBAL ? `access-group ${acl.name} global` : `access-group ${acl.name} in interface ${iface}`);
  body.push('');

  const bound = [...acls.keys()].filter((i) => i !== GLOBAL);
  if (bound.length > 0) {
    findings.push({
      code: 'placement',
      severity: 'warning',
      message: `an ASA interface has one inbound access list: access-group binds ${[...acls.entries()].filter(([i]) => i !== GLOBAL).map(([i, a]) => `${a.name} to ${i}`).join(' and ')} in place of any list bound there now. Where one is bound, add these entries to it instead (rename the access list in the file)`,
    });
  }
  if (elements > 0) {
    findings.push({
      code: 'target-limit',
      severity: 'note',
      message: `the ASA expands object groups: these ${policies.length} policies become about ${elements} access-list elements in memory (show access-list | include elements); check it against your model's limit, or turn on object-group-search access-control so the groups are searched instead of expanded`,
    });
  }

  const text = body.join('\n');
  const lines = [
    '!',
    '! Cisco ASA 9.x (8.3+ unified access lists: IPv4 and IPv6 entries in the same list; "any" is both).',
    '! Load it: paste it in configuration mode (configure terminal), check the output, then write memory.',
    `! Or copy ${lineComment(input.fileName)} to the ASA and run: copy disk0:/<file> running-config`,
    '! Check it first: Firewall Builder reads it after an "ASA Version 9.8(4)" line (fwbedit import: IPv4 only, Debian\'s',
    '! fwbuilder 5.3 reads no IPv6).',
    ...[...acls.entries()].map(([iface, acl]) => `! Access list ${acl.name}: entries for traffic that enters ${iface === GLOBAL ? 'any interface (global)' : `interface ${iface}`}.`),
    '! access-group REPLACES the list bound to an interface now: where one is bound, add these entries to it instead.',
    '! Roll back: no access-group <list> ..., clear configure access-list <list>, then no object-group / no object',
    `! for the objects named ${lineComment(planSlug)}-* and fwplan-*. The commands add to what is there: loading a changed`,
    '! plan over an earlier one keeps the entries and group members it no longer has; roll the earlier one back first.',
    ...pathPlacementLines(where, { from: 'interface', to: 'interface' }, options.defaultDrop
      ? 'An ASA access list ends in an implicit deny (not logged); with default drop each list ends in a logged "deny ip".'
      : 'An ASA access list ends in an implicit deny (not logged); default drop adds a logged "deny ip any any".', '! '),
  ];
  const header = headerLines(input, 'Cisco ASA (configuration commands)', countAsa(text), 'access-list entries', '! ');
  return { text: `${[...header, ...lines].join('\n')}\n${text}`, findings };
}

/** Access-list entries as written (remarks aside): one `access-list <name> extended` line each. */
export function countAsa(text: string): number {
  let count = 0;
  for (const line of text.split('\n')) if (/^access-list \S+ extended /.test(line)) count++;
  return count;
}

export const asaRenderer: Renderer = {
  id: 'asa',
  label: 'Cisco ASA',
  description: 'Cisco ASA configuration for a firewall in the path: network objects and object groups named after the roles, groups and nodes, service groups, and access lists (IPv4 and IPv6 in one) bound with access-group.',
  mediaType: 'text/plain',
  suffix: '-asa.txt',
  options: { scope: true, defaultDrop: true, ipset: false, egress: false, placement: PLACEMENT },
  families: [4, 6],
  // Firewall Builder reads saved configurations: the check gives it the version line one begins with
  checkCommand: (file) => `(echo 'ASA Version 9.8(4)'; cat ${file}) > check.cfg && fwbedit import -f objects.fwb -i check.cfg -o /User/Firewalls/check   # objects.fwb: a Firewall Builder object file (File > New); IPv4 only`,
  countRules: countAsa,
  countMeaning: 'access-list entries as written (the ASA expands object groups into more elements)',
  render: renderAsa,
};
