import { useState, type DragEvent } from 'react';
import type { Plan, RuleSet, Scope } from '../../engine/index.ts';
import { count } from '../common/format.ts';
import { useAudit } from './useAudit.ts';

/** A ruleset file larger than this is refused before it is read. */
const MAX_FILE = 64 * 1024 * 1024;

interface Read {
  readonly files: readonly { name: string; text: string }[];
  readonly errors: readonly string[];
}

async function readFiles(list: FileList | null): Promise<Read> {
  const files: { name: string; text: string }[] = [];
  const errors: string[] = [];
  for (const f of list ? [...list] : []) {
    if (f.size > MAX_FILE) errors.push(`${f.name}: larger than 64 MB`);
    else files.push({ name: f.name, text: await f.text() });
  }
  return { files, errors };
}

/**
 * "Audit a loaded ruleset": iptables-save, ip6tables-save, ipset save or nft -j list ruleset output,
 * dropped here or picked, read in the browser (nothing is sent anywhere) and audited against the
 * plan as the Export view scopes it.
 */
export function AuditPanel({ plan, ruleSet, scope, scopeText }: { plan: Plan; ruleSet: RuleSet; scope: Scope; scopeText: string }) {
  const [read, setRead] = useState<Read | undefined>();
  const [over, setOver] = useState(false);
  const { view, busy } = useAudit(plan, ruleSet, scope, read && read.errors.length === 0 ? read.files : undefined);
  const take = (list: FileList | null) => void readFiles(list).then(setRead);
  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setOver(false);
    take(e.dataTransfer.files);
  };
  const errors = read?.errors.length ? read.errors : view && !view.ok ? view.errors : [];
  return (
    <div className="audit-panel" data-testid="audit-panel">
      <div
        className={`audit-drop${over ? ' audit-drop-over' : ''}`}
        data-audit-drop=""
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <p>
          Drop the output of <code>iptables-save</code>, <code>ip6tables-save</code>, <code>ipset save</code> and <code>nft -j list ruleset</code> from the {scopeText} here (one file of each kind at most), or{' '}
          <label className="audit-pick">
            pick the files
            <input type="file" multiple aria-label="Ruleset files to audit" onChange={(e) => take(e.currentTarget.files)} />
          </label>
          . They are read in this browser only.
        </p>
      </div>
      {errors.length > 0 && (
        <div className="callout callout-error" role="alert" data-testid="audit-errors">
          <ul>
            {errors.slice(0, 20).map((m, i) => (
              <li key={i}>{m}</li>
            ))}
          </ul>
        </div>
      )}
      {busy && (
        <p className="muted" role="status" data-testid="audit-busy">
          Auditing {read ? count(read.files.length) : ''} file{read?.files.length === 1 ? '' : 's'} against the plan…
        </p>
      )}
      {view && view.ok && (
        <div className="audit-result" data-testid="audit-result" aria-busy={busy}>
          <p className={view.clean ? 'callout' : 'callout callout-warn'} role="status">
            {view.summary} <span className="muted">({view.scope}, against {view.sources})</span>
          </p>
          <table className="audit-table" aria-label="Planned flows">
            <caption>Planned flows</caption>
            <thead>
              <tr>
                <th scope="col">Status</th>
                <th scope="col">Rule</th>
                <th scope="col">Service</th>
                <th scope="col">Source</th>
                <th scope="col">Destination</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {view.flows.slice(0, 500).map((f) => (
                <tr key={f.key} className={`audit-${f.status}`}>
                  <td>{f.status}</td>
                  <td>{f.ruleId}</td>
                  <td>{f.service}</td>
                  <td>{f.source}</td>
                  <td>{f.destination}</td>
                  <td>{f.why ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {view.flows.length > 500 && <p className="muted">The first 500 of {count(view.flows.length)} flows are shown (blocked and unknown first); the command line's --json lists them all.</p>}
          <table className="audit-table" aria-label="Allowed beyond the plan">
            <caption>Allowed beyond the plan</caption>
            <thead>
              <tr>
                <th scope="col">Service</th>
                <th scope="col">Source</th>
                <th scope="col">Destination</th>
                <th scope="col">Accepted by</th>
              </tr>
            </thead>
            <tbody>
              {view.beyond.length === 0 && (
                <tr>
                  <td colSpan={4}>Nothing: between the plan&apos;s addresses the ruleset allows only planned flows.</td>
                </tr>
              )}
              {view.beyond.slice(0, 500).map((b) => (
                <tr key={b.key}>
                  <td>{b.service}</td>
                  <td>{b.source}</td>
                  <td>{b.destination}</td>
                  <td>
                    {b.acceptedBy}
                    {b.antiLockout && <span className="muted"> (anti-lockout: kept by fwplan host exports)</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {view.unevaluated.length > 0 && (
            <>
              <h4>Could not be evaluated</h4>
              <ul>
                {view.unevaluated.map((u, i) => (
                  <li key={i}>{u}</li>
                ))}
              </ul>
            </>
          )}
          {view.notes.length > 0 && (
            <details>
              <summary>Notes ({view.notes.length})</summary>
              <ul>
                {view.notes.map((n, i) => (
                  <li key={i}>{n}</li>
                ))}
              </ul>
            </details>
          )}
        </div>
      )}
    </div>
  );
}
