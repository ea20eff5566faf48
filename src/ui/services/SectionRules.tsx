import { isRuleOn, type CatalogRule, type Section } from '../../engine/index.ts';
import { useStore } from '../../store/store.ts';
import { RuleRow } from './RuleRow.tsx';

interface Props {
  section: Section;
  rules: readonly CatalogRule[];
}

export function SectionRules({ section, rules }: Props) {
  const setRuleOn = useStore((s) => s.setRuleOn);
  // numbers, not the plan: an edit elsewhere in the plan does not re-render the section
  const inactive = useStore((s) => section.id === 'cluster' && !s.plan.cluster);
  const on = useStore((s) => rules.filter((r) => isRuleOn(s.plan, r)).length);
  const titleId = `section-${section.id}`;
  return (
    <section className={`card section-card${inactive ? ' section-inactive' : ''}`} aria-labelledby={titleId}>
      <header className="section-head">
        <h3 id={titleId}>{section.title}</h3>
        <span className="muted">{on} of {rules.length} on</span>
        <span className="section-bulk">
          <button type="button" className="link-button" onClick={() => rules.filter((r) => !r.optional).forEach((r) => setRuleOn(r.id, true))}>
            all on
          </button>
          {' · '}
          <button type="button" className="link-button" onClick={() => rules.forEach((r) => setRuleOn(r.id, false))}>
            all off
          </button>
        </span>
      </header>
      {inactive && <p className="section-note">Cluster mode is off: these rules are skipped until you turn it on.</p>}
      <div className="table-scroll">
        <table className="services-table">
          <thead>
            <tr>
              <th scope="col" className="col-on">On</th>
              <th scope="col">Service</th>
              <th scope="col">From → to</th>
              <th scope="col">What it is</th>
              <th scope="col" className="col-port">Port</th>
            </tr>
          </thead>
          <tbody>
            {rules.map((rule) => (
              <RuleRow key={rule.id} rule={rule} />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
