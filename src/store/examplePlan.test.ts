import { describe, expect, it } from 'vitest';
import { parsePlan } from '../engine/schema.ts';
import { examplePlan } from './examplePlan.ts';

describe('example plan', () => {
  it('is a valid plan, read without zod as the schema reads it', () => {
    const plan = examplePlan();
    const parsed = parsePlan(JSON.parse(JSON.stringify(plan)) as unknown);
    expect(parsed).toEqual({ ok: true, plan });
  });
});
