import { examplePlan } from '../../store/examplePlan.ts';
import { isPlanInProgress } from '../../store/planStatus.ts';
import { useStore } from '../../store/store.ts';

/** Shown while the plan is empty: the four steps, and an example to try them on. */
export function GettingStarted() {
  const inProgress = useStore((s) => isPlanInProgress(s));
  const replacePlan = useStore((s) => s.replacePlan);
  const showToast = useStore((s) => s.showToast);
  if (inProgress) return null;
  return (
    <section className="getting-started" aria-labelledby="getting-started-title">
      <h3 id="getting-started-title">Get a firewall rule set for senhasegura in four steps</h3>
      <ol className="steps-list">
        <li><strong>Addresses</strong>: enter the senhasegura node (PRD) and the servers, users and devices it talks to, below.</li>
        <li><strong>Services</strong>: switch cluster mode and individual services on or off; override a port if yours differs.</li>
        <li><strong>Review</strong>: check the rules and the findings.</li>
        <li><strong>Export</strong>: download iptables, nftables, ufw, firewalld, CSV or JSON.</li>
      </ol>
      <p>
        Just looking?{' '}
        <button
          type="button"
          className="button button-primary"
          onClick={() => {
            replacePlan(examplePlan());
            showToast('Example plan loaded. Edit any box, or go to Export to download its rules.');
          }}
        >
          Load example plan
        </button>{' '}
        <span className="muted">Everything stays in this browser: nothing is sent anywhere.</span>
      </p>
    </section>
  );
}
