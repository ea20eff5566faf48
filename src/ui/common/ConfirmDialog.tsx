import { useId, type ReactNode } from 'react';
import { useModalDialog } from './useModalDialog.ts';

interface Props {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  cancelLabel?: string;
  /** a destructive choice gets the warning colour */
  danger?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

/** A modal question inside the page (never window.confirm), built on the native <dialog>. */
export function ConfirmDialog({ open, title, children, confirmLabel, cancelLabel = 'Cancel', danger = false, onConfirm, onCancel }: Props) {
  const ref = useModalDialog(open);
  const titleId = useId();
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <h2 id={titleId} className="dialog-title">{title}</h2>
      <div className="dialog-body">{children}</div>
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onCancel}>{cancelLabel}</button>
        <button type="button" className={danger ? 'button button-danger' : 'button button-primary'} onClick={onConfirm} autoFocus>
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
