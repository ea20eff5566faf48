import { useCallback } from 'react';
import { readPlanFile } from '../../store/planFile.ts';
import { useStore } from '../../store/store.ts';

/** Load a plan file: on success it replaces the plan (undoable); on failure nothing changes. */
export function useImportPlan(): (file: File) => Promise<void> {
  const replacePlan = useStore((s) => s.replacePlan);
  const setLoadFailure = useStore((s) => s.setLoadFailure);
  const showToast = useStore((s) => s.showToast);
  return useCallback(
    async (file: File) => {
      const parsed = await readPlanFile(file);
      if (!parsed.ok) {
        setLoadFailure({ source: file.name, errors: parsed.errors });
        return;
      }
      setLoadFailure(null);
      replacePlan(parsed.plan, parsed);
      showToast(`Opened ${file.name}${parsed.plan.name ? ` (“${parsed.plan.name}”)` : ''}. Undo (Ctrl+Z) brings back the previous plan.`);
    },
    [replacePlan, setLoadFailure, showToast],
  );
}
