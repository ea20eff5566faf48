import { memo, useEffect, useRef } from 'react';
import { isRuleOn, type CatalogRule } from '../../engine/index.ts';
import { useStore } from '../../store/store.ts';
import { PortInput } from './PortInput.tsx';

export function ruleName(rule: CatalogRule): string {
  return `${rule.service} from ${rule.source} to ${rule.destination}`;
}

/**
 * One catalog row. It reads only its own switch from the plan (and is memoised on its rule), so
 * switching one service re-renders one row, not the view's sixty.
 */
export const RuleRow = memo(function RuleRow({ rule }: { rule: CatalogRule }) {
  const on = useStore((s) => isRuleOn(s.plan, rule));
  const setRuleOn = useStore((s) => s.setRuleOn);
  const focusTarget = useStore((s) => s.focusTarget);
  const clearFocus = useStore((s) => s.clearFocus);
  const toggleRef = useRef<HTMLInputElement>(null);
  const rowRef = useRef<HTMLTableRowElement>(null);

  useEffect(() => {
    if (focusTarget?.kind !== 'rule' || focusTarget.ruleId !== rule.id) return;
    rowRef.current?.scrollIntoView({ block: 'center' });
    toggleRef.current?.focus();
    clearFocus();
  }, [focusTarget, rule.id, clearFocus]);

  return (
    <tr ref={rowRef} id={`rule-${rule.id}`} className={on ? 'rule-on' : 'rule-off'}>
      <td className="col-on">
        <input ref={toggleRef} type="checkbox" checked={on} aria-label={ruleName(rule)} onChange={(e) => setRuleOn(rule.id, e.target.checked)} />
      </td>
      <td>
        <span className="service-name">{rule.service}</span>
        <span className="badges">
          {rule.nonStandard && <span className="badge badge-warn" title={rule.nonStandard}>non-standard port</span>}
          {rule.cleartext && <span className="badge badge-danger" title={rule.cleartext}>cleartext</span>}
          {rule.origin === 'newer-vendor-docs' && <span className="badge badge-info" title="From newer vendor documentation; off unless you switch it on">newer vendor docs</span>}
          {rule.origin === 'vendor-docs' && <span className="badge badge-info" title={rule.cite ? `${rule.cite.title} (${rule.cite.path})` : 'vendor documentation'}>vendor docs, not the article</span>}
        </span>
      </td>
      <td className="nowrap">
        <span className="role-chip">{rule.source}</span> → <span className="role-chip">{rule.destination}</span>
      </td>
      <td className="purpose">
        {rule.purpose}
        {rule.label !== rule.purpose && <span className="muted"> · article: {rule.label}</span>}
        {rule.nonStandard && <span className="fine-print">{rule.nonStandard}</span>}
        {rule.cleartext && <span className="fine-print">{rule.cleartext}</span>}
        {rule.ambiguity && <span className="fine-print">Open question: {rule.ambiguity}</span>}
        {rule.cite && <span className="fine-print">Source: {rule.cite.title} — {rule.cite.path}</span>}
      </td>
      <td className="col-port">
        <PortInput rule={rule} />
      </td>
    </tr>
  );
});
