import { useDeferredValue, useMemo, useState, type JSX } from 'react';
import { catalogRule, lintChangeRequest, type ChangeRequest, type Plan, type RuleSet } from '../../engine/index.ts';
import { renderSheetMarkdown } from '../../sheet/markdown.ts';
import {
  buildRequest,
  buildSheetContent,
  isoDate,
  sheetFileName,
  suggestions,
  type Baseline,
  type Enforcement,
  type PlanFacts,
  type Sheet,
} from '../../sheet/model.ts';
import { ChangeRequestForm, type RuleNoteRow } from './ChangeRequestForm.tsx';
import { sheetDocument } from './sheetDocument.tsx';
import { SheetView } from './SheetView.tsx';
import { downloadText } from '../common/download.ts';
import './ChangeRequestPanel.css';

/**
 * The "Change request" view: the fields a change board asks for (stored in plan.changeRequest
 * through onChange), and the sheet itself, which is what gets printed. Print CSS hides everything
 * on the page but the sheet.
 */
export function ChangeRequestPanel(props: { plan: Plan; ruleSet: RuleSet; enforcement: Enforcement; baseline?: Baseline; onChange: (cr: ChangeRequest) => void }): JSX.Element {
  const { plan, ruleSet, enforcement, baseline, onChange } = props;
  const [date] = useState(() => isoDate(new Date()));
  const { name, cluster, nodes, roles, userGroups, deviceGroups, disabled, enabled, ports } = plan;
  const type = plan.changeRequest?.type ?? 'new';
  const category = plan.changeRequest?.category;
  const ruleNotes = plan.changeRequest?.ruleNotes;

  // the parts decided by objects and rules are rebuilt only when those change, not on every keystroke
  const facts = useMemo<PlanFacts>(
    () => ({ name, cluster, nodes, roles, userGroups, deviceGroups, disabled, enabled, ports, ...(ruleNotes ? { ruleNotes } : {}) }),
    [name, cluster, nodes, roles, userGroups, deviceGroups, disabled, enabled, ports, ruleNotes],
  );
  const content = useMemo(() => buildSheetContent(facts, ruleSet, enforcement, type, baseline), [facts, ruleSet, enforcement, type, baseline]);
  const suggested = useMemo(
    () => suggestions(facts, ruleSet, enforcement, type, { today: date, ...(category ? { category } : {}), ...(content.delta ? { delta: content.delta } : {}) }),
    [facts, ruleSet, enforcement, type, date, category, content.delta],
  );
  const cr = plan.changeRequest ?? {};
  const problems = useMemo(() => {
    const out: Record<string, string> = {};
    for (const f of lintChangeRequest({ changeRequest: plan.changeRequest }, date)) if (f.path && out[f.path] === undefined) out[f.path] = f.message;
    return out;
  }, [plan.changeRequest, date]);
  const rules = useMemo<RuleNoteRow[]>(() => {
    const seen = new Map<string, RuleNoteRow>();
    for (const r of ruleSet.rules) {
      if (!seen.has(r.ruleId)) seen.set(r.ruleId, { id: r.ruleId, service: catalogRule(r.ruleId)?.service ?? r.service, purpose: r.purpose });
    }
    return [...seen.values()];
  }, [ruleSet]);

  // the form follows every keystroke; the sheet may lag behind on a very large plan
  const deferredCr = useDeferredValue(plan.changeRequest);
  const sheet: Sheet = useMemo(() => ({ ...content, date, request: buildRequest(deferredCr, suggested) }), [content, date, deferredCr, suggested]);
  const current = (): Sheet => ({ ...content, date, request: buildRequest(plan.changeRequest, suggested) });

  return (
    <div className="crp">
      <div className="crp-controls">
        <div className="crp-toolbar" role="toolbar" aria-label="Change request sheet">
          <button type="button" className="crp-primary" onClick={() => window.print()}>
            Print
          </button>
          <button
            type="button"
            onClick={() => {
              const s = current();
              downloadText(sheetDocument(s), sheetFileName(s, 'html'), 'text/html');
            }}
          >
            Download PDF-ready HTML
          </button>
          <button
            type="button"
            onClick={() => {
              const s = current();
              downloadText(renderSheetMarkdown(s), sheetFileName(s, 'md'), 'text/markdown');
            }}
          >
            Download Markdown
          </button>
        </div>
        <p className="crp-hint crp-print-hint">
          Print on A4 or Letter, or choose “Save as PDF” in the print dialog. Turn the dialog’s “Headers and footers” option off: the sheet prints its
          own header (plan, change ID, date) and page numbers. The HTML download prints the same way from any browser; the Markdown is for ticket
          systems.
        </p>
        {type !== 'new' && !baseline && (
          <p className="crp-hint crp-problem" role="note">
            A {type === 'modify' ? 'Modify' : 'Remove'} change prints the rules to add and to remove once you compare the plan with the one loaded now:
            Review rules → “Compare with a plan file…”.
          </p>
        )}
        <ChangeRequestForm cr={cr} suggested={suggested} onChange={onChange} rules={rules} problems={problems} />
      </div>
      <div className="crp-preview" role="region" aria-label="Sheet preview">
        <SheetView sheet={sheet} />
      </div>
    </div>
  );
}
