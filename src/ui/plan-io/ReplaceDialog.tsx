import { planFile } from '../../store/planFile.ts';
import { planEntryCount } from '../../store/planStatus.ts';
import { useStore } from '../../store/store.ts';
import { ConfirmDialog } from '../common/ConfirmDialog.tsx';
import { downloadText } from '../common/download.ts';
import { plural } from '../common/format.ts';

const TITLES = {
  'share-link': 'Open the shared plan?',
  example: 'Load the example plan?',
  new: 'Start a new plan?',
} as const;

/** Asks before a share link, the example or a new plan replaces the plan in progress. */
export function ReplaceDialog() {
  const pending = useStore((s) => s.pendingReplace);
  const current = useStore((s) => s.plan);
  const setPendingReplace = useStore((s) => s.setPendingReplace);
  const replacePlan = useStore((s) => s.replacePlan);
  const showToast = useStore((s) => s.showToast);
  if (!pending) return null;
  const incoming = pending.plan;
  const entries = planEntryCount(incoming);
  return (
    <ConfirmDialog
      open
      title={TITLES[pending.source]}
      confirmLabel={pending.source === 'new' ? 'Start a new plan' : 'Replace my plan'}
      cancelLabel="Keep my plan"
      danger
      onCancel={() => setPendingReplace(null)}
      onConfirm={() => {
        replacePlan(incoming, pending.upgradedFrom ? { upgradedFrom: pending.upgradedFrom } : undefined);
        setPendingReplace(null);
        showToast(`${pending.source === 'share-link' ? 'Shared plan opened' : pending.source === 'example' ? 'Example plan loaded' : 'New plan started'}. Undo (Ctrl+Z) brings back the previous one.`);
      }}
    >
      <p>
        You have a plan in progress{current.name ? <> (“{current.name}”)</> : null}. It will be replaced
        {pending.source === 'new' ? ' by an empty plan' : <> by “{incoming.name ?? 'unnamed plan'}” ({plural(entries, 'address entry', 'address entries')})</>}.
      </p>
      <p>You can undo this afterwards (Ctrl+Z), or save your plan file first:</p>
      <p>
        <button
          type="button"
          className="button button-small"
          onClick={() => {
            const { text, fileName } = planFile(current);
            downloadText(text, fileName, 'application/json');
          }}
        >
          Save my plan file
        </button>
      </p>
    </ConfirmDialog>
  );
}
