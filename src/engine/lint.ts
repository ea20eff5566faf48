import type { Plan } from './model/plan.ts';
import type { CatalogRule, Finding } from './model/rules.ts';

/** Findings about the rules that are on: odd ports, overrides, clear-text protocols. */
export function lintRules(plan: Pick<Plan, 'ports'>, active: readonly CatalogRule[]): Finding[] {
  const out: Finding[] = [];
  for (const rule of active) {
    const override = plan.ports[rule.id];
    if (override !== undefined && override !== rule.port) {
      out.push({ code: 'port-override', severity: 'note', path: `ports["${rule.id}"]`, ruleId: rule.id, message: `port ${override}/${rule.protocol} instead of the article's ${rule.port}` });
    } else if (rule.nonStandard) {
      out.push({ code: 'non-standard-port', severity: 'warning', ruleId: rule.id, message: `${rule.port}/${rule.protocol} is kept as the article gives it, but ${rule.nonStandard}. Override the port if your server listens elsewhere` });
    }
    if (rule.cleartext) {
      out.push({ code: 'cleartext', severity: 'warning', ruleId: rule.id, message: rule.cleartext });
    }
  }
  return out;
}
