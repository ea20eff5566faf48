import { useEffect, useMemo } from 'react';
import type { FormatId, RenderOptions } from '../engine/index.ts';
import { optionsKey } from './expansion/client.ts';
import { exportPreview, type ExportPreview } from './expansion/exportPreview.ts';
import { rememberedFor, usePlan, useRuleSet, workerClient } from './selectors.ts';

// Apart from selectors.ts: the in-page fallback renders the export, and with it every renderer,
// which the page's first download must not carry (only the lazily loaded Export view uses this).

/**
 * The preview of one export of the current plan: made in the worker (only the file's beginning
 * reaches the page), or here without one. Until the worker answers, the previous preview is given,
 * marked stale (undefined before the first).
 */
export function useExportPreview(format: FormatId, options: RenderOptions): { preview: ExportPreview | undefined; stale: boolean } {
  const { plan, ruleSet, stale } = useRuleSet();
  const current = usePlan();
  const key = optionsKey(format, options);
  const worker = workerClient();
  useEffect(() => {
    worker?.requestExport(current, format, options, rememberedFor(current) !== undefined);
    // options are compared by their key: the caller makes a new object on every render
  }, [worker, current, key]);
  const local = useMemo(
    () => (worker ? undefined : exportPreview(plan, ruleSet, format, options)),
    [worker, plan, ruleSet, key],
  );
  if (!worker) return { preview: local, stale };
  const answer = worker.latestPreview();
  return { preview: answer?.preview, stale: !(answer && answer.plan === current && answer.key === key) };
}

