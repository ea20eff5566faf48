import { useState } from 'react';
import { catalogRule, type Finding, type Severity } from '../../engine/index.ts';
import { useRuleSet } from '../../store/selectors.ts';
import { useStore } from '../../store/store.ts';
import { count, plural } from '../common/format.ts';
import { NextStep } from '../shell/NextStep.tsx';
import { findingTarget, targetLabel } from './findingTarget.ts';
import { parseRoleTextCached } from '../../store/roleParseCache.ts';
import { replaceToken } from '../../store/roleText.ts';
import type { FocusTarget } from '../../store/slices/uiSlice.ts';
import './findings.css';

const SEVERITIES: { id: Severity; title: string; intro: string }[] = [
  { id: 'error', title: 'Errors', intro: 'Fix these: the plan cannot make a usable rule set.' },
  { id: 'warning', title: 'Warnings', intro: 'Check these before you hand the rules on.' },
  { id: 'note', title: 'Notes', intro: 'Good to know: skipped rows and overrides.' },
];

const ICON: Record<Severity, string> = { error: '✖', warning: '▲', note: 'ℹ' };

/** Put `replacement` in place of the entry a target points at, in its text box (a fix the user picked). */
function replaceEntry(target: FocusTarget, replacement: string): void {
  const s = useStore.getState();
  if (target.kind === 'role' && target.entryIndex !== undefined) {
    const text = s.roleText[target.role] ?? '';
    const token = parseRoleTextCached(target.role, text).tokens[target.entryIndex];
    if (token) s.setRoleText(target.role, replaceToken(text, token, replacement));
  } else if (target.kind === 'group' && target.entryIndex !== undefined) {
    const text = s.groupText[target.role][target.index] ?? '';
    const token = parseRoleTextCached(`${target.role}:${target.index}`, text).tokens[target.entryIndex];
    if (token) s.setGroupText(target.role, target.index, replaceToken(text, token, replacement));
  }
}

function FindingItem({ finding }: { finding: Finding }) {
  const focus = useStore((s) => s.focus);
  const plan = useStore((s) => s.plan);
  const roleText = useStore((s) => s.roleText);
  const target = findingTarget(finding, plan, roleText);
  const fixable = target && (target.kind === 'role' || target.kind === 'group') && target.entryIndex !== undefined ? target : undefined;
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
      {fixable &&
        finding.choices?.map((choice) => (
          <button key={choice} type="button" className="button button-small" onClick={() => replaceEntry(fixable, choice)}>
            Use {choice}
          </button>
        ))}
      {target && (
        <button type="button" className="button button-small" onClick={() => focus(target)}>
          Go to {targetLabel(target, plan)}
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
