import { useState } from 'react';
import { catalogRule, type Finding, type Severity } from '../../engine/index.ts';
import { useRuleSet } from '../../store/selectors.ts';
import { useStore } from '../../store/store.ts';
import { count, plural } from '../common/format.ts';
import { NextStep } from '../shell/NextStep.tsx';
import { findingTarget, targetLabel } from './findingTarget.ts';
import './findings.css';

const SEVERITIES: { id: Severity; title: string; intro: string }[] = [
  { id: 'error', title: 'Errors', intro: 'Fix these: the plan cannot make a usable rule set.' },
  { id: 'warning', title: 'Warnings', intro: 'Check these before you hand the rules on.' },
  { id: 'note', title: 'Notes', intro: 'Good to know: skipped rows, merges and overrides.' },
];

const ICON: Record<Severity, string> = { error: '✖', warning: '▲', note: 'ℹ' };

function FindingItem({ finding }: { finding: Finding }) {
  const focus = useStore((s) => s.focus);
  const target = findingTarget(finding);
  const rule = finding.ruleId === undefined ? undefined : catalogRule(finding.ruleId);
  return (
    <li className={`finding finding-${finding.severity}`}>
      <span className="finding-icon" aria-hidden="true">{ICON[finding.severity]}</span>
      <span className="finding-text">
        {rule && (
          <span className="finding-rule">
            {rule.service} · {rule.source} → {rule.destination}
          </span>
        )}
        {finding.message}
        {finding.path && <code className="finding-path">{finding.path}</code>}
      </span>
      {target && (
        <button type="button" className="button button-small" onClick={() => focus(target)}>
          Go to {targetLabel(target)}
        </button>
      )}
    </li>
  );
}

export function FindingsPanel() {
  const { ruleSet } = useRuleSet();
  const [showNotes, setShowNotes] = useState(false);
  const by = (s: Severity) => ruleSet.findings.filter((f) => f.severity === s);
  const errors = by('error').length;
  const warnings = by('warning').length;
  return (
    <div className="panel findings-panel">
      <div className="panel-head">
        <h2>4. Findings</h2>
        <p className="panel-intro">
          What the engine noticed about the plan: {plural(errors, 'error')}, {plural(warnings, 'warning')}, {plural(by('note').length, 'note')}. Each one links to the
          field it concerns.
        </p>
      </div>
      {errors === 0 && warnings === 0 && (
        <p className="callout callout-ok">No errors or warnings. {ruleSet.rules.length > 0 ? 'The plan is ready to export.' : ''}</p>
      )}
      {SEVERITIES.map(({ id, title, intro }) => {
        const list = by(id);
        if (list.length === 0) return null;
        const hidden = id === 'note' && !showNotes;
        return (
          <section key={id} className={`card findings-group findings-${id}`} aria-labelledby={`findings-${id}`}>
            <header className="findings-head">
              <h3 id={`findings-${id}`}>
                {title} <span className="count-pill">{count(list.length)}</span>
              </h3>
              <span className="muted">{intro}</span>
              {id === 'note' && (
                <button type="button" className="button button-small" aria-expanded={showNotes} onClick={() => setShowNotes(!showNotes)}>
                  {showNotes ? 'Hide notes' : 'Show notes'}
                </button>
              )}
            </header>
            {!hidden && (
              <ul className="findings-list">
                {list.map((f, i) => (
                  <FindingItem key={`${f.code}-${f.path ?? ''}-${f.ruleId ?? ''}-${i}`} finding={f} />
                ))}
              </ul>
            )}
          </section>
        );
      })}
      <NextStep to="export" label="Next: export" />
    </div>
  );
}
