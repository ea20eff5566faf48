import { z } from 'zod';
import { catalogRule } from './catalog/senhasegura.ts';
import { aggregateEntries, expandPlan } from './expand.ts';
import { PlanSchema, type Plan } from './model/plan.ts';
import type { AddressEntry, ExpandedRule, Finding, RuleSet } from './model/rules.ts';
import { slugify } from './render/common.ts';
import { RENDERERS } from './render/registry.ts';
import type { FormatId, RenderOptions } from './render/types.ts';
import { applyScope, dualStackPeers } from './scope.ts';

export type ExportResult =
  | { ok: true; text: string; fileName: string; mediaType: string; findings: readonly Finding[]; ruleCount: number }
  | { ok: false; message: string };

/** The users' rules that keep an admin's own way in: SSH and HTTPS from USERW. */
const ADMIN_RULES = ['userw-prd-tcp-22', 'userw-prd-tcp-443'] as const;

/**
 * With --default-drop on a node, the admin's own access must survive even where the plan disabled
 * it: SSH and HTTPS from USERW to the node come first. Without a USERW entry there is nothing to
 * keep, and the admin is warned.
 */
export function antiLockout(plan: Plan, ruleSet: RuleSet, node: AddressEntry, scoped: readonly ExpandedRule[]): { rules: ExpandedRule[]; findings: Finding[] } {
  const family = node.network.family;
  const users = aggregateEntries('USERW', ruleSet.roles.USERW).entries.filter((e) => e.network.family === family);
  if (users.length === 0) {
    return {
      rules: [],
      findings: [{
        code: 'no-admin-access',
        severity: 'warning',
        path: 'roles.USERW',
        message: `USERW has no IPv${family} entry: with --default-drop nothing keeps your own SSH/HTTPS access to ${node.network.display}. Add your admin workstation to USERW, or keep a console at hand`,
      }],
    };
  }
  const rules: ExpandedRule[] = [];
  const findings: Finding[] = [];
  for (const id of ADMIN_RULES) {
    if (scoped.some((r) => r.ruleId === id && r.direction === 'in')) continue;
    const rule = catalogRule(id);
    if (!rule) continue;
    const port = plan.ports[id] ?? rule.port;
    rules.push({
      key: `${id}/v${family}/in/anti-lockout`,
      ruleId: id,
      covers: [],
      section: rule.section,
      service: `${rule.service} (anti-lockout)`,
      purpose: rule.purpose,
      protocol: rule.protocol,
      port,
      defaultPort: rule.port,
      family,
      source: { key: `USERW/v${family}`, role: 'USERW', family, entries: users },
      destination: { key: `NODE/v${family}`, role: node.role, family, entries: [node] },
      distinctPairs: false,
      direction: 'in',
    });
    findings.push({ code: 'scope', severity: 'warning', ruleId: id, message: `${id} is off in the plan, but kept in this host export (anti-lockout) so --default-drop cannot cut your own access` });
  }
  return { rules, findings };
}

/** Plan → one export. Pass a rule set already expanded for this plan to skip expanding again. */
export function exportPlan(plan: Plan, format: FormatId, options: RenderOptions, ruleSet: RuleSet = expandPlan(plan)): ExportResult {
  const renderer = RENDERERS[format];
  const scoped = applyScope(ruleSet, options.scope);
  if (!scoped.ok) return { ok: false, message: scoped.message };
  let rules = scoped.rules;
  const findings: Finding[] = [];
  if (options.defaultDrop && renderer.firewall) {
    const kept = scoped.nodes.map((node) => antiLockout(plan, ruleSet, node, rules));
    rules = [...kept.flatMap((k) => k.rules), ...rules];
    findings.push(...kept.flatMap((k) => k.findings));
    for (const peer of dualStackPeers(ruleSet, scoped.nodes)) {
      findings.push({
        code: 'scope',
        severity: 'warning',
        path: peer.path,
        message: `${peer.network.display} (${peer.label ?? ''}) looks like the same node in IPv${peer.network.family}: with --default-drop its traffic is dropped; name both addresses, host:${[...scoped.nodes, peer].map((n) => n.network.display).join(',')}`,
      });
    }
  }
  const output = renderer.render({
    plan,
    ruleSet,
    rules,
    options,
    nodes: scoped.nodes,
  });
  return {
    ok: true,
    text: output.text,
    fileName: renderer.fileName(slugify(plan.name), options.scope),
    mediaType: renderer.mediaType,
    findings: [...findings, ...output.findings],
    ruleCount: rules.length,
  };
}

/** The plan file's JSON Schema, made from the zod schema (the single source of truth). */
export function planJsonSchema(): unknown {
  return z.toJSONSchema(PlanSchema, { io: 'input', unrepresentable: 'any' });
}
