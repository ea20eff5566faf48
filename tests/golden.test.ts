import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FORMAT_IDS, exportPlan, parsePlanText, RENDERERS, type Scope } from '../src/engine/index.ts';

/**
 * Golden files: every format, for every fixture plan, byte for byte. A change in output shows up
 * as a diff in review. Regenerate on purpose with UPDATE_GOLDEN=1 npx vitest run tests/golden.test.ts
 */
const PLANS = join(import.meta.dirname, 'fixtures', 'plans');
const update = process.env.UPDATE_GOLDEN === '1';

const plans = readdirSync(PLANS).filter((f) => f.endsWith('.json')).sort();

describe.each(plans)('golden output for %s', (file) => {
  const parsed = parsePlanText(readFileSync(join(PLANS, file), 'utf8'));
  if (!parsed.ok) throw new Error(`${file}: ${JSON.stringify(parsed.errors)}`);
  const plan = parsed.plan;
  const dir = join(PLANS, file.replace(/\.json$/, ''));
  const firstNode = plan.roles.PRD?.[0];
  const node = typeof firstNode === 'string' ? firstNode : firstNode?.address;
  const cases: { name: string; format: (typeof FORMAT_IDS)[number]; scope: Scope; defaultDrop: boolean }[] = [];
  for (const format of FORMAT_IDS) {
    cases.push({ name: 'gateway', format, scope: { kind: 'gateway' }, defaultDrop: false });
    if (RENDERERS[format].firewall) {
      cases.push({ name: 'gateway-drop', format, scope: { kind: 'gateway' }, defaultDrop: true });
      if (node) cases.push({ name: 'host-drop', format, scope: { kind: 'host', address: node }, defaultDrop: true });
    }
  }

  it.each(cases)('$format $name', ({ name, format, scope, defaultDrop }) => {
    const result = exportPlan(plan, format, { scope, defaultDrop });
    if (!result.ok) throw new Error(result.message);
    const path = join(dir, `${name}.${format}`);
    if (update || !existsSync(path)) {
      if (!update && process.env.CI === 'true') throw new Error(`golden file ${path} is missing`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path, result.text);
    }
    expect(result.text).toBe(readFileSync(path, 'utf8'));
    // deterministic: the same plan gives the same bytes
    const again = exportPlan(plan, format, { scope, defaultDrop });
    expect(again.ok && again.text).toBe(result.text);
  });
});
