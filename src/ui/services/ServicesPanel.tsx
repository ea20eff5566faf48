import { SECTIONS, SENHASEGURA_CATALOG } from '../../engine/index.ts';
import { NextStep } from '../shell/NextStep.tsx';
import { ClusterSwitch } from './ClusterSwitch.tsx';
import { SectionRules } from './SectionRules.tsx';
import { SiteFlows } from './SiteFlows.tsx';
import './services.css';

export function ServicesPanel() {
  return (
    <div className="panel services-panel">
      <div className="panel-head">
        <h2>2. Services</h2>
        <p className="panel-intro">
          The rows of the vendor article, by section, then the vendor’s other components and your site’s own flows. The article’s rows are on by default;
          rows from other vendor pages are off until you switch them on. Switch off what you do not use, and override a port (or give a range) where
          your server listens elsewhere.
        </p>
      </div>
      <ClusterSwitch />
      {SECTIONS.map((section) =>
        section.id === 'site' ? (
          <SiteFlows key={section.id} />
        ) : (
          <SectionRules key={section.id} section={section} rules={SENHASEGURA_CATALOG.filter((r) => r.section === section.id)} />
        ),
      )}
      <NextStep to="rules" label="Next: review the rules" />
    </div>
  );
}
