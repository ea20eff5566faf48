import { useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import { ROLE_DESCRIPTIONS, type RoleCode } from '../../engine/index.ts';
import { useRoleParse, useRoleText } from '../../store/selectors.ts';
import { useStore } from '../../store/store.ts';
import { count, plural } from '../common/format.ts';

/** At most this many problems and entries are listed one by one; the rest are counted. */
const LIST_MAX = 100;

const PLACEHOLDER: Partial<Record<RoleCode, string>> = {
  PRD: '192.0.2.10 # vault-01',
  MBR: '192.0.2.11 # vault-02\n192.0.2.12 # vault-03',
  USERW: '198.51.100.0/24, 2001:db8:100::/48',
  DVC: '203.0.113.0/24 # servers\n203.0.113.200 # core switch',
};

interface Props {
  role: RoleCode;
  required?: boolean;
  note?: React.ReactNode;
}

/** One role of the vendor article: a text box that takes one address or thousands, read as typed. */
export function RoleCard({ role, required = false, note }: Props) {
  const text = useRoleText(role);
  const parse = useRoleParse(role);
  const setRoleText = useStore((s) => s.setRoleText);
  const focusTarget = useStore((s) => s.focusTarget);
  const clearFocus = useStore((s) => s.clearFocus);
  const areaRef = useRef<HTMLTextAreaElement>(null);
  // the entry table is drawn only while open: thousands of rows would slow every keystroke
  const [showEntries, setShowEntries] = useState(false);
  const cardRef = useRef<HTMLElement>(null);
  const inputId = useId();
  const statusId = useId();

  // The box is uncontrolled: React writing a textarea's value (and its default value) on every
  // render re-lays out thousands of lines per keystroke. What the user types goes to the store;
  // the store's text is written back only when it differs (undo, opening a plan, a dropped file).
  useLayoutEffect(() => {
    const area = areaRef.current;
    if (area && area.value !== text) area.value = text;
  }, [text]);

  useEffect(() => {
    if (!focusTarget || focusTarget.kind !== 'role' || focusTarget.role !== role) return;
    const area = areaRef.current;
    if (!area) return;
    cardRef.current?.scrollIntoView({ block: 'center' });
    area.focus();
    const entry = focusTarget.entryIndex === undefined ? undefined : parse.entries[focusTarget.entryIndex];
    if (entry) {
      area.setSelectionRange(entry.start, entry.end);
      const lineHeight = parseFloat(getComputedStyle(area).lineHeight) || 20;
      area.scrollTop = Math.max(0, (entry.line - 2) * lineHeight);
    }
    clearFocus();
  }, [focusTarget, role, parse, clearFocus]);

  const lines = text === '' ? 0 : text.split('\n').length;
  const rows = Math.min(14, Math.max(3, lines + 1));
  const entries = parse.entries;
  const hostBitEntries = entries.filter((e) => e.hostBitsSet);
  const status = [
    plural(entries.length, 'entry', 'entries'),
    parse.v4 > 0 ? `${count(parse.v4)} IPv4` : '',
    parse.v6 > 0 ? `${count(parse.v6)} IPv6` : '',
    parse.errors.length > 0 ? plural(parse.errors.length, 'problem') : '',
  ].filter((s) => s !== '');

  return (
    <section
      ref={cardRef}
      className={`card role-card${parse.errors.length > 0 ? ' has-errors' : ''}${entries.length > 0 ? ' has-entries' : ''}`}
      id={`role-${role}`}
      aria-labelledby={`${inputId}-title`}
    >
      <header className="role-card-head">
        <span className="role-code">{role}</span>
        <h3 id={`${inputId}-title`} className="role-title">{ROLE_DESCRIPTIONS[role]}</h3>
        {required && <span className="badge badge-required">required</span>}
      </header>
      {note}
      <label className="field-label" htmlFor={inputId}>{role} addresses</label>
      <textarea
        ref={areaRef}
        id={inputId}
        className="role-input"
        rows={rows}
        spellCheck={false}
        autoCapitalize="off"
        autoComplete="off"
        placeholder={PLACEHOLDER[role] ?? 'one address or CIDR per line, # label'}
        aria-describedby={`entry-format-hint ${statusId}`}
        aria-invalid={parse.errors.length > 0}
        onChange={(e) => setRoleText(role, e.target.value)}
      />
      <p id={statusId} className="role-status" aria-live="polite">
        {status.map((s, i) => (
          <span key={s} className={i === status.length - 1 && parse.errors.length > 0 ? 'status-error' : undefined}>{s}</span>
        ))}
      </p>
      {parse.errors.length > 0 && (
        <ul className="entry-problems" aria-label={`${role} problems`}>
          {parse.errors.slice(0, LIST_MAX).map((e) => (
            <li key={`${e.start}`}>
              <span className="line-ref">line {e.line}</span> <code>{e.text}</code> {e.reason}
            </li>
          ))}
          {parse.errors.length > LIST_MAX && <li>… and {count(parse.errors.length - LIST_MAX)} more</li>}
        </ul>
      )}
      {hostBitEntries.length > 0 && (
        <ul className="entry-warnings" aria-label={`${role} warnings`}>
          {hostBitEntries.slice(0, LIST_MAX).map((e) => (
            <li key={`${e.start}`}>
              <span className="line-ref">line {e.line}</span> <code>{e.written}</code> has host bits set: it is used as <code>{e.network.cidr}</code>
            </li>
          ))}
          {hostBitEntries.length > LIST_MAX && <li>… and {count(hostBitEntries.length - LIST_MAX)} more</li>}
        </ul>
      )}
      {entries.length > 0 && (
        <details className="normalised" onToggle={(e) => setShowEntries(e.currentTarget.open)}>
          <summary>Normalised entries ({count(entries.length)})</summary>
          {showEntries && (
            <table className="normalised-table">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Entry</th>
                  <th scope="col">Family</th>
                  <th scope="col">Label</th>
                </tr>
              </thead>
              <tbody>
                {entries.slice(0, LIST_MAX * 5).map((e, i) => (
                  <tr key={`${e.start}`}>
                    <td className="num">{i + 1}</td>
                    <td>
                      <code>{e.network.display}</code>
                      {e.network.display !== e.written && <span className="muted"> (written {e.written})</span>}
                    </td>
                    <td>IPv{e.network.family}</td>
                    <td>{e.label ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {entries.length > LIST_MAX * 5 && <p className="muted">First {count(LIST_MAX * 5)} of {count(entries.length)} shown.</p>}
        </details>
      )}
    </section>
  );
}
