/**
 * The nftables delta is a bash script: these tests run it with bash against a stand-in `nft`
 * that lists a table as `nft -a list table inet fwplan` would (OLD's export, with handles) and
 * records the transaction it is given, then apply that transaction to a model of the table —
 * sets as the runs an auto-merge interval set holds, chains as ordered rules with handles — and
 * require NEW's export: the same sets and elements, the same rules in the same order. No root
 * needed; tests/enforcement/delta.test.ts does the same with the real nft in a kernel.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportPlan, parseAddress, type Network, type Plan, type RenderOptions } from '../src/engine/index.ts';
import { deltaExport } from '../src/engine/delta.ts';
import { parsePlanText } from '../src/engine/schema.ts';
import { coveredRanges } from '../src/engine/net/address.ts';
import { parseNftExport } from '../src/engine/render/nftables-delta.ts';

const PLANS = join(import.meta.dirname, 'fixtures', 'plans');
const DELTAS = join(import.meta.dirname, 'fixtures', 'deltas');

function read(path: string): Plan {
  const parsed = parsePlanText(readFileSync(path, 'utf8'));
  if (!parsed.ok) throw new Error(`${path}: ${JSON.stringify(parsed.errors)}`);
  return parsed.plan;
}

function nftText(plan: Plan, options: RenderOptions): string {
  const r = exportPlan(plan, 'nftables', options);
  if (!r.ok) throw new Error(r.message);
  return r.text;
}

interface Model {
  sets: Map<string, Set<string>>;
  chains: Map<string, { handle: number; text: string }[]>;
  next: number;
}

function runKey(start: bigint, end: bigint): string {
  return `${start}-${end}`;
}

/** An element as nft takes it: an address, a CIDR, or first-last. */
function elementRange(e: string): { start: bigint; end: bigint } {
  const [a, b] = e.split('-');
  const first = parseAddress(a as string);
  const last = parseAddress((b ?? a) as string);
  if (!first.ok || !last.ok) throw new Error(`bad element ${e}`);
  return { start: first.network.start, end: last.network.end };
}

function runsOf(elements: readonly string[]): Set<string> {
  const nets = elements.map((e) => {
    const p = parseAddress(e);
    if (!p.ok) throw new Error(e);
    return p.network;
  }) as Network[];
  return new Set(coveredRanges(nets).map((r) => runKey(r.start, r.end)));
}

/** What OLD's export loads, with handles, and the listing nft -a would print of it. */
function load(exportText: string): { model: Model; listing: string } {
  const parsed = parseNftExport(exportText);
  if (!parsed.ok) throw new Error(parsed.message);
  let next = 2;
  const lines = ['table inet fwplan { # handle 1'];
  const sets = new Map<string, Set<string>>();
  for (const [name, s] of parsed.table.sets) {
    sets.set(name, runsOf(s.elements));
    lines.push(`\tset ${name} { # handle ${next++}`, ...s.declaration.map((d) => `\t\t${d}`), `\t\telements = { ${s.elements.join(', ')} }`, '\t}');
  }
  const chains = new Map<string, { handle: number; text: string }[]>();
  for (const [name, c] of parsed.table.chains) {
    lines.push('', `\tchain ${name} { # handle ${next++}`, `\t\t${c.header}`);
    const rules = c.rules.map((r) => ({ handle: next++, text: r.text }));
    for (const r of rules) lines.push(`\t\t${r.text} # handle ${r.handle}`);
    lines.push('\t}');
    chains.set(name, rules);
  }
  lines.push('}', '');
  return { model: { sets, chains, next }, listing: lines.join('\n') };
}

/** Apply a recorded transaction to the model the way nft does (auto-merge on add, whole runs on delete). */
function apply(model: Model, transaction: string): void {
  for (const line of transaction.split('\n').filter((l) => l !== '')) {
    let m: RegExpExecArray | null;
    if ((m = /^add set inet fwplan (\S+) \{ .* \}$/.exec(line))) {
      expect(model.sets.has(m[1] as string)).toBe(false);
      model.sets.set(m[1] as string, new Set());
    } else if ((m = /^(add|delete) element inet fwplan (\S+) \{ (.*) \}$/.exec(line))) {
      const set = model.sets.get(m[2] as string);
      if (!set) throw new Error(`no set ${m[2]}`);
      const elements = (m[3] as string).split(', ').map(elementRange);
      if (m[1] === 'delete') {
        for (const e of elements) expect(set.delete(runKey(e.start, e.end)), `nft deletes whole runs only: ${line}`).toBe(true);
      } else {
        const all = [...set].map((k) => k.split('-').map(BigInt)).map(([start, end]) => ({ start: start as bigint, end: end as bigint }));
        all.push(...elements);
        all.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
        const merged: { start: bigint; end: bigint }[] = [];
        for (const r of all) {
          const last = merged[merged.length - 1];
          if (last && r.start <= last.end + 1n) last.end = r.end > last.end ? r.end : last.end;
          else merged.push({ ...r });
        }
        set.clear();
        for (const r of merged) set.add(runKey(r.start, r.end));
      }
    } else if ((m = /^delete set inet fwplan (\S+)$/.exec(line))) {
      for (const rules of model.chains.values()) expect(rules.some((r) => r.text.includes(`@${m?.[1]} `))).toBe(false);
      expect(model.sets.delete(m[1] as string)).toBe(true);
    } else if ((m = /^insert rule inet fwplan (\S+) position (\d+) (.*)$/.exec(line))) {
      const rules = model.chains.get(m[1] as string) ?? [];
      const at = rules.findIndex((r) => r.handle === Number(m?.[2]));
      expect(at, `no handle ${m[2]}`).toBeGreaterThanOrEqual(0);
      rules.splice(at, 0, { handle: model.next++, text: m[3] as string });
    } else if ((m = /^add rule inet fwplan (\S+) (.*)$/.exec(line))) {
      model.chains.get(m[1] as string)?.push({ handle: model.next++, text: m[2] as string });
    } else if ((m = /^delete rule inet fwplan (\S+) handle (\d+)$/.exec(line))) {
      const rules = model.chains.get(m[1] as string) ?? [];
      const at = rules.findIndex((r) => r.handle === Number(m?.[2]));
      expect(at, `no handle ${m[2]}`).toBeGreaterThanOrEqual(0);
      rules.splice(at, 1);
    } else {
      throw new Error(`unexpected transaction line: ${line}`);
    }
  }
}

const STUB = `#!/bin/bash
case "$*" in
  "-a list table inet fwplan") cat "$STUB_DIR/listing" ;;
  "-c -f "*) cp "$3" "$STUB_DIR/checked" ;;
  "-f "*) cp "$2" "$STUB_DIR/loaded" ;;
  *) echo "unexpected: nft $*" >&2; exit 2 ;;
esac
`;

/** Run a delta script with the stand-in nft; what it checked and loaded. */
function runScript(script: string, listing: string): { code: number | null; stderr: string; checked?: string; loaded?: string } {
  const dir = mkdtempSync(join(tmpdir(), 'fwplan-delta-'));
  writeFileSync(join(dir, 'nft'), STUB);
  chmodSync(join(dir, 'nft'), 0o755);
  writeFileSync(join(dir, 'listing'), listing);
  writeFileSync(join(dir, 'delta.sh'), script);
  const r = spawnSync('bash', [join(dir, 'delta.sh')], { encoding: 'utf8', env: { PATH: `${dir}:/usr/bin:/bin`, STUB_DIR: dir, TMPDIR: dir } });
  const file = (name: string) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8') : undefined);
  return { code: r.status, stderr: r.stderr, ...(file('checked') !== undefined ? { checked: file('checked') } : {}), ...(file('loaded') !== undefined ? { loaded: file('loaded') } : {}) };
}

const fixtures = readdirSync(PLANS).filter((f) => f.endsWith('.json')).sort().map((f) => ({ name: f, plan: read(join(PLANS, f)) }));
const oldPlan = read(join(DELTAS, 'old.json'));
const newPlan = read(join(DELTAS, 'new.json'));
/** A group renamed to something hostile: every rule of it changes comment, so it is deleted and added again. */
const hostile: Plan = { ...newPlan, deviceGroups: newPlan.deviceGroups.map((g, i) => (i === 0 ? { ...g, name: `Win "srv" '; $(reboot) \`id\` \\ %s` } : g)) };
const gateway = { kind: 'gateway' } as const;

const cases: { title: string; old: Plan; new: Plan; options: RenderOptions }[] = [
  // each fixture plan to the next (a whole different rule set), and two to themselves
  ...fixtures.map((a, i) => {
    const b = fixtures[(i + 1) % fixtures.length] ?? a;
    return { title: `${a.name} → ${b.name}`, old: a.plan, new: b.plan, options: { scope: gateway, defaultDrop: true } };
  }),
  ...fixtures.slice(0, 2).map((a) => ({ title: `${a.name} → itself`, old: a.plan, new: a.plan, options: { scope: gateway, defaultDrop: true } })),
  ...[
    { scope: gateway, defaultDrop: false },
    { scope: gateway, defaultDrop: true },
    { scope: { kind: 'host', node: 'vault-01' }, defaultDrop: true },
    { scope: { kind: 'host', node: 'vault-02' }, defaultDrop: true, egress: 'open' },
  ].flatMap((options) => [
    { title: `deltas/old → new ${JSON.stringify(options)}`, old: oldPlan, new: newPlan, options: options as RenderOptions },
    { title: `deltas/old → hostile group name ${JSON.stringify(options)}`, old: oldPlan, new: hostile, options: options as RenderOptions },
  ]),
];

describe('nftables delta script, run by bash with a stand-in nft', () => {
  it.each(cases)('$title: one transaction, checked then loaded, turns OLD\'s table into NEW\'s', ({ old, new: next, options }) => {
    const delta = deltaExport(old, next, 'nftables', options);
    if (!delta.ok) throw new Error(delta.message);
    const before = load(nftText(old, options));
    const r = runScript(delta.text, before.listing);
    expect(r.code, r.stderr).toBe(0);
    const want = load(nftText(next, options)).model;
    if (delta.added + delta.removed === 0 && before.listing === load(nftText(next, options)).listing) {
      expect(r.loaded, 'nothing to change: no transaction').toBeUndefined();
      return;
    }
    expect(r.checked).toBeDefined();
    expect(r.loaded).toBe(r.checked);
    apply(before.model, r.loaded ?? '');
    expect([...before.model.sets].map(([k, v]) => [k, [...v].sort()]).sort()).toEqual([...want.sets].map(([k, v]) => [k, [...v].sort()]).sort());
    // rules: NEW's, in NEW's order (new rules go where NEW has them, before the log rule)
    for (const [chain, rules] of want.chains) expect(before.model.chains.get(chain)?.map((x) => x.text), chain).toEqual(rules.map((x) => x.text));
  });

  it('the hostile group name reaches the transaction as written, and nothing runs', () => {
    const delta = deltaExport(oldPlan, hostile, 'nftables', { scope: gateway, defaultDrop: true });
    if (!delta.ok) throw new Error(delta.message);
    const r = runScript(delta.text, load(nftText(oldPlan, { scope: gateway, defaultDrop: true })).listing);
    expect(r.code, r.stderr).toBe(0);
    expect(r.loaded).toContain(`DVC Win 'srv' '; $(reboot) \`id\` ' %s`);
  });

  it('refuses, loading nothing, when the table is not OLD\'s: NEW already loaded, a rule missing, a rule added by hand', () => {
    const options: RenderOptions = { scope: gateway, defaultDrop: true };
    const delta = deltaExport(oldPlan, newPlan, 'nftables', options);
    if (!delta.ok) throw new Error(delta.message);
    const old = load(nftText(oldPlan, options)).listing;
    const listings = {
      'NEW loaded': load(nftText(newPlan, options)).listing,
      'a rule missing': old.replace(/\n\t\tct state invalid drop[^\n]*/, ''),
      'a rule added by hand': old.replace(/(\n\tchain forward \{[^\n]*\n[^\n]*)/, '$1\n\t\tip saddr 10.9.9.9 accept # handle 999'),
    };
    for (const [why, listing] of Object.entries(listings)) {
      const r = runScript(delta.text, listing);
      expect(r.code, why).toBe(1);
      expect(r.stderr, why).toMatch(/chain forward does not hold the old export's rules: nothing was changed/);
      expect(r.loaded, why).toBeUndefined();
    }
    const none = runScript(delta.text.replace('nft -a list table inet fwplan', 'nft -a list table inet nothere'), old);
    expect(none.code).not.toBe(0);
    expect(none.loaded).toBeUndefined();
  });
});
