import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SENHASEGURA_CATALOG, diffPlans, parseAddress, type Plan } from '../src/engine/index.ts';
import { parsePlanText } from '../src/engine/schema.ts';

/**
 * `fwplan diff` against flow sets computed here, independently of the engine's expansion: from the
 * plan file's objects and the product's semantics (nodes, cluster pairs, groups' services, roles,
 * overrides, disabled and optional rows). A flow is "proto/port source > destination" by CIDR.
 */
const DIR = join(import.meta.dirname, 'fixtures', 'diffs');

function read(name: string): Plan {
  const r = parsePlanText(readFileSync(join(DIR, name), 'utf8'));
  if (!r.ok) throw new Error(name);
  return r.plan;
}

function cidr(text: string): { cidr: string; family: number } {
  const p = parseAddress(text);
  if (!p.ok) throw new Error(text);
  return { cidr: p.network.cidr, family: p.network.family };
}

/** The oracle: every flow a (valid, version 2) plan allows. */
function flowsOf(plan: Plan): Set<string> {
  const out = new Set<string>();
  const nodes = plan.nodes.filter((n) => n.role === 'PRD' || plan.cluster).map((n) => n.addresses.map(cidr));
  const on = (id: string, optional: boolean) => (optional ? plan.enabled.includes(id) : !plan.disabled.includes(id));
  for (const rule of SENHASEGURA_CATALOG) {
    if (!on(rule.id, rule.optional) || (rule.section === 'cluster' && !plan.cluster)) continue;
    const port = String(plan.ports[rule.id] ?? rule.port);
    const side = (role: string): { cidr: string; family: number }[][] => {
      if (role === 'PRD' || role === 'MBR') return nodes;
      if (role === 'USERW' || role === 'DVC') {
        const groups = role === 'USERW' ? plan.userGroups : plan.deviceGroups;
        return groups.filter((g) => g.services.includes(rule.id)).flatMap((g) => g.entries.map((e) => [cidr(typeof e === 'string' ? e : e.address)]));
      }
      return (plan.roles[role as keyof Plan['roles']] ?? []).map((e) => [cidr(typeof e === 'string' ? e : e.address)]);
    };
    const src = side(rule.source);
    const dst = side(rule.destination);
    for (const s of src) {
      for (const d of dst) {
        if (rule.section === 'cluster' && s === d) continue;
        for (const a of s) for (const b of d) if (a.family === b.family) out.add(`${rule.protocol}/${port} ${a.cidr} > ${b.cidr}`);
      }
    }
  }
  return out;
}

describe('fwplan diff on a fixture pair', () => {
  const before = read('old.json');
  const after = read('new.json');
  const d = diffPlans(before, after);
  const key = (f: { protocol: string; port: number; source: { network: { cidr: string } }; destination: { network: { cidr: string } } }) => `${f.protocol}/${f.port} ${f.source.network.cidr} > ${f.destination.network.cidr}`;

  it('adds, removes and keeps exactly the flows the plans differ in', () => {
    const old = flowsOf(before);
    const now = flowsOf(after);
    expect(new Set(d.added.map(key))).toEqual(new Set([...now].filter((f) => !old.has(f))));
    expect(new Set(d.removed.map(key))).toEqual(new Set([...old].filter((f) => !now.has(f))));
    expect(new Set(d.unchanged.map(key))).toEqual(new Set([...now].filter((f) => old.has(f))));
    expect(d.equal).toBe(false);
  });

  it('shows each kind of change as the flows it changes', () => {
    const has = (list: readonly { ruleId: string }[], id: string) => list.some((f) => f.ruleId === id);
    expect(d.added.some((f) => f.destination.written === '203.0.113.9')).toBe(true); // a new device
    expect(has(d.removed, 'userw-prd-tcp-443') && has(d.added, 'userw-prd-tcp-443')).toBe(true); // 443 → 8443
    expect(d.added.filter((f) => f.ruleId === 'userw-prd-tcp-443').every((f) => f.port === 8443)).toBe(true);
    expect(has(d.removed, 'prd-dvc-tcp-22')).toBe(true); // a disabled rule
    expect(d.added.some((f) => f.destination.written === '192.0.2.13' || f.source.written === '192.0.2.13')).toBe(true); // a node joins
    expect(d.added.some((f) => f.ruleId === 'userw-prd-tcp-80' && f.sourceName === 'USERW Everyone')).toBe(true); // a service given
  });

  it('finds no change between a plan and itself, nor between a version 1 plan and its upgrade', () => {
    expect(diffPlans(after, after).equal).toBe(true);
    const v1 = parsePlanText(readFileSync(join(import.meta.dirname, 'fixtures', 'plans', 'single-node.json'), 'utf8'));
    if (!v1.ok) throw new Error('fixture');
    const again = parsePlanText(JSON.stringify(v1.plan));
    if (!again.ok) throw new Error('round trip');
    expect(diffPlans(v1.plan, again.plan).equal).toBe(true);
  });
});

describe('version 1 plans migrate with identical flows', () => {
  /** The v1 oracle: roles as flat lists, PRD ∪ MBR the nodes with cluster on, every DVC/USERW row for every entry. */
  function v1Flows(v1: { cluster?: boolean; roles: Record<string, (string | { address: string })[]>; disabled?: string[]; enabled?: string[]; ports?: Record<string, number> }): Set<string> {
    const out = new Set<string>();
    const entries = (role: string) => (v1.roles[role] ?? []).map((e) => cidr(typeof e === 'string' ? e : e.address));
    const nodes = [...entries('PRD'), ...(v1.cluster ? entries('MBR') : [])];
    for (const rule of SENHASEGURA_CATALOG) {
      const on = rule.optional ? (v1.enabled ?? []).includes(rule.id) : !(v1.disabled ?? []).includes(rule.id);
      if (!on || (rule.section === 'cluster' && !v1.cluster)) continue;
      const side = (role: string) => (role === 'PRD' || role === 'MBR' ? nodes : entries(role));
      const port = String(v1.ports?.[rule.id] ?? rule.port);
      for (const a of side(rule.source)) {
        for (const b of side(rule.destination)) {
          if (a.family !== b.family || (rule.section === 'cluster' && a.cidr === b.cidr)) continue;
          out.add(`${rule.protocol}/${port} ${a.cidr} > ${b.cidr}`);
        }
      }
    }
    return out;
  }

  it.each(['single-node', 'cluster-ipv6', 'large'])('%s', (name) => {
    const text = readFileSync(join(import.meta.dirname, 'fixtures', 'plans', `${name}.json`), 'utf8');
    const migrated = parsePlanText(text);
    if (!migrated.ok) throw new Error(name);
    expect(migrated.upgradedFrom).toBe(1);
    const engine = new Set(diffPlans(migrated.plan, migrated.plan).unchanged.map((f) => `${f.protocol}/${f.port} ${f.source.network.cidr} > ${f.destination.network.cidr}`));
    expect(engine).toEqual(v1Flows(JSON.parse(text)));
  });
});
