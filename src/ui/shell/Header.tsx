import { useEffect, useRef } from 'react';
import { LIMITS } from '../../engine/index.ts';
import { useStore } from '../../store/store.ts';
import { PlanIoToolbar } from '../plan-io/PlanIoToolbar.tsx';

function PlanName() {
  const name = useStore((s) => s.plan.name ?? '');
  const setPlanName = useStore((s) => s.setPlanName);
  const focusTarget = useStore((s) => s.focusTarget);
  const clearFocus = useStore((s) => s.clearFocus);
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (focusTarget?.kind !== 'name') return;
    ref.current?.focus();
    clearFocus();
  }, [focusTarget, clearFocus]);
  return (
    <label className="plan-name">
      <span className="plan-name-label">Plan</span>
      <input ref={ref} value={name} maxLength={LIMITS.nameLength} aria-label="Plan name" placeholder="Name this plan" onChange={(e) => setPlanName(e.target.value)} />
    </label>
  );
}

export function Header() {
  return (
    <header className="app-header app-chrome">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">fw</span>
        <div className="brand-text">
          <h1 className="brand-name">fwplan</h1>
          <span className="brand-sub">senhasegura firewall planner</span>
        </div>
      </div>
      <PlanName />
      <PlanIoToolbar />
    </header>
  );
}
