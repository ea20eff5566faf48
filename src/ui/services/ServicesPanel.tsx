import { SECTIONS, SENHASEGURA_CATALOG } from '../../engine/index.ts';
import { NextStep } from '../shell/NextStep.tsx';
import { ClusterSwitch } from './ClusterSwitch.tsx';
import { SectionRules } from './SectionRules.tsx';
import './services.css';

export function ServicesPanel() {
  return (
    <div className="panel services-panel">
      <div className="panel-head">
        <h2>2. Services</h2>
        <p className="panel-intro">
          The rows of the vendor article, by section. Everything is on by default, except the cluster rows from newer vendor documentation.
          Switch off what you do not use, and override a port where your server listens elsewhere.
        </p>
      </div>
      <ClusterSwitch />
      {SECTIONS.map((section) => (
        <SectionRules key={section.id} section={section} rules={SENHASEGURA_CATALOG.filter((r) => r.section === section.id)} />
      ))}
      <NextStep to="rules" label="Next: review the rules" />
    </div>
  );
}
