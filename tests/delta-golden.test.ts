import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../src/engine/index.ts';
import { DELTA_FORMATS, deltaExport } from '../src/engine/delta.ts';
import { parsePlanText } from '../src/engine/schema.ts';
import { goldenCases } from './golden-cases.ts';

/**
 * Golden files of the delta exports (issue 12): the change from tests/fixtures/deltas/old.json
 * to new.json — a node added to the cluster, a device added to a group, a port override, a rule
 * turned off, a site flow with a port range removed — in every format that has a delta and every
 * variant its options allow, byte for byte. Regenerate on purpose with
 * UPDATE_GOLDEN=1 npx vitest run tests/delta-golden.test.ts
 */
const DIR = join(import.meta.dirname, 'fixtures', 'deltas');
const update = process.env.UPDATE_GOLDEN === '1';

function plan(file: string): Plan {
  const parsed = parsePlanText(readFileSync(join(DIR, file), 'utf8'));
  if (!parsed.ok) throw new Error(`${file}: ${JSON.stringify(parsed.errors)}`);
  return parsed.plan;
}

const oldPlan = plan('old.json');
const newPlan = plan('new.json');
const cases = DELTA_FORMATS.flatMap((format) => goldenCases(format, 'vault-01', 'vault-02'));

describe('golden delta exports: old.json → new.json', () => {
  it.each(cases)('$format $name', ({ name, format, options }) => {
    const result = deltaExport(oldPlan, newPlan, format, options);
    if (!result.ok) throw new Error(result.message);
    const path = join(DIR, `${name}.${format}`);
    if (update) writeFileSync(path, result.text);
    if (!existsSync(path)) throw new Error(`golden file ${path} is missing: write it on purpose with UPDATE_GOLDEN=1 and review it`);
    expect(result.text).toBe(readFileSync(path, 'utf8'));
    // the change is real in every variant: something is added and something removed
    expect(result.added).toBeGreaterThan(0);
    expect(result.removed).toBeGreaterThan(0);
  });

  it('has no golden file that no case writes', () => {
    const expected = new Set([...cases.map((c) => `${c.name}.${c.format}`), 'old.json', 'new.json']);
    expect(readdirSync(DIR).filter((f) => !expected.has(f))).toEqual([]);
  });
});
