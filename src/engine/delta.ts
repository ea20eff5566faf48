/**
 * Delta exports: what turns a firewall loaded with OLD's export into one loaded with NEW's.
 * Both plans are exported with the same format and options, and the format's delta compares the
 * two rendered files (it knows exactly what OLD's export loaded). Formats say in their renderer
 * whether they have a delta (Renderer.delta) and hold its logic beside their renderer.
 */
import { expandPlan } from './expand.ts';
import { exportPlan, type ExportRefusal } from './export.ts';
import type { Plan } from './model/plan.ts';
import type { Finding, RuleSet } from './model/rules.ts';
import { exportFileName } from './render/common.ts';
import { deltaFirewalld } from './render/firewalld-delta.ts';
import { deltaIpset } from './render/ipset-delta.ts';
import { deltaIptables } from './render/iptables-delta.ts';
import { deltaNftables } from './render/nftables-delta.ts';
import { DELTA_FORMATS, rendererOf, type FormatId } from './render/registry.ts';
import type { DeltaDiff, RenderOptions } from './render/types.ts';
import { deltaUfw } from './render/ufw-delta.ts';

export type DeltaResult =
  | {
      ok: true;
      text: string;
      fileName: string;
      mediaType: string;
      /** rules (ipset: set elements) the delta adds and removes; both 0 when nothing changed */
      added: number;
      removed: number;
      /** commands to run after every rule delta of the change is loaded (ipset: destroy unused sets) */
      afterwards: readonly string[];
      /** NEW's export findings (what the admin must know about the new state) */
      findings: readonly Finding[];
    }
  | (ExportRefusal & { readonly side?: 'old' | 'new' });

export { DELTA_FORMATS };

/** Each delta format's comparison, beside the renderer's declaration of it (Renderer.delta). */
export const DELTA_DIFFS: Partial<Record<FormatId, DeltaDiff>> = {
  iptables: deltaIptables(4),
  ip6tables: deltaIptables(6),
  nftables: deltaNftables,
  ufw: deltaUfw,
  firewalld: deltaFirewalld,
  ipset: deltaIpset,
};

function sameScope(a: RenderOptions['scope'], b: RenderOptions['scope']): boolean {
  return a.kind === b.kind && (a.kind === 'gateway' || (b.kind === 'host' && a.node === b.node));
}

/**
 * OLD plan → NEW plan, one format. `options` make NEW's export; OLD's export was made with the
 * same options unless `oldOptions` says otherwise. Refused when the format has no delta, when
 * either plan cannot be exported (errors, a scope one of them lacks), when the options differ in
 * scope or ipsets, or when the two exports differ where the format's delta cannot safely reach
 * (a chain's policy, the rules outside fwplan's own chains: --default-drop or --egress on one
 * side only, for most formats): then NEW's full export is the way.
 */
export function deltaExport(
  oldPlan: Plan,
  newPlan: Plan,
  format: FormatId,
  options: RenderOptions,
  more: { old?: RuleSet; new?: RuleSet; oldOptions?: RenderOptions } = {},
): DeltaResult {
  const renderer = rendererOf(format);
  const delta = renderer.delta;
  const diff = DELTA_DIFFS[format];
  if (!delta || !diff) {
    return { ok: false, errors: [], message: `${format} has no delta export (formats with one: ${DELTA_FORMATS.join(', ')})` };
  }
  const oldOptions = more.oldOptions ?? options;
  if (!sameScope(oldOptions.scope, options.scope)) {
    return { ok: false, errors: [], message: 'OLD and NEW exports are of different scopes: a delta changes one firewall; load NEW\'s full export there' };
  }
  if ((oldOptions.ipset === true) !== (options.ipset === true)) {
    return { ok: false, errors: [], message: '--ipset on one side only: the rules change from address chains to sets as a whole; load NEW\'s full export (and its ipset file)' };
  }
  const before = exportPlan(oldPlan, format, oldOptions, more.old ?? expandPlan(oldPlan));
  if (!before.ok) return { ...before, side: 'old', message: `OLD plan: ${before.message}` };
  const after = exportPlan(newPlan, format, options, more.new ?? expandPlan(newPlan));
  if (!after.ok) return { ...after, side: 'new', message: `NEW plan: ${after.message}` };
  const fileName = exportFileName(newPlan.name, options.scope, delta.suffix);
  const out = diff({
    old: before.text,
    new: after.text,
    oldPlan: oldPlan.name ?? '(unnamed)',
    newPlan: newPlan.name ?? '(unnamed)',
    options,
    fileName,
  });
  if (!out.ok) return { ok: false, errors: [], message: `no ${format} delta: ${out.message}` };
  return {
    ok: true,
    text: out.text,
    fileName,
    mediaType: delta.mediaType,
    added: out.added,
    removed: out.removed,
    afterwards: out.afterwards,
    findings: after.findings,
  };
}
