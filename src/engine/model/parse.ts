import type { z } from 'zod';
import { PlanSchema, ROLE_CODES, type Plan } from './plan.ts';

export interface PlanError {
  /** JSON path: roles.PRD[0], ports["usr-x"], or "(file)" for the document itself */
  readonly path: string;
  readonly message: string;
}

export type PlanParse = { ok: true; plan: Plan } | { ok: false; errors: PlanError[] };

/** A plan file larger than this is refused before parsing: 20,000 addresses fit in well under 2 MB. */
export const MAX_PLAN_BYTES = 8 * 1024 * 1024;

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && IDENT.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out === '' ? '(plan)' : out;
}

function issueErrors(issue: z.core.$ZodIssue): PlanError[] {
  if (issue.code === 'unrecognized_keys') {
    const inRoles = issue.path.length === 1 && issue.path[0] === 'roles';
    return issue.keys.map((key) => ({
      path: formatPath([...issue.path, key]),
      message: inRoles ? `unknown role code (expected one of ${ROLE_CODES.join(', ')})` : 'unknown field',
    }));
  }
  if (issue.code === 'invalid_key') {
    return [{ path: formatPath(issue.path), message: issue.issues[0]?.message ?? 'invalid key' }];
  }
  return [{ path: formatPath(issue.path), message: issue.message }];
}

/**
 * `__proto__` keys survive JSON.parse as own properties and would set the prototype of any object
 * they are copied into; they are refused wherever they appear, before the schema sees the value.
 */
function forbiddenKeys(value: unknown, path: PropertyKey[], out: PlanError[], depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > 12 || out.length >= 20) return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => forbiddenKeys(v, [...path, i], out, depth + 1));
    return;
  }
  for (const key of Object.keys(value)) {
    if (key === '__proto__') out.push({ path: formatPath([...path, key]), message: 'forbidden key "__proto__"' });
    else forbiddenKeys((value as Record<string, unknown>)[key], [...path, key], out, depth + 1);
  }
}

/** Validate a parsed JSON value against the plan schema; every problem names its JSON path. */
export function parsePlan(value: unknown): PlanParse {
  const forbidden: PlanError[] = [];
  forbiddenKeys(value, [], forbidden);
  if (forbidden.length > 0) return { ok: false, errors: forbidden };
  const result = PlanSchema.safeParse(value);
  if (result.success) return { ok: true, plan: result.data };
  const errors = result.error.issues.flatMap(issueErrors);
  return { ok: false, errors };
}

/** Parse a plan file's text: size limit, JSON syntax, then the schema. */
export function parsePlanText(text: string): PlanParse {
  if (text.length > MAX_PLAN_BYTES) {
    return { ok: false, errors: [{ path: '(file)', message: `the file is larger than ${MAX_PLAN_BYTES / 1024 / 1024} MB` }] };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, errors: [{ path: '(file)', message: `not valid JSON: ${e instanceof Error ? e.message : String(e)}` }] };
  }
  return parsePlan(value);
}
