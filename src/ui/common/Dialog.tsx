import { useId, type ReactNode } from 'react';
import { useModalDialog } from './useModalDialog.ts';

interface Props {
  open: boolean;
  title: string;
  children: ReactNode;
  onClose: () => void;
  wide?: boolean;
}

/** An informational modal with one Close button. */
export function Dialog({ open, title, children, onClose, wide = false }: Props) {
  const ref = useModalDialog(open);
  const titleId = useId();
  return (
    <dialog
      ref={ref}
      className={wide ? 'dialog dialog-wide' : 'dialog'}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <h2 id={titleId} className="dialog-title">{title}</h2>
      <div className="dialog-body">{children}</div>
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onClose} autoFocus>Close</button>
      </div>
    </dialog>
  );
}
