import { useEffect, useRef } from 'react';

/**
 * Shows a native <dialog> as a modal while `open`, and closes it when it unmounts or `open` turns
 * false. The dialog is usually unmounted while open, which drops the focus on <body>: a keyboard
 * user would start again at the top of the page, so the focus goes back to what opened it.
 */
export function useModalDialog(open: boolean) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog || !open) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    return () => {
      if (dialog.open) dialog.close();
      if (opener?.isConnected && (document.activeElement === null || document.activeElement === document.body)) opener.focus();
    };
  }, [open]);
  return ref;
}
