import { useId, type JSX } from 'react';
import { LIMITS, type ChangeRequest } from '../../engine/index.ts';
import {
  CHANGE_CATEGORIES,
  CHANGE_TYPES,
  PRIORITIES,
  RISK_RATINGS,
  STATUSES,
  type ChangeCategory,
  type ChangeType,
  type Priority,
  type RiskRating,
  type Status,
  type Suggestions,
  type TextField,
} from '../../sheet/model.ts';

type LineField = 'changeId' | 'title' | 'requesterName' | 'requesterTeam' | 'requesterContact' | 'windowStart' | 'windowEnd' | 'expiry' | 'reviewDate';

const MAX_APPROVERS = 20;

const TEXT_LABELS: Record<TextField, { label: string; hint: string }> = {
  justification: { label: 'Business justification', hint: 'Why the change is needed.' },
  notImplementing: { label: 'Effect of not implementing', hint: 'What happens if the change is not made.' },
  enforcementPoints: { label: 'Affected enforcement points', hint: 'Which firewalls or hosts the change touches.' },
  risk: { label: 'Risk and impact', hint: 'What could go wrong, and who is affected.' },
  implementation: { label: 'Implementation plan', hint: 'Which export, on which device, in which order.' },
  verification: { label: 'Verification plan', hint: 'How you prove it works; the sheet adds the commands.' },
  backout: { label: 'Back-out plan', hint: 'How to return to the state before the change.' },
};

/** Remove empty values, so the plan file carries only what the user wrote. */
function clean(cr: ChangeRequest): ChangeRequest {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(cr)) {
    if (value === undefined || value === '') continue;
    out[key] = value;
  }
  return out as ChangeRequest;
}

function LineInput(props: {
  field: LineField;
  label: string;
  cr: ChangeRequest;
  set: (field: LineField, value: string) => void;
  placeholder?: string;
  hint?: string;
  max?: number;
  autoComplete?: string;
  /** a problem the engine found with the value (a date that is not one) */
  problem?: string;
}): JSX.Element {
  const id = useId();
  const hintId = `${id}-hint`;
  return (
    <div className="crp-field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        type="text"
        value={props.cr[props.field] ?? ''}
        maxLength={props.max ?? LIMITS.nameLength}
        placeholder={props.placeholder}
        autoComplete={props.autoComplete ?? 'off'}
        aria-describedby={props.hint || props.problem ? hintId : undefined}
        aria-invalid={props.problem !== undefined}
        onChange={(event) => props.set(props.field, event.target.value)}
      />
      {(props.hint || props.problem) && (
        <p className={props.problem ? 'crp-hint crp-problem' : 'crp-hint'} id={hintId} role={props.problem ? 'alert' : undefined}>
          {props.problem ?? props.hint}
        </p>
      )}
    </div>
  );
}

/** A select of a fixed vocabulary; empty means "as suggested". */
function Choice<K extends string>(props: { label: string; value: K | undefined; options: Record<K, string>; suggested: K; note?: string; onChange: (value: K | undefined) => void }): JSX.Element {
  const id = useId();
  return (
    <div className="crp-field">
      <label htmlFor={id}>{props.label}</label>
      <select id={id} value={props.value ?? ''} onChange={(event) => props.onChange(event.target.value === '' ? undefined : (event.target.value as K))}>
        <option value="">Suggested: {props.options[props.suggested]}</option>
        {(Object.keys(props.options) as K[]).map((k) => (
          <option key={k} value={k}>
            {props.options[k]}
          </option>
        ))}
      </select>
      {props.note && <p className="crp-hint">{props.note}</p>}
    </div>
  );
}

export interface RuleNoteRow {
  readonly id: string;
  readonly service: string;
  readonly purpose: string;
}

/** Per rule: the business need (the vendor's reason unless written), its owner, an expiry. */
function RuleNotes(props: { cr: ChangeRequest; rules: readonly RuleNoteRow[]; onChange: (cr: ChangeRequest) => void; problems: Readonly<Record<string, string>> }): JSX.Element {
  const notes = props.cr.ruleNotes ?? {};
  const set = (id: string, patch: { need?: string; owner?: string; expires?: string }) => {
    const merged = { ...notes[id], ...patch };
    const cleaned = Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined && v !== '')) as typeof merged;
    const next = { ...notes };
    if (Object.keys(cleaned).length === 0) delete next[id];
    else next[id] = cleaned;
    props.onChange(clean({ ...props.cr, ruleNotes: Object.keys(next).length > 0 ? next : undefined }));
  };
  return (
    <details className="crp-fieldset crp-rule-notes">
      <summary>Business need, owner and expiry per rule ({props.rules.length})</summary>
      <p className="crp-hint">Left empty, the need is the vendor’s reason. An expired rule is left out of every export, with a finding.</p>
      <table className="crp-approvers">
        <thead>
          <tr>
            <th scope="col">Rule</th>
            <th scope="col">Business need</th>
            <th scope="col">Owner</th>
            <th scope="col">Expires</th>
          </tr>
        </thead>
        <tbody>
          {props.rules.map((r) => {
            const note = notes[r.id] ?? {};
            const problem = props.problems[r.id];
            return (
              <tr key={r.id}>
                <th scope="row">
                  <span className="crp-rule-id">{r.id}</span> {r.service}
                </th>
                <td>
                  <input type="text" aria-label={`Business need of ${r.id}`} value={note.need ?? ''} placeholder={r.purpose} maxLength={LIMITS.textLength} onChange={(e) => set(r.id, { need: e.target.value })} />
                </td>
                <td>
                  <input type="text" aria-label={`Owner of ${r.id}`} value={note.owner ?? ''} maxLength={LIMITS.nameLength} onChange={(e) => set(r.id, { owner: e.target.value })} />
                </td>
                <td>
                  <input type="date" aria-label={`Expiry of ${r.id}`} aria-invalid={problem !== undefined} value={note.expires ?? ''} onChange={(e) => set(r.id, { expires: e.target.value })} />
                  {problem && <span className="crp-problem" role="alert">{problem}</span>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </details>
  );
}

/** Enough rows for the text (long lines wrap at about 60 characters), between 3 and 12. */
function rowsFor(value: string): number {
  if (value.trim() === '') return 3;
  const lines = value.split('\n').reduce((sum, line) => sum + Math.max(1, Math.ceil(line.length / 60)), 0);
  return Math.min(12, Math.max(3, lines + 1));
}

function TextArea(props: { field: TextField; cr: ChangeRequest; suggested: string; set: (field: TextField, value: string) => void }): JSX.Element {
  const id = useId();
  const { label, hint } = TEXT_LABELS[props.field];
  const value = props.cr[props.field] ?? '';
  return (
    <div className="crp-field crp-wide">
      <div className="crp-label-row">
        <label htmlFor={id}>{label}</label>
        {value.trim() === '' && (
          <button type="button" className="crp-link" onClick={() => props.set(props.field, props.suggested)}>
            Edit the suggestion
          </button>
        )}
      </div>
      <textarea
        id={id}
        value={value}
        rows={rowsFor(value)}
        maxLength={LIMITS.textLength}
        placeholder={props.suggested}
        aria-describedby={`${id}-hint`}
        onChange={(event) => props.set(props.field, event.target.value)}
      />
      <p className="crp-hint" id={`${id}-hint`}>
        {hint} {value.trim() === '' ? 'Left empty, the sheet prints the suggestion shown.' : ''}
      </p>
    </div>
  );
}

function Approvers(props: { cr: ChangeRequest; suggested: Suggestions; onChange: (cr: ChangeRequest) => void }): JSX.Element {
  const own = props.cr.approvers;
  const list = own && own.length > 0 ? own : props.suggested.approvers;
  const baseId = useId();
  const commit = (next: { role: string; name?: string }[]) => {
    const approvers = next.map((a) => (a.name ? { role: a.role, name: a.name } : { role: a.role }));
    props.onChange(clean({ ...props.cr, approvers: approvers.length > 0 ? approvers : undefined }));
  };
  const edit = (i: number, patch: { role?: string; name?: string }) => commit(list.map((a, j) => (j === i ? { ...a, ...patch } : a)));
  return (
    <fieldset className="crp-fieldset">
      <legend>Approvers</legend>
      <p className="crp-hint">Each approver gets a box with name, signature and date on the sheet.</p>
      <table className="crp-approvers">
        <thead>
          <tr>
            <th scope="col">Role</th>
            <th scope="col">Name</th>
            <th scope="col">
              <span className="crp-sr">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {list.map((a, i) => (
            <tr key={i}>
              <td>
                <input
                  type="text"
                  id={`${baseId}-role-${i}`}
                  aria-label={`Approver ${i + 1}: role`}
                  value={a.role}
                  maxLength={LIMITS.nameLength}
                  onChange={(event) => edit(i, { role: event.target.value })}
                />
              </td>
              <td>
                <input
                  type="text"
                  aria-label={`Approver ${i + 1}: name`}
                  value={a.name ?? ''}
                  maxLength={LIMITS.nameLength}
                  placeholder={a.role.trim().toLowerCase() === 'requester' && props.cr.requesterName ? props.cr.requesterName : 'signs on paper'}
                  onChange={(event) => edit(i, { name: event.target.value })}
                />
              </td>
              <td>
                <button type="button" className="crp-small" aria-label={`Remove approver ${i + 1} (${a.role || 'no role'})`} onClick={() => commit(list.filter((_, j) => j !== i))}>
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" className="crp-small" disabled={list.length >= MAX_APPROVERS} onClick={() => commit([...list, { role: '' }])}>
        Add approver
      </button>
    </fieldset>
  );
}

export function ChangeRequestForm(props: {
  cr: ChangeRequest;
  suggested: Suggestions;
  onChange: (cr: ChangeRequest) => void;
  rules: readonly RuleNoteRow[];
  /** the engine's findings about the request, by JSON path (changeRequest.windowEnd …) */
  problems: Readonly<Record<string, string>>;
}): JSX.Element {
  const { cr, suggested, onChange, problems } = props;
  const ruleProblems = Object.fromEntries(
    Object.entries(problems)
      .map(([path, message]) => [/^changeRequest\.ruleNotes\["(.+)"\]\.expires$/.exec(path)?.[1], message] as const)
      .filter((x): x is [string, string] => x[0] !== undefined),
  );
  const set = (field: LineField | TextField, value: string) => onChange(clean({ ...cr, [field]: value }));
  const typeId = useId();
  const categoryId = useId();
  return (
    <form className="crp-form" aria-label="Change request fields" onSubmit={(event) => event.preventDefault()}>
      <fieldset className="crp-fieldset">
        <legend>Change</legend>
        <div className="crp-grid">
          <LineInput field="changeId" label="Change ID" cr={cr} set={set} placeholder="e.g. CHG-2025-0142" />
          <div className="crp-field">
            <label htmlFor={typeId}>Type</label>
            <select id={typeId} value={cr.type ?? suggested.type} onChange={(event) => onChange(clean({ ...cr, type: event.target.value as ChangeType }))}>
              {(Object.keys(CHANGE_TYPES) as ChangeType[]).map((t) => (
                <option key={t} value={t}>
                  {CHANGE_TYPES[t]}
                </option>
              ))}
            </select>
          </div>
          <LineInput field="title" label="Title" cr={cr} set={set} placeholder={suggested.title} max={LIMITS.nameLength * 2} hint="Left empty, the sheet uses the text shown." />
          <div className="crp-field">
            <label htmlFor={categoryId}>Category</label>
            <select
              id={categoryId}
              value={cr.category ?? suggested.category}
              onChange={(event) => onChange(clean({ ...cr, category: event.target.value as ChangeCategory }))}
            >
              {(Object.keys(CHANGE_CATEGORIES) as ChangeCategory[]).map((c) => (
                <option key={c} value={c}>
                  {CHANGE_CATEGORIES[c]}
                </option>
              ))}
            </select>
          </div>
        </div>
      </fieldset>
      <fieldset className="crp-fieldset">
        <legend>Requester</legend>
        <div className="crp-grid">
          <LineInput field="requesterName" label="Name" cr={cr} set={set} autoComplete="name" />
          <LineInput field="requesterTeam" label="Team" cr={cr} set={set} autoComplete="organization-title" />
          <LineInput field="requesterContact" label="Contact" cr={cr} set={set} placeholder="e-mail or phone" autoComplete="email" />
        </div>
      </fieldset>
      <fieldset className="crp-fieldset">
        <legend>Schedule</legend>
        <div className="crp-grid">
          <LineInput field="windowStart" label="Window start" cr={cr} set={set} placeholder="2026-12-14 22:00 CET" hint="YYYY-MM-DD HH:MM, a time zone may follow." {...(problems['changeRequest.windowStart'] ? { problem: problems['changeRequest.windowStart'] } : {})} />
          <LineInput field="windowEnd" label="Window end" cr={cr} set={set} placeholder="2026-12-14 23:30 CET" hint="YYYY-MM-DD HH:MM, after the start." {...(problems['changeRequest.windowEnd'] ? { problem: problems['changeRequest.windowEnd'] } : {})} />
          <LineInput field="expiry" label="Expiry (temporary change)" cr={cr} set={set} placeholder="empty: permanent" hint="YYYY-MM-DD: when the change must be removed or reviewed." {...(problems['changeRequest.expiry'] ? { problem: problems['changeRequest.expiry'] } : {})} />
          <LineInput field="reviewDate" label="Next review" cr={cr} set={set} placeholder={suggested.reviewDate || 'YYYY-MM-DD'} hint="Left empty: six months from today (PCI DSS 1.2.7)." {...(problems['changeRequest.reviewDate'] ? { problem: problems['changeRequest.reviewDate'] } : {})} />
        </div>
      </fieldset>
      <fieldset className="crp-fieldset">
        <legend>Assessment</legend>
        <div className="crp-grid">
          <Choice label="Risk rating" value={cr.riskRating} options={RISK_RATINGS} suggested={suggested.riskRating} note={`Suggested from: ${suggested.riskReasons.join('; ')}.`} onChange={(v: RiskRating | undefined) => onChange(clean({ ...cr, riskRating: v }))} />
          <Choice label="Priority" value={cr.priority} options={PRIORITIES} suggested={suggested.priority} onChange={(v: Priority | undefined) => onChange(clean({ ...cr, priority: v }))} />
          <Choice label="Status" value={cr.status} options={STATUSES} suggested="draft" onChange={(v: Status | undefined) => onChange(clean({ ...cr, status: v }))} />
        </div>
      </fieldset>
      <fieldset className="crp-fieldset">
        <legend>Plans</legend>
        <TextArea field="justification" cr={cr} suggested={suggested.justification} set={set} />
        <TextArea field="notImplementing" cr={cr} suggested={suggested.notImplementing} set={set} />
        <TextArea field="enforcementPoints" cr={cr} suggested={suggested.enforcementPoints} set={set} />
        <TextArea field="risk" cr={cr} suggested={suggested.risk} set={set} />
        <TextArea field="implementation" cr={cr} suggested={suggested.implementation} set={set} />
        <TextArea field="verification" cr={cr} suggested={suggested.verification} set={set} />
        <TextArea field="backout" cr={cr} suggested={suggested.backout} set={set} />
      </fieldset>
      <RuleNotes cr={cr} rules={props.rules} onChange={onChange} problems={ruleProblems} />
      <Approvers cr={cr} suggested={suggested} onChange={onChange} />
      <fieldset className="crp-fieldset">
        <legend>After the change</legend>
        <div className="crp-field crp-wide">
          <label htmlFor={`${typeId}-review`}>Post-implementation review</label>
          <textarea
            id={`${typeId}-review`}
            value={cr.postReview ?? ''}
            rows={rowsFor(cr.postReview ?? '')}
            maxLength={LIMITS.textLength}
            placeholder="Filled in after the change: did it work, what was learned."
            onChange={(event) => onChange(clean({ ...cr, postReview: event.target.value }))}
          />
        </div>
      </fieldset>
    </form>
  );
}
