import { Annotation, EditorState, Text, type Extension, type Transaction } from '@codemirror/state';
import { standardKeymap } from '@codemirror/commands';
import { EditorView, keymap, placeholder as placeholderText, type ViewUpdate } from '@codemirror/view';
import { useEffect, useLayoutEffect, useRef } from 'react';
import { afterNextFrame, windowClock } from '../../store/afterFrame.ts';

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

/** The editor's behaviour: `edited` hears of the user's changes (not the store's), `blurred` of leaving the box. */
function editorExtensions(placeholder: string, labelledBy: string, edited: (u: ViewUpdate) => void, blurred: () => void): Extension[] {
  return [
    EditorView.lineWrapping,
    // cursor motion, deletion, Enter, select all; no Tab binding (Tab leaves the box), no history
    keymap.of(standardKeymap),
    placeholderText(placeholder),
    EditorView.contentAttributes.of({
      'aria-labelledby': labelledBy,
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
      edited(u);
    }),
    EditorView.domEventHandlers({ blur: blurred }),
  ];
}

/** The User Timing entry warmUp leaves when it is done. */
export const WARM_UP_MEASURE = 'fwplan: large editor warm-up';

/** An editor has run on this page already (a warm-up or a real one): its code is warm. */
let editorRan = false;

/**
 * Runs an editor once, out of sight and out of the accessibility tree, on `text` (EntryBox gives
 * 20,000 addresses) with a keystroke at its end, and removes it after its first frame. The page's first
 * editor otherwise runs CodeMirror's code cold (compiled on first call, not optimised yet), and
 * that first editor is the one a large paste opens, inside the paste. EntryBox calls this once,
 * when the page is idle.
 */
export function warmUp(text: string): void {
  if (editorRan) return;
  editorRan = true;
  const started = performance.now();
  const host = document.createElement('div');
  host.setAttribute('aria-hidden', 'true');
  host.inert = true;
  host.style.cssText = 'position:fixed;left:-10000px;top:0;width:30em;height:20em;overflow:hidden;visibility:hidden;contain:strict';
  document.body.append(host);
  const end = text.length;
  const view = new EditorView({
    parent: host,
    scrollTo: EditorView.scrollIntoView(end, { y: 'center' }),
    state: EditorState.create({ doc: docOf(text), selection: { anchor: end }, extensions: editorExtensions('', '', (u) => void u.state.doc.length, () => undefined) }),
  });
  view.dispatch({ changes: { from: end, insert: '\n' }, selection: { anchor: end + 1 }, userEvent: 'input.type' });
  const done = () => {
    view.destroy();
    host.remove();
    // for the curious (devtools' Performance panel) and the e2e test that holds it to leaving no trace
    performance.measure(WARM_UP_MEASURE, { start: started });
  };
  // the editor measures and draws in the next frame: let it, then go (a hidden page draws no
  // frames: go at once)
  afterNextFrame(done, windowClock());
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
    editorRan = true;
    const editor = new EditorView({
      parent,
      // the caret's line in view from the first layout: scrolling there afterwards drew the
      // document's first lines first and then the lines at the caret (after a paste, the end)
      ...(p.initialSelection ? { scrollTo: EditorView.scrollIntoView(p.initialSelection.head, { y: 'center' }) } : {}),
      state: EditorState.create({
        doc: docOf(p.text),
        ...(p.initialSelection ? { selection: p.initialSelection } : {}),
        extensions: editorExtensions(
          p.placeholder,
          p.labelledBy,
          (u) => {
            const text = u.state.doc.toString();
            synced.current = text;
            latest.current.onEdit(text, u.transactions.some(atOnce));
          },
          () => latest.current.onBlur(),
        ),
      }),
    });
    view.current = editor;
    p.api.current = {
      text: () => editor.state.doc.toString(),
      selection: () => ({ anchor: editor.state.selection.main.anchor, head: editor.state.selection.main.head }),
      hasFocus: () => editor.hasFocus,
    };
    if (p.initialSelection) editor.focus();
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
