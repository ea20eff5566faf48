import { useEffect, useId, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { replaceToken, type RoleTextParse } from '../../store/roleText.ts';
import { count, plural } from '../common/format.ts';

/** At most this many problems and entries are listed one by one; the rest are counted. */
const LIST_MAX = 100;

interface Props {
  /** the label of the text box, and the name its problem list is called by: "PRD addresses" */
  label: string;
  /** what lists are called: "PRD" gives "PRD problems" */
  listName: string;
  text: string;
  parse: RoleTextParse;
  placeholder: string;
  onChange: (text: string) => void;
  /** focus this box (and select this token) once, then call `done` */
  focusEntry?: { index?: number; done: () => void };
  /** what the entries became (a node table), instead of the plain normalised list */
  result?: ReactNode;
}

/**
 * A text box that takes one address or thousands, read as typed: every problem is listed with its
 * line and reason, a CIDR with host bits offers its two meanings as one click each, and nothing
 * typed is ever dropped from the box.
 */
export function EntryBox({ label, listName, text, parse, placeholder, onChange, focusEntry, result }: Props) {
  const areaRef = useRef<HTMLTextAreaElement>(null);
  // the entry table is drawn only while open: thousands of rows would slow every keystroke
  const [showEntries, setShowEntries] = useState(false);
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
    if (!focusEntry) return;
    const area = areaRef.current;
    if (!area) return;
    area.closest('section')?.scrollIntoView({ block: 'center' });
    area.focus();
    const token = focusEntry.index === undefined ? undefined : parse.tokens[focusEntry.index];
    if (token) {
      area.setSelectionRange(token.start, token.end);
      const lineHeight = parseFloat(getComputedStyle(area).lineHeight) || 20;
      area.scrollTop = Math.max(0, (token.line - 2) * lineHeight);
    }
    focusEntry.done();
  }, [focusEntry, parse]);

  const lines = text === '' ? 0 : text.split('\n').length;
  const rows = Math.min(14, Math.max(3, lines + 1));
  const status = [
    plural(parse.tokens.length, 'entry', 'entries'),
    parse.v4 > 0 ? `${count(parse.v4)} IPv4` : '',
    parse.v6 > 0 ? `${count(parse.v6)} IPv6` : '',
    parse.errors.length > 0 ? plural(parse.errors.length, 'problem') : '',
  ].filter((s) => s !== '');

  return (
    <>
      <label className="field-label" htmlFor={inputId}>{label}</label>
      <textarea
        ref={areaRef}
        id={inputId}
        className="role-input"
        rows={rows}
        spellCheck={false}
        autoCapitalize="off"
        autoComplete="off"
        placeholder={placeholder}
        aria-describedby={`entry-format-hint ${statusId}`}
        aria-invalid={parse.errors.length > 0}
        onChange={(e) => onChange(e.target.value)}
      />
      <p id={statusId} className="role-status" aria-live="polite">
        {status.map((s, i) => (
          <span key={s} className={i === status.length - 1 && parse.errors.length > 0 ? 'status-error' : undefined}>{s}</span>
        ))}
      </p>
      {parse.errors.length > 0 && (
        <ul className="entry-problems" aria-label={`${listName} problems`}>
          {parse.errors.slice(0, LIST_MAX).map((e) => (
            <li key={`${e.start}`}>
              <span className="line-ref">line {e.line}</span> <code>{e.text}</code> {e.reason}
              {e.choices && (
                <span className="fix-choices">
                  {e.choices.map((choice, i) => (
                    <button key={choice} type="button" className="link-button" onClick={() => onChange(replaceToken(text, e, choice))}>
                      Use {choice} {i === 0 ? '(host)' : '(network)'}
                    </button>
                  ))}
                </span>
              )}
            </li>
          ))}
          {parse.errors.length > LIST_MAX && <li>… and {count(parse.errors.length - LIST_MAX)} more</li>}
        </ul>
      )}
      {result}
      {!result && parse.entries.length > 0 && (
        <details className="normalised" onToggle={(e) => setShowEntries(e.currentTarget.open)}>
          <summary>Normalised entries ({count(parse.entries.length)})</summary>
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
                {parse.entries.slice(0, LIST_MAX * 5).map((e, i) => (
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
          {parse.entries.length > LIST_MAX * 5 && <p className="muted">First {count(LIST_MAX * 5)} of {count(parse.entries.length)} shown.</p>}
        </details>
      )}
    </>
  );
}
