import { spanText } from '../model/plan.ts';
import type { AddressEntry, Finding } from '../model/rules.ts';
import { aggregate } from '../net/address.ts';
import { slugify } from '../text.ts';
import { compactJson, countText, dropsDirection, fitName, groupByPorts, headerLines, mergeSpans, nodesHeld, outsideNodes, scopeSlug, type PortGroup } from './common.ts';
import { armLiteral } from './quote.ts';
import type { Json, Renderer, RenderInput, RenderOutput } from './types.ts';

/**
 * An Azure network security group as an ARM template, for the network interfaces of the
 * senhasegura nodes. Unlike a security group, an NSG rule names both sides, lists of address
 * prefixes and port ranges: one rule per protocol and pair of sides. Inbound rules end at a node,
 * outbound rules start at one, so the same NSG can sit on every node's interface and means, on
 * each, exactly that node's part of the plan.
 */

/** Documented limits (Azure networking limits, Azure Resource Manager; security rule properties). */
export const AZURE_LIMITS = {
  rulesPerNsg: 1000,
  /** address prefixes in all the rules of one NSG, counted apart for sources and destinations */
  prefixesPerNsg: 4000,
  priorityMin: 100,
  priorityMax: 4096,
  nameLength: 80,
  descriptionLength: 140,
} as const;

type NsgDirection = 'Inbound' | 'Outbound';

export interface NsgRule {
  readonly name: string;
  readonly priority: number;
  readonly direction: NsgDirection;
  readonly access: 'Allow' | 'Deny';
  readonly protocol: 'Tcp' | 'Udp' | '*';
  /** address prefixes, or '*' for any */
  readonly sources: readonly string[] | '*';
  readonly destinations: readonly string[] | '*';
  readonly ports: readonly string[] | '*';
  readonly description: string;
}

interface Draft {
  readonly direction: NsgDirection;
  readonly what: string;
  readonly rule: Omit<NsgRule, 'name' | 'priority' | 'direction'>;
}

function prefixes(entries: readonly AddressEntry[]): string[] {
  return aggregate(entries.map((e) => e.network)).map((n) => n.display);
}

function allow(direction: NsgDirection, g: PortGroup, sources: readonly AddressEntry[], destinations: readonly AddressEntry[]): Draft {
  const ids = [...new Set(g.rules.map((r) => r.ruleId))].join(' ');
  const ports = mergeSpans(g.ports).map((p) => spanText(p));
  return {
    direction,
    what: `${g.source.name} to ${g.destination.name} ${g.protocol} v${g.family}`,
    rule: {
      access: 'Allow',
      protocol: g.protocol === 'tcp' ? 'Tcp' : 'Udp',
      sources: prefixes(sources),
      destinations: prefixes(destinations),
      ports,
      description: armLiteral(`fwplan ${g.source.name} -> ${g.destination.name} ${g.protocol} ${ports.join(',')} ${ids}`, AZURE_LIMITS.descriptionLength),
    },
  };
}

/** Priorities 100, 110, … (room for rules of your own in between), or one apart when the rules need it. */
function prioritised(drafts: readonly Draft[], direction: NsgDirection, findings: Finding[]): NsgRule[] {
  const own = drafts.filter((d) => d.direction === direction);
  const room = AZURE_LIMITS.priorityMax - AZURE_LIMITS.priorityMin; // 4096 is kept for the closing deny
  const step = own.length * 10 <= room ? 10 : 1;
  if (own.length > room) {
    findings.push({
      code: 'target-limit',
      severity: 'warning',
      message: `${countText(own.length)} ${direction.toLowerCase()} rules: NSG priorities run from ${AZURE_LIMITS.priorityMin} to ${AZURE_LIMITS.priorityMax}, so the rules past the ${countText(room)}th have priorities Azure refuses. Nothing was cut; the template does not deploy until the rules are fewer`,
    });
  }
  return own.map((d, i) => {
    const priority = AZURE_LIMITS.priorityMin + i * step;
    const tag = `${direction === 'Inbound' ? 'in' : 'out'}-${String(priority).padStart(4, '0')}`;
    return { ...d.rule, direction, priority, name: fitName(`${tag}-${slugify(d.what, 'rule')}`, AZURE_LIMITS.nameLength) };
  });
}

export function nsgRules(input: RenderInput): { rules: NsgRule[]; findings: Finding[] } {
  const { options } = input;
  const nodes = input.node ? [input.node] : input.ruleSet.nodes;
  const findings: Finding[] = input.node ? [] : outsideNodes(input.rules, nodes, 'an NSG');
  const drafts: Draft[] = [];
  for (const g of groupByPorts(input.rules)) {
    if (g.direction === 'in') drafts.push(allow('Inbound', g, g.source.entries, g.destination.entries));
    else if (g.direction === 'out') drafts.push(allow('Outbound', g, g.source.entries, g.destination.entries));
    else {
      // gateway scope: inbound to the nodes the destination holds, outbound from those the source holds
      const to = nodesHeld(g.destination, nodes).map((h) => h.entry);
      if (to.length > 0) drafts.push(allow('Inbound', g, g.source.entries, to));
      const from = nodesHeld(g.source, nodes).map((h) => h.entry);
      if (from.length > 0) drafts.push(allow('Outbound', g, from, g.destination.entries));
    }
  }
  const directions: NsgDirection[] = ['Inbound', 'Outbound'];
  const drops = (d: NsgDirection) => dropsDirection(options, d === 'Inbound' ? 'in' : 'out');
  for (const d of directions) {
    if (!drops(d)) continue;
    for (const f of input.openFamilies ?? []) {
      const any = f === 4 ? '0.0.0.0/0' : '::/0';
      drafts.push({
        direction: d,
        what: `open IPv${f}`,
        rule: { access: 'Allow', protocol: '*', sources: [any], destinations: [any], ports: '*', description: `fwplan: no IPv${f} address of this node in the plan: IPv${f} is left as it is` },
      });
    }
  }
  const rules = directions.flatMap((d) => prioritised(drafts, d, findings));
  for (const d of directions) {
    if (!drops(d)) continue;
    rules.push({
      name: `deny-all-${d.toLowerCase()}`,
      priority: AZURE_LIMITS.priorityMax,
      direction: d,
      access: 'Deny',
      protocol: '*',
      sources: '*',
      destinations: '*',
      ports: '*',
      description: `fwplan default drop: ${d.toLowerCase()} traffic no rule above allows (overrides Azure's default rules)`,
    });
  }
  if (rules.length > AZURE_LIMITS.rulesPerNsg) {
    findings.push({
      code: 'target-limit',
      severity: 'warning',
      message: `the NSG holds ${countText(rules.length)} security rules: Azure takes ${countText(AZURE_LIMITS.rulesPerNsg)} per NSG. Nothing was cut; the template does not deploy until the rules are fewer`,
    });
  }
  for (const side of ['sources', 'destinations'] as const) {
    const count = rules.reduce((n, r) => n + (r[side] === '*' ? 0 : r[side].length), 0);
    if (count > AZURE_LIMITS.prefixesPerNsg) {
      findings.push({
        code: 'target-limit',
        severity: 'warning',
        message: `the NSG's rules name ${countText(count)} ${side === 'sources' ? 'source' : 'destination'} address prefixes: Azure takes ${countText(AZURE_LIMITS.prefixesPerNsg)} per NSG (sources and destinations apart). Nothing was cut; aggregate the entries into larger networks, or use fewer`,
      });
    }
  }
  return { rules, findings };
}

function ruleJson(r: NsgRule): Json {
  const props: Record<string, Json> = {
    description: r.description,
    priority: r.priority,
    direction: r.direction,
    access: r.access,
    protocol: r.protocol,
    sourcePortRange: '*',
    ...(r.sources === '*' ? { sourceAddressPrefix: '*' } : { sourceAddressPrefixes: r.sources }),
    ...(r.destinations === '*' ? { destinationAddressPrefix: '*' } : { destinationAddressPrefixes: r.destinations }),
    ...(r.ports === '*' ? { destinationPortRange: '*' } : { destinationPortRanges: r.ports }),
  };
  return { name: r.name, properties: props };
}

export function renderAzureNsg(input: RenderInput): RenderOutput {
  const { rules, findings } = nsgRules(input);
  const { options } = input;
  const nodes = input.node ? [input.node] : input.ruleSet.nodes;
  // NSG names: at most 80 characters (fitName keeps a cut name unique)
  const nsgName = fitName(`fwplan-${slugify(input.plan.name)}-${scopeSlug(options.scope)}`, AZURE_LIMITS.nameLength);
  const file = input.fileName;
  const lines = (written: number) => [
    ...headerLines(input, 'Azure network security group (ARM template)', written, 'security rules', ''),
    `Attach the NSG "${nsgName}" to the network interface of ${nodes.length === 1 ? 'this node' : 'each senhasegura node'}:`,
    ...nodes.map((n) => `  ${n.name} (${[n.v4, n.v6].filter((a) => a !== undefined).map((a) => a.network.display).join(', ')})`),
    'Inbound rules end at a node and outbound rules start at one, so the one NSG means on each node exactly its',
    'part of the plan; a subnet holding the nodes alone works too. NSGs are stateful: replies pass by themselves.',
    `Priorities: allow rules from ${AZURE_LIMITS.priorityMin} up (inbound and outbound apart), in the plan's order.`,
    ...(options.defaultDrop
      ? [`Default drop: deny-all at ${AZURE_LIMITS.priorityMax} ${dropsDirection(options, 'out') ? 'inbound and outbound' : 'inbound (outbound left open: --egress open)'} overrides Azure's default rules`, '(AllowVnetInBound, AllowAzureLoadBalancerInBound, AllowInternetOutBound): load balancer health probes need a rule of their own.']
      : ['Without --default-drop, Azure\'s default rules stay below these: the whole virtual network (and peered ones) still', 'reaches the nodes (AllowVnetInBound), and the nodes reach the Internet (AllowInternetOutBound).']),
    `Limits: ${countText(AZURE_LIMITS.rulesPerNsg)} rules per NSG; ${countText(AZURE_LIMITS.prefixesPerNsg)} source and ${countText(AZURE_LIMITS.prefixesPerNsg)} destination prefixes per NSG.`,
    ...findings.filter((f) => f.code === 'target-limit').map((f) => `LIMIT: ${f.message}`),
    ...(findings.some((f) => f.code === 'outside-target') ? [`Not in this file (no node on that side of the flow): ${[...new Set(findings.filter((f) => f.code === 'outside-target').map((f) => f.ruleId))].join(', ')} (see the findings).`] : []),
    `Check:    az deployment group validate --resource-group RG --template-file ${file}   (needs an Azure login)`,
    `Apply:    az deployment group create --resource-group RG --template-file ${file}`,
    `          az network nic update --resource-group RG --name NIC --network-security-group ${nsgName}   (each node)`,
    '          roll back: az network nic update --resource-group RG --name NIC --remove networkSecurityGroup (or set the former NSG),',
    `          then az network nsg delete --resource-group RG --name ${nsgName}`,
  ];
  const doc = (written: number): Json => ({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    metadata: { fwplan: lines(written).map((l) => armLiteral(l)) },
    parameters: {
      nsgName: { type: 'string', defaultValue: nsgName, metadata: { description: 'The network security group to create or update' } },
      location: { type: 'string', defaultValue: '[resourceGroup().location]', metadata: { description: 'Its Azure region' } },
    },
    resources: [
      {
        type: 'Microsoft.Network/networkSecurityGroups',
        apiVersion: '2023-09-01',
        name: "[parameters('nsgName')]",
        location: "[parameters('location')]",
        properties: { securityRules: rules.map(ruleJson) },
      },
    ],
    outputs: { nsgId: { type: 'string', value: "[resourceId('Microsoft.Network/networkSecurityGroups', parameters('nsgName'))]" } },
  });
  const text = `${compactJson(doc(rules.length))}\n`;
  return { text, findings };
}

/** Security rules of the template's network security groups. */
export function countAzureNsg(text: string): number {
  try {
    const doc = JSON.parse(text) as { resources?: { properties?: { securityRules?: unknown[] } }[] };
    return (doc.resources ?? []).reduce((n, r) => n + (r.properties?.securityRules?.length ?? 0), 0);
  } catch {
    return 0;
  }
}

export const azureNsgRenderer: Renderer = {
  id: 'azure-nsg',
  label: 'Azure NSG (ARM template)',
  description: 'An Azure network security group as an ARM template for the senhasegura nodes’ network interfaces: allow rules with address prefix lists and port ranges, priorities from 100, a deny-all with default drop.',
  mediaType: 'application/json',
  suffix: '.azure-nsg.json',
  options: { scope: true, defaultDrop: true, ipset: false, egress: true },
  families: [4, 6],
  countRules: countAzureNsg,
  countMeaning: 'security rules',
  render: renderAzureNsg,
};

