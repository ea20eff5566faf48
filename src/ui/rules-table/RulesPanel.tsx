import { useMemo } from 'react';
import { diffRuleSets } from '../../engine/index.ts';
import { ruleSetOf, useRuleSet } from '../../store/selectors.ts';
import { useStore } from '../../store/store.ts';
import { count } from '../common/format.ts';
import { NextStep } from '../shell/NextStep.tsx';
import { ComparePanel } from './ComparePanel.tsx';
import { MAX_PAIR_ROWS, diffRows, pairRows, ruleRows } from './rows.ts';
import { RulesTable } from './RulesTable.tsx';
import { RulesToolbar } from './RulesToolbar.tsx';
import { SkippedRules } from './SkippedRules.tsx';
import './rules-table.css';

export function RulesPanel() {
  const { ruleSet, stale } = useRuleSet();
  const state = useStore((s) => s.rulesTable);
  const setRulesTable = useStore((s) => s.setRulesTable);
  const focus = useStore((s) => s.focus);
  const baseline = useStore((s) => s.baseline);
  const diff = useMemo(() => (baseline ? diffRuleSets(ruleSetOf(baseline.plan), ruleSet) : undefined), [baseline, ruleSet]);
  const byRule = useMemo(() => ruleRows(ruleSet), [ruleSet]);
  const byPair = useMemo(() => (state.rowMode === 'pairs' && !diff ? pairRows(ruleSet) : undefined), [ruleSet, state.rowMode, diff]);
  const byDiff = useMemo(() => (diff ? diffRows(diff, state.rowMode) : undefined), [diff, state.rowMode]);
  const totalPairs = useMemo(() => byRule.reduce((n, r) => n + r.pairs, 0), [byRule]);
  const rows = byDiff ? byDiff.rows : byPair ? byPair.rows : byRule;
  const truncated = byDiff?.truncated ?? byPair?.truncated ?? false;

  return (
    <div className="panel rules-panel" aria-busy={stale}>
      <div className="panel-head">
        <h2>3. Rules</h2>
        <p className="panel-intro">
          Every rule the plan makes: {count(ruleSet.rules.length)} rules covering {count(totalPairs)} address pairs. One rule is one catalog row for one address family;
          with cluster mode on, the PRD side stands for every node (CLUSTER).
        </p>
      </div>
      <ComparePanel diff={diff} />
      {ruleSet.rules.length === 0 && !diff ? (
        <div className="callout">
          <p>No rule yet. {ruleSet.findings.some((f) => f.code === 'no-primary') ? 'Every rule involves the primary node: enter the PRD address first.' : 'Every rule is switched off or needs an empty role.'}</p>
          <button type="button" className="button button-primary" onClick={() => focus({ kind: 'role', role: 'PRD' })}>
            Enter the PRD address
          </button>
        </div>
      ) : (
        <>
          <RulesToolbar state={state} onChange={setRulesTable} comparing={diff !== undefined} />
          {truncated && <p className="callout callout-warn">The pair view stops at {count(MAX_PAIR_ROWS)} pairs; the CSV export has all of them.</p>}
          <RulesTable
            rows={rows}
            state={state}
            comparing={diff !== undefined}
            unit={state.rowMode === 'pairs' ? 'address pairs' : diff ? 'rule changes' : 'rules'}
            onSortingChange={(sorting) => setRulesTable({ sorting })}
          />
        </>
      )}
      <SkippedRules skipped={ruleSet.skipped} />
      <NextStep to="findings" label="Next: check the findings" />
    </div>
  );
}
