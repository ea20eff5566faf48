/**
 * Reading a plan file without zod: size, byte order mark, JSON, forbidden keys, version, then the
 * exact fast reader of ./check.ts. What it cannot accept is handed on as 'unexplained'; ./schema.ts
 * (zod) says why, field by field. The CLI loads that module only for a refused plan.
 */
import { checkPlanV1, checkPlanV2 } from './check.ts';
import { migrateV1 } from './migrate.ts';
import type { Plan } from './plan.ts';

export interface PlanError {
  /** JSON path: nodes[0].name, ports["usr-x"], or "(file)" for the document itself */
  readonly path: string;
  readonly message: string;
}

/** A valid plan (always version 2 inside fwplan) and the version it was written in. */
export type PlanParse = { ok: true; plan: Plan; upgradedFrom?: 1 } | { ok: false; errors: PlanError[] };

/** A plan read without the schema: accepted, refused with reasons, or refused and still to be explained. */
export type PlanRead = PlanParse | { ok: 'unexplained'; version: 1 | 2; value: unknown };

/** A plan file larger than this is refused before parsing (and reading stops there). */
export const MAX_PLAN_BYTES = 64 * 1024 * 1024;

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

/**
 * `__proto__` keys survive JSON.parse as own properties and would set the prototype of any object
 * they are copied into; they are refused wherever they appear, before the schema sees the value.
 * The walk uses an explicit stack: a deeply nested hostile file cannot exhaust the call stack.
 */
function forbiddenKeys(root: unknown): PlanError[] {
  const out: PlanError[] = [];
  const stack: { value: unknown; path: PropertyKey[] }[] = [{ value: root, path: [] }];
  while (stack.length > 0 && out.length < 20) {
    const { value, path } = stack.pop() as { value: unknown; path: PropertyKey[] };
    if (value === null || typeof value !== 'object' || path.length > 12) continue;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) {
        const v: unknown = value[i];
        if (v !== null && typeof v === 'object') stack.push({ value: v, path: [...path, i] });
      }
      continue;
    }
    for (const key of Object.keys(value).reverse()) {
      if (key === '__proto__') out.push({ path: formatPath([...path, key]), message: 'forbidden key "__proto__"' });
      else stack.push({ value: (value as Record<string, unknown>)[key], path: [...path, key] });
    }
  }
  return out;
}

/**
 * A parsed JSON value to a plan (version 1 is upgraded to version 2) when it is valid; otherwise
 * the reasons that need no schema (forbidden keys, the version), or 'unexplained'.
 */
export function readPlanValue(value: unknown): PlanRead {
  const version = typeof value === 'object' && value !== null ? (value as { version?: unknown }).version : undefined;
  if (version === 2) {
    const plan = checkPlanV2(value);
    if (plan !== undefined) return { ok: true, plan };
  } else if (version === 1) {
    const v1 = checkPlanV1(value);
    if (v1 !== undefined) return { ok: true, plan: migrateV1(v1), upgradedFrom: 1 };
  }
  const forbidden = forbiddenKeys(value);
  if (forbidden.length > 0) return { ok: false, errors: forbidden };
  if (version !== 1 && version !== 2) {
    const what = version === undefined ? 'is missing' : `is ${JSON.stringify(version)}`;
    return { ok: false, errors: [{ path: 'version', message: `${what}: fwplan reads plan versions 1 and 2` }] };
  }
  return { ok: 'unexplained', version, value };
}

/** A plan file's text: size limit, byte order mark, JSON syntax, then readPlanValue. */
export function readPlanText(input: string): PlanRead {
  // editors on Windows like to start a UTF-8 file with a byte order mark
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  if (text.length > MAX_PLAN_BYTES) {
    return { ok: false, errors: [{ path: '(file)', message: `the file is larger than ${MAX_PLAN_BYTES / 1024 / 1024} MB` }] };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, errors: [{ path: '(file)', message: `not valid JSON: ${e instanceof Error ? e.message : String(e)}` }] };
  }
  return readPlanValue(value);
}

/**
 * The WHATWG TextDecoder exists in every browser and in Node; the engine compiles without either
 * type library, so it is typed here.
 */
const Utf8Decoder = (globalThis as unknown as { TextDecoder: new (label: string, options: { fatal: boolean }) => { decode(bytes: Uint8Array): string } }).TextDecoder;

/**
 * A plan file's bytes to text: UTF-8 only. A Latin-1 or other legacy byte would otherwise turn
 * into U+FFFD inside a label without a word.
 */
export function decodePlanBytes(bytes: Uint8Array): { ok: true; text: string } | { ok: false; errors: PlanError[] } {
  if (bytes.length > MAX_PLAN_BYTES) {
    return { ok: false, errors: [{ path: '(file)', message: `the file is larger than ${MAX_PLAN_BYTES / 1024 / 1024} MB` }] };
  }
  try {
    return { ok: true, text: new Utf8Decoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    const at = firstInvalidUtf8(bytes);
    return {
      ok: false,
      errors: [{ path: '(file)', message: `is not UTF-8 text (byte 0x${(bytes[at] ?? 0).toString(16).toUpperCase().padStart(2, '0')} at offset ${at}): save the plan file as UTF-8` }],
    };
  }
}

/** The offset of the first byte that does not belong to a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf5 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += need + 1;
  }
  return Math.max(0, bytes.length - 1);
}
