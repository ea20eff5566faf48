/**
 * The engine's second public entry: the plan file's zod schemas and the readers that explain a
 * refused plan field by field. Kept apart from ./index.ts so that a face which only reads valid
 * plans (the CLI's hot path) never loads zod; the CLI imports this module when a plan is refused
 * or the JSON Schema is asked for.
 */
export { ChangeRequestSchema, EntrySchema, PlanSchema, PlanV1Schema, explainPlan, parsePlan, parsePlanText, planJsonSchema } from './model/schema.ts';
