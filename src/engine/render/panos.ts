import type { Endpoint, Finding } from '../model/rules.ts';
import { slugify } from '../text.ts';
import {
  addressObjects,
  append,
  chunk,
  deniedFamilies,
  countLines,
  headerLines,
  networkNamePart,
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
import { lineComment, panosName, panosQuoted, panosText, xmlText } from './quote.ts';
import type { Renderer, RenderInput, RenderOutput } from './types.ts';

/** Zone names hold at most 31 characters. */
const ZONE_MAX = 31;
/**
 * Members per static address group: larger roles are nested in sub-groups of this size (PAN-OS
 * takes at most 2,500 members in one address group).
 */
const GROUP_MEMBERS_MAX = 2500;
/** Members per `set … static [ … ]` line: each set adds to the list, so no CLI line grows long. */
const MEMBERS_PER_LINE = 50;

const PLACEMENT = { from: 'from zone (users, devices, servers)', to: 'to zone (senhasegura nodes)', defaultFrom: 'any', defaultTo: 'any' } as const;

/** A PAN-OS configuration, independent of how it is written (set commands or XML). */
interface PanConfig {
  readonly addresses: { name: string; value: string; description?: string }[];
  /** sub-groups before the groups that hold them */
  readonly groups: { name: string; members: string[]; description: string }[];
  readonly services: { name: string; protocol: string; port: string }[];
  readonly serviceGroups: { name: string; members: string[] }[];
  readonly rules: { name: string; from: string; to: string; source: string[]; destination: string[]; service: string[]; action: 'allow' | 'deny'; description: string }[];
  readonly zones: Placement;
  readonly findings: Finding[];
}

function build(input: RenderInput): PanConfig {
  const { options, plan } = input;
  const planSlug = slugify(plan.name);
  const planName = plan.name ?? 'unnamed plan';
  const findings: Finding[] = [];
  // zones must match the firewall's own: cleaned, never renamed with a hash
  const zone = (text: string, option: string): string => {
    if (text === 'any') return text;
    const name = panosName(text, ZONE_MAX, false);
    if (name !== text) findings.push({ code: 'placement', severity: 'warning', message: `--${option} ${JSON.stringify(text)} is not a PAN-OS zone name (letters, digits, . _ - and spaces, at most ${ZONE_MAX}): written as ${JSON.stringify(name)}` });
    return name;
  };
  const zones: Placement = { from: zone(options.from ?? PLACEMENT.defaultFrom, 'from'), to: zone(options.to ?? PLACEMENT.defaultTo, 'to') };
  const policies = pathPolicies(input.rules, zones);
  append(findings, pathFindings(input, policies, 'PAN-OS'));
  if (!options.defaultDrop && policies.length > 0) {
    findings.push({
      code: 'target-limit',
      severity: 'note',
      message: 'PAN-OS allows traffic inside one zone by default (intrazone-default): between addresses of the same zone more passes than these rules allow. Export with default drop for deny rules that cover it, or override intrazone-default',
    });
  }

  const addressOf = new Map<string, string>();
  const addresses = addressObjects(policies).map((a) => {
    const name = panosName(`fwplan-${networkNamePart(a.network)}`);
    addressOf.set(a.network.cidr, name);
    return { name, value: a.network.cidr, ...(a.comment !== undefined ? { description: a.comment } : {}) };
  });

  const groupNames = uniqueNames((w) => panosName(w));
  const groupName = (ep: Endpoint) => groupNames(ep.key, `${planSlug}-${refKey(ep)}${ep.family === 6 ? '-v6' : ''}`);
  const groups: PanConfig['groups'] = [];
  for (const ep of pathEndpoints(policies)) {
    const name = groupName(ep);
    const members = [...new Set(ep.entries.map((e) => addressOf.get(e.network.cidr) as string))];
    const parts = chunk(members, GROUP_MEMBERS_MAX);
    if (parts.length > 1) {
      const subNames = parts.map((part, i) => {
        const sub = groupNames(`${ep.key}#${i + 1}`, `${name}-${i + 1}`);
        groups.push({ name: sub, members: part, description: `part ${i + 1} of ${ep.name} (fwplan: ${planName})` });
        return sub;
      });
      groups.push({ name, members: subNames, description: `${ep.name} (fwplan: ${planName})` });
      findings.push({ code: 'target-limit', severity: 'note', message: `${ep.name} (IPv${ep.family}) holds ${members.length} addresses: written as ${parts.length} nested address groups of at most ${GROUP_MEMBERS_MAX}` });
    } else {
      groups.push({ name, members, description: `${ep.name} (fwplan: ${planName})` });
    }
  }

  const serviceName = (s: Service) => panosName(`fwplan-${serviceText(s)}`);
  const services = pathServices(policies).map((s) => ({ name: serviceName(s), protocol: s.protocol, port: s.from === s.to ? String(s.from) : `${s.from}-${s.to}` }));
  const serviceGroups = new Map<string, string[]>();
  const serviceRef = (p: PathPolicy): string => {
    if (p.services.length === 1) return serviceName(p.services[0] as Service);
    const name = panosName(`fwplan-${p.services.map((s) => serviceText(s)).join('_')}`);
    serviceGroups.set(name, p.services.map(serviceName));
    return name;
  };

  const ruleNames = uniqueNames((w) => panosName(w));
  const rules: PanConfig['rules'] = policies.map((p) => {
    const first = p.sides[0];
    return {
      // the plan in the name: a set command on an existing rule adds to it, so two plans must never share one
      name: ruleNames(`${p.crossing}|${p.sides.map((s) => `${s.source.key}>${s.destination.key}`).join(',')}|${p.distinctPairs}`, `${planSlug}-${first ? `${refKey(first.source)}-to-${refKey(first.destination)}` : 'fwplan'}`),
      from: p.placement.from,
      to: p.placement.to,
      source: p.sides.map((s) => groupName(s.source)),
      destination: p.sides.map((s) => groupName(s.destination)),
      service: [serviceRef(p)],
      action: 'allow',
      description: policyComment(p),
    };
  });
  if (options.defaultDrop) {
    const pairs = new Map<string, Placement>();
    for (const p of policies) pairs.set(`${p.placement.from}\n${p.placement.to}`, p.placement);
    if (pairs.size === 0) pairs.set(`${zones.from}\n${zones.to}`, zones);
    // a family the export leaves as it is is not denied: the other one is named by its whole range
    const denied = deniedFamilies(input);
    const anyAddress = denied.length === 2 ? ['any'] : denied.map((f) => (f === 4 ? '0.0.0.0/0' : '::/0'));
    let n = 0;
    for (const pl of pairs.values()) {
      rules.push({
        name: ruleNames(`deny|${pl.from}|${pl.to}`, `${planSlug}-deny-${++n}`),
        from: pl.from,
        to: pl.to,
        source: anyAddress,
        destination: anyAddress,
        service: ['any'],
        action: 'deny',
        description: `fwplan default drop: deny and log what the plan does not allow, ${pl.from} -> ${pl.to}`,
      });
    }
  }
  return { addresses, groups, services, serviceGroups: [...serviceGroups].map(([name, members]) => ({ name, members })), rules, zones, findings };
}

function instructions(input: RenderInput, config: PanConfig, how: string[]): string[] {
  const intrazone = config.rules.some((r) => r.action === 'deny' && r.from === r.to)
    ? 'PAN-OS denies traffic between zones that no rule allows (interzone-default, not logged by default) but allows traffic inside a zone (intrazone-default); with default drop final deny rules log both.'
    : input.options.defaultDrop
      ? 'PAN-OS denies traffic between zones that no rule allows (interzone-default, not logged by default); with default drop final deny rules log it.'
      : 'PAN-OS denies traffic between zones that no rule allows (interzone-default, not logged by default) but allows traffic inside a zone (intrazone-default); default drop adds logged deny rules for both.';
  return [
    '#',
    '# PAN-OS 9.1 and later (10.x, 11.x). Rules name address groups (IPv4 and IPv6 objects together),',
    '# services by port, and application any: the ports are the policy, as the vendor table gives them.',
    ...how.map((l) => `# ${l}`),
    '# Loading adds to what is there (set and merge alike): a changed plan loaded over an earlier one keeps the',
    '# members it no longer has. Delete the earlier rules and groups (their names begin with the plan\'s) first.',
    '# New rules go to the end of the rulebase: move them above any broader deny (move rulebase security',
    '# rules <name> before <rule>). On Panorama put the objects under `device-group <DG>` and the rules in',
    '# its pre-rulebase; on a multi-vsys firewall under `vsys <vsys>`.',
    `# Objects: ${config.addresses.length} addresses named fwplan-<network>, address groups named after the plan's roles, groups and`,
    '# nodes, services fwplan-<protocol>-<port>. Check the platform limits first: show system state | match max-address.',
    '# Roll back: load the last committed configuration (revert config) before the commit; after it, load',
    '# the saved running configuration (load config from <saved>.xml) and commit.',
    ...pathPlacementLines(config.zones, { from: 'from zone', to: 'to zone' }, intrazone, '# '),
  ];
}

/** A list in set-command syntax: one value bare, several in brackets; `any` and an address range are written as they are. */
function setList(values: readonly string[]): string {
  const word = (v: string) => (v === 'any' || /^[0-9a-f.:]+\/\d+$/i.test(v) ? v : panosQuoted(v));
  return values.length === 1 ? word(values[0] as string) : `[ ${values.map(word).join(' ')} ]`;
}

export function renderPanos(input: RenderInput): RenderOutput {
  const config = build(input);
  const body: string[] = [];
  for (const a of config.addresses) {
    body.push(`set address ${panosQuoted(a.name)} ip-netmask ${a.value}${a.description !== undefined ? ` description ${panosText(a.description)}` : ''}`);
  }
  for (const g of config.groups) {
    chunk(g.members, MEMBERS_PER_LINE).forEach((part, i) => {
      body.push(`set address-group ${panosQuoted(g.name)} static [ ${part.map((m) => panosQuoted(m)).join(' ')} ]${i === 0 ? ` description ${panosText(g.description)}` : ''}`);
    });
  }
  for (const s of config.services) body.push(`set service ${panosQuoted(s.name)} protocol ${s.protocol} port ${s.port}`);
  for (const g of config.serviceGroups) body.push(`set service-group ${panosQuoted(g.name)} members [ ${g.members.map((m) => panosQuoted(m)).join(' ')} ]`);
  for (const r of config.rules) {
    body.push(
      `set rulebase security rules ${panosQuoted(r.name)} from ${setList([r.from])} to ${setList([r.to])} source ${setList(r.source)} destination ${setList(r.destination)} source-user any category any application any service ${setList(r.service)} action ${r.action} log-end yes description ${panosText(r.description)}`,
    );
  }
  body.push('');
  const text = body.join('\n');
  const how = [
    'Load it: in configure mode paste the set lines (every line below this header; the CLI has no',
    'comment lines), then check the result with `validate full` and apply it with `commit`.',
    'No offline checker exists: the firewall reports each line it refuses; read the output.',
  ];
  const header = headerLines(input, 'PAN-OS (set commands)', countPanos(text), 'security rules');
  return { text: `${[...header, ...instructions(input, config, how)].join('\n')}\n${text}`, findings: config.findings };
}

/** Security rules of a set-command file: one `set rulebase security rules` line each. */
export function countPanos(text: string): number {
  return countLines(text, 'set rulebase security rules ');
}

const VSYS_XPATH = "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']";

export function renderPanosXml(input: RenderInput): RenderOutput {
  const config = build(input);
  const x = (t: string) => xmlText(t, 1023);
  const attr = (t: string) => xmlText(t, 1023);
  const members = (tag: string, values: readonly string[], indent: string) => [`${indent}<${tag}>`, ...values.map((v) => `${indent}  <member>${x(v)}</member>`), `${indent}</${tag}>`];
  const I = '          ';
  const body: string[] = ['<config>', '  <devices>', '    <entry name="localhost.localdomain">', '      <vsys>', '        <entry name="vsys1">'];
  body.push(`${I}<address>`);
  for (const a of config.addresses) {
    body.push(`${I}  <entry name="${attr(a.name)}">`, `${I}    <ip-netmask>${a.value}</ip-netmask>`);
    if (a.description !== undefined) body.push(`${I}    <description>${x(a.description)}</description>`);
    body.push(`${I}  </entry>`);
  }
  body.push(`${I}</address>`, `${I}<address-group>`);
  for (const g of config.groups) {
    body.push(`${I}  <entry name="${attr(g.name)}">`, ...members('static', g.members, `${I}    `), `${I}    <description>${x(g.description)}</description>`, `${I}  </entry>`);
  }
  body.push(`${I}</address-group>`, `${I}<service>`);
  for (const s of config.services) {
    body.push(`${I}  <entry name="${attr(s.name)}">`, `${I}    <protocol>`, `${I}      <${s.protocol}>`, `${I}        <port>${s.port}</port>`, `${I}      </${s.protocol}>`, `${I}    </protocol>`, `${I}  </entry>`);
  }
  body.push(`${I}</service>`, `${I}<service-group>`);
  for (const g of config.serviceGroups) body.push(`${I}  <entry name="${attr(g.name)}">`, ...members('members', g.members, `${I}    `), `${I}  </entry>`);
  body.push(`${I}</service-group>`, `${I}<rulebase>`, `${I}  <security>`, `${I}    <rules>`);
  const R = `${I}        `;
  for (const r of config.rules) {
    body.push(
      `${I}      <entry name="${attr(r.name)}">`,
      ...members('from', [r.from], R),
      ...members('to', [r.to], R),
      ...members('source', r.source, R),
      ...members('destination', r.destination, R),
      ...members('source-user', ['any'], R),
      ...members('category', ['any'], R),
      ...members('application', ['any'], R),
      ...members('service', r.service, R),
      `${R}<action>${r.action}</action>`,
      `${R}<log-end>yes</log-end>`,
      `${R}<description>${x(r.description)}</description>`,
      `${I}      </entry>`,
    );
  }
  body.push(`${I}    </rules>`, `${I}  </security>`, `${I}</rulebase>`, '        </entry>', '      </vsys>', '    </entry>', '  </devices>', '</config>', '');
  const text = body.join('\n');
  const file = lineComment(input.fileName);
  const how = [
    `Load it: copy the file to the firewall (scp import configuration from <user>@<host>:${file}), then in`,
    'configure mode merge each part, for PART = address, address-group, service, service-group and',
    'rulebase/security/rules in this order:',
    `  load config partial mode merge from ${file} from-xpath ${VSYS_XPATH.slice(8)}/PART to-xpath ${VSYS_XPATH}/PART`,
    'then `validate full` and `commit`. Check it first: xmllint -noout (well-formed XML).',
  ];
  const header = headerLines(input, 'PAN-OS (XML configuration)', countPanosXml(text), 'security rules', '');
  const comments = [...header, ...instructions(input, config, how).map((l) => l.replace(/^# ?/, ''))].map((l) => `<!-- ${xmlComment(l)} -->`);
  return { text: `<?xml version="1.0" encoding="UTF-8"?>\n${comments.join('\n')}\n${text}`, findings: config.findings };
}

/** Text inside an XML comment: no "--", and not ending in "-". */
function xmlComment(text: string): string {
  return `${text.replace(/-(?=-)/g, '- ')}${text.endsWith('-') ? ' ' : ''}`;
}

/** Security rules of the XML file: the entries of <rules>. */
export function countPanosXml(text: string): number {
  let inRules = false;
  let count = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '<rules>') inRules = true;
    else if (line === '</rules>') inRules = false;
    else if (inRules && line.startsWith('<entry ')) count++;
  }
  return count;
}

const OPTIONS = { scope: true, defaultDrop: true, ipset: false, egress: false, placement: PLACEMENT } as const;

export const panosRenderer: Renderer = {
  id: 'panos',
  label: 'PAN-OS (set commands)',
  description: 'PAN-OS CLI set commands for a Palo Alto firewall in the path: address objects and groups named after the roles, groups and nodes, services, and one security rule per pair of sides.',
  mediaType: 'text/plain',
  suffix: '-panos.txt',
  options: OPTIONS,
  families: [4, 6],
  countRules: countPanos,
  countMeaning: 'security rules (set rulebase security rules lines)',
  render: renderPanos,
};

export const panosXmlRenderer: Renderer = {
  id: 'panos-xml',
  label: 'PAN-OS (XML configuration)',
  description: 'The same PAN-OS objects and security rules as an XML configuration to merge with load config partial.',
  mediaType: 'application/xml',
  suffix: '-panos.xml',
  options: OPTIONS,
  families: [4, 6],
  checkCommand: (file) => `xmllint --noout ${file}`,
  countRules: countPanosXml,
  countMeaning: 'security rules (entries of rulebase/security/rules)',
  render: renderPanosXml,
};
