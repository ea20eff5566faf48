import { Annotation, EditorState, Text, type Transaction } from '@codemirror/state';
import { standardKeymap } from '@codemirror/commands';
import { EditorView, keymap, placeholder as placeholderText } from '@codemirror/view';
import { useEffect, useLayoutEffect, useRef } from 'react';

/**
 * The entries box once it holds thousands of lines. A textarea lays out every one of its lines on
 * each change (20,000 addresses: about 400 ms per paste or undo in Chromium); CodeMirror draws only
 * the lines in view, so a paste, a keystroke or an undo costs the same at 20 lines or 200,000.
 * Loaded on demand (EntryBox switches to it past LARGE_EDITOR_CHARS): small boxes stay plain
 * textareas and the page's first load does not carry the editor.
 *
 * Plain text only: no syntax colouring, no history of its own (Ctrl+Z is the app's undo, which
 * covers every edit of the plan), no autocompletion or spell checking; Tab leaves the box.
 */

/** Marks the editor's own replacement of its text by the store's: not an edit by the user. */
const fromStore = Annotation.define<boolean>();

export interface EditorSelection {
  readonly anchor: number;
  readonly head: number;
}

export interface LargeTextEditorApi {
  /** the text as the editor holds it (typing held back included) */
  text(): string;
  selection(): EditorSelection;
  hasFocus(): boolean;
}

export interface LargeTextEditorProps {
  /** id of the label element that names the box ("DVC addresses") */
  labelledBy: string;
  describedBy: string;
  invalid: boolean;
  text: string;
  placeholder: string;
  /** lines of text the box shows at once */
  rows: number;
  /**
   * The user changed the text. `atOnce`: a paste, a drop, a cut or a deletion of a selection,
   * given to the store at once; typing may be held back until it pauses (EntryBox decides).
   */
  onEdit: (text: string, atOnce: boolean) => void;
  onBlur: () => void;
  /** focus the editor on mount with this selection (the caret after a paste that switched boxes) */
  initialSelection?: EditorSelection;
  /** select this range, scroll it into view and focus (a finding's "show me"), then `done` */
  select?: { range: EditorSelection; done: () => void };
  /** what EntryBox may ask the editor while it is mounted */
  api: { current: LargeTextEditorApi | undefined };
}

/** The editor's document for a text: split on line breaks by hand, faster than CodeMirror's own (which also looks for \r). */
function docOf(text: string): Text | string {
  return text.includes('\r') ? text : Text.of(text.split('\n'));
}

/** Transactions that replace text in one go rather than letter by letter. */
function atOnce(tr: Transaction): boolean {
  return tr.isUserEvent('input.paste') || tr.isUserEvent('input.drop') || tr.isUserEvent('delete.cut') || tr.isUserEvent('delete.selection') || tr.isUserEvent('input.complete');
}

export default function LargeTextEditor(props: LargeTextEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const latest = useRef(props);
  latest.current = props;
  // the text the editor and the store last agreed on: comparing with it is one reference check,
  // where reading the editor's text out (doc.toString()) builds the whole string anew
  const synced = useRef(props.text);

  useLayoutEffect(() => {
    const parent = host.current;
    if (!parent) return;
    const p = latest.current;
    const editor = new EditorView({
      parent,
      state: EditorState.create({
        doc: docOf(p.text),
        ...(p.initialSelection ? { selection: p.initialSelection } : {}),
        extensions: [
          EditorView.lineWrapping,
          // cursor motion, deletion, Enter, select all; no Tab binding (Tab leaves the box), no history
          keymap.of(standardKeymap),
          placeholderText(p.placeholder),
          EditorView.contentAttributes.of({
            'aria-labelledby': p.labelledBy,
            // focusable by Tab like the textarea it replaces (and so its scrolling region is reachable)
            tabindex: '0',
            spellcheck: 'false',
            autocapitalize: 'off',
            autocorrect: 'off',
            translate: 'no',
          }),
          EditorView.updateListener.of((u) => {
            if (!u.docChanged) return;
            if (u.transactions.some((tr) => tr.annotation(fromStore) === true)) return;
            const text = u.state.doc.toString();
            synced.current = text;
            latest.current.onEdit(text, u.transactions.some(atOnce));
          }),
          EditorView.domEventHandlers({
            blur: () => {
              latest.current.onBlur();
            },
          }),
        ],
      }),
    });
    view.current = editor;
    p.api.current = {
      text: () => editor.state.doc.toString(),
      selection: () => ({ anchor: editor.state.selection.main.anchor, head: editor.state.selection.main.head }),
      hasFocus: () => editor.hasFocus,
    };
    if (p.initialSelection) {
      editor.focus();
      editor.dispatch({ effects: EditorView.scrollIntoView(p.initialSelection.head, { y: 'center' }) });
    }
    return () => {
      p.api.current = undefined;
      editor.destroy();
      view.current = null;
    };
  }, []);

  // aria attributes that follow the text's state
  useEffect(() => {
    const content = view.current?.contentDOM;
    if (!content) return;
    content.setAttribute('aria-describedby', props.describedBy);
    content.setAttribute('aria-invalid', String(props.invalid));
  }, [props.describedBy, props.invalid]);

  // the store's text changed from elsewhere (undo, a plan opened, a one-click fix): show it
  useLayoutEffect(() => {
    const editor = view.current;
    if (!editor || props.text === synced.current) return;
    synced.current = props.text;
    const doc = editor.state.doc;
    if (doc.length === props.text.length && doc.toString() === props.text) return;
    const head = Math.min(editor.state.selection.main.head, props.text.length);
    editor.dispatch({ changes: { from: 0, to: doc.length, insert: props.text }, selection: { anchor: head }, annotations: fromStore.of(true) });
  }, [props.text]);

  useEffect(() => {
    const editor = view.current;
    const select = props.select;
    if (!editor || !select) return;
    const max = editor.state.doc.length;
    const range = { anchor: Math.min(select.range.anchor, max), head: Math.min(select.range.head, max) };
    editor.dispatch({ selection: range, effects: EditorView.scrollIntoView(range.head, { y: 'center' }) });
    host.current?.closest('section')?.scrollIntoView({ block: 'center' });
    editor.focus();
    select.done();
  }, [props.select]);

  return <div ref={host} className="large-editor" style={{ ['--rows' as string]: props.rows }} data-large-editor="" />;
}
