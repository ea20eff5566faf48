import { Suspense, lazy, useMemo } from 'react';
import { ruleSetOf, usePlan } from '../../store/selectors.ts';
import { useStore } from '../../store/store.ts';

// the change-request sheet is a larger, separate piece: it loads when the view is first opened
const ChangeRequestPanel = lazy(() => import('../change-request/ChangeRequestPanel.tsx').then((m) => ({ default: m.ChangeRequestPanel })));

export function ChangeRequestView() {
  // the sheet's fields are controlled by the plan: they get the plan as it is now, never a deferred one
  const plan = usePlan();
  const ruleSet = ruleSetOf(plan);
  const setChangeRequest = useStore((s) => s.setChangeRequest);
  const comparison = useStore((s) => s.baseline);
  const baseline = useMemo(() => (comparison ? { ruleSet: ruleSetOf(comparison.plan), source: comparison.source } : undefined), [comparison]);
  // the sheet says where and how the change is applied: as the Export view is set
  const options = useStore((s) => s.exportOptions);
  const node = ruleSet.nodes.find((n) => n.name === options.hostNode) ?? ruleSet.nodes[0];
  const enforcement = useMemo(
    () => ({
      scope: options.scope === 'host' && node ? ({ kind: 'host', node: node.name } as const) : ({ kind: 'gateway' } as const),
      defaultDrop: options.defaultDrop,
      egress: options.egress,
    }),
    [options.scope, options.defaultDrop, options.egress, node],
  );
  return (
    <div className="panel change-request-view">
      <Suspense fallback={<p className="muted">Loading the change-request sheet…</p>}>
        <ChangeRequestPanel plan={plan} ruleSet={ruleSet} enforcement={enforcement} {...(baseline ? { baseline } : {})} onChange={(cr) => setChangeRequest(cr)} />
      </Suspense>
    </div>
  );
}
