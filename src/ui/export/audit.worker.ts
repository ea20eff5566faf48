import type { LoadedFile } from '../../engine/audit.ts';
import { expandPlan, type Plan, type Scope } from '../../engine/index.ts';
import { auditView, type AuditView } from './audit-model.ts';

/**
 * The audit of a loaded ruleset off the page's thread: reading iptables-save or nft JSON output and
 * evaluating every planned flow and every probe beyond the plan takes seconds for a large plan,
 * and the page must answer meanwhile. Expands the plan itself (the same engine, the same day as
 * the page's rule set) rather than being sent the rule set: the plan crosses cheaper.
 */
export interface AuditRequest {
  readonly id: number;
  readonly plan: Plan;
  /** YYYY-MM-DD, for expiries, as the page expands with */
  readonly today: string;
  readonly scope: Scope;
  readonly files: readonly LoadedFile[];
}

export type AuditAnswer = { readonly id: number; readonly view: AuditView } | { readonly id: number; readonly failure: string };

interface WorkerScope {
  onmessage: ((event: MessageEvent<AuditRequest>) => void) | null;
  postMessage(message: AuditAnswer): void;
}

const scope = globalThis as unknown as WorkerScope;

scope.onmessage = (event) => {
  const r = event.data;
  try {
    scope.postMessage({ id: r.id, view: auditView(r.plan, expandPlan(r.plan, { today: r.today }), r.scope, r.files) });
  } catch (e) {
    scope.postMessage({ id: r.id, failure: e instanceof Error ? e.message : String(e) });
  }
};
