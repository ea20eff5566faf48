import { useEffect } from 'react';
import { STORAGE_KEY, discardUnreadable, forgetLastWrite } from '../../store/persistence.ts';
import { useSaveStatus } from '../../store/saveStatus.ts';
import { useStore } from '../../store/store.ts';
import { downloadText } from '../common/download.ts';

function StorageProblemNotice() {
  const problem = useStore((s) => s.storageProblem);
  const setStorageProblem = useStore((s) => s.setStorageProblem);
  if (!problem) return null;
  return (
    <div className="notice notice-error" role="alert">
      <p>
        <strong>{problem.message}</strong>
      </p>
      {problem.details.length > 0 && (
        <ul className="notice-details">
          {problem.details.map((d, i) => (
            <li key={i}>
              <code>{d}</code>
            </li>
          ))}
        </ul>
      )}
      <p className="notice-actions">
        <button type="button" className="button button-small" onClick={() => downloadText(problem.raw, 'fwplan-unreadable-autosave.json', 'application/json')}>
          Download the saved text
        </button>
        <button
          type="button"
          className="button button-small"
          onClick={() => {
            discardUnreadable();
            setStorageProblem(null);
          }}
        >
          Discard it
        </button>
      </p>
    </div>
  );
}

/** Two tabs editing one autosave would overwrite each other without a word: say so, let the user pick. */
function OtherTabNotice() {
  const otherTabSaved = useStore((s) => s.otherTabSaved);
  const setOtherTabSaved = useStore((s) => s.setOtherTabSaved);
  useEffect(() => {
    const onStorage = (e: StorageEvent) => {
      if (e.key === STORAGE_KEY && e.newValue !== null) setOtherTabSaved(true);
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, [setOtherTabSaved]);
  if (!otherTabSaved) return null;
  return (
    <div className="notice notice-warn" role="alert">
      <p>
        <strong>This plan was changed in another tab or window.</strong> Both tabs save to the same place in this browser: the one that saves last wins.
      </p>
      <p className="notice-actions">
        <button
          type="button"
          className="button button-small"
          onClick={() => {
            setOtherTabSaved(false);
            void useStore.persist.rehydrate();
          }}
        >
          Load the other tab’s plan
        </button>
        <button
          type="button"
          className="button button-small"
          onClick={() => {
            setOtherTabSaved(false);
            forgetLastWrite();
            // any store update saves again: this tab's plan takes the slot back
            useStore.setState({});
          }}
        >
          Keep this tab’s plan
        </button>
      </p>
    </div>
  );
}

/** A plan written in plan version 1 (file, share link, autosave) was read and upgraded: say so until dismissed. */
function UpgradeNotice() {
  const notice = useStore((s) => s.upgradeNotice);
  const setUpgradeNotice = useStore((s) => s.setUpgradeNotice);
  if (!notice) return null;
  return (
    <div className="notice notice-info" role="status">
      <p>{notice}</p>
      <p className="notice-actions">
        <button type="button" className="button button-small" onClick={() => setUpgradeNotice(null)}>
          Dismiss
        </button>
      </p>
    </div>
  );
}

function SaveFailureNotice() {
  const { ok, message } = useSaveStatus();
  if (ok) return null;
  return (
    <div className="notice notice-warn" role="alert">
      <p>{message}</p>
    </div>
  );
}

function Toast() {
  const toast = useStore((s) => s.toast);
  const dismissToast = useStore((s) => s.dismissToast);
  useEffect(() => {
    if (!toast) return;
    const t = window.setTimeout(dismissToast, 6000);
    return () => window.clearTimeout(t);
  }, [toast, dismissToast]);
  return (
    <div className="toast-region app-chrome" role="status" aria-live="polite">
      {toast && (
        <div className="toast" key={toast.id}>
          <span>{toast.text}</span>
          <button type="button" className="link-button" onClick={dismissToast} aria-label="Dismiss message">
            ✕
          </button>
        </div>
      )}
    </div>
  );
}

export function Notices() {
  return (
    <>
      <StorageProblemNotice />
      <OtherTabNotice />
      <UpgradeNotice />
      <SaveFailureNotice />
      <Toast />
    </>
  );
}
