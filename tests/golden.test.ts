import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FORMAT_IDS, expandPlan, exportPlan } from '../src/engine/index.ts';
import { parsePlanText } from '../src/engine/schema.ts';
import { goldenCases } from './golden-cases.ts';

/**
 * Golden files: every format, for every fixture plan, byte for byte, in every variant a format's
 * options allow (default drop, host scope of the primary and of a member, open egress, ipsets).
 * A change in output shows up as a diff in review. A missing golden file fails the test;
 * regenerate on purpose with UPDATE_GOLDEN=1 npx vitest run tests/golden.test.ts
 */
const PLANS = join(import.meta.dirname, 'fixtures', 'plans');
const update = process.env.UPDATE_GOLDEN === '1';

const plans = readdirSync(PLANS).filter((f) => f.endsWith('.json')).sort();

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
