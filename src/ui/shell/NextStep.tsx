import type { ViewId } from '../../store/slices/uiSlice.ts';
import { useStore } from '../../store/store.ts';

/** The button at the foot of a step that leads to the next one. */
export function NextStep({ to, label }: { to: ViewId; label: string }) {
  const setView = useStore((s) => s.setView);
  return (
    <div className="next-step app-chrome">
      <button
        type="button"
        className="button button-primary"
        onClick={() => {
          setView(to);
          window.scrollTo({ top: 0 });
        }}
      >
        {label} →
      </button>
    </div>
  );
}
