import { useSaveStatus } from '../../store/saveStatus.ts';
import { redo, undo, useHistoryDepth } from '../../store/undo.ts';

export function HistoryButtons() {
  const { past, future } = useHistoryDepth();
  return (
    <div className="history-buttons" role="group" aria-label="History">
      <button type="button" className="button button-small" onClick={undo} disabled={past === 0} title="Undo (Ctrl+Z)" aria-keyshortcuts="Control+Z">
        ↶ Undo
      </button>
      <button type="button" className="button button-small" onClick={redo} disabled={future === 0} title="Redo (Ctrl+Shift+Z)" aria-keyshortcuts="Control+Shift+Z">
        ↷ Redo
      </button>
    </div>
  );
}

export function SaveState() {
  const { ok } = useSaveStatus();
  return (
    <span className={ok ? 'save-state' : 'save-state save-failed'} role="status">
      {ok ? 'Saved in this browser' : 'Not saved'}
    </span>
  );
}
