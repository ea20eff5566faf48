import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandPlan } from './expand.ts';
import { planListAt, plainEntries, resolvePlan, resolvedList, resolvedListOrigin } from './resolve.ts';
import type { Plan } from './model/plan.ts';
import type { AddressEntry, Finding } from './model/rules.ts';
import { parsePlan } from './model/schema.ts';
import { contains, isHost, parseAddress, type Network } from './net/address.ts';
import { quoted } from './text.ts';

function v2(value: Record<string, unknown>): Plan {
  const r = parsePlan({ version: 2, ...value });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.plan;
}

/**
 * What resolvePlan's list lint and role-overlap check must find, written the plain way: every
 * entry parsed with parseAddress, the list sorted by family, start, prefix and path as text, node
 * addresses looked up one by one. resolvePlan takes shortcuts (lists already in order are not
 * sorted, IPv4 sorted by numbers, entries far from every node passed over); its findings must be
 * these, in this order.
 */
interface Ref {
  readonly network: Network;
  readonly written: string;
  readonly path: string;
}

function parsedList(entries: readonly string[], base: string): Ref[] {
  return entries.flatMap((written, i) => {
    const p = parseAddress(written);
    return p.ok && !p.hostBitsSet ? [{ network: p.network, written, path: `${base}[${i}]` }] : [];
  });
}

function lintReference(list: readonly Ref[], what: string): Finding[] {
  const out: Finding[] = [];
  for (const e of list) {
    if (e.network.prefix === 0) out.push({ code: 'over-broad', severity: 'warning', path: e.path, message: `${quoted(e.written)} matches every IPv${e.network.family} address` });
  }
  const sorted = [...list].sort((a, b) => {
    if (a.network.family !== b.network.family) return a.network.family - b.network.family;
    if (a.network.start !== b.network.start) return a.network.start < b.network.start ? -1 : 1;
    if (a.network.prefix !== b.network.prefix) return a.network.prefix - b.network.prefix;
    return a.path < b.path ? -1 : 1;
  });
  let widest: Ref | undefined;
  for (const e of sorted) {
    if (widest && widest.network.family === e.network.family && e.network.start <= widest.network.end) {
      out.push(
        widest.network.cidr === e.network.cidr
          ? { code: 'duplicate-entry', severity: 'warning', path: e.path, message: `${quoted(e.written)} is listed twice in ${what} (also ${widest.path})` }
          : { code: 'overlapping-entry', severity: 'warning', path: e.path, message: `${quoted(e.written)} overlaps ${quoted(widest.written)} (${widest.path}) in ${what}` },
      );
      if (e.network.end > widest.network.end) widest = e;
    } else {
      widest = e;
    }
  }
  return out;
}

function overlapReference(nodes: readonly { name: string; addresses: readonly string[] }[], list: readonly Ref[], what: string, effect: string): Finding[] {
  const nodeAddresses = nodes.flatMap((n, i) => parsedList(n.addresses, `nodes[${i}].addresses`).map((a) => ({ name: n.name, a })));
  const out: Finding[] = [];
  for (const e of list) {
    const hit = nodeAddresses.find(({ a }) => contains(e.network, a.network));
    if (hit === undefined) continue;
    const is = isHost(e.network) ? 'is' : 'contains';
    out.push({
      code: 'role-overlap',
      severity: 'warning',
      path: e.path,
      message: `${quoted(e.written)} (${what}) ${is} the node ${quoted(hit.name)} (${hit.a.network.display}): ${effect}. Every export follows the plan as written; narrow the entry if that is not intended`,
    });
  }
  return out;
}

// addresses close to each other, so that lists hold duplicates, overlaps, nodes and their neighbours
const v4Entry = fc.oneof(
  fc.tuple(fc.integer({ min: 8, max: 12 }), fc.constantFrom('', '/32', '/31', '/30', '/29', '/24', '/0')).map(([h, p]) => {
    const text = `192.0.2.${h}${p}`;
    const parsed = parseAddress(text);
    // a network written with host bits is an error, not a lint finding: write its network
    return parsed.ok ? parsed.network.display : text;
  }),
  fc.constantFrom('10.0.0.1', '10.0.0.0/8', '192.0.2.0/24', '0.0.0.0/0', '192.0.3.1', '192.0.1.255'),
);
const v6Entry = fc.constantFrom('2001:db8::10', '2001:db8::11', '2001:db8::/64', '2001:db8::10/127', '::/0', '2001:db8:1::1', '::ffff:192.0.2.10');
const nodePool = ['192.0.2.10', '192.0.2.11', '192.0.2.12', '2001:db8::10', '2001:db8::12'];

describe('resolvePlan: list lint and role overlaps', () => {
  it('finds what the plain way finds, in the same order, whether a list is in order or not', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof({ weight: 3, arbitrary: v4Entry }, { weight: 1, arbitrary: v6Entry }), { maxLength: 12 }),
        fc.boolean(),
        fc.subarray(nodePool, { minLength: 1, maxLength: 3 }),
        (entries, sortFirst, nodeAddresses) => {
          const written = sortFirst ? [...entries].sort() : entries;
          // one address per node and family: a node with both families takes one of each
          const nodes = nodeAddresses.map((a, i) => ({ name: `n${i}`, role: i === 0 ? 'PRD' : 'MBR', addresses: [a] }));
          const plan = v2({ cluster: true, nodes, deviceGroups: [{ name: 'Devices', entries: written, services: ['prd-dvc-tcp-22'] }] });
          const list = parsedList(written, 'deviceGroups[0].entries');
          const what = 'DVC group "Devices"';
          const rs = expandPlan(plan);
          const lint = rs.findings.filter((f) => ['over-broad', 'duplicate-entry', 'overlapping-entry'].includes(f.code));
          expect(lint).toEqual(lintReference(list, what));
          expect(rs.findings.filter((f) => f.code === 'role-overlap')).toEqual(
            overlapReference(nodes, list, what, 'the device rules of this group also open the nodes to each other on 1 device port'),
          );
        },
      ),
      { numRuns: 400 },
    );
  });

  it('sorts an unordered IPv4 list by start, then prefix, then path as text', () => {
    // as text, entries[10] comes before entries[1]: the duplicate is [1], "also" names [10]
    const entries = ['10.0.0.0/8', '192.0.2.1', '10.9.0.0/16', '192.0.2.3', '192.0.2.2', '192.0.2.7', '192.0.2.8', '192.0.2.9', '192.0.2.4', '192.0.2.5', '192.0.2.1'];
    const rs = expandPlan(v2({ nodes: [{ name: 'p', role: 'PRD', addresses: ['198.51.100.1'] }], deviceGroups: [{ name: 'D', entries, services: ['prd-dvc-tcp-22'] }] }));
    expect(rs.findings.filter((f) => f.code === 'duplicate-entry' || f.code === 'overlapping-entry').map((f) => `${f.code} ${f.path}: ${f.message}`)).toEqual([
      'overlapping-entry deviceGroups[0].entries[2]: "10.9.0.0/16" overlaps "10.0.0.0/8" (deviceGroups[0].entries[0]) in DVC group "D"',
      'duplicate-entry deviceGroups[0].entries[1]: "192.0.2.1" is listed twice in DVC group "D" (also deviceGroups[0].entries[10])',
    ]);
  });
});

describe('the entries of a role or a group', () => {
  it('say where they are in the plan, and keep saying it as plain objects after a copy', () => {
    const plan = v2({
      nodes: [{ name: 'vault', role: 'PRD', addresses: ['192.0.2.1'] }],
      roles: { LOG: ['192.0.2.10', { address: '2001:db8::5', label: 'collector' }] },
      deviceGroups: [{ name: 'D', entries: ['10.0.0.1', '10.0.0.0/30', '2001:db8:1::/64'], services: ['prd-dvc-tcp-22'] }],
    });
    const rs = expandPlan(plan);
    const log = rs.roles.LOG;
    const devices = rs.deviceGroups[0]?.entries ?? [];
    expect(log.map((e) => e.path)).toEqual(['roles.LOG[0]', 'roles.LOG[1]']);
    expect(devices.map((e) => e.path)).toEqual(['deviceGroups[0].entries[0]', 'deviceGroups[0].entries[1]', 'deviceGroups[0].entries[2]']);
    // what a structured clone or a spread copies: own properties, so the path must be one there
    const copied = structuredClone(plainEntries(log));
    expect(copied).toEqual([
      { network: log[0]?.network, written: '192.0.2.10', path: 'roles.LOG[0]', owner: log[0]?.owner },
      { network: log[1]?.network, written: '2001:db8::5', path: 'roles.LOG[1]', owner: log[1]?.owner, label: 'collector' },
    ]);
    expect(Object.keys(copied[1] ?? {}).sort()).toEqual(['label', 'network', 'owner', 'path', 'written']);
    // a list of plain objects already (a node's addresses) is handed back as it is
    const nodeEntries = [rs.allNodes[0]?.v4].filter((e) => e !== undefined);
    expect(nodeEntries.map((e) => e.path)).toEqual(['nodes[0].addresses[0]']);
    expect(plainEntries(nodeEntries)).toBe(nodeEntries);
  });
});

describe('resolvedList with what the caller has read already', () => {
  const anyEntry = fc.oneof(
    v4Entry,
    v6Entry,
    fc.constantFrom('10.0.0.1/8', 'not an address', '300.1.1.1', '2001:db8::1/32', ''),
    fc.record({ address: v4Entry, label: fc.constantFrom('a', 'web server') }),
  );
  it('gives what it gives without, whether each hint is there, missing or for another text', () => {
    fc.assert(
      fc.property(fc.array(anyEntry, { maxLength: 20 }), fc.array(fc.constantFrom('read', 'none', 'other'), { maxLength: 20 }), (entries, kinds) => {
        const origin = { at: { kind: 'group', groups: 'deviceGroups', index: 0 }, base: 'deviceGroups[0].entries', owner: { kind: 'group', role: 'DVC', group: 'D' }, what: 'DVC group "D"' } as const;
        const hints = entries.map((e, i) => {
          const written = typeof e === 'string' ? e : e.address;
          const kind = kinds[i] ?? 'read';
          const p = parseAddress(kind === 'other' ? '192.0.2.77' : written);
          // a hint for another text must not be taken for this entry
          return { written: kind === 'other' ? '192.0.2.77' : written, ...(kind !== 'none' && p.ok && !p.hostBitsSet ? { network: p.network } : {}) };
        });
        const fields = (list: readonly AddressEntry[]) => list.map((e) => [e.network, e.written, e.path, e.owner, e.label]);
        expect(fields(resolvedList([...entries], origin, hints))).toEqual(fields(resolvedList([...entries], origin)));
      }),
      { numRuns: 300 },
    );
  });
});

describe('where a resolved list came from', () => {
  it('names the plan list it was read from: planListAt finds that very array again, for roles and for groups', () => {
    const plan = v2({
      cluster: false,
      nodes: [{ name: 'n1', role: 'PRD', addresses: ['192.0.2.10'] }],
      roles: { NTP: ['192.0.2.123'], DNS: ['192.0.2.53', '2001:db8::53'] },
      userGroups: [{ name: 'U', entries: ['198.51.100.0/24'], services: [] }],
      deviceGroups: [
        { name: 'A', entries: ['203.0.113.1'], services: [] },
        { name: 'B', entries: ['203.0.113.2', '203.0.113.3'], services: [] },
      ],
    });
    const r = resolvePlan(plan);
    const cases = [
      [r.roles.NTP, plan.roles.NTP, 'roles.NTP'],
      [r.roles.DNS, plan.roles.DNS, 'roles.DNS'],
      [r.userGroups[0]?.entries, plan.userGroups[0]?.entries, 'userGroups[0].entries'],
      [r.deviceGroups[1]?.entries, plan.deviceGroups[1]?.entries, 'deviceGroups[1].entries'],
    ] as const;
    for (const [resolved, written, base] of cases) {
      const origin = resolvedListOrigin(resolved ?? []);
      expect(origin?.base).toBe(base);
      expect(planListAt(plan, origin!.at)).toBe(written);
      // and reading it again from there gives the same list
      expect(resolvedList(planListAt(plan, origin!.at)!, origin!)).toBe(resolved);
    }
  });
  it('finds no list where the plan has none', () => {
    const plan = v2({ cluster: false, nodes: [], deviceGroups: [] });
    expect(planListAt(plan, { kind: 'group', groups: 'deviceGroups', index: 3 })).toBeUndefined();
  });
});
