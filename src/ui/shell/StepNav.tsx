import type { ReactNode } from 'react';
import { planEntryCount } from '../../store/planStatus.ts';
import { useRuleSet } from '../../store/selectors.ts';
import type { ViewId } from '../../store/slices/uiSlice.ts';
import { useStore } from '../../store/store.ts';
import { count } from '../common/format.ts';
import { HistoryButtons, SaveState } from './HistoryButtons.tsx';

function Step({ id, label, number, extra }: { id: ViewId; label: string; number?: number; extra?: ReactNode }) {
  const view = useStore((s) => s.view);
  const setView = useStore((s) => s.setView);
  const current = view === id;
  return (
    <button type="button" className={current ? 'step current' : 'step'} aria-current={current ? 'step' : undefined} onClick={() => setView(id)}>
      {number !== undefined && <span className="step-number">{number}</span>}
      <span className="step-label">{label}</span>
      {extra}
    </button>
  );
}

export function StepNav() {
  const { plan, ruleSet } = useRuleSet();
  const entries = planEntryCount(plan);
  const errors = ruleSet.findings.filter((f) => f.severity === 'error').length;
  const warnings = ruleSet.findings.filter((f) => f.severity === 'warning').length;
  return (
    <nav className="step-nav app-chrome" aria-label="Steps">
      <Step id="addresses" number={1} label="Addresses" extra={<span className="step-meta">{count(entries)}</span>} />
      <Step id="services" number={2} label="Services" />
      <Step id="rules" number={3} label="Review rules" extra={<span className="step-meta">{count(ruleSet.rules.length)}</span>} />
      <Step
        id="findings"
        number={4}
        label="Findings"
        extra={
          <>
            {errors > 0 && <span className="step-pill pill-error" title="errors">{errors}</span>}
            {warnings > 0 && <span className="step-pill pill-warn" title="warnings">{warnings}</span>}
          </>
        }
      />
      <Step id="export" number={5} label="Export" />
      <Step id="change-request" label="Change request" />
      <div className="nav-tools">
        <SaveState />
        <HistoryButtons />
      </div>
    </nav>
  );
}
