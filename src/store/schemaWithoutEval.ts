// first, before the schemas are built: see the file
import './zodWithoutEval.ts';

/** The engine's zod schemas as the page loads them (on demand, see ./planSchema.ts). */
export * from '../engine/schema.ts';
