import { useEffect } from 'react';
import { isPlanInProgress, samePlan } from '../../store/planStatus.ts';
import { decodePlanFragment } from '../../store/share.ts';
import { useStore } from '../../store/store.ts';

function clearFragment(): void {
  // the plan is in the store now (or refused): drop it from the address so a reload does not ask again
  history.replaceState(history.state, '', `${location.pathname}${location.search}`);
}

/** Open a plan from the URL fragment (#plan=…), on load and whenever the fragment changes. */
export function useShareLinkOnLoad(): void {
  useEffect(() => {
    const openFromHash = () => {
      const decoded = decodePlanFragment(location.hash);
      if (decoded === undefined) return;
      clearFragment();
      const store = useStore.getState();
      if (!decoded.ok) {
        store.setLoadFailure({ source: 'the share link', errors: decoded.errors });
        return;
      }
      if (samePlan(decoded.plan, store.plan)) {
        store.showToast('The shared plan is the one already open.');
      } else if (isPlanInProgress(store)) {
        store.setPendingReplace({ plan: decoded.plan, source: 'share-link', ...(decoded.upgradedFrom ? { upgradedFrom: decoded.upgradedFrom } : {}) });
      } else {
        store.replacePlan(decoded.plan, decoded);
        store.showToast(`Shared plan opened${decoded.plan.name ? `: “${decoded.plan.name}”` : ''}.`);
      }
    };
    openFromHash();
    window.addEventListener('hashchange', openFromHash);
    return () => window.removeEventListener('hashchange', openFromHash);
  }, []);
}
