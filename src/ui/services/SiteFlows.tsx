import { useId, useState } from 'react';
import { LIST_ROLES, type CustomFlow, type FlowSide, type Plan } from '../../engine/index.ts';
import { usePlan } from '../../store/selectors.ts';
import { parseRoleText, planEntries, roleTextFromEntries } from '../../store/roleText.ts';
import { useStore } from '../../store/store.ts';
import { parsePort } from './PortInput.tsx';

/** A side as one select value: "role:NTP", "users:Admins", "devices:Linux", "node:vault-01", "entries". */
function sideValue(s: FlowSide): string {
  if ('role' in s) return `role:${s.role}`;
  if ('userGroup' in s) return `users:${s.userGroup}`;
  if ('deviceGroup' in s) return `devices:${s.deviceGroup}`;
  if ('node' in s) return `node:${s.node}`;
  return 'entries';
}

function sideOf(value: string, entries: FlowSide): FlowSide {
  const [kind, ...rest] = value.split(':');
  const name = rest.join(':');
  switch (kind) {
    case 'role':
      return { role: name as 'PRD' };
    case 'users':
      return { userGroup: name };
    case 'devices':
      return { deviceGroup: name };
    case 'node':
      return { node: name };
    default:
      return 'entries' in entries ? entries : { entries: [] };
  }
}

function SideSelect({ plan, label, side, onChange }: { plan: Plan; label: string; side: FlowSide; onChange: (side: FlowSide) => void }) {
  const id = useId();
  const [text, setText] = useState(() => ('entries' in side ? roleTextFromEntries(side.entries) : ''));
  const value = sideValue(side);
  const parse = parseRoleText(text);
  return (
    <div className="flow-side">
      <label className="field-label" htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(sideOf(e.target.value, { entries: planEntries(parse) }))}>
        <option value="role:PRD">the senhasegura nodes (PRD, with cluster mode every node)</option>
        {plan.nodes.map((n) => (
          <option key={`n-${n.name}`} value={`node:${n.name}`}>node {n.name}</option>
        ))}
        {plan.userGroups.map((g) => (
          <option key={`u-${g.name}`} value={`users:${g.name}`}>user group {g.name}</option>
        ))}
        <option value="role:USERW">every user group</option>
        {plan.deviceGroups.map((g) => (
          <option key={`d-${g.name}`} value={`devices:${g.name}`}>device group {g.name}</option>
        ))}
        <option value="role:DVC">every device group</option>
        {LIST_ROLES.map((r) => (
          <option key={r} value={`role:${r}`}>{r}</option>
        ))}
        <option value="entries">addresses written here</option>
      </select>
      {value === 'entries' && (
        <>
          <label className="field-label" htmlFor={`${id}-entries`}>{label} addresses</label>
          <textarea
            id={`${id}-entries`}
            className="role-input"
            rows={2}
            spellCheck={false}
            value={text}
            placeholder="198.51.100.50 # jump host"
            aria-invalid={parse.errors.length > 0}
            onChange={(e) => {
              setText(e.target.value);
              onChange({ entries: planEntries(parseRoleText(e.target.value)) });
            }}
          />
          {parse.errors.length > 0 && (
            <ul className="entry-problems" aria-label={`${label} problems`}>
              {parse.errors.slice(0, 20).map((e) => (
                <li key={e.start}>
                  <code>{e.text}</code> {e.reason}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}

function FlowCard({ plan, flow, index }: { plan: Plan; flow: CustomFlow; index: number }) {
  const update = useStore((s) => s.updateCustomFlow);
  const remove = useStore((s) => s.removeCustomFlow);
  const [portText, setPortText] = useState(String(flow.ports));
  const id = useId();
  const port = parsePort(portText);
  const set = (patch: Partial<CustomFlow>) => update(index, { ...flow, ...patch });
  return (
    <section className="card flow-card" aria-label={`Site flow ${flow.name}`} id={`flow-${index}`}>
      <div className="flow-grid">
        <label className="field">
          <span className="field-label">Name</span>
          <input type="text" value={flow.name} maxLength={120} onChange={(e) => set({ name: e.target.value })} />
        </label>
        <label className="field">
          <span className="field-label">Protocol</span>
          <select value={flow.protocol} onChange={(e) => set({ protocol: e.target.value === 'udp' ? 'udp' : 'tcp' })}>
            <option value="tcp">TCP</option>
            <option value="udp">UDP</option>
          </select>
        </label>
        <label className="field">
          <span className="field-label">Port or range</span>
          <input
            type="text"
            value={portText}
            aria-invalid={port === 'invalid' || port === undefined}
            onChange={(e) => {
              setPortText(e.target.value);
              const p = parsePort(e.target.value);
              if (p !== undefined && p !== 'invalid') set({ ports: p });
            }}
          />
          {(port === 'invalid' || port === undefined) && <span className="status-error" role="alert">1–65535 or a range 5000-5100</span>}
        </label>
      </div>
      <div className="flow-grid">
        <SideSelect plan={plan} label="From" side={flow.source} onChange={(source) => set({ source })} />
        <SideSelect plan={plan} label="To" side={flow.destination} onChange={(destination) => set({ destination })} />
      </div>
      <div className="flow-grid">
        <label className="field grow">
          <span className="field-label">Reason</span>
          <input type="text" value={flow.reason} maxLength={4000} onChange={(e) => set({ reason: e.target.value })} />
        </label>
        <label className="field">
          <span className="field-label">Owner</span>
          <input type="text" value={flow.owner ?? ''} maxLength={120} onChange={(e) => set({ owner: e.target.value === '' ? undefined : e.target.value })} />
        </label>
        <label className="field" htmlFor={`${id}-expires`}>
          <span className="field-label">Expires</span>
          <input
            id={`${id}-expires`}
            type="date"
            value={flow.expires ?? ''}
            onChange={(e) => {
              const { expires: _, ...rest } = flow;
              update(index, e.target.value === '' ? rest : { ...rest, expires: e.target.value });
            }}
          />
        </label>
      </div>
      <button type="button" className="button button-small" onClick={() => remove(index)}>
        Remove site flow {flow.name}
      </button>
    </section>
  );
}

/**
 * The site's own flows: a jump host, the update proxy, a monitoring server. They go through the
 * same engine as the catalog rows and are marked as the site's own in every output.
 */
export function SiteFlows() {
  const plan = usePlan();
  const add = useStore((s) => s.addCustomFlow);
  return (
    <section className="card section-card" aria-labelledby="section-site">
      <header className="section-head">
        <h3 id="section-site">Site flows (this site’s own, not from the vendor)</h3>
        <span className="muted">{plan.customFlows.length} flow{plan.customFlows.length === 1 ? '' : 's'}</span>
      </header>
      <p className="section-note">
        Flows the vendor does not list but your site needs. They go through the same checks, exports, findings and change request, marked as the site’s own.
      </p>
      {plan.customFlows.map((flow, i) => (
        <FlowCard key={i} plan={plan} flow={flow} index={i} />
      ))}
      <button
        type="button"
        className="button"
        onClick={() => {
          let name = 'Site flow';
          for (let n = 2; plan.customFlows.some((f) => f.name === name); n++) name = `Site flow ${n}`;
          add({ name, source: { entries: [] }, destination: { role: 'PRD' }, protocol: 'tcp', ports: 443, reason: '' });
        }}
      >
        Add a site flow
      </button>
    </section>
  );
}
