import { Suspense, lazy, useMemo, useState } from 'react';
import {
  RENDERERS,
  exportPlan,
  exportFileName,
  exportPlanChunks,
  isFormatId,
  nodeFamilies,
  verifyScript,
  type FormatId,
  type Plan,
  type RuleSet,
} from '../../engine/index.ts';
import { PREVIEW_CHARS } from '../../store/expansion/exportPreview.ts';
import { useExportPreview } from '../../store/exportPreview.ts';
import { ruleSetOf, usePlan, useRuleSet } from '../../store/selectors.ts';
import type { ExportOptions } from '../../store/slices/exportSlice.ts';
import { useStore } from '../../store/store.ts';
import { copyText } from '../common/clipboard.ts';
import { downloadText } from '../common/download.ts';
import { bytes, count, plural } from '../common/format.ts';
import { ExportOptionsForm } from './ExportOptionsForm.tsx';
import { PreviewText } from './PreviewText.tsx';
import { chosenNode, deltaDownloads, exportDelta, renderOptions, scopeOf } from './exportOptions.ts';
import './export.css';

// the audit brings the ruleset readers and the evaluator: loaded when it is first opened
const AuditPanel = lazy(() => import('./AuditPanel.tsx').then((m) => ({ default: m.AuditPanel })));

/** Save the export of the plan as it is now (a preview may trail it by a moment), in pieces. */
function download(plan: Plan, ruleSet: RuleSet, options: ExportOptions, format: FormatId): void {
  const scope = scopeOf(ruleSet.nodes, options);
  const r = exportPlanChunks(plan, format, renderOptions(options, scope, format), ruleSet);
  if (r.ok) downloadText(r.chunks, r.fileName, r.mediaType);
}

export function ExportPanel() {
  const plan = usePlan();
  const { ruleSet } = useRuleSet();
  const options = useStore((s) => s.exportOptions);
  const setExportOptions = useStore((s) => s.setExportOptions);
  const setView = useStore((s) => s.setView);
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  const [auditOpen, setAuditOpen] = useState(false);
  const baseline = useStore((s) => s.baseline);
  /** the last delta download: what it changed, or why there is none */
  const [deltaNote, setDeltaNote] = useState<{ format: FormatId; ok: boolean; text: string } | null>(null);

  const nodes = ruleSet.nodes;
  const node = chosenNode(nodes, options);
  const effective = useMemo<ExportOptions>(() => ({ ...options, scope: nodes.length === 0 ? 'gateway' : options.scope }), [options, nodes.length]);
  const scope = scopeOf(nodes, effective);
  // made in the expansion worker: only the file's beginning reaches the page
  const { preview: result, stale } = useExportPreview(effective.format, renderOptions(effective, scope, effective.format));
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
  const onDownloadDelta = async (format: FormatId) => {
    if (!baseline) return;
    const n = now();
    const r = await exportDelta(baseline, ruleSetOf(baseline.plan), n.plan, n.ruleSet, effective, format);
    if (!r.ok) {
      setDeltaNote({ format, ok: false, text: `No ${format} delta from ${baseline.source}: ${r.message}` });
      return;
    }
    downloadText(r.text, r.fileName, r.mediaType);
    const then = r.afterwards.length > 0 ? ` Once the rule deltas are loaded: ${r.afterwards.join('; ')}` : '';
    setDeltaNote({ format, ok: true, text: `${r.fileName}: ${r.added} ${format === 'ipset' ? 'set elements' : 'rules'} added, ${r.removed} removed since ${baseline.source}.${then}` });
  };
  const deltas = deltaDownloads(baseline, effective);
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
  const checkCommand = result?.ok ? renderer.checkCommand?.(result.fileName) : undefined;

  return (
    <div className="panel export-panel">
      <div className="panel-head">
        <h2>5. Export</h2>
        <p className="panel-intro">Pick a format and where it runs; the preview follows every change. Download the file, or copy it.</p>
      </div>
      <div className="export-layout">
        <ExportOptionsForm options={effective} nodes={nodes} hostNode={node?.name} deviceGroups={plan.deviceGroups.map((g) => g.name)} onChange={setExportOptions} />
        <section className="card export-output" aria-label="Export preview" aria-busy={stale}>
          {result === undefined ? (
            <p className="muted" role="status">Preparing the preview…</p>
          ) : result.ok ? (
            <>
              <div className="export-actions app-chrome">
                <div className="export-file">
                  <span className="file-name" data-testid={stale ? 'export-file-name-stale' : 'export-file-name'}>{result.fileName}</span>
                  <span className="muted">
                    {plural(result.ruleCount, renderer.countMeaning.replace(/ \(.*\)$/, ''), renderer.countMeaning.replace(/ \(.*\)$/, ''))} · {bytes(result.bytes)}
                    {stale && ' · updating…'}
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
                {deltas.map((f) => (
                  <button key={f} type="button" className="button" data-testid={`export-delta-${f}`} onClick={() => void onDownloadDelta(f)} title={RENDERERS[f].delta?.description}>
                    Download the {f} delta from {baseline?.source}
                  </button>
                ))}
              </div>
              {deltaNote && deltas.includes(deltaNote.format) && (
                <p className={deltaNote.ok ? 'callout' : 'callout callout-warn'} role="status" data-testid="export-delta-note">
                  {deltaNote.text}
                </p>
              )}
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
              <PreviewText text={result.head} label={`Preview of ${result.fileName}`} fresh={!stale} />
              {result.length > result.head.length && (
                <p className="callout callout-warn">
                  The preview shows the first {count(PREVIEW_CHARS)} of {count(result.length)} characters. Download or Copy takes the whole file.
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
      <section className="card export-audit" aria-label="Audit a loaded ruleset">
        <button type="button" className="button" aria-expanded={auditOpen} onClick={() => setAuditOpen(!auditOpen)}>
          Audit a loaded ruleset…
        </button>
        <span className="muted"> does what a firewall has loaded allow the planned flows, and anything more?</span>
        {auditOpen &&
          (ruleSet.hasErrors ? (
            <p className="callout callout-error">No audit while the plan has errors: fix them first.</p>
          ) : (
            <Suspense fallback={<p className="muted">Loading the audit…</p>}>
              <AuditPanel plan={plan} ruleSet={ruleSet} scope={scope} scopeText={scope.kind === 'gateway' ? 'gateway' : `node ${scope.node}`} />
            </Suspense>
          ))}
      </section>
    </div>
  );
}
