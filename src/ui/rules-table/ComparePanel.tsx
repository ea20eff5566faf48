import { useRef } from 'react';
import { readPlanFile } from '../../store/planFile.ts';
import { planAtOpen } from '../../store/store.ts';
import { useStore } from '../../store/store.ts';
import { count } from '../common/format.ts';
import type { PlanDiff } from '../../engine/index.ts';

/**
 * "Compare with…": a saved plan file, or the plan as it was when this page opened (the autosave
 * it started from), becomes the baseline; the table then shows what the change adds, removes and
 * keeps, and a Modify or Remove change request prints it.
 */
export function ComparePanel({ diff }: { diff: PlanDiff | undefined }) {
  const baseline = useStore((s) => s.baseline);
  const setBaseline = useStore((s) => s.setBaseline);
  const setLoadFailure = useStore((s) => s.setLoadFailure);
  const inputRef = useRef<HTMLInputElement>(null);
  const opened = planAtOpen();
  return (
    <section className="card compare-card app-chrome" aria-label="Compare with another plan">
      {baseline && diff ? (
        <p className="compare-status" role="status">
          Comparing with <strong>{baseline.source}</strong>: <span className="change-chip change-added">{count(diff.added.length)} flows added</span>{' '}
          <span className="change-chip change-removed">{count(diff.removed.length)} removed</span>{' '}
          <span className="change-chip change-unchanged">{count(diff.unchanged.length)} unchanged</span>{' '}
          <button type="button" className="button button-small" onClick={() => setBaseline(null)}>
            Stop comparing
          </button>
        </p>
      ) : (
        <p className="compare-status">See what a change does before it is made: compare this plan with the one loaded now.</p>
      )}
      <div className="compare-actions">
        <button type="button" className="button" onClick={() => inputRef.current?.click()}>
          Compare with a plan file…
        </button>
        {opened && (
          <button type="button" className="button" onClick={() => setBaseline({ plan: opened, source: 'the plan as it was when this page opened' })}>
            Compare with the plan when this page opened
          </button>
        )}
        <input
          ref={inputRef}
          type="file"
          accept=".json,application/json"
          className="visually-hidden"
          aria-label="Plan file to compare with"
          tabIndex={-1}
          onChange={async (e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (!file) return;
            const parsed = await readPlanFile(file);
            if (!parsed.ok) {
              setLoadFailure({ source: file.name, errors: parsed.errors });
              return;
            }
            setBaseline({ plan: parsed.plan, source: file.name });
          }}
        />
      </div>
    </section>
  );
}
