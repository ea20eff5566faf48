import { useMemo, useState } from 'react';
import { encodePlanFragment } from '../../store/share.ts';
import { usePlan } from '../../store/selectors.ts';
import { copyText } from '../common/clipboard.ts';
import { Dialog } from '../common/Dialog.tsx';
import { bytes } from '../common/format.ts';

/** A link that carries the whole plan in its fragment: the part after # never reaches a server. */
export function ShareDialog({ onClose }: { onClose: () => void }) {
  const plan = usePlan();
  const encoded = useMemo(() => encodePlanFragment(plan), [plan]);
  const [copied, setCopied] = useState(false);
  const link = encoded.ok ? `${location.origin}${location.pathname}${location.search}#${encoded.fragment}` : '';
  return (
    <Dialog open title="Share this plan" onClose={onClose} wide>
      {encoded.ok ? (
        <>
          <p>
            The link holds the whole plan, compressed, after the <code>#</code>. Browsers never send that part to a server: the plan travels only
            inside the link. Whoever opens it gets a copy of the plan in their browser.
          </p>
          <label className="field">
            <span className="field-label">Share link ({bytes(link.length)})</span>
            <textarea className="share-link" readOnly value={link} rows={4} onFocus={(e) => e.target.select()} />
          </label>
          <p>
            <button
              type="button"
              className="button button-primary"
              onClick={() => {
                void copyText(link).then(setCopied);
              }}
            >
              {copied ? 'Copied' : 'Copy link'}
            </button>
          </p>
          <p className="hint">The link opens this app at the same address ({location.origin}); the receiver needs fwplan served at a reachable address.</p>
        </>
      ) : (
        <p className="callout callout-warn" role="alert">{encoded.message}</p>
      )}
    </Dialog>
  );
}
