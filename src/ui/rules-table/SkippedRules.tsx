import { catalogRule, type SkippedRule, type SkipReason } from '../../engine/index.ts';
import { useStore } from '../../store/store.ts';
import type { FocusTarget } from '../../store/slices/uiSlice.ts';
import { count } from '../common/format.ts';

function reasonLabel(reason: SkipReason): string {
  switch (reason.kind) {
    case 'disabled':
      return 'switched off';
    case 'optional-off':
      return 'optional, off';
    case 'cluster-off':
      return 'cluster mode off';
    case 'role-empty':
      return `${reason.role} empty`;
    case 'no-group':
      return `no ${reason.role === 'USERW' ? 'user' : 'device'} group lists it`;
    case 'single-node':
      return 'one node only';
    case 'expired':
      return `expired ${reason.on}`;
    case 'no-common-family':
      return 'no common family';
    default: {
      const never: never = reason;
      return never;
    }
  }
}

function targetOf(skip: SkippedRule): FocusTarget {
  const r = skip.reason;
  if (r.kind === 'role-empty' || r.kind === 'no-group') {
    if (r.role === 'USERW' || r.role === 'DVC') return { kind: 'group', role: r.role, index: 0, ...(r.kind === 'no-group' ? { field: 'services' as const } : {}) };
    return { kind: 'role', role: r.role };
  }
  if (r.kind === 'cluster-off') return { kind: 'cluster' };
  return { kind: 'rule', ruleId: skip.ruleId };
}

/** Catalog rows that make no rule, each with its reason: nothing vanishes silently. */
export function SkippedRules({ skipped }: { skipped: readonly SkippedRule[] }) {
  const focus = useStore((s) => s.focus);
  if (skipped.length === 0) return null;
  return (
    <details className="card skipped" open={skipped.length <= 12}>
      <summary>
        <h3 className="inline-heading">Skipped catalog rows ({count(skipped.length)})</h3>
      </summary>
      <table className="skipped-table">
        <thead>
          <tr>
            <th scope="col">Rule</th>
            <th scope="col">Why</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {skipped.map((s) => (
            <tr key={s.ruleId} data-skipped={s.ruleId}>
              <td className="nowrap">{catalogRule(s.ruleId)?.service ?? s.ruleId} <span className="muted">{catalogRule(s.ruleId) ? `${catalogRule(s.ruleId)?.source} → ${catalogRule(s.ruleId)?.destination}` : ''}</span></td>
              <td className="nowrap">
                <button type="button" className="link-button" onClick={() => focus(targetOf(s))}>{reasonLabel(s.reason)}</button>
              </td>
              <td>{s.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
