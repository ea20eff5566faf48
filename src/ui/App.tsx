import { Suspense, lazy, useEffect, type ReactElement } from 'react';
import type { ViewId } from '../store/slices/uiSlice.ts';
import { useStore } from '../store/store.ts';
import { LoadFailureDialog } from './plan-io/LoadFailureDialog.tsx';
import { ReplaceDialog } from './plan-io/ReplaceDialog.tsx';
import { usePageDrop } from './plan-io/usePageDrop.ts';
import { useShareLinkOnLoad } from './plan-io/useShareLinkOnLoad.ts';
import { RolesPanel } from './roles/RolesPanel.tsx';
import { ChangeRequestView } from './shell/ChangeRequestView.tsx';
import { DropOverlay } from './shell/DropOverlay.tsx';
import { Header } from './shell/Header.tsx';
import { Notices } from './shell/Notices.tsx';
import { StepNav } from './shell/StepNav.tsx';
import { useUndoShortcuts } from './shell/useUndoShortcuts.ts';

// The first view (Addresses) is in the first download; every other view loads when it is first
// opened, so the page's initial JavaScript stays small (scripts/check-bundle-size.mjs).
const ServicesPanel = lazy(() => import('./services/ServicesPanel.tsx').then((m) => ({ default: m.ServicesPanel })));
const RulesPanel = lazy(() => import('./rules-table/RulesPanel.tsx').then((m) => ({ default: m.RulesPanel })));
const FindingsPanel = lazy(() => import('./findings/FindingsPanel.tsx').then((m) => ({ default: m.FindingsPanel })));
const ExportPanel = lazy(() => import('./export/ExportPanel.tsx').then((m) => ({ default: m.ExportPanel })));

const VIEWS: Record<ViewId, () => ReactElement> = {
  addresses: () => <RolesPanel />,
  services: () => <ServicesPanel />,
  rules: () => <RulesPanel />,
  findings: () => <FindingsPanel />,
  export: () => <ExportPanel />,
  'change-request': () => <ChangeRequestView />,
};

export function App() {
  useUndoShortcuts();
  useShareLinkOnLoad();
  const dragging = usePageDrop();
  const view = useStore((s) => s.view);
  const planName = useStore((s) => s.plan.name);
  useEffect(() => {
    document.title = planName ? `${planName} — fwplan` : 'fwplan — senhasegura firewall planner';
  }, [planName]);
  return (
    <div className="app">
      <a className="skip-link app-chrome" href="#main">Skip to the form</a>
      <Header />
      <StepNav />
      <Notices />
      <main id="main" className="main" tabIndex={-1}>
        <Suspense fallback={<p className="muted panel">Loading…</p>}>{VIEWS[view]()}</Suspense>
      </main>
      <footer className="app-footer app-chrome">
        fwplan runs entirely in this browser: the plan is saved here and never sent anywhere. Catalog: the senhasegura “Firewall rules” article.
      </footer>
      <ReplaceDialog />
      <LoadFailureDialog />
      <DropOverlay visible={dragging} />
    </div>
  );
}
