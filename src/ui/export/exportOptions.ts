import {
  RENDERERS,
  isFormatId,
  type DeltaResult,
  type FormatId,
  type Plan,
  type PlanNodeRef,
  type RenderOptions,
  type RuleSet,
  type Scope,
} from '../../engine/index.ts';
import type { ExportOptions } from '../../store/slices/exportSlice.ts';
import type { Comparison } from '../../store/slices/rulesTableSlice.ts';

/** The Export view's options as the engine takes them for one format (what it does not take is left out). */
export function renderOptions(options: ExportOptions, scope: Scope, format: FormatId): RenderOptions {
  const r = RENDERERS[format].options;
  return {
    scope,
    defaultDrop: options.defaultDrop,
    ipset: options.ipset && r.ipset,
    egress: options.egress,
    ...(r.placement && options.from.trim() !== '' ? { from: options.from.trim() } : {}),
    ...(r.placement && options.to.trim() !== '' ? { to: options.to.trim() } : {}),
    ...(r.deviceGroup && options.deviceGroup !== '' ? { deviceGroup: options.deviceGroup } : {}),
  };
}

/** The node the options name, or the first node when the saved one is gone from the plan. */
export function chosenNode(nodes: readonly PlanNodeRef[], options: ExportOptions): PlanNodeRef | undefined {
  return nodes.find((n) => n.name === options.hostNode) ?? nodes[0];
}

export function scopeOf(nodes: readonly PlanNodeRef[], options: ExportOptions): Scope {
  const node = chosenNode(nodes, options);
  return options.scope === 'host' && node ? { kind: 'host', node: node.name } : { kind: 'gateway' };
}

/**
 * The delta downloads the Export view offers: none without a baseline ("Compare with…" in the
 * rules table); with one, the chosen format's delta if it has one, then its companion's if that
 * has one too (the ipset delta beside an iptables delta with ipsets, loaded before it).
 */
export function deltaDownloads(baseline: Comparison | null, options: ExportOptions): FormatId[] {
  if (!baseline) return [];
  const format = options.format;
  if (!RENDERERS[format].delta) return [];
  const companion = RENDERERS[format].companion?.(renderOptions(options, { kind: 'gateway' }, format));
  return companion !== undefined && isFormatId(companion) && RENDERERS[companion].delta ? [format, companion] : [format];
}

/**
 * What turns a firewall loaded with the baseline's export into one loaded with the plan's, in
 * `format`, both made with the view's options (scope from the plan's nodes). Refused with a
 * message when either plan cannot be exported or the exports differ where the delta cannot reach.
 * The delta code (src/engine/delta.ts) is loaded here, on the first delta asked for: the page's
 * first load does not carry it.
 */
export async function exportDelta(baseline: Comparison, baselineRuleSet: RuleSet, plan: Plan, ruleSet: RuleSet, options: ExportOptions, format: FormatId): Promise<DeltaResult> {
  const { deltaExport } = await import('../../engine/delta.ts');
  const opts = renderOptions(options, scopeOf(ruleSet.nodes, options), format);
  return deltaExport(baseline.plan, plan, format, opts, { old: baselineRuleSet, new: ruleSet });
}
