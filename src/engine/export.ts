import { z } from 'zod';
import { expandPlan } from './expand.ts';
import { PlanSchema, type Plan } from './model/plan.ts';
import type { Finding, RuleSet } from './model/rules.ts';
import { slugify } from './render/common.ts';
import { RENDERERS } from './render/registry.ts';
import type { FormatId, RenderOptions } from './render/types.ts';
import { applyScope } from './scope.ts';

export type ExportResult =
  | { ok: true; text: string; fileName: string; mediaType: string; findings: readonly Finding[]; ruleCount: number }
  | { ok: false; message: string };

/** Plan → one export. Pass a rule set already expanded for this plan to skip expanding again. */
export function exportPlan(plan: Plan, format: FormatId, options: RenderOptions, ruleSet: RuleSet = expandPlan(plan)): ExportResult {
  const renderer = RENDERERS[format];
  const scoped = applyScope(ruleSet, options.scope);
  if (!scoped.ok) return { ok: false, message: scoped.message };
  const output = renderer.render({
    plan,
    ruleSet,
    rules: scoped.rules,
    options,
    ...(scoped.node ? { node: scoped.node } : {}),
  });
  return {
    ok: true,
    text: output.text,
    fileName: renderer.fileName(slugify(plan.name), options.scope),
    mediaType: renderer.mediaType,
    findings: output.findings,
    ruleCount: scoped.rules.length,
  };
}

/** The plan file's JSON Schema, made from the zod schema (the single source of truth). */
export function planJsonSchema(): unknown {
  return z.toJSONSchema(PlanSchema, { io: 'input', unrepresentable: 'any' });
}
