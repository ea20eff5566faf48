/**
 * The view model of "Audit a loaded ruleset": the files dropped or picked, read in the browser,
 * audited with the engine's audit (the same as `fwplan audit`), as rows for the page. Loaded only
 * when the audit is opened: it brings the ruleset readers and the evaluator with it.
 */
import { auditPlan, entryText, KIND_TITLES, ownerName, portsText, readLoaded, type AuditReport, type FlowStatus, type LoadedFile } from '../../engine/audit.ts';
import type { Plan, RuleSet, Scope } from '../../engine/index.ts';

export interface AuditFlowRow {
  readonly key: string;
  readonly status: FlowStatus;
  readonly ruleId: string;
  readonly service: string;
  readonly source: string;
  readonly destination: string;
  /** why a flow is blocked or unknown: the packet and the rule */
  readonly why?: string;
}

export interface AuditBeyondRow {
  readonly key: string;
  readonly service: string;
  readonly source: string;
  readonly destination: string;
  readonly acceptedBy: string;
  readonly antiLockout: boolean;
}

export type AuditView =
  | { readonly ok: false; readonly errors: readonly string[] }
  | {
      readonly ok: true;
      readonly sources: string;
      readonly scope: string;
      readonly counts: AuditReport['counts'];
      readonly clean: boolean;
      /** blocked and unknown flows first, then the allowed ones, each in rule order */
      readonly flows: readonly AuditFlowRow[];
      readonly beyond: readonly AuditBeyondRow[];
      readonly unevaluated: readonly string[];
      readonly notes: readonly string[];
      readonly summary: string;
    };

const ORDER: Record<FlowStatus, number> = { blocked: 0, unknown: 1, allowed: 2 };

/** Audit the plan, as the Export view scopes it, against the files. */
export function auditView(plan: Plan, ruleSet: RuleSet, scope: Scope, files: readonly LoadedFile[]): AuditView {
  const read = readLoaded(files);
  if (!read.ok) return { ok: false, errors: read.errors };
  const result = auditPlan(plan, read.loaded, { scope, ruleSet });
  if (!result.ok) return { ok: false, errors: [result.message] };
  const r = result.report;
  const flows = r.flows
    .map((f, i) => ({ f, i }))
    .sort((a, b) => ORDER[a.f.status] - ORDER[b.f.status] || a.i - b.i)
    .map(({ f, i }): AuditFlowRow => ({
      key: String(i),
      status: f.status,
      ruleId: f.flow.ruleId,
      service: `${f.flow.protocol}/${f.flow.portEnd === f.flow.port ? f.flow.port : `${f.flow.port}-${f.flow.portEnd}`}`,
      source: `${entryText(f.flow.source)} · ${f.flow.sourceName}`,
      destination: `${entryText(f.flow.destination)} · ${f.flow.destinationName}`,
      ...(f.why !== undefined ? { why: f.why } : {}),
    }));
  const beyond = r.beyond.map((b, i): AuditBeyondRow => ({
    key: String(i),
    service: `${b.protocol}/${portsText(b.ports)}`,
    source: `${entryText(b.source)} · ${ownerName(b.source)}`,
    destination: `${entryText(b.destination)} · ${ownerName(b.destination)}`,
    acceptedBy: b.acceptedBy.at(-1) ?? 'the chain policy',
    antiLockout: b.antiLockout,
  }));
  const counted = beyond.filter((b) => !b.antiLockout).length;
  const unknownProbes = r.unevaluated.reduce((n, u) => n + u.probes, 0);
  return {
    ok: true,
    sources: read.sources.map((s) => `${s.name} (${KIND_TITLES[s.kind]})`).join(', '),
    scope: r.scopeText,
    counts: r.counts,
    clean: r.clean,
    flows,
    beyond,
    unevaluated: r.unevaluated.map((u) => `${u.probes} probe${u.probes === 1 ? '' : 's'}: ${u.reason} (e.g. ${u.example})`),
    notes: r.notes,
    summary: r.clean
      ? `Every planned flow (${r.counts.allowed}) is allowed, and nothing beyond the plan.`
      : `${r.counts.blocked} blocked, ${r.counts.unknown} unknown and ${r.counts.allowed} allowed planned flows; ${counted} allowed beyond the plan${unknownProbes > 0 ? `; ${unknownProbes} probes could not be evaluated` : ''}.`,
  };
}
