import type { AddressEntry, Entry, FormatId, RenderOptions } from '../../engine/index.ts';
import type { ExportPreview } from './exportPreview.ts';
import type { ListOrigin, ListSlot, WirePlan, WireRuleSet } from './wire.ts';

/**
 * The messages between the page (./client.ts) and the expansion worker (./host.ts). Ids grow;
 * the worker reads every message in order, works only on the latest plan and export, and never
 * answers one that a newer one has replaced.
 */

/** The plan as it is now; `answer`: send its rule set back (false when the page already has it). */
export interface PlanRequest {
  readonly kind: 'plan';
  readonly id: number;
  /** YYYY-MM-DD, for expiries */
  readonly today: string;
  readonly plan: WirePlan;
  readonly lists: readonly ListSlot<Entry, string>[];
  readonly answer: boolean;
}

/** The preview of one export of plan `planId` (the latest plan sent). */
export interface ExportRequest {
  readonly kind: 'export';
  readonly id: number;
  readonly planId: number;
  readonly format: FormatId;
  readonly options: RenderOptions;
}

export type WorkerRequest = PlanRequest | ExportRequest;

export type WorkerAnswer =
  | {
      readonly kind: 'expanded';
      /** the PlanRequest answered */
      readonly id: number;
      readonly ruleSet: WireRuleSet;
      readonly lists: readonly ListSlot<AddressEntry, ListOrigin>[];
      /** how long the expansion took in the worker */
      readonly ms: number;
    }
  | { readonly kind: 'exported'; readonly id: number; readonly planId: number; readonly preview: ExportPreview; readonly ms: number }
  /** the engine threw: a bug, said as such; the page then works this plan out itself */
  | { readonly kind: 'failed'; readonly id: number; readonly request: WorkerRequest['kind']; readonly message: string };
