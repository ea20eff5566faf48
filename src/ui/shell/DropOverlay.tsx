/** Shown while files are dragged over the page. */
export function DropOverlay({ visible }: { visible: boolean }) {
  if (!visible) return null;
  return (
    <div className="drop-overlay app-chrome" aria-hidden="true">
      <div className="drop-message">
        <strong>Drop a plan file (.json) to open it</strong>
        <span>or drop a text file on a role box to add its addresses</span>
      </div>
    </div>
  );
}
