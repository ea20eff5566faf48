import { useMemo, useState } from 'react';
import { exportPlan, type ExportResult, type FormatId, type Plan, type RuleSet } from '../../engine/index.ts';
import { ruleSetOf, useRuleSet } from '../../store/selectors.ts';
import type { ExportOptions } from '../../store/slices/exportSlice.ts';
import { useStore } from '../../store/store.ts';
import { copyText } from '../common/clipboard.ts';
import { downloadText } from '../common/download.ts';
import { bytes, count, plural } from '../common/format.ts';
import { ExportOptionsForm } from './ExportOptionsForm.tsx';
import { checkCommand, usesIpsetOption } from './exportHints.ts';
import './export.css';

/** The preview shows this much; the download always has everything. */
const PREVIEW_MAX = 200_000;

function render(plan: Plan, ruleSet: RuleSet, options: ExportOptions, hostAddress: string | undefined, format: FormatId = options.format): ExportResult {
  const scope = options.scope === 'host' && hostAddress !== undefined ? { kind: 'host' as const, address: hostAddress } : { kind: 'gateway' as const };
  return exportPlan(plan, format, { scope, defaultDrop: options.defaultDrop, ipset: options.ipset && usesIpsetOption(format), egress: options.egress }, ruleSet);
}

export function ExportPanel() {
  const { plan, ruleSet } = useRuleSet();
  const options = useStore((s) => s.exportOptions);
  const setExportOptions = useStore((s) => s.setExportOptions);
  const focus = useStore((s) => s.focus);
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');

  const nodes = ruleSet.nodes;
  // a saved node that is no longer in the plan falls back to the first node
  // one node, or a dual-stack node's "IPv4,IPv6" pair: every part must still be a node of the plan
  const isNode = (a: string) => nodes.some((n) => n.network.display === a);
  const chosen = options.hostAddress.split(',');
  const hostAddress = options.hostAddress !== '' && chosen.every(isNode) ? options.hostAddress : nodes[0]?.network.display;
  const scope = nodes.length === 0 ? 'gateway' : options.scope;
  const effective = useMemo<ExportOptions>(() => ({ ...options, scope }), [options, scope]);
  const result = useMemo(() => render(plan, ruleSet, effective, hostAddress), [plan, ruleSet, effective, hostAddress]);
  const size = useMemo(() => (result.ok ? new Blob([result.text]).size : 0), [result]);
  const errors = ruleSet.findings.filter((f) => f.severity === 'error');

  // the preview may trail the plan by a moment (it is deferred); a download is always made from the plan as it is now
  const current = (): ExportResult => {
    const now = useStore.getState().plan;
    return now === plan ? result : render(now, ruleSetOf(now), effective, hostAddress);
  };

  const onDownload = () => {
    const r = current();
    if (r.ok) downloadText(r.text, r.fileName, r.mediaType);
  };
  // an iptables export that matches through ipsets needs its companion file
  const needsIpsetFile = effective.ipset && usesIpsetOption(effective.format);
  const onDownloadIpset = () => {
    const now = useStore.getState().plan;
    const r = render(now, ruleSetOf(now), effective, hostAddress, 'ipset');
    if (r.ok) downloadText(r.text, r.fileName, r.mediaType);
  };
  const onCopy = async () => {
    const r = current();
    if (!r.ok) return;
    setCopied((await copyText(r.text)) ? 'copied' : 'failed');
    window.setTimeout(() => setCopied('idle'), 2500);
  };

  return (
    <div className="panel export-panel">
      <div className="panel-head">
        <h2>5. Export</h2>
        <p className="panel-intro">Pick a format and where it runs; the preview follows every change. Download the file, or copy it.</p>
      </div>
      {errors.length > 0 && (
        <div className="callout callout-error" role="alert">
          <p>
            {errors.map((e) => e.message).join(' ')}{' '}
            {errors.some((e) => e.code === 'no-primary') && (
              <button type="button" className="link-button" onClick={() => focus({ kind: 'role', role: 'PRD' })}>
                Enter the PRD address
              </button>
            )}
          </p>
        </div>
      )}
      <div className="export-layout">
        <ExportOptionsForm options={effective} nodes={nodes} hostAddress={hostAddress} onChange={setExportOptions} />
        <section className="card export-output" aria-label="Export preview">
          {result.ok ? (
            <>
              <div className="export-actions app-chrome">
                <div className="export-file">
                  <span className="file-name" data-testid="export-file-name">{result.fileName}</span>
                  <span className="muted">
                    {plural(result.ruleCount, 'rule')} · {bytes(size)}
                  </span>
                </div>
                <button type="button" className="button button-primary" onClick={onDownload}>
                  Download {result.fileName}
                </button>
                {needsIpsetFile && (
                  <button type="button" className="button" onClick={onDownloadIpset}>
                    Download the ipset file
                  </button>
                )}
                <button type="button" className="button" onClick={() => void onCopy()}>
                  {copied === 'copied' ? 'Copied' : copied === 'failed' ? 'Copy failed' : 'Copy'}
                </button>
              </div>
              {checkCommand(effective.format, result.fileName) && (
                <p className="check-hint">
                  Check it before applying: <code>{checkCommand(effective.format, result.fileName)}</code>
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
            <p className="callout callout-error" role="alert">{result.message}</p>
          )}
        </section>
      </div>
    </div>
  );
}
