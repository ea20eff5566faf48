import type { PlanParse, PlanRead } from '../engine/index.ts';

export type PlanSchemaModule = typeof import('./schemaWithoutEval.ts');

let loading: Promise<PlanSchemaModule> | undefined;

/**
 * The plan's zod schemas (src/engine/schema.ts), loaded the first time a plan is refused: a valid
 * plan is read by the engine's own reader without zod, so zod stays out of the page's first
 * download. Loaded once, configured to parse without eval (the page's CSP has no 'unsafe-eval').
 */
export function loadPlanSchema(): Promise<PlanSchemaModule> {
  loading ??= import('./schemaWithoutEval.ts');
  return loading;
}

/** A plan the fast reader accepted or refused with its reasons as it is; one it could not explain, explained by the schema. */
export async function explainRead(read: PlanRead): Promise<PlanParse> {
  return read.ok === 'unexplained' ? (await loadPlanSchema()).explainPlan(read) : read;
}
