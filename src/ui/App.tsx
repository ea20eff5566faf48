import { useEffect, type ReactElement } from 'react';
import type { ViewId } from '../store/slices/uiSlice.ts';
import { useStore } from '../store/store.ts';
import { ExportPanel } from './export/ExportPanel.tsx';
import { FindingsPanel } from './findings/FindingsPanel.tsx';
import { LoadFailureDialog } from './plan-io/LoadFailureDialog.tsx';
import { ReplaceDialog } from './plan-io/ReplaceDialog.tsx';
import { usePageDrop } from './plan-io/usePageDrop.ts';
import { useShareLinkOnLoad } from './plan-io/useShareLinkOnLoad.ts';
import { RolesPanel } from './roles/RolesPanel.tsx';
import { RulesPanel } from './rules-table/RulesPanel.tsx';
import { ServicesPanel } from './services/ServicesPanel.tsx';
import { ChangeRequestView } from './shell/ChangeRequestView.tsx';
import { DropOverlay } from './shell/DropOverlay.tsx';
import { Header } from './shell/Header.tsx';
import { Notices } from './shell/Notices.tsx';
import { StepNav } from './shell/StepNav.tsx';
import { useUndoShortcuts } from './shell/useUndoShortcuts.ts';

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
        {VIEWS[view]()}
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
