import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FORMAT_IDS, RENDERERS, expandPlan, exportPlan, type FormatId, type RenderOptions } from '../src/engine/index.ts';
import { parsePlanText } from '../src/engine/schema.ts';

/**
 * Golden files: every format, for every fixture plan, byte for byte, in every variant a format's
 * options allow (default drop, host scope of the primary and of a member, open egress, ipsets).
 * A change in output shows up as a diff in review. A missing golden file fails the test;
 * regenerate on purpose with UPDATE_GOLDEN=1 npx vitest run tests/golden.test.ts
 */
const PLANS = join(import.meta.dirname, 'fixtures', 'plans');
const update = process.env.UPDATE_GOLDEN === '1';

const plans = readdirSync(PLANS).filter((f) => f.endsWith('.json')).sort();

interface Case {
  readonly name: string;
  readonly format: FormatId;
  readonly options: RenderOptions;
}

/** The variants of one format for one plan: only those its options make different. */
export function goldenCases(format: FormatId, primary: string | undefined, member: string | undefined, deviceGroup?: string): Case[] {
  const r = RENDERERS[format];
  const gateway = { kind: 'gateway' } as const;
  const cases: Case[] = [{ name: 'gateway', format, options: { scope: gateway, defaultDrop: false } }];
  if (r.options.defaultDrop) cases.push({ name: 'gateway-drop', format, options: { scope: gateway, defaultDrop: true } });
  if (primary) {
    cases.push({ name: 'host', format, options: { scope: { kind: 'host', node: primary }, defaultDrop: false } });
    if (r.options.defaultDrop) cases.push({ name: 'host-drop', format, options: { scope: { kind: 'host', node: primary }, defaultDrop: true } });
    if (r.options.egress) cases.push({ name: 'host-drop-egress-open', format, options: { scope: { kind: 'host', node: primary }, defaultDrop: true, egress: 'open' } });
    if (r.options.ipset) cases.push({ name: 'host-drop-ipset', format, options: { scope: { kind: 'host', node: primary }, defaultDrop: true, ipset: true } });
  }
  if (member && r.options.defaultDrop) cases.push({ name: 'member-drop', format, options: { scope: { kind: 'host', node: member }, defaultDrop: true } });
  if (r.options.ipset) cases.push({ name: 'gateway-ipset', format, options: { scope: gateway, defaultDrop: false, ipset: true } });
  if (r.options.deviceGroup && deviceGroup !== undefined) cases.push({ name: 'device-group', format, options: { scope: gateway, defaultDrop: false, deviceGroup } });
  return cases;
}

describe.each(plans)('golden output for %s', (file) => {
  const parsed = parsePlanText(readFileSync(join(PLANS, file), 'utf8'));
  if (!parsed.ok) throw new Error(`${file}: ${JSON.stringify(parsed.errors)}`);
  const plan = parsed.plan;
  const ruleSet = expandPlan(plan);
  const dir = join(PLANS, file.replace(/\.json$/, ''));
  const primary = ruleSet.nodes.find((n) => n.role === 'PRD')?.name;
  const member = ruleSet.nodes.find((n) => n.role === 'MBR')?.name;
  const deviceGroup = ruleSet.deviceGroups[0]?.name;
  const cases = FORMAT_IDS.flatMap((format) => goldenCases(format, primary, member, deviceGroup));

  it.each(cases)('$format $name', ({ name, format, options }) => {
    const result = exportPlan(plan, format, options, ruleSet);
    if (!result.ok) throw new Error(result.message);
    const path = join(dir, `${name}.${format}`);
    if (update) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(path, result.text);
    }
    if (!existsSync(path)) throw new Error(`golden file ${path} is missing: write it on purpose with UPDATE_GOLDEN=1 and review it`);
    expect(result.text).toBe(readFileSync(path, 'utf8'));
    // deterministic: the same plan gives the same bytes, expanded again from scratch
    const again = exportPlan(plan, format, options);
    expect(again.ok && again.text).toBe(result.text);
  });

  it('has no golden file that no case writes', () => {
    if (!existsSync(dir)) return;
    const expected = new Set(cases.map((c) => `${c.name}.${c.format}`));
    expect(readdirSync(dir).filter((f) => !expected.has(f))).toEqual([]);
  });
});
