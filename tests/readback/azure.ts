/**
 * Reads an ARM template's network security group back and says what it lets through: rules in
 * priority order per direction, first match wins; the documented constraints on names,
 * priorities, descriptions and counts are checked on the way.
 */
import { box, networkOf, rangeOf, type Box } from './boxes.ts';

export interface NsgRuleRead {
  readonly name: string;
  readonly priority: number;
  readonly direction: 'Inbound' | 'Outbound';
  readonly access: 'Allow' | 'Deny';
  readonly protocol: 'Tcp' | 'Udp' | '*';
  readonly sources: readonly string[] | '*';
  readonly destinations: readonly string[] | '*';
  readonly ports: readonly string[] | '*';
  readonly description: string;
}

/** Azure: up to 80 characters, begins with a word character, ends with one or with _, holds word characters . - _ */
export const NSG_RULE_NAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,78}[A-Za-z0-9_])?$/;

export function readNsg(text: string): NsgRuleRead[] {
  const doc = JSON.parse(text) as { resources: { type: string; properties: { securityRules: { name: string; properties: Record<string, unknown> }[] } }[] };
  if (doc.resources.length !== 1 || doc.resources[0]?.type !== 'Microsoft.Network/networkSecurityGroups') throw new Error('one networkSecurityGroups resource expected');
  const names = new Set<string>();
  const rules = doc.resources[0].properties.securityRules.map((r): NsgRuleRead => {
    const p = r.properties;
    if (!NSG_RULE_NAME.test(r.name)) throw new Error(`rule name ${JSON.stringify(r.name)} breaks Azure's naming rules`);
    if (names.has(r.name.toLowerCase())) throw new Error(`rule name ${r.name} twice`);
    names.add(r.name.toLowerCase());
    const known = ['description', 'priority', 'direction', 'access', 'protocol', 'sourcePortRange', 'sourceAddressPrefix', 'sourceAddressPrefixes', 'destinationAddressPrefix', 'destinationAddressPrefixes', 'destinationPortRange', 'destinationPortRanges'];
    for (const k of Object.keys(p)) if (!known.includes(k)) throw new Error(`${r.name}: unknown property ${k}`);
    if (p.sourcePortRange !== '*') throw new Error(`${r.name}: source port must be *`);
    const list = (one: string, many: string): readonly string[] | '*' => {
      if ((p[one] === undefined) === (p[many] === undefined)) throw new Error(`${r.name}: exactly one of ${one} and ${many}`);
      if (p[one] !== undefined) {
        if (p[one] !== '*') throw new Error(`${r.name}: ${one} other than * (fwplan writes lists)`);
        return '*';
      }
      const l = p[many];
      if (!Array.isArray(l) || l.length === 0 || !l.every((x) => typeof x === 'string')) throw new Error(`${r.name}: ${many} must be a non-empty list of strings`);
      return l as string[];
    };
    const direction = p.direction;
    const access = p.access;
    const protocol = p.protocol;
    if (direction !== 'Inbound' && direction !== 'Outbound') throw new Error(`${r.name}: direction`);
    if (access !== 'Allow' && access !== 'Deny') throw new Error(`${r.name}: access`);
    if (protocol !== 'Tcp' && protocol !== 'Udp' && protocol !== '*') throw new Error(`${r.name}: protocol`);
    if (typeof p.priority !== 'number' || !Number.isInteger(p.priority)) throw new Error(`${r.name}: priority`);
    if (typeof p.description !== 'string' || p.description.length > 140) throw new Error(`${r.name}: description of at most 140 characters`);
    return {
      name: r.name,
      priority: p.priority,
      direction,
      access,
      protocol,
      sources: list('sourceAddressPrefix', 'sourceAddressPrefixes'),
      destinations: list('destinationAddressPrefix', 'destinationAddressPrefixes'),
      ports: list('destinationPortRange', 'destinationPortRanges'),
      description: p.description,
    };
  });
  for (const d of ['Inbound', 'Outbound'] as const) {
    const prios = rules.filter((r) => r.direction === d).map((r) => r.priority);
    if (new Set(prios).size !== prios.length) throw new Error(`two ${d} rules share a priority`);
  }
  return rules;
}

function ports(p: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(p);
  if (!m) throw new Error(`port range ${p}`);
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  if (from < 1 || to > 65535 || from > to) throw new Error(`port range ${p}`);
  return [from, to];
}

/**
 * The traffic the NSG allows, per direction. Rules are taken in priority order and a Deny must
 * come after every Allow of its direction and match everything (fwplan's closing deny), so the
 * allowed traffic is the union of the Allow rules. Rules of protocol * (a family left open) count
 * for TCP and UDP.
 */
export function nsgBoxes(rules: readonly NsgRuleRead[]): { inbound: Box[]; outbound: Box[]; denies: NsgRuleRead[] } {
  const out = { inbound: [] as Box[], outbound: [] as Box[], denies: [] as NsgRuleRead[] };
  for (const d of ['Inbound', 'Outbound'] as const) {
    const ordered = rules.filter((r) => r.direction === d).sort((a, b) => a.priority - b.priority);
    let denied = false;
    for (const r of ordered) {
      if (r.access === 'Deny') {
        if (r.sources !== '*' || r.destinations !== '*' || r.ports !== '*' || r.protocol !== '*') throw new Error(`${r.name}: fwplan's only deny matches everything`);
        denied = true;
        out.denies.push(r);
        continue;
      }
      if (denied) throw new Error(`${r.name}: an allow after the deny-all never matches`);
      if (r.sources === '*' || r.destinations === '*') throw new Error(`${r.name}: an allow rule names its addresses`);
      const spans = r.ports === '*' ? [[0, 65535] as [number, number]] : r.ports.map(ports);
      for (const s of r.sources) {
        const src = networkOf(s);
        for (const t of r.destinations) {
          const dst = networkOf(t);
          if (src.family !== dst.family) throw new Error(`${r.name}: mixes IPv4 and IPv6`);
          for (const protocol of r.protocol === '*' ? (['tcp', 'udp'] as const) : [r.protocol === 'Tcp' ? ('tcp' as const) : ('udp' as const)]) {
            for (const span of spans) (d === 'Inbound' ? out.inbound : out.outbound).push(box(src.family, protocol, span, rangeOf(src), rangeOf(dst)));
          }
        }
      }
    }
  }
  return out;
}
