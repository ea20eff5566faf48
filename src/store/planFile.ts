import { MAX_PLAN_BYTES, decodePlanBytes, slugify, type Plan, type PlanParse } from '../engine/index.ts';
import { parsePlanText } from '../engine/schema.ts';

/** Read a plan file the user picked or dropped: size first, then UTF-8 (a BOM is fine), then the plan. */
export async function readPlanFile(file: File): Promise<PlanParse> {
  if (file.size > MAX_PLAN_BYTES) {
    return {
      ok: false,
      errors: [{ path: '(file)', message: `the file is ${(file.size / 1024 / 1024).toFixed(1)} MB; plan files are limited to ${MAX_PLAN_BYTES / 1024 / 1024} MB` }],
    };
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await file.arrayBuffer());
  } catch (e) {
    return { ok: false, errors: [{ path: '(file)', message: `the file could not be read: ${e instanceof Error ? e.message : String(e)}` }] };
  }
  const decoded = decodePlanBytes(bytes);
  return decoded.ok ? parsePlanText(decoded.text) : decoded;
}

/** The plan as a file: pretty JSON (always version 2), with a name from the plan's name. */
export function planFile(plan: Plan): { text: string; fileName: string } {
  return { text: `${JSON.stringify(plan, null, 2)}\n`, fileName: `${slugify(plan.name)}.fwplan.json` };
}
