import { lazy, Suspense, useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { parseRoleText, replaceToken, type RoleTextParse } from '../../store/roleText.ts';
import { count, plural } from '../common/format.ts';
import type { EditorSelection, LargeTextEditorApi, LargeTextEditorProps } from './LargeTextEditor.tsx';

/** At most this many problems and entries are listed one by one; the rest are counted. */
const LIST_MAX = 100;

/**
 * Typing in a box this long (about 5,000 addresses) reaches the store once typing pauses for
 * TYPING_PAUSE_MS, or the box loses focus: reading 20,000 lines again on every keystroke would
 * hold up the keystroke's own frame. A paste, a drop or a cut is taken at once.
 */
export const LARGE_BOX_CHARS = 64_000;
const TYPING_PAUSE_MS = 300;
const TAKEN_AT_ONCE = new Set(['insertFromPaste', 'insertFromDrop', 'deleteByCut', 'historyUndo', 'historyRedo']);

/** Whether an edit of the box is typing in a large box, given to the store once typing pauses. */
export function waitsForPause(before: string, after: string, inputType: string | undefined): boolean {
  return before.length >= LARGE_BOX_CHARS && after.length >= LARGE_BOX_CHARS && !TAKEN_AT_ONCE.has(inputType ?? '');
}

/**
 * A box of this many characters or more (about 2,500 addresses) is drawn by an editor that lays
 * out only the lines in view (LargeTextEditor); a textarea lays out all of them on every change.
 * It goes back to a textarea below SMALL_EDITOR_CHARS, so that a box near the limit does not
 * switch back and forth while the user types.
 */
export const LARGE_EDITOR_CHARS = 32_000;
export const SMALL_EDITOR_CHARS = 16_000;

/** Whether the box is drawn by the large editor, given the text and how it is drawn now. */
export function usesLargeEditor(text: string, now: boolean): boolean {
  return now ? text.length >= SMALL_EDITOR_CHARS : text.length >= LARGE_EDITOR_CHARS;
}

/** Rows a textarea shows for this text: 3 to 14, counting no further than needed. */
function rowsFor(text: string): number {
  if (text === '') return 3;
  let lines = 1;
  for (let at = text.indexOf('\n'); at !== -1 && lines < 14; at = text.indexOf('\n', at + 1)) lines++;
  return Math.min(14, Math.max(3, lines + 1));
}

// The editor's code is its own chunk: loaded when the first box shows up, so that it is there by
// the time a paste makes a box large, and rendered without a suspended frame once it is.
const loadEditor = () => import('./LargeTextEditor.tsx');
let loadedEditor: ((props: LargeTextEditorProps) => ReactNode) | undefined;
let editorRequested = false;
/** Lines of the warm-up's text (see preloadEditor): as many addresses as a large paste. */
const WARM_UP_LINES = 20_000;
function preloadEditor(): void {
  if (editorRequested) return;
  editorRequested = true;
  void loadEditor().then((m) => {
    loadedEditor = m.default;
    // Run the code of a large paste once while nothing happens, so that the first one does not
    // pay for running it cold: reading the box (parseRoleText, which also reads the addresses of
    // the worker's answer), then the editor (see warmUp); each in an idle moment of its own.
    // Browsers without idle callbacks skip this.
    if (typeof requestIdleCallback !== 'function') return;
    requestIdleCallback(
      () => {
        const text = Array.from({ length: WARM_UP_LINES }, (_, i) => `198.51.${(i >> 8) & 255}.${i & 255}`).join('\n');
        parseRoleText(text);
        requestIdleCallback(() => m.warmUp(text), { timeout: 5000 });
      },
      { timeout: 5000 },
    );
  });
}
const LazyEditor = lazy(loadEditor);

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
  const editorApi = useRef<LargeTextEditorApi | undefined>(undefined);
  // the entry table is drawn only while open: thousands of rows would slow every keystroke
  const [showEntries, setShowEntries] = useState(false);
  const inputId = useId();
  const labelId = useId();
  const statusId = useId();

  useEffect(preloadEditor, []);

  // Which box draws the text: a textarea, or the large editor past LARGE_EDITOR_CHARS. When the
  // switch happens under the user's hands (a paste, typing past the limit, deleting most of it),
  // the caret and the focus go with the text.
  const [large, setLarge] = useState(() => usesLargeEditor(text, false));
  const carried = useRef<EditorSelection | undefined>(undefined);
  const wantLarge = usesLargeEditor(text, large);
  if (wantLarge !== large) {
    if (wantLarge) {
      const area = areaRef.current;
      if (carried.current === undefined && area && document.activeElement === area) carried.current = { anchor: area.selectionStart, head: area.selectionEnd };
    } else {
      const editor = editorApi.current;
      if (editor?.hasFocus()) carried.current = editor.selection();
    }
    setLarge(wantLarge);
  }

  // The box is uncontrolled: React writing a textarea's value (and its default value) on every
  // render re-lays out thousands of lines per keystroke. What the user types goes to the store;
  // the store's text is written back only when it differs (undo, opening a plan, a dropped file).
  // typing held back in a large box (waitsForPause), given to the store when typing pauses
  const typed = useRef<number | undefined>(undefined);
  const [holding, setHolding] = useState(false);
  const latest = useRef({ text, onChange });
  latest.current = { text, onChange };
  const currentValue = () => editorApi.current?.text() ?? areaRef.current?.value;
  /** Stop holding typing back (its timer too); whether any was held. */
  const dropHeld = (): boolean => {
    if (typed.current === undefined) return false;
    window.clearTimeout(typed.current);
    typed.current = undefined;
    setHolding(false);
    return true;
  };
  const giveTyped = () => {
    if (!dropHeld()) return;
    const value = currentValue();
    if (value !== undefined && value !== latest.current.text) latest.current.onChange(value);
  };
  const giveTypedRef = useRef(giveTyped);
  giveTypedRef.current = giveTyped;
  // what was typed is not lost when the box goes away (another step, a removed group)
  useEffect(() => () => giveTypedRef.current(), []);

  /** An edit of either box: typing in a large box waits for a pause, anything else goes at once. */
  const edited = (value: string, inputType: string | undefined) => {
    if (waitsForPause(text, value, inputType)) {
      if (typed.current !== undefined) window.clearTimeout(typed.current);
      else setHolding(true);
      typed.current = window.setTimeout(giveTyped, TYPING_PAUSE_MS);
      return;
    }
    dropHeld();
    onChange(value);
  };

  // the app's undo (Ctrl+Z, Ctrl+Y) takes what was typed so far first, then undoes it
  const onUndoKey = (e: KeyboardEvent) => {
    if ((e.ctrlKey || e.metaKey) && (e.key.toLowerCase() === 'z' || e.key.toLowerCase() === 'y')) giveTyped();
  };

  useLayoutEffect(() => {
    const area = areaRef.current;
    if (area && area.value !== text) {
      // the store's text changed from elsewhere (undo, a plan opened): it replaces typing held back
      dropHeld();
      area.value = text;
    }
    // a textarea that takes over from the editor gets the caret the editor had
    const sel = carried.current;
    if (area && !large && sel) {
      carried.current = undefined;
      area.focus();
      area.setSelectionRange(Math.min(sel.anchor, sel.head), Math.max(sel.anchor, sel.head));
    }
  }, [text, large]);

  // the editor took the caret it was handed when it mounted (its own layout effect runs first)
  useLayoutEffect(() => {
    if (large) carried.current = undefined;
  }, [large]);

  useEffect(() => {
    if (!focusEntry || large) return;
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
  }, [focusEntry, parse, large]);

  const status = [
    plural(parse.tokens.length, 'entry', 'entries'),
    parse.v4 > 0 ? `${count(parse.v4)} IPv4` : '',
    parse.v6 > 0 ? `${count(parse.v6)} IPv6` : '',
    parse.errors.length > 0 ? plural(parse.errors.length, 'problem') : '',
  ].filter((s) => s !== '');

  let box: ReactNode;
  if (large) {
    const token = focusEntry?.index === undefined ? undefined : parse.tokens[focusEntry.index];
    const initialSelection = carried.current;
    const editorProps: LargeTextEditorProps = {
      labelledBy: labelId,
      describedBy: `entry-format-hint ${statusId}`,
      invalid: parse.errors.length > 0,
      text,
      placeholder,
      rows: 14,
      onEdit: (value, atOnce) => edited(value, atOnce ? 'insertFromPaste' : 'insertText'),
      onBlur: giveTyped,
      api: editorApi,
      ...(initialSelection ? { initialSelection } : {}),
      ...(focusEntry ? { select: { range: token ? { anchor: token.start, head: token.end } : { anchor: 0, head: 0 }, done: focusEntry.done } } : {}),
    };
    const Editor = loadedEditor;
    box = (
      <div className="large-editor-frame" onKeyDown={onUndoKey}>
        {Editor ? (
          <Editor {...editorProps} />
        ) : (
          <Suspense fallback={<p className="large-editor large-editor-loading muted">Opening the editor for {count(parse.tokens.length)} entries…</p>}>
            <LazyEditor {...editorProps} />
          </Suspense>
        )}
      </div>
    );
  } else {
    box = (
      <textarea
        ref={areaRef}
        id={inputId}
        className="role-input"
        rows={rowsFor(text)}
        spellCheck={false}
        autoCapitalize="off"
        autoComplete="off"
        placeholder={placeholder}
        aria-labelledby={labelId}
        aria-describedby={`entry-format-hint ${statusId}`}
        aria-invalid={parse.errors.length > 0}
        onChange={(e) => edited(e.target.value, (e.nativeEvent as InputEvent).inputType)}
        // A paste that makes the box large goes straight to the store and the large editor: the
        // textarea would first lay out every pasted line (20,000 addresses: most of a second).
        onPaste={(e) => {
          const area = e.currentTarget;
          const pasted = e.clipboardData.getData('text/plain').replace(/\r\n?/g, '\n');
          const from = area.selectionStart;
          const next = area.value.slice(0, from) + pasted + area.value.slice(area.selectionEnd);
          if (!usesLargeEditor(next, false)) return;
          e.preventDefault();
          carried.current = { anchor: from + pasted.length, head: from + pasted.length };
          edited(next, 'insertFromPaste');
        }}
        onBlur={giveTyped}
        onKeyDown={onUndoKey}
      />
    );
  }

  return (
    <>
      <label className="field-label" id={labelId} htmlFor={large ? undefined : inputId}>{label}</label>
      {box}
      <p id={statusId} className="role-status" aria-live="polite" aria-busy={holding}>
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
