import { MAX_PLAN_BYTES, parsePlanText, slugify, type Plan, type PlanParse } from '../engine/index.ts';

/** Read a plan file the user picked or dropped. Size is checked before the file is read. */
export async function readPlanFile(file: File): Promise<PlanParse> {
  if (file.size > MAX_PLAN_BYTES) {
    return {
      ok: false,
      errors: [{ path: '(file)', message: `the file is ${(file.size / 1024 / 1024).toFixed(1)} MB; plan files are limited to ${MAX_PLAN_BYTES / 1024 / 1024} MB` }],
    };
  }
  let text: string;
  try {
    text = await file.text();
  } catch (e) {
    return { ok: false, errors: [{ path: '(file)', message: `the file could not be read: ${e instanceof Error ? e.message : String(e)}` }] };
  }
  // editors on Windows like to start a UTF-8 file with a byte order mark
  return parsePlanText(text.replace(/^\uFEFF/, ''));
}

/** The plan as a file: pretty JSON, with a name from the plan's name. */
export function planFile(plan: Plan): { text: string; fileName: string } {
  return { text: `${JSON.stringify(plan, null, 2)}\n`, fileName: `${slugify(plan.name)}.fwplan.json` };
}
