import { ADMIN_SHELL_RULE, catalogRule } from './catalog/senhasegura.ts';
import { effectivePort, expandPlan, makeEndpoint, nodeFamilies } from './expand.ts';
import { spanText, type Plan } from './model/plan.ts';
import type { ExpandedRule, Finding, PlanNodeRef, RuleSet } from './model/rules.ts';
import type { Family } from './net/address.ts';
import { exportFileName } from './render/common.ts';
import { rendererOf, type FormatId } from './render/registry.ts';
import type { Renderer, RenderInput, RenderOptions } from './render/types.ts';
import { applyScope, hostRule } from './scope.ts';
import { plural, quoted } from './text.ts';

export type ExportResult =
  | { ok: true; text: string; fileName: string; mediaType: string; findings: readonly Finding[]; ruleCount: number; planRules: number }
  | ExportRefusal;

/** Why there is no export: the plan has errors (listed), or the options do not fit the plan. */
export type ExportRefusal = { ok: false; message: string; errors: readonly Finding[] };

/**
 * Keep the administrators' way in: with --default-drop on a node, the admin shell (59022/tcp) stays
 * open from ADMINW even where the plan turned that rule off. Without an ADMINW entry of a family
 * nothing can be kept, and the admin is warned.
 */
export function antiLockout(plan: Plan, ruleSet: RuleSet, node: PlanNodeRef, scoped: readonly ExpandedRule[]): { rules: ExpandedRule[]; findings: Finding[] } {
  const rules: ExpandedRule[] = [];
  const findings: Finding[] = [];
  const rule = catalogRule(ADMIN_SHELL_RULE);
  if (!rule) return { rules, findings };
  const port = effectivePort(plan, rule);
  for (const family of nodeFamilies(node)) {
    const admins = ruleSet.roles.ADMINW.filter((e) => e.network.family === family);
    if (admins.length === 0) {
      findings.push({
        code: 'no-admin-access',
        severity: 'warning',
        path: 'roles.ADMINW',
        message: `ADMINW has no IPv${family} entry: after this default-drop change nobody can reach the admin shell (${spanText(port)}/tcp) of ${quoted(node.name)} over IPv${family}. Add the administrators' workstations to ADMINW, or keep a console at hand`,
      });
      continue;
    }
    if (scoped.some((r) => r.ruleId === ADMIN_SHELL_RULE && r.direction === 'in' && r.family === family)) continue;
    const kept = hostRule(node, family, ADMIN_SHELL_RULE, port, makeEndpoint({ kind: 'role', role: 'ADMINW' }, family, admins));
    if (!kept) continue;
    rules.push(kept);
    findings.push({
      code: 'anti-lockout',
      severity: 'warning',
      ruleId: ADMIN_SHELL_RULE,
      message: `${ADMIN_SHELL_RULE} is off in the plan, but kept in this host export (IPv${family}) so --default-drop cannot cut the administrators' shell`,
    });
  }
  return { rules, findings };
}

/** A gateway with default drop and no way to the admin shell: the change cuts the administrators off. */
function gatewayAdminAccess(plan: Plan, ruleSet: RuleSet): Finding[] {
  if (ruleSet.rules.some((r) => r.ruleId === ADMIN_SHELL_RULE)) return [];
  const rule = catalogRule(ADMIN_SHELL_RULE);
  const why = plan.disabled.includes(ADMIN_SHELL_RULE) ? `${ADMIN_SHELL_RULE} is disabled` : 'ADMINW has no entries';
  return [{
    code: 'no-admin-access',
    severity: 'warning',
    path: 'roles.ADMINW',
    message: `${why}: after this default-drop change nothing lets the administrators through the gateway to the admin shell (${rule ? spanText(effectivePort(plan, rule)) : '59022'}/tcp) of any node`,
  }];
}

/** Families the node (or, at a gateway, the plan) has rules for that this file does not hold. */
function otherFamilies(renderer: Renderer, format: FormatId, rules: readonly ExpandedRule[], node: PlanNodeRef | undefined): Finding[] {
  const needed = node ? nodeFamilies(node) : [...new Set(rules.map((r) => r.family))];
  const missing = needed.filter((f) => !renderer.families.includes(f));
  return missing.map((family): Finding => {
    const other = family === 6 ? 'ip6tables' : 'iptables';
    const where = node ? `node ${quoted(node.name)} also has an IPv${family} address` : `the plan has IPv${family} rules`;
    return {
      code: 'other-family-file',
      severity: 'warning',
      message: `${where}: this ${format} file holds IPv${renderer.families.join('/')} only; load the ${other} export as well, or its IPv${family} traffic is ${node ? 'not filtered by this file' : 'left as it is'}`,
    };
  });
}

/** Everything an export needs but the text itself: the one preparation both exportPlan and exportPlanChunks use. */
function prepare(plan: Plan, format: FormatId, options: RenderOptions, ruleSet: RuleSet): { ok: true; input: RenderInput; renderer: Renderer; findings: Finding[] } | ExportRefusal {
  const renderer = rendererOf(format);
  if (ruleSet.hasErrors) {
    const errors = ruleSet.findings.filter((f) => f.severity === 'error');
    return {
      ok: false,
      errors,
      message: `The plan has ${plural(errors.length, 'error')}; no export is made until ${errors.length === 1 ? 'it is' : 'they are'} fixed: ${errors.slice(0, 3).map((e) => `${e.path ?? e.ruleId ?? ''}: ${e.message}`).join('; ')}${errors.length > 3 ? ' …' : ''}`,
    };
  }
  const scoped = applyScope(ruleSet, options.scope);
  if (!scoped.ok) return { ok: false, message: scoped.message, errors: [] };
  // a format for the managed devices, cut to one device group: the group must exist (a script for a
  // misspelt group would only remove the devices' earlier rules)
  const deviceGroup = renderer.options.deviceGroup && options.deviceGroup !== undefined ? ruleSet.deviceGroups.find((g) => g.name === options.deviceGroup) : undefined;
  if (renderer.options.deviceGroup && options.deviceGroup !== undefined && !deviceGroup) {
    const names = ruleSet.deviceGroups.map((g) => quoted(g.name)).join(', ');
    return { ok: false, message: `device group ${quoted(options.deviceGroup)}: the plan has no device group of that name (${names || 'it has none'})`, errors: [] };
  }
  let rules = scoped.rules;
  const findings: Finding[] = [];
  const keepAdmins = options.defaultDrop ? renderer.options.defaultDrop : renderer.holdsAllSets === true;
  if (scoped.node && keepAdmins) {
    const kept = antiLockout(plan, ruleSet, scoped.node, rules);
    rules = [...kept.rules, ...rules];
    if (options.defaultDrop) findings.push(...kept.findings);
  } else if (!scoped.node && options.defaultDrop && renderer.options.defaultDrop) {
    findings.push(...gatewayAdminAccess(plan, ruleSet));
  }
  const openFamilies: Family[] = [];
  if (scoped.node) {
    const partner = ruleSet.findings.find((f) => f.code === 'dual-stack-partner');
    const own = nodeFamilies(scoped.node);
    if (partner && own.length === 1 && partner.message.includes(quoted(scoped.node.name))) {
      const other: Family = own[0] === 4 ? 6 : 4;
      openFamilies.push(other);
      findings.push({ ...partner, message: `${quoted(scoped.node.name)} has one address family only. ${partner.message}` });
      if (options.defaultDrop && renderer.options.defaultDrop && renderer.families.includes(other)) {
        findings.push({
          code: 'family-left-open',
          severity: 'warning',
          message: `IPv${other} traffic of ${quoted(scoped.node.name)} is left as it is by this export, not dropped: the plan gives this node no IPv${other} address, but another node has only IPv${other}. Make them one node to filter both families`,
        });
      }
    }
  }
  if (renderer.options.defaultDrop) findings.push(...otherFamilies(renderer, format, rules, scoped.node));
  const fileName = exportFileName(plan.name, options.scope, `${deviceGroup ? `-${deviceGroup.slug}` : ''}${renderer.suffix}`);
  // the ipset companion is made with the anti-lockout rules whatever the variant (holdsAllSets)
  const companionRules = options.ipset && renderer.companion?.(options) === 'ipset'
    ? (scoped.node && !keepAdmins ? [...antiLockout(plan, ruleSet, scoped.node, rules).rules, ...rules] : rules)
    : undefined;
  const input: RenderInput = { plan, ruleSet, rules, options, fileName, openFamilies, ...(scoped.node ? { node: scoped.node } : {}), ...(companionRules ? { companionRules } : {}) };
  return { ok: true, input, renderer, findings };
}

/** Plan → one export. Pass a rule set already expanded for this plan to skip expanding again. */
export function exportPlan(plan: Plan, format: FormatId, options: RenderOptions, ruleSet: RuleSet = expandPlan(plan)): ExportResult {
  const prepared = prepare(plan, format, options, ruleSet);
  if (!prepared.ok) return prepared;
  const { input, renderer, findings } = prepared;
  const output = renderer.render(input);
  return {
    ok: true,
    text: output.text,
    fileName: input.fileName,
    mediaType: renderer.mediaType,
    findings: [...findings, ...output.findings],
    ruleCount: renderer.countRules(output.text),
    planRules: input.rules.length,
  };
}

/**
 * The same export in pieces, for writing files larger than one string can hold (a CSV of millions
 * of address pairs). Formats without a streaming writer give their text as one piece.
 */
export function exportPlanChunks(plan: Plan, format: FormatId, options: RenderOptions, ruleSet: RuleSet = expandPlan(plan)):
  | { ok: true; chunks: Iterable<string>; fileName: string; mediaType: string; findings: readonly Finding[]; planRules: number }
  | ExportRefusal {
  const prepared = prepare(plan, format, options, ruleSet);
  if (!prepared.ok) return prepared;
  const { input, renderer, findings } = prepared;
  const output = renderer.stream ? renderer.stream(input) : (() => {
    const o = renderer.render(input);
    return { chunks: [o.text], findings: o.findings };
  })();
  return { ok: true, chunks: output.chunks, fileName: input.fileName, mediaType: renderer.mediaType, findings: [...findings, ...output.findings], planRules: input.rules.length };
}


