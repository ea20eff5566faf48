import { useStore } from '../../store/store.ts';
import { count } from '../common/format.ts';
import { Dialog } from '../common/Dialog.tsx';

const SHOWN = 200;

/** Why a plan file or share link was refused, problem by problem with its JSON path. */
export function LoadFailureDialog() {
  const failure = useStore((s) => s.loadFailure);
  const setLoadFailure = useStore((s) => s.setLoadFailure);
  if (!failure) return null;
  return (
    <Dialog open title={`Could not open ${failure.source}`} onClose={() => setLoadFailure(null)} wide>
      <p role="alert">
        <strong>Nothing was changed:</strong> your current plan is as it was. {failure.errors.length === 1 ? 'One problem' : `${count(failure.errors.length)} problems`}:
      </p>
      <ul className="load-errors">
        {failure.errors.slice(0, SHOWN).map((e, i) => (
          <li key={i}>
            <code className="error-path">{e.path}</code> {e.message}
          </li>
        ))}
        {failure.errors.length > SHOWN && <li>… and {count(failure.errors.length - SHOWN)} more</li>}
      </ul>
    </Dialog>
  );
}
