import { FORMAT_IDS, RENDERERS, nodeFamilies, type FormatId, type PlanNodeRef } from '../../engine/index.ts';
import type { ExportOptions } from '../../store/slices/exportSlice.ts';

interface Props {
  options: ExportOptions;
  nodes: readonly PlanNodeRef[];
  hostNode: string | undefined;
  deviceGroups: readonly string[];
  onChange: (patch: Partial<ExportOptions>) => void;
}

function egressText(options: ExportOptions, firewall: boolean): string {
  if (!firewall) return 'Not a firewall format: the file lists the rules in both directions as planned.';
  if (options.scope === 'gateway') {
    return 'A gateway filters what crosses it, in both directions; its own incoming and outgoing traffic is left alone.';
  }
  if (!options.defaultDrop) return 'The planned outbound flows get ACCEPT rules in the output chain; other outgoing traffic follows your existing policy.';
  return options.egress === 'open'
    ? 'Outgoing traffic of the node is left open (policy ACCEPT); the planned outbound rules are still written.'
    : 'The node’s outgoing traffic is filtered too: only the planned outbound flows (DNS, NTP, LDAP, devices…) and replies may leave it.';
}

function nodeText(n: PlanNodeRef): string {
  const addresses = [n.v4, n.v6].filter((a) => a !== undefined).map((a) => a.written);
  const families = nodeFamilies(n).length === 2 ? ' (dual-stack)' : '';
  return `${n.role} ${n.name} — ${addresses.join(' + ')}${families}`;
}

export function ExportOptionsForm({ options, nodes, hostNode, deviceGroups, onChange }: Props) {
  const renderer = RENDERERS[options.format];
  const firewall = renderer.options.defaultDrop;
  return (
    <form className="card export-options app-chrome" onSubmit={(e) => e.preventDefault()} aria-label="Export options">
      <div className="field">
        <label className="field-label" htmlFor="export-format">Format</label>
        <select id="export-format" value={options.format} aria-describedby="export-format-note" onChange={(e) => onChange({ format: e.target.value as FormatId })}>
          {FORMAT_IDS.map((id) => (
            <option key={id} value={id}>{RENDERERS[id].label}</option>
          ))}
        </select>
        <span className="hint" id="export-format-note">{renderer.description}</span>
      </div>

      <fieldset className="field">
        <legend className="field-label">Where the rules are enforced</legend>
        <label className="radio">
          <input type="radio" name="scope" value="gateway" checked={options.scope === 'gateway'} onChange={() => onChange({ scope: 'gateway' })} />
          <span>
            <strong>Gateway</strong> <span className="muted">— a Linux router or firewall between the zones (forwarded traffic)</span>
          </span>
        </label>
        <label className="radio">
          <input type="radio" name="scope" value="host" checked={options.scope === 'host'} disabled={nodes.length === 0} onChange={() => onChange({ scope: 'host' })} />
          <span>
            <strong>Host</strong> <span className="muted">— the firewall on one senhasegura node (inbound and outbound, every address family it has)</span>
          </span>
        </label>
        {options.scope === 'host' && (
          <div className="field nested">
            <label className="field-label" htmlFor="export-node">Node</label>
            <select id="export-node" value={hostNode ?? ''} onChange={(e) => onChange({ hostNode: e.target.value })}>
              {nodes.map((n) => (
                <option key={n.name} value={n.name}>{nodeText(n)}</option>
              ))}
            </select>
          </div>
        )}
        {nodes.length === 0 && <span className="hint">Host scope needs a PRD node with an address.</span>}
      </fieldset>

      <fieldset className="field">
        <legend className="field-label">Policy</legend>
        <label className="check">
          <input type="checkbox" checked={options.defaultDrop} disabled={!firewall} onChange={(e) => onChange({ defaultDrop: e.target.checked })} />
          <span>
            <strong>Default drop</strong> — a complete policy: drop by default, allow established traffic, loopback and the ICMP a network needs, then the plan’s
            rules. On a node the admin shell from ADMINW is always kept.
          </span>
        </label>
        <span className="hint">
          {firewall
            ? options.defaultDrop
              ? 'Replaces the current policy: apply it with the rollback steps written at the top of the file.'
              : 'Without it the file only adds ACCEPT rules in its own chain and leaves your policy alone.'
            : 'Only for firewall formats.'}
        </span>
      </fieldset>

      {renderer.options.placement && (
        <fieldset className="field">
          <legend className="field-label">Where the policy sits</legend>
          <label className="field nested">
            <span className="field-label">{renderer.options.placement.from}</span>
            <input type="text" value={options.from} placeholder={renderer.options.placement.defaultFrom} maxLength={63} onChange={(e) => onChange({ from: e.target.value })} />
          </label>
          <label className="field nested">
            <span className="field-label">{renderer.options.placement.to}</span>
            <input type="text" value={options.to} placeholder={renderer.options.placement.defaultTo} maxLength={63} onChange={(e) => onChange({ to: e.target.value })} />
          </label>
        </fieldset>
      )}

      {renderer.options.deviceGroup && (
        <div className="field">
          <label className="field-label" htmlFor="export-device-group">Device group</label>
          <select id="export-device-group" value={options.deviceGroup} onChange={(e) => onChange({ deviceGroup: e.target.value })}>
            <option value="">Every device group</option>
            {deviceGroups.map((g) => (
              <option key={g} value={g}>{g}</option>
            ))}
          </select>
        </div>
      )}

      {renderer.options.ipset && (
        <fieldset className="field">
          <legend className="field-label">Large roles</legend>
          <label className="check">
            <input type="checkbox" checked={options.ipset} onChange={(e) => onChange({ ipset: e.target.checked })} />
            <span>
              <strong>Use ipsets</strong> — match roles and groups of several addresses through kernel ipsets: tens of rules instead of thousands. Load the
              ipset file first.
            </span>
          </label>
        </fieldset>
      )}

      <fieldset className="field">
        <legend className="field-label">Egress (outgoing traffic)</legend>
        {renderer.options.egress && options.scope === 'host' && options.defaultDrop && (
          <label className="check">
            <input type="checkbox" checked={options.egress === 'filter'} onChange={(e) => onChange({ egress: e.target.checked ? 'filter' : 'open' })} />
            <span>
              <strong>Filter outgoing traffic</strong> — only the planned outbound flows may leave the node
            </span>
          </label>
        )}
        <span className="hint" data-testid="egress-note">{egressText(options, firewall)}</span>
      </fieldset>
    </form>
  );
}
