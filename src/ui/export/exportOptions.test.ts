import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FORMAT_IDS, RENDERERS, expandPlan, type Plan } from '../../engine/index.ts';
import { parsePlanText } from '../../engine/schema.ts';
import { DEFAULT_EXPORT_OPTIONS, type ExportOptions } from '../../store/slices/exportSlice.ts';
import type { Comparison } from '../../store/slices/rulesTableSlice.ts';
import { deltaDownloads, exportDelta } from './exportOptions.ts';

const DELTAS = join(import.meta.dirname, '../../../tests/fixtures/deltas');

function plan(file: string): Plan {
  const parsed = parsePlanText(readFileSync(join(DELTAS, file), 'utf8'));
  if (!parsed.ok) throw new Error(`${file}: ${JSON.stringify(parsed.errors)}`);
  return parsed.plan;
}

const oldPlan = plan('old.json');
const newPlan = plan('new.json');
const baseline: Comparison = { plan: oldPlan, source: 'old.json' };
const options = (patch: Partial<ExportOptions>): ExportOptions => ({ ...DEFAULT_EXPORT_OPTIONS, ...patch });

describe('the Export view against a baseline', () => {
  it('offers no delta download without a baseline, whatever the format', () => {
    for (const format of FORMAT_IDS) expect(deltaDownloads(null, options({ format }))).toEqual([]);
  });

  it('offers the delta of the chosen format only when that format has one', () => {
    expect(deltaDownloads(baseline, options({ format: 'nftables' }))).toEqual(['nftables']);
    expect(deltaDownloads(baseline, options({ format: 'ufw' }))).toEqual(['ufw']);
    expect(deltaDownloads(baseline, options({ format: 'csv' }))).toEqual([]);
    expect(deltaDownloads(baseline, options({ format: 'aws-cloudformation' }))).toEqual([]);
    // every format agrees with its renderer: a delta hook, or no offer
    for (const format of FORMAT_IDS) {
      expect(deltaDownloads(baseline, options({ format }))[0] === format, format).toBe(RENDERERS[format].delta !== undefined);
    }
  });

  it('offers the ipset delta beside an iptables delta with ipsets, and not without them', () => {
    expect(deltaDownloads(baseline, options({ format: 'iptables', ipset: true }))).toEqual(['iptables', 'ipset']);
    expect(deltaDownloads(baseline, options({ format: 'ip6tables', ipset: true }))).toEqual(['ip6tables', 'ipset']);
    expect(deltaDownloads(baseline, options({ format: 'iptables' }))).toEqual(['iptables']);
    // the ipset option means nothing to nftables
    expect(deltaDownloads(baseline, options({ format: 'nftables', ipset: true }))).toEqual(['nftables']);
  });

  it("makes the same delta as the reviewed golden files, in the view's scope and options", async () => {
    const oldRules = expandPlan(oldPlan);
    const newRules = expandPlan(newPlan);
    const cases: [Partial<ExportOptions>, string][] = [
      [{ format: 'nftables' }, 'gateway.nftables'],
      [{ format: 'nftables', scope: 'host', hostNode: 'vault-01', defaultDrop: true }, 'host-drop.nftables'],
      [{ format: 'iptables', scope: 'host', hostNode: 'vault-02', defaultDrop: true }, 'member-drop.iptables'],
      // a saved node the plan no longer has: the first node, as the view shows it
      [{ format: 'ufw', scope: 'host', hostNode: 'gone', defaultDrop: true }, 'host-drop.ufw'],
      [{ format: 'iptables', ipset: true }, 'gateway-ipset.iptables'],
      [{ format: 'ipset', ipset: true }, 'gateway.ipset'],
    ];
    for (const [patch, golden] of cases) {
      const r = await exportDelta(baseline, oldRules, newPlan, newRules, options(patch), patch.format ?? 'nftables');
      if (!r.ok) throw new Error(`${golden}: ${r.message}`);
      expect(r.text, golden).toBe(readFileSync(join(DELTAS, golden), 'utf8'));
      expect(r.added, golden).toBeGreaterThan(0);
      expect(r.removed, golden).toBeGreaterThan(0);
    }
  });

  it('a plan against itself changes nothing', async () => {
    const rules = expandPlan(newPlan);
    const r = await exportDelta({ plan: newPlan, source: 'new.json' }, rules, newPlan, rules, options({ format: 'firewalld', scope: 'host', hostNode: 'vault-03', defaultDrop: true }), 'firewalld');
    expect(r.ok && [r.added, r.removed]).toEqual([0, 0]);
  });

  it('refuses with a message naming the side: a baseline with errors, a node the baseline lacks', async () => {
    const newRules = expandPlan(newPlan);
    const broken: Plan = { ...oldPlan, roles: { ...oldPlan.roles, NTP: ['192.0.2.300'] } };
    const r = await exportDelta({ plan: broken, source: 'broken.json' }, expandPlan(broken), newPlan, newRules, options({ format: 'nftables' }), 'nftables');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/^OLD plan: The plan has 1 error.*192\.0\.2\.300/);
    const lacks = await exportDelta(baseline, expandPlan(oldPlan), newPlan, newRules, options({ format: 'nftables', scope: 'host', hostNode: 'vault-03' }), 'nftables');
    expect(lacks.ok).toBe(false);
    if (!lacks.ok) expect(lacks.message).toMatch(/^OLD plan: .*vault-03/);
  });
});
