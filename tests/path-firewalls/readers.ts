/**
 * Readers for the exports of firewalls in the path (FortiGate, PAN-OS set and XML, Cisco ASA):
 * each reads a generated configuration back — its objects, groups, services and policies, in the
 * target's own syntax — and says which flows it allows: (source network, destination network,
 * protocol, destination ports) and where the policy sits. They know the syntax, not the renderer:
 * what they read is what the firewall would be told.
 */
import { parseAddress, type Network } from '../../src/engine/index.ts';

/** One allowed flow: networks as canonical CIDR, ports as a span, and the placement of the policy. */
export interface ReadFlow {
  readonly source: string;
  readonly destination: string;
  readonly protocol: 'tcp' | 'udp';
  readonly from: number;
  readonly to: number;
  /** interface/zone pair (FortiGate, PAN-OS) or the ingress interface (ASA) */
  readonly placement: string;
}

function network(text: string): Network {
  const r = parseAddress(text);
  if (!r.ok || r.hostBitsSet) throw new Error(`not a network: ${text}`);
  return r.network;
}

function maskPrefix(mask: string): number {
  const bits = mask.split('.').map(Number).reduce((n, o) => n * 256 + o, 0);
  const prefix = bits.toString(2).replace(/0+$/, '').length;
  if (bits !== 0 && bits.toString(2).length !== 32) throw new Error(`bad mask ${mask}`);
  if (!/^1*0*$/.test(bits.toString(2).padStart(32, '0'))) throw new Error(`bad mask ${mask}`);
  return prefix;
}

function ports(text: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) throw new Error(`bad port ${text}`);
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  if (!(from >= 1 && to <= 65535 && from <= to)) throw new Error(`bad port span ${text}`);
  return [from, to];
}

/** Members of a group, resolved through nested groups; throws on an unknown name or a cycle. */
function resolve<T>(name: string, leaves: Map<string, T>, groups: Map<string, string[]>, seen: string[] = []): T[] {
  const leaf = leaves.get(name);
  if (leaf !== undefined) return [leaf];
  const members = groups.get(name);
  if (!members) throw new Error(`unknown object ${JSON.stringify(name)}`);
  if (seen.includes(name)) throw new Error(`group cycle at ${name}`);
  return members.flatMap((m) => resolve(m, leaves, groups, [...seen, name]));
}

function cross(placement: string, sources: Network[], destinations: Network[], services: { protocol: 'tcp' | 'udp'; from: number; to: number }[]): ReadFlow[] {
  const out: ReadFlow[] = [];
  for (const s of sources) for (const d of destinations) {
    if (s.family !== d.family) continue;
    for (const v of services) out.push({ source: s.cidr, destination: d.cidr, protocol: v.protocol, from: v.from, to: v.to, placement });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// FortiOS CLI

/** Words of a FortiOS CLI line: bare words and double-quoted strings with backslash escapes. */
export function fortiWords(line: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i] as string;
    if (c === ' ' || c === '\t') {
      i++;
    } else if (c === '"') {
      let w = '';
      i++;
      for (;;) {
        if (i >= line.length) throw new Error(`unterminated string: ${line}`);
        const ch = line[i] as string;
        if (ch === '\\') {
          w += line[i + 1] ?? '';
          i += 2;
        } else if (ch === '"') {
          i++;
          break;
        } else {
          w += ch;
          i++;
        }
      }
      words.push(w);
    } else {
      let w = '';
      while (i < line.length && line[i] !== ' ' && line[i] !== '\t') w += line[i++];
      words.push(w);
    }
  }
  return words;
}

type Table = Map<string, Map<string, string[]>>;

/** The tables of a FortiOS CLI file: config section → entry → option → values. */
export function fortiTables(text: string): Map<string, Table> {
  const sections = new Map<string, Table>();
  let table: Table | undefined;
  let entry: Map<string, string[]> | undefined;
  let auto = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const words = fortiWords(line);
    const [verb, ...rest] = words;
    if (verb === 'config') {
      const name = rest.join(' ');
      table = sections.get(name) ?? new Map();
      sections.set(name, table);
    } else if (verb === 'edit') {
      if (!table) throw new Error(`edit outside config: ${line}`);
      const id = rest[0] === '0' ? `#${++auto}` : (rest[0] as string);
      entry = table.get(id) ?? new Map();
      table.set(id, entry);
    } else if (verb === 'set' || verb === 'append') {
      if (!entry) throw new Error(`${verb} outside edit: ${line}`);
      const [key, ...values] = rest;
      if (key === undefined || values.length === 0) throw new Error(`empty ${verb}: ${line}`);
      entry.set(key, verb === 'append' ? [...(entry.get(key) ?? []), ...values] : values);
    } else if (verb === 'next') {
      entry = undefined;
    } else if (verb === 'end') {
      table = undefined;
      entry = undefined;
    } else {
      throw new Error(`unknown FortiOS line: ${line}`);
    }
  }
  return sections;
}

export function readFortigate(text: string): ReadFlow[] {
  const t = fortiTables(text);
  const get = (s: string) => t.get(s) ?? new Map<string, Map<string, string[]>>();
  const addresses = new Map<string, Network>();
  for (const [name, e] of get('firewall address')) {
    const [a, m] = e.get('subnet') ?? [];
    addresses.set(name, network(`${a}/${maskPrefix(m as string)}`));
  }
  const addresses6 = new Map<string, Network>();
  for (const [name, e] of get('firewall address6')) addresses6.set(name, network((e.get('ip6') ?? [])[0] as string));
  const groups = (s: string) => new Map([...get(s)].map(([name, e]) => [name, e.get('member') ?? []]));
  const grp4 = groups('firewall addrgrp');
  const grp6 = groups('firewall addrgrp6');
  type Svc = { protocol: 'tcp' | 'udp'; from: number; to: number };
  const services = new Map<string, Svc[]>();
  for (const [name, e] of get('firewall service custom')) {
    const list: Svc[] = [];
    for (const protocol of ['tcp', 'udp'] as const) for (const p of e.get(`${protocol}-portrange`) ?? []) {
      const [from, to] = ports(p);
      list.push({ protocol, from, to });
    }
    services.set(name, list);
  }
  const svcGroups = groups('firewall service group');
  const flows: ReadFlow[] = [];
  for (const [id, p] of get('firewall policy')) {
    const action = (p.get('action') ?? [])[0];
    const placement = `${(p.get('srcintf') ?? []).join(',')}>${(p.get('dstintf') ?? []).join(',')}`;
    if (action === 'deny') {
      for (const k of ['srcaddr', 'dstaddr', 'srcaddr6', 'dstaddr6']) if ((p.get(k) ?? ['all']).join() !== 'all') throw new Error(`policy ${id}: a deny that is not all -> all`);
      continue;
    }
    if (action !== 'accept') throw new Error(`policy ${id}: action ${action}`);
    const services_ = (p.get('service') ?? []).flatMap((s) => svcOf(s));
    flows.push(...cross(placement, names(p.get('srcaddr'), addresses, grp4), names(p.get('dstaddr'), addresses, grp4), services_));
    flows.push(...cross(placement, names(p.get('srcaddr6'), addresses6, grp6), names(p.get('dstaddr6'), addresses6, grp6), services_));
  }
  return flows;

  function svcOf(name: string): Svc[] {
    const own = services.get(name);
    if (own) return own;
    const members = svcGroups.get(name);
    if (!members) throw new Error(`unknown service ${name}`);
    return members.flatMap(svcOf);
  }
  function names(list: string[] | undefined, leaves: Map<string, Network>, grps: Map<string, string[]>): Network[] {
    return (list ?? []).flatMap((n) => resolve(n, leaves, grps));
  }
}

// ---------------------------------------------------------------------------------------------
// PAN-OS set commands

/** Words of a PAN-OS CLI line: bare words, double-quoted strings (no escapes), [ and ]. */
function panWords(line: string): string[] {
  const words: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) words.push(m[1] ?? (m[2] as string));
  return words;
}

interface PanRead {
  addresses: Map<string, Network>;
  groups: Map<string, string[]>;
  services: Map<string, { protocol: 'tcp' | 'udp'; from: number; to: number }>;
  serviceGroups: Map<string, string[]>;
  rules: { name: string; attrs: Map<string, string[]> }[];
}

function panFlows(c: PanRead): ReadFlow[] {
  const flows: ReadFlow[] = [];
  const svcOf = (name: string): { protocol: 'tcp' | 'udp'; from: number; to: number }[] => {
    const own = c.services.get(name);
    if (own) return [own];
    const members = c.serviceGroups.get(name);
    if (!members) throw new Error(`unknown service ${name}`);
    return members.flatMap(svcOf);
  };
  for (const { name, attrs } of c.rules) {
    const action = (attrs.get('action') ?? [])[0];
    const placement = `${(attrs.get('from') ?? []).join(',')}>${(attrs.get('to') ?? []).join(',')}`;
    if (action === 'deny') {
      const everything = ['any', '0.0.0.0/0', '::/0', '0.0.0.0/0,::/0'];
      for (const k of ['source', 'destination', 'service']) if (!everything.includes((attrs.get(k) ?? []).join())) throw new Error(`rule ${name}: a deny that is not of everything`);
      continue;
    }
    if (action !== 'allow') throw new Error(`rule ${name}: action ${action}`);
    for (const k of ['application', 'source-user', 'category']) if ((attrs.get(k) ?? ['any']).join() !== 'any') throw new Error(`rule ${name}: ${k} is not any`);
    const nets = (k: string) => (attrs.get(k) ?? []).flatMap((n) => resolve(n, c.addresses, c.groups));
    flows.push(...cross(placement, nets('source'), nets('destination'), (attrs.get('service') ?? []).flatMap(svcOf)));
  }
  return flows;
}

export function readPanosSet(text: string): ReadFlow[] {
  const c: PanRead = { addresses: new Map(), groups: new Map(), services: new Map(), serviceGroups: new Map(), rules: [] };
  const rules = new Map<string, Map<string, string[]>>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const w = panWords(line);
    if (w[0] !== 'set') throw new Error(`not a set command: ${line}`);
    // key/value pairs after a path: a value is one word or a [ … ] list
    const pairs = (from: number): Map<string, string[]> => {
      const out = new Map<string, string[]>();
      for (let i = from; i < w.length; ) {
        const key = w[i] as string;
        if (w[i + 1] === '[') {
          const end = w.indexOf(']', i + 2);
          if (end < 0) throw new Error(`unclosed list: ${line}`);
          out.set(key, [...(out.get(key) ?? []), ...w.slice(i + 2, end)]);
          i = end + 1;
        } else {
          if (w[i + 1] === undefined) throw new Error(`no value for ${key}: ${line}`);
          out.set(key, [w[i + 1] as string]);
          i += 2;
        }
      }
      return out;
    };
    if (w[1] === 'address') {
      const p = pairs(3);
      c.addresses.set(w[2] as string, network((p.get('ip-netmask') ?? [])[0] as string));
    } else if (w[1] === 'address-group') {
      const name = w[2] as string;
      c.groups.set(name, [...(c.groups.get(name) ?? []), ...(pairs(3).get('static') ?? [])]);
    } else if (w[1] === 'service') {
      const p = pairs(3);
      const protocol = p.get('protocol')?.[0];
      if (protocol !== 'tcp' && protocol !== 'udp') throw new Error(`protocol ${protocol}`);
      const [from, to] = ports((p.get('port') ?? [])[0] as string);
      c.services.set(w[2] as string, { protocol, from, to });
    } else if (w[1] === 'service-group') {
      const name = w[2] as string;
      c.serviceGroups.set(name, [...(c.serviceGroups.get(name) ?? []), ...(pairs(3).get('members') ?? [])]);
    } else if (w[1] === 'rulebase' && w[2] === 'security' && w[3] === 'rules') {
      const name = w[4] as string;
      const attrs = rules.get(name) ?? new Map<string, string[]>();
      for (const [k, v] of pairs(5)) attrs.set(k, v);
      rules.set(name, attrs);
    } else {
      throw new Error(`unknown set command: ${line}`);
    }
  }
  c.rules = [...rules].map(([name, attrs]) => ({ name, attrs }));
  return panFlows(c);
}

// ---------------------------------------------------------------------------------------------
// XML (a small reader: elements, attributes, text, comments, the five entities)

export interface XmlElement {
  readonly name: string;
  readonly attrs: Map<string, string>;
  readonly children: XmlElement[];
  text: string;
}

const ENTITY = /&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-fA-F]+);/g;

function unescapeXml(s: string): string {
  return s.replace(ENTITY, (_, e: string) =>
    e.startsWith('#x') ? String.fromCodePoint(parseInt(e.slice(2), 16)) : e.startsWith('#') ? String.fromCodePoint(Number(e.slice(1))) : (({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e] as string),
  );
}

export function parseXml(text: string): XmlElement {
  const root: XmlElement = { name: '#document', attrs: new Map(), children: [], text: '' };
  const stack: XmlElement[] = [root];
  const re = /<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<!--([\s\S]*?)-->|<\/([\w:.-]+)\s*>|<([\w:.-]+)((?:\s+[\w:.-]+="[^"]*")*)\s*(\/?)>|([^<]+)/g;
  let at = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index !== at) throw new Error(`XML: unexpected text at ${at}`);
    at = re.lastIndex;
    const top = stack[stack.length - 1] as XmlElement;
    if (m[1] !== undefined) {
      if (m[1].includes('--')) throw new Error('XML: -- inside a comment');
    } else if (m[2] !== undefined) {
      if (top.name !== m[2]) throw new Error(`XML: </${m[2]}> closes <${top.name}>`);
      stack.pop();
    } else if (m[3] !== undefined) {
      const attrs = new Map<string, string>();
      for (const a of (m[4] ?? '').matchAll(/([\w:.-]+)="([^"]*)"/g)) attrs.set(a[1] as string, unescapeXml(a[2] as string));
      const el: XmlElement = { name: m[3], attrs, children: [], text: '' };
      top.children.push(el);
      if (m[5] !== '/') stack.push(el);
    } else if (m[6] !== undefined) {
      if (m[6].replace(ENTITY, '').includes('&')) throw new Error('XML: bare & in text');
      top.text += unescapeXml(m[6]);
    }
  }
  if (at !== text.length || stack.length !== 1) throw new Error('XML: unclosed elements');
  return root;
}

const child = (el: XmlElement | undefined, name: string) => el?.children.find((c) => c.name === name);
const entries = (el: XmlElement | undefined) => (el?.children ?? []).filter((c) => c.name === 'entry');
const members = (el: XmlElement | undefined) => (el?.children ?? []).filter((c) => c.name === 'member').map((m) => m.text.trim());

export function readPanosXml(text: string): ReadFlow[] {
  const doc = parseXml(text);
  const device = entries(child(child(doc, 'config'), 'devices')).find((e) => e.attrs.get('name') === 'localhost.localdomain');
  const vsys = entries(child(device, 'vsys')).find((e) => e.attrs.get('name') === 'vsys1');
  if (!vsys) throw new Error('no vsys1');
  const c: PanRead = { addresses: new Map(), groups: new Map(), services: new Map(), serviceGroups: new Map(), rules: [] };
  for (const e of entries(child(vsys, 'address'))) c.addresses.set(e.attrs.get('name') as string, network((child(e, 'ip-netmask')?.text ?? '').trim()));
  for (const e of entries(child(vsys, 'address-group'))) c.groups.set(e.attrs.get('name') as string, members(child(e, 'static')));
  for (const e of entries(child(vsys, 'service'))) {
    const proto = child(e, 'protocol')?.children[0];
    if (proto?.name !== 'tcp' && proto?.name !== 'udp') throw new Error('protocol');
    const [from, to] = ports((child(proto, 'port')?.text ?? '').trim());
    c.services.set(e.attrs.get('name') as string, { protocol: proto.name, from, to });
  }
  for (const e of entries(child(vsys, 'service-group'))) c.serviceGroups.set(e.attrs.get('name') as string, members(child(e, 'members')));
  for (const e of entries(child(child(child(vsys, 'rulebase'), 'security'), 'rules'))) {
    const attrs = new Map<string, string[]>();
    for (const k of ['from', 'to', 'source', 'destination', 'source-user', 'category', 'application', 'service']) attrs.set(k, members(child(e, k)));
    attrs.set('action', [(child(e, 'action')?.text ?? '').trim()]);
    c.rules.push({ name: e.attrs.get('name') as string, attrs });
  }
  return panFlows(c);
}

// ---------------------------------------------------------------------------------------------
// Cisco ASA

export function readAsa(text: string): ReadFlow[] {
  const objects = new Map<string, Network>();
  const groups = new Map<string, string[]>();
  const inline = new Map<string, Network>();
  const services = new Map<string, { protocol: 'tcp' | 'udp'; from: number; to: number }[]>();
  const acls = new Map<string, string[][]>();
  const bound = new Map<string, string>();
  let current: { kind: 'object' | 'group' | 'service'; name: string; protocol?: 'tcp' | 'udp' } | undefined;
  const addInline = (n: Network) => {
    const key = `=${n.cidr}`;
    inline.set(key, n);
    return key;
  };
  const netOf = (w: string[]): Network => (w.length === 2 && w[1]?.includes('.') && !w[1].includes('/') ? network(`${w[0]}/${maskPrefix(w[1])}`) : network(w[0] as string));
  for (const raw of text.split('\n')) {
    if (raw.trim() === '' || raw.startsWith('!') || raw.startsWith(':')) continue;
    const w = raw.trim().split(/\s+/);
    if (raw.startsWith(' ')) {
      if (!current) throw new Error(`indented line outside an object: ${raw}`);
      if (w[0] === 'description') continue;
      if (current.kind === 'object') {
        if (w[0] === 'host') objects.set(current.name, network(w[1] as string));
        else if (w[0] === 'subnet') objects.set(current.name, netOf(w.slice(1)));
        else throw new Error(`object line: ${raw}`);
      } else if (current.kind === 'group') {
        const list = groups.get(current.name) as string[];
        if (w[0] === 'network-object' && w[1] === 'host') list.push(addInline(network(w[2] as string)));
        else if (w[0] === 'network-object' && w[1] === 'object') list.push(w[2] as string);
        else if (w[0] === 'network-object') list.push(addInline(netOf(w.slice(1))));
        else if (w[0] === 'group-object') list.push(w[1] as string);
        else throw new Error(`group line: ${raw}`);
      } else {
        const list = services.get(current.name) as { protocol: 'tcp' | 'udp'; from: number; to: number }[];
        const protocol = current.protocol as 'tcp' | 'udp';
        if (w[0] === 'port-object' && w[1] === 'eq') list.push({ protocol, from: Number(w[2]), to: Number(w[2]) });
        else if (w[0] === 'port-object' && w[1] === 'range') list.push({ protocol, from: Number(w[2]), to: Number(w[3]) });
        else throw new Error(`service line: ${raw}`);
      }
      continue;
    }
    current = undefined;
    if (w[0] === 'object' && w[1] === 'network') current = { kind: 'object', name: w[2] as string };
    else if (w[0] === 'object-group' && w[1] === 'network') {
      current = { kind: 'group', name: w[2] as string };
      groups.set(current.name, []);
    } else if (w[0] === 'object-group' && w[1] === 'service' && (w[3] === 'tcp' || w[3] === 'udp')) {
      current = { kind: 'service', name: w[2] as string, protocol: w[3] };
      services.set(current.name, []);
    } else if (w[0] === 'access-list' && w[2] === 'remark') {
      continue;
    } else if (w[0] === 'access-list' && w[2] === 'extended') {
      const list = acls.get(w[1] as string) ?? [];
      list.push(w.slice(3));
      acls.set(w[1] as string, list);
    } else if (w[0] === 'access-group' && w[2] === 'in' && w[3] === 'interface') {
      bound.set(w[1] as string, w[4] as string);
    } else if (w[0] === 'access-group' && w[2] === 'global') {
      bound.set(w[1] as string, 'global');
    } else {
      throw new Error(`unknown ASA line: ${raw}`);
    }
  }
  const leaves = new Map<string, Network>([...objects, ...inline]);
  const flows: ReadFlow[] = [];
  for (const [acl, aces] of acls) {
    const iface = bound.get(acl);
    if (iface === undefined) throw new Error(`access list ${acl} is bound to no interface`);
    for (const ace of aces) {
      const [action, protocol, ...rest] = ace;
      if (action === 'deny') {
        if (!['deny ip any any log', 'deny ip 0.0.0.0 0.0.0.0 0.0.0.0 0.0.0.0 log', 'deny ip ::/0 ::/0 log'].includes(ace.join(' '))) throw new Error(`a deny that is not of everything: ${ace.join(' ')}`);
        if (ace.join(' ') === 'deny ip any any log') break; // first match: nothing after it passes
        continue; // a deny of one family: the other family's permits after it still count (there are none)
      }
      if (action !== 'permit' || (protocol !== 'tcp' && protocol !== 'udp')) throw new Error(`ACE ${ace.join(' ')}`);
      let i = 0;
      const side = (): Network[] => {
        const kind = rest[i];
        if (kind === 'object-group') return (i += 2, resolve(rest[i - 1] as string, leaves, groups));
        if (kind === 'object') return (i += 2, [objects.get(rest[i - 1] as string) as Network]);
        if (kind === 'host') return (i += 2, [network(rest[i - 1] as string)]);
        throw new Error(`ACE side ${kind}`);
      };
      const sources = side();
      const destinations = side();
      const p = rest.slice(i);
      let svc: { protocol: 'tcp' | 'udp'; from: number; to: number }[];
      if (p[0] === 'eq') svc = [{ protocol, from: Number(p[1]), to: Number(p[1]) }];
      else if (p[0] === 'range') svc = [{ protocol, from: Number(p[1]), to: Number(p[2]) }];
      else if (p[0] === 'object-group') {
        svc = services.get(p[1] as string) ?? [];
        if (svc.some((s) => s.protocol !== protocol)) throw new Error('service group of another protocol');
      } else throw new Error(`ACE ports ${p.join(' ')}`);
      flows.push(...cross(iface, sources, destinations, svc));
    }
  }
  return flows;
}
