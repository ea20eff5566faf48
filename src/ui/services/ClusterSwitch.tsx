import { useEffect, useRef } from 'react';
import { usePlan } from '../../store/selectors.ts';
import { useStore } from '../../store/store.ts';
import { plural } from '../common/format.ts';

export function ClusterSwitch() {
  const plan = usePlan();
  const setCluster = useStore((s) => s.setCluster);
  const focusTarget = useStore((s) => s.focusTarget);
  const clearFocus = useStore((s) => s.clearFocus);
  const ref = useRef<HTMLInputElement>(null);
  const members = plan.nodes.filter((n) => n.role === 'MBR').length;

  useEffect(() => {
    if (focusTarget?.kind !== 'cluster') return;
    ref.current?.scrollIntoView({ block: 'center' });
    ref.current?.focus();
    clearFocus();
  }, [focusTarget, clearFocus]);

  return (
    <section className="card cluster-card" aria-label="Cluster mode">
      <label className="switch">
        <input ref={ref} type="checkbox" role="switch" checked={plan.cluster} onChange={(e) => setCluster(e.target.checked)} />
        <span className="switch-track" aria-hidden="true" />
        <span className="switch-label">Cluster mode</span>
      </label>
      <p className="cluster-text">
        {plan.cluster
          ? `On: the cluster nodes are PRD and MBR (${plural(members, 'member')}). Every PRD rule holds for each node, and the cluster section holds between every pair of nodes.`
          : 'Off: a single senhasegura node. MBR and the cluster section are ignored.'}
      </p>
    </section>
  );
}
