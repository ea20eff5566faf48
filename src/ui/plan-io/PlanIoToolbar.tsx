import { useRef, useState } from 'react';
import { examplePlan } from '../../store/examplePlan.ts';
import { planFile } from '../../store/planFile.ts';
import { isPlanInProgress } from '../../store/planStatus.ts';
import { startingPlan } from '../../store/slices/planSlice.ts';
import { useStore } from '../../store/store.ts';
import { downloadText } from '../common/download.ts';
import { ShareDialog } from './ShareDialog.tsx';
import { useImportPlan } from './useImportPlan.ts';

/** Open, save and share the plan; start a new one or load the example. */
export function PlanIoToolbar() {
  const inputRef = useRef<HTMLInputElement>(null);
  const [sharing, setSharing] = useState(false);
  const importPlan = useImportPlan();
  const replacePlan = useStore((s) => s.replacePlan);
  const setPendingReplace = useStore((s) => s.setPendingReplace);
  const showToast = useStore((s) => s.showToast);

  const replaceAsking = (source: 'example' | 'new') => {
    const plan = source === 'example' ? examplePlan() : startingPlan();
    if (isPlanInProgress(useStore.getState())) {
      setPendingReplace({ plan, source });
    } else {
      replacePlan(plan);
      if (source === 'example') showToast('Example plan loaded.');
    }
  };

  return (
    <div className="toolbar plan-io app-chrome" role="toolbar" aria-label="Plan file">
      <button type="button" className="button" onClick={() => replaceAsking('new')}>New</button>
      <button type="button" className="button" onClick={() => replaceAsking('example')}>Load example plan</button>
      <button type="button" className="button" onClick={() => inputRef.current?.click()}>Open plan file…</button>
      <input
        ref={inputRef}
        type="file"
        accept=".json,application/json"
        className="visually-hidden"
        aria-label="Plan file to open"
        tabIndex={-1}
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) void importPlan(file);
        }}
      />
      <button
        type="button"
        className="button"
        onClick={() => {
          const { text, fileName } = planFile(useStore.getState().plan);
          downloadText(text, fileName, 'application/json');
        }}
      >
        Save plan file
      </button>
      <button type="button" className="button" onClick={() => setSharing(true)}>Share link</button>
      {sharing && <ShareDialog onClose={() => setSharing(false)} />}
    </div>
  );
}
