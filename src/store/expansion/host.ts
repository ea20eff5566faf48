import { expandPlan, plainEntries, type AddressEntry, type Entry, type Plan, type RuleSet } from '../../engine/index.ts';
import { exportPreview } from './exportPreview.ts';
import type { ExportRequest, WorkerAnswer, WorkerRequest } from './protocol.ts';
import { ListInbox, ListOutbox, compactResolved, decodePlan, encodeRuleSet, expandEntries, type ListOrigin } from './wire.ts';

const now = (): number => globalThis.performance.now();

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * The worker's side (./expand.worker.ts only wires it to the message port; tests drive it
 * directly): it keeps the latest plan, rebuilt around the same entry arrays as before wherever
 * they did not change (./wire.ts), expands it with the engine, and makes the latest export preview.
 *
 * `receive` reads a message at once (cheap: the plan's new lists are kept, nothing is worked out);
 * `work` then does what is still wanted. Messages that came in meanwhile have replaced older ones:
 * a plan typed over before it was expanded is never expanded.
 */
export class ExpansionHost {
  private readonly planLists = new ListInbox<Entry, string>(expandEntries);
  private readonly ruleSetLists = new ListOutbox<AddressEntry, ListOrigin>(compactResolved, plainEntries);
  private latest: { id: number; plan: Plan; today: string; answer: boolean } | undefined;
  private expanded: { id: number; ruleSet: RuleSet } | undefined;
  private exportWanted: ExportRequest | undefined;

  receive(request: WorkerRequest): void {
    if (request.kind === 'plan') {
      this.latest = { id: request.id, plan: decodePlan(request.plan, request.lists, this.planLists), today: request.today, answer: request.answer };
    } else {
      this.exportWanted = request;
    }
  }

  /** Whether `work` has anything to do. */
  get busy(): boolean {
    return (this.latest !== undefined && this.latest.answer && this.expanded?.id !== this.latest.id) || this.exportWanted !== undefined;
  }

  /** The rule set of the latest plan, expanded now if it is not yet; undefined when the engine threw. */
  private ruleSetOfLatest(out: (answer: WorkerAnswer) => void): RuleSet | undefined {
    const latest = this.latest;
    if (!latest) return undefined;
    if (this.expanded?.id === latest.id) return this.expanded.ruleSet;
    const started = now();
    let ruleSet: RuleSet;
    try {
      ruleSet = expandPlan(latest.plan, { today: latest.today });
    } catch (e) {
      out({ kind: 'failed', id: latest.id, request: 'plan', message: message(e) });
      this.latest = { ...latest, answer: false };
      return undefined;
    }
    this.expanded = { id: latest.id, ruleSet };
    if (latest.answer) {
      const wire = encodeRuleSet(ruleSet, this.ruleSetLists);
      out({ kind: 'expanded', id: latest.id, ruleSet: wire.ruleSet, lists: wire.lists, ms: now() - started });
    }
    return ruleSet;
  }

  /**
   * Expand the latest plan if the page wants its rule set, then make the latest export preview.
   * Each answer goes to `emit` as soon as it is made (the rule set is not held back while the
   * export is made), and all are returned.
   */
  work(emit?: (answer: WorkerAnswer) => void): WorkerAnswer[] {
    const answers: WorkerAnswer[] = [];
    const out = (answer: WorkerAnswer) => {
      answers.push(answer);
      emit?.(answer);
    };
    if (this.latest?.answer) this.ruleSetOfLatest(out);
    const wanted = this.exportWanted;
    this.exportWanted = undefined;
    // an export of an older plan is not wanted any more: the page asks again for the new one
    if (wanted && this.latest && wanted.planId === this.latest.id) {
      const ruleSet = this.ruleSetOfLatest(out);
      if (ruleSet) {
        const started = now();
        try {
          const preview = exportPreview(this.latest.plan, ruleSet, wanted.format, wanted.options);
          out({ kind: 'exported', id: wanted.id, planId: wanted.planId, preview, ms: now() - started });
        } catch (e) {
          out({ kind: 'failed', id: wanted.id, request: 'export', message: message(e) });
        }
      }
    }
    return answers;
  }
}
