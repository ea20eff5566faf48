import { isRuleId } from './catalog/senhasegura.ts';
import { isDay, momentKey } from './dates.ts';
import type { Plan } from './model/plan.ts';
import type { CatalogRule, Finding } from './model/rules.ts';
import { quoted } from './text.ts';

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

/**
 * The change request's dates are dates: a window is two moments (YYYY-MM-DD HH:MM, a time zone
 * may follow) with the end after the start; expiry and review are days. Anything else is an error
 * naming the field — the sheet never prints "yesterday-ish" as a window end.
 */
export function lintChangeRequest(plan: Pick<Plan, 'changeRequest'>, today?: string): Finding[] {
  const cr = plan.changeRequest;
  if (!cr) return [];
  const out: Finding[] = [];
  const moment = (field: 'windowStart' | 'windowEnd') => {
    const v = cr[field]?.trim();
    if (!v) return undefined;
    const key = momentKey(v);
    if (!key) out.push({ code: 'cr-date', severity: 'error', path: `changeRequest.${field}`, message: `${quoted(v)} is not a date and time: write YYYY-MM-DD HH:MM (a time zone may follow, e.g. 2026-12-14 22:00 CET)` });
    return key;
  };
  const start = moment('windowStart');
  const end = moment('windowEnd');
  if (start && end && end <= start) out.push({ code: 'cr-date', severity: 'error', path: 'changeRequest.windowEnd', message: `the window ends (${cr.windowEnd?.trim()}) before it starts (${cr.windowStart?.trim()})` });
  if (end && today && end.slice(0, 10) < today) out.push({ code: 'cr-date', severity: 'warning', path: 'changeRequest.windowEnd', message: `the window ended on ${end.slice(0, 10)}, before today (${today})` });
  const day = (path: string, v: string | undefined) => {
    const t = v?.trim();
    if (t && !isDay(t)) out.push({ code: 'cr-date', severity: 'error', path, message: `${quoted(t)} is not a date: write YYYY-MM-DD` });
  };
  day('changeRequest.expiry', cr.expiry);
  day('changeRequest.reviewDate', cr.reviewDate);
  if (today && cr.expiry && isDay(cr.expiry.trim()) && cr.expiry.trim() < today) {
    out.push({ code: 'plan-expired', severity: 'warning', path: 'changeRequest.expiry', message: `the change expired on ${cr.expiry.trim()}: its temporary rules are due for removal (review the plan, or set a new expiry)` });
  }
  for (const [id, note] of Object.entries(cr.ruleNotes ?? {})) {
    const path = `changeRequest.ruleNotes[${JSON.stringify(id)}]`;
    if (!isRuleId(id) && !id.startsWith('site-')) out.push({ code: 'cr-rule', severity: 'warning', path, message: `${quoted(id)} is not a rule of the catalog: its note is not printed` });
    day(`${path}.expires`, note.expires);
  }
  return out;
}
