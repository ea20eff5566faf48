import { useEffect, useRef, useState } from 'react';
import { portSpan, type CatalogRule } from '../../engine/index.ts';
import { useStore } from '../../store/store.ts';
import { ruleName } from './RuleRow.tsx';

/** One port (1–65535) or a range "5000-5100"; empty means the article's port. */
export function parsePort(text: string): number | string | undefined | 'invalid' {
  const t = text.trim().replace(/\s*[-–:]\s*/, '-');
  if (t === '') return undefined;
  const span = portSpan(/^\d{1,5}$/.test(t) ? Number(t) : t);
  if (!span) return 'invalid';
  return span.from === span.to ? span.from : `${span.from}-${span.to}`;
}

/** The rule's port: empty means the article's value; anything else overrides it. */
export function PortInput({ rule }: { rule: CatalogRule }) {
  const override = useStore((s) => s.plan.ports[rule.id]);
  const setPortOverride = useStore((s) => s.setPortOverride);
  const focusTarget = useStore((s) => s.focusTarget);
  const clearFocus = useStore((s) => s.clearFocus);
  const planText = override === undefined ? '' : String(override);
  // what the user is typing; an invalid value stays here (with its error) and never reaches the plan
  const [draft, setDraft] = useState(planText);
  const [shownPlanText, setShownPlanText] = useState(planText);
  const ref = useRef<HTMLInputElement>(null);
  if (shownPlanText !== planText) {
    // the plan changed underneath (undo, import): show what it holds now
    setShownPlanText(planText);
    setDraft(planText);
  }
  const parsed = parsePort(draft);

  useEffect(() => {
    if (focusTarget?.kind !== 'port' || focusTarget.ruleId !== rule.id) return;
    ref.current?.scrollIntoView({ block: 'center' });
    ref.current?.focus();
    clearFocus();
  }, [focusTarget, rule.id, clearFocus]);

  return (
    <div className="port-field">
      <input
        ref={ref}
        className={`port-input${parsed === 'invalid' ? ' invalid' : ''}${override !== undefined ? ' overridden' : ''}`}
        inputMode="text"
        value={draft}
        placeholder={String(rule.port)}
        aria-label={`Port for ${ruleName(rule)} (article: ${rule.port})`}
        aria-invalid={parsed === 'invalid'}
        onChange={(e) => {
          const text = e.target.value;
          setDraft(text);
          const p = parsePort(text);
          if (p !== 'invalid') {
            setShownPlanText(p === undefined || p === rule.port ? '' : String(p));
            setPortOverride(rule.id, p);
          }
        }}
      />
      {parsed === 'invalid' ? (
        <span className="port-note status-error" role="alert">1–65535 or a range 5000-5100</span>
      ) : override !== undefined ? (
        <span className="port-note">
          article: {rule.port}{' '}
          <button type="button" className="link-button" aria-label={`Reset port for ${ruleName(rule)}`} onClick={() => setPortOverride(rule.id, undefined)}>
            reset
          </button>
        </span>
      ) : (
        <span className="port-note muted">article’s</span>
      )}
    </div>
  );
}
