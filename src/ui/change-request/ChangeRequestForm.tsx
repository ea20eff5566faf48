import { useId, type JSX } from 'react';
import { LIMITS, type ChangeRequest } from '../../engine/index.ts';
import { CHANGE_CATEGORIES, CHANGE_TYPES, type ChangeCategory, type ChangeType, type Suggestions, type TextField } from '../../sheet/model.ts';

type LineField = 'changeId' | 'title' | 'requesterName' | 'requesterTeam' | 'requesterContact' | 'windowStart' | 'windowEnd' | 'expiry';

const MAX_APPROVERS = 20;

const TEXT_LABELS: Record<TextField, { label: string; hint: string }> = {
  justification: { label: 'Business justification', hint: 'Why the change is needed.' },
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
        aria-describedby={props.hint ? hintId : undefined}
        onChange={(event) => props.set(props.field, event.target.value)}
      />
      {props.hint && (
        <p className="crp-hint" id={hintId}>
          {props.hint}
        </p>
      )}
    </div>
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

export function ChangeRequestForm(props: { cr: ChangeRequest; suggested: Suggestions; onChange: (cr: ChangeRequest) => void }): JSX.Element {
  const { cr, suggested, onChange } = props;
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
          <LineInput field="windowStart" label="Window start" cr={cr} set={set} placeholder="2025-06-14 22:00 CET" />
          <LineInput field="windowEnd" label="Window end" cr={cr} set={set} placeholder="2025-06-14 23:30 CET" />
          <LineInput field="expiry" label="Expiry (temporary rules)" cr={cr} set={set} placeholder="empty: permanent" hint="When temporary rules must be removed." />
        </div>
      </fieldset>
      <fieldset className="crp-fieldset">
        <legend>Plans</legend>
        <TextArea field="justification" cr={cr} suggested={suggested.justification} set={set} />
        <TextArea field="risk" cr={cr} suggested={suggested.risk} set={set} />
        <TextArea field="implementation" cr={cr} suggested={suggested.implementation} set={set} />
        <TextArea field="verification" cr={cr} suggested={suggested.verification} set={set} />
        <TextArea field="backout" cr={cr} suggested={suggested.backout} set={set} />
      </fieldset>
      <Approvers cr={cr} suggested={suggested} onChange={onChange} />
    </form>
  );
}
