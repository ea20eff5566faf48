import { useMemo, useState } from 'react';
import {
  RENDERERS,
  exportPlan,
  exportFileName,
  exportPlanChunks,
  isFormatId,
  nodeFamilies,
  verifyScript,
  type ExportResult,
  type FormatId,
  type Plan,
  type PlanNodeRef,
  type RenderOptions,
  type RuleSet,
  type Scope,
} from '../../engine/index.ts';
import { ruleSetOf, useRuleSet } from '../../store/selectors.ts';
import type { ExportOptions } from '../../store/slices/exportSlice.ts';
import { useStore } from '../../store/store.ts';
import { copyText } from '../common/clipboard.ts';
import { downloadText } from '../common/download.ts';
import { bytes, count, plural } from '../common/format.ts';
import { ExportOptionsForm } from './ExportOptionsForm.tsx';
import './export.css';

/** The preview shows this much; the download always has everything. */
const PREVIEW_MAX = 200_000;

function renderOptions(options: ExportOptions, scope: Scope, format: FormatId): RenderOptions {
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
function chosenNode(nodes: readonly PlanNodeRef[], options: ExportOptions): PlanNodeRef | undefined {
  return nodes.find((n) => n.name === options.hostNode) ?? nodes[0];
}

function scopeOf(nodes: readonly PlanNodeRef[], options: ExportOptions): Scope {
  const node = chosenNode(nodes, options);
  return options.scope === 'host' && node ? { kind: 'host', node: node.name } : { kind: 'gateway' };
}

/** Save the export of the plan as it is now (a preview may trail it by a moment), in pieces. */
function download(plan: Plan, ruleSet: RuleSet, options: ExportOptions, format: FormatId): void {
  const scope = scopeOf(ruleSet.nodes, options);
  const r = exportPlanChunks(plan, format, renderOptions(options, scope, format), ruleSet);
  if (r.ok) downloadText(r.chunks, r.fileName, r.mediaType);
}

export function ExportPanel() {
  const { plan, ruleSet } = useRuleSet();
  const options = useStore((s) => s.exportOptions);
  const setExportOptions = useStore((s) => s.setExportOptions);
  const setView = useStore((s) => s.setView);
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');

  const nodes = ruleSet.nodes;
  const node = chosenNode(nodes, options);
  const effective = useMemo<ExportOptions>(() => ({ ...options, scope: nodes.length === 0 ? 'gateway' : options.scope }), [options, nodes.length]);
  const scope = scopeOf(nodes, effective);
  const result: ExportResult = useMemo(() => exportPlan(plan, effective.format, renderOptions(effective, scope, effective.format), ruleSet), [plan, ruleSet, effective, scope]);
  const size = useMemo(() => (result.ok ? new Blob([result.text]).size : 0), [result]);
  const renderer = RENDERERS[effective.format];

  const now = () => {
    const current = useStore.getState().plan;
    return { plan: current, ruleSet: ruleSetOf(current) };
  };
  const onDownload = (format: FormatId = effective.format) => {
    const n = now();
    download(n.plan, n.ruleSet, effective, format);
  };
  const onDownloadChecks = () => {
    const n = now();
    const s = scopeOf(n.ruleSet.nodes, effective);
    const r = verifyScript(n.plan, s, n.ruleSet);
    if (r.ok) downloadText(r.text, exportFileName(n.plan.name, s, '-verify.sh'), 'text/x-shellscript');
  };
  const onCopy = async () => {
    const n = now();
    const r = exportPlan(n.plan, effective.format, renderOptions(effective, scopeOf(n.ruleSet.nodes, effective), effective.format), n.ruleSet);
    if (!r.ok) return;
    setCopied((await copyText(r.text)) ? 'copied' : 'failed');
    window.setTimeout(() => setCopied('idle'), 2500);
  };

  const companion = renderer.companion?.(renderOptions(effective, scope, effective.format));
  // a host export of one family for a dual-stack node: the other family's file is needed too
  const otherFamily: FormatId | undefined =
    effective.scope === 'host' && node && nodeFamilies(node).length === 2 && renderer.families.length === 1
      ? ([effective.format === 'iptables' ? 'ip6tables' : 'iptables'] as const).find((f) => isFormatId(f))
      : undefined;
  const checkCommand = result.ok ? renderer.checkCommand?.(result.fileName) : undefined;

  return (
    <div className="panel export-panel">
      <div className="panel-head">
        <h2>5. Export</h2>
        <p className="panel-intro">Pick a format and where it runs; the preview follows every change. Download the file, or copy it.</p>
      </div>
      <div className="export-layout">
        <ExportOptionsForm options={effective} nodes={nodes} hostNode={node?.name} deviceGroups={plan.deviceGroups.map((g) => g.name)} onChange={setExportOptions} />
        <section className="card export-output" aria-label="Export preview">
          {result.ok ? (
            <>
              <div className="export-actions app-chrome">
                <div className="export-file">
                  <span className="file-name" data-testid="export-file-name">{result.fileName}</span>
                  <span className="muted">
                    {plural(result.ruleCount, renderer.countMeaning.replace(/ \(.*\)$/, ''), renderer.countMeaning.replace(/ \(.*\)$/, ''))} · {bytes(size)}
                  </span>
                </div>
                <button type="button" className="button button-primary" onClick={() => onDownload()}>
                  Download {result.fileName}
                </button>
                {companion && isFormatId(companion) && (
                  <button type="button" className="button" onClick={() => onDownload(companion)}>
                    Download the {companion} file
                  </button>
                )}
                {otherFamily && (
                  <button type="button" className="button" onClick={() => onDownload(otherFamily)}>
                    Download the {otherFamily} file too
                  </button>
                )}
                <button type="button" className="button" onClick={() => void onCopy()}>
                  {copied === 'copied' ? 'Copied' : copied === 'failed' ? 'Copy failed' : 'Copy'}
                </button>
                <button type="button" className="button" onClick={onDownloadChecks}>
                  Download the nc check script
                </button>
              </div>
              {checkCommand && (
                <p className="check-hint">
                  Check it before applying: <code>{checkCommand}</code>
                </p>
              )}
              {result.findings.length > 0 && (
                <ul className="export-findings">
                  {result.findings.map((f, i) => (
                    <li key={i} className={`finding-${f.severity}`}>{f.message}</li>
                  ))}
                </ul>
              )}
              <pre className="preview" tabIndex={0} role="region" aria-label={`Preview of ${result.fileName}`} data-testid="export-preview">
                {result.text.length > PREVIEW_MAX ? result.text.slice(0, PREVIEW_MAX) : result.text}
              </pre>
              {result.text.length > PREVIEW_MAX && (
                <p className="callout callout-warn">
                  The preview shows the first {count(PREVIEW_MAX)} of {count(result.text.length)} characters. Download or Copy takes the whole file.
                </p>
              )}
            </>
          ) : (
            <div className="callout callout-error" role="alert" data-testid="export-refused">
              <p>{result.errors.length > 0 ? `No export while the plan has ${plural(result.errors.length, 'error')}: fix ${result.errors.length === 1 ? 'it' : 'them'} first.` : result.message}</p>
              {result.errors.length > 0 && (
                <>
                  <ul>
                    {result.errors.slice(0, 10).map((e, i) => (
                      <li key={i}>
                        {e.path && <code>{e.path}</code>} {e.message}
                      </li>
                    ))}
                    {result.errors.length > 10 && <li>… and {count(result.errors.length - 10)} more</li>}
                  </ul>
                  <button type="button" className="button" onClick={() => setView('findings')}>
                    Show the findings
                  </button>
                </>
              )}
            </div>
          )}
        </section>
      </div>
    </div>
  );
}
