import type { AddressEntry, Entry, FormatId, Plan, RenderOptions, RuleSet } from '../../engine/index.ts';
import type { ExportPreview } from './exportPreview.ts';
import type { WorkerAnswer, WorkerRequest } from './protocol.ts';
import { ListInbox, ListOutbox, compactEntries, decodeRuleSet, encodePlan } from './wire.ts';
import type { ListOrigin } from './wire.ts';

/** Where requests go: the worker (or, in tests, a host behind a fake port). */
export interface ExpansionPort {
  postMessage(message: WorkerRequest): void;
}

/** A rule set the worker made, with the plan it was made from. */
export interface Expanded {
  readonly plan: Plan;
  readonly ruleSet: RuleSet;
}

/** An export preview the worker made, with what it was made from. */
export interface PreviewAnswer {
  readonly plan: Plan;
  /** format and options, as optionsKey writes them */
  readonly key: string;
  readonly preview: ExportPreview;
}

/** What the page has had from the worker, for the bench and the tests. */
export interface ExpansionStats {
  /** rule sets taken */
  expanded: number;
  /** answers for a plan older than the latest sent: read (their lists kept in step) and dropped */
  dropped: number;
  previews: number;
  /** the last rule set taken: ms in the worker, ms here to rebuild it, new lists and entries that came with it */
  /** newEntries: parsed entries carried in the message; byOrigin: lists the page read from its plan instead */
  last?: { workerMs: number; decodeMs: number; newLists: number; newEntries: number; byOrigin: number };
}

export function optionsKey(format: FormatId, options: RenderOptions): string {
  return JSON.stringify([format, options]);
}

const now = (): number => globalThis.performance.now();

/**
 * The page's side of the expansion worker: sends the plan as it changes (each entry list once,
 * see ./wire.ts), takes back rule sets and export previews, and drops every answer to a plan older
 * than the latest one sent. Pure bookkeeping: selectors.ts wires it to a real Worker, the tests to
 * an ExpansionHost through a fake port.
 */
export class ExpansionClient {
  private readonly planLists = new ListOutbox<Entry, string>(compactEntries);
  private readonly ruleSetLists = new ListInbox<AddressEntry, ListOrigin>();
  private nextId = 1;
  private sent: { id: number; plan: Plan; answer: boolean } | undefined;
  /** plans sent whose rule set is wanted back and has not come yet, by request id */
  private readonly waiting = new Map<number, Plan>();
  private exportSent: { id: number; planId: number; plan: Plan; key: string } | undefined;
  /** the export last asked for: made again for each new plan (refreshExport) */
  private lastExport: { format: FormatId; options: RenderOptions } | undefined;
  private preview: PreviewAnswer | undefined;
  private readonly listeners = new Set<() => void>();
  /** set when the worker failed: the page then works everything out itself */
  failure: string | undefined;
  readonly stats: ExpansionStats = { expanded: 0, dropped: 0, previews: 0 };

  /**
   * @param port where requests go
   * @param today YYYY-MM-DD, for expiries
   * @param take called with each rule set taken (the latest plan's), before listeners hear of it
   */
  constructor(
    private readonly port: ExpansionPort,
    private readonly today: string,
    private readonly take: (expanded: Expanded) => void,
  ) {}

  /**
   * Send `plan` unless it is the plan last sent. `answer`: its rule set is wanted back (false when
   * the page has it already and the worker needs the plan only for an export). Returns its id.
   */
  send(plan: Plan, answer: boolean): number {
    const last = this.sent;
    if (last && last.plan === plan && (last.answer || !answer)) return last.id;
    const id = this.nextId++;
    const wire = encodePlan(plan, this.planLists);
    this.sent = { id, plan, answer };
    if (answer) this.waiting.set(id, plan);
    this.port.postMessage({ kind: 'plan', id, today: this.today, plan: wire.plan, lists: wire.lists, answer });
    return id;
  }

  /** Ask for the preview of one export of `plan` (sent first if it is new); answers to older asks are dropped. */
  requestExport(plan: Plan, format: FormatId, options: RenderOptions, planKnown: boolean): void {
    const key = optionsKey(format, options);
    this.lastExport = { format, options };
    const planId = this.send(plan, !planKnown);
    const last = this.exportSent;
    if (last && last.planId === planId && last.key === key) return;
    const id = this.nextId++;
    this.exportSent = { id, planId, plan, key };
    this.port.postMessage({ kind: 'export', id, planId, format, options });
  }

  /**
   * Ask again for the export last asked for, of this new plan (nothing if none was asked for yet):
   * once the Export view has been opened, its preview is made in the worker with every edit, so
   * that coming back to Export finds it ready.
   */
  refreshExport(plan: Plan, planKnown: boolean): void {
    if (this.lastExport) this.requestExport(plan, this.lastExport.format, this.lastExport.options, planKnown);
  }

  /** The latest export preview taken (perhaps of an older plan or other options: compare plan and key). */
  latestPreview(): PreviewAnswer | undefined {
    return this.preview;
  }

  /** Whether the worker still owes the rule set of the plan last sent. */
  get pending(): boolean {
    return this.sent !== undefined && this.waiting.has(this.sent.id);
  }

  receive(answer: WorkerAnswer): void {
    switch (answer.kind) {
      case 'expanded': {
        // read every rule set, dropped or not: the worker counts on this side holding its lists
        const started = now();
        let newEntries = 0;
        let newLists = 0;
        let byOrigin = 0;
        for (const slot of answer.lists) {
          if (typeof slot === 'number') continue;
          newLists++;
          if (Array.isArray(slot[1])) newEntries += slot[1].length;
          else byOrigin++;
        }
        const plan = this.waiting.get(answer.id);
        if (plan === undefined) {
          // every rule set answers a plan sent with answer: true, which is waiting until then
          this.fail(`the expansion worker answered plan ${answer.id}, which was not asked for`);
          return;
        }
        // lists of the plan cross as where they come from: read from the plan this answers
        const ruleSet = decodeRuleSet(answer.ruleSet, answer.lists, this.ruleSetLists, plan);
        // the worker answers in order and never an older plan after a newer one
        for (const id of this.waiting.keys()) if (id <= answer.id) this.waiting.delete(id);
        if (this.sent?.id !== answer.id) {
          this.stats.dropped++;
          return;
        }
        this.stats.expanded++;
        this.stats.last = { workerMs: answer.ms, decodeMs: now() - started, newLists, newEntries, byOrigin };
        this.take({ plan, ruleSet });
        break;
      }
      case 'exported': {
        const asked = this.exportSent;
        if (!asked || asked.id !== answer.id) {
          this.stats.dropped++;
          return;
        }
        this.stats.previews++;
        this.preview = { plan: asked.plan, key: asked.key, preview: answer.preview };
        break;
      }
      case 'failed':
        this.failure = `the expansion worker failed (${answer.request} ${answer.id}): ${answer.message}`;
        break;
      default: {
        const never: never = answer;
        return never;
      }
    }
    this.notify();
  }

  /** The worker could not start or died: from now on the page works everything out itself. */
  fail(reason: string): void {
    this.failure = reason;
    this.notify();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    for (const l of this.listeners) l();
  }
}
