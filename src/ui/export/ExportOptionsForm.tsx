import { FORMAT_IDS, RENDERERS, sameNodeOtherFamily, type AddressEntry, type FormatId } from '../../engine/index.ts';
import type { ExportOptions } from '../../store/slices/exportSlice.ts';
import { FORMAT_NOTES, usesIpsetOption } from './exportHints.ts';

interface Props {
  options: ExportOptions;
  nodes: readonly AddressEntry[];
  hostAddress: string | undefined;
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

/** Nodes whose IPv4 and IPv6 entries carry the same label: one machine, protected by one export. */
function dualStackNodes(nodes: readonly AddressEntry[]): [AddressEntry, AddressEntry][] {
  return nodes.flatMap((v4) => {
    const v6 = v4.network.family === 4 ? sameNodeOtherFamily(nodes, v4)[0] : undefined;
    return v6 ? [[v4, v6] as [AddressEntry, AddressEntry]] : [];
  });
}

export function ExportOptionsForm({ options, nodes, hostAddress, onChange }: Props) {
  const renderer = RENDERERS[options.format];
  const firewall = renderer.firewall;
  return (
    <form className="card export-options app-chrome" onSubmit={(e) => e.preventDefault()} aria-label="Export options">
      <div className="field">
        <label className="field-label" htmlFor="export-format">Format</label>
        <select id="export-format" value={options.format} aria-describedby="export-format-note" onChange={(e) => onChange({ format: e.target.value as FormatId })}>
          {FORMAT_IDS.map((id) => (
            <option key={id} value={id}>{RENDERERS[id].label}</option>
          ))}
        </select>
        <span className="hint" id="export-format-note">{FORMAT_NOTES[options.format]}</span>
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
          <input
            type="radio"
            name="scope"
            value="host"
            checked={options.scope === 'host'}
            disabled={nodes.length === 0}
            onChange={() => onChange({ scope: 'host' })}
          />
          <span>
            <strong>Host</strong> <span className="muted">— the firewall on one senhasegura node (inbound and outbound)</span>
          </span>
        </label>
        {options.scope === 'host' && (
          <div className="field nested">
            <label className="field-label" htmlFor="export-node">Node</label>
            <select id="export-node" value={hostAddress ?? ''} onChange={(e) => onChange({ hostAddress: e.target.value })}>
              {dualStackNodes(nodes).map(([v4, v6]) => (
                <option key={`${v4.network.cidr},${v6.network.cidr}`} value={`${v4.network.display},${v6.network.display}`}>
                  {v4.role} {v4.label} — {v4.network.display} + {v6.network.display} (dual-stack)
                </option>
              ))}
              {nodes.map((n) => (
                <option key={n.network.cidr} value={n.network.display}>
                  {n.role} {n.network.display}{n.label ? ` — ${n.label}` : ''}
                </option>
              ))}
            </select>
          </div>
        )}
        {nodes.length === 0 && <span className="hint">Host scope needs a PRD address.</span>}
      </fieldset>

      <fieldset className="field">
        <legend className="field-label">Policy</legend>
        <label className="check">
          <input type="checkbox" checked={options.defaultDrop} disabled={!firewall} onChange={(e) => onChange({ defaultDrop: e.target.checked })} />
          <span>
            <strong>Default drop</strong> — a complete policy: drop by default, allow established traffic, loopback and the ICMP a network needs, then the plan’s
            rules.
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

      {usesIpsetOption(options.format) && (
        <fieldset className="field">
          <legend className="field-label">Large roles</legend>
          <label className="check">
            <input type="checkbox" checked={options.ipset} onChange={(e) => onChange({ ipset: e.target.checked })} />
            <span>
              <strong>Use ipsets</strong> — match roles of several addresses through kernel ipsets: tens of rules instead of thousands. Load the ipset
              file first.
            </span>
          </label>
        </fieldset>
      )}

      <fieldset className="field">
        <legend className="field-label">Egress (outgoing traffic)</legend>
        {firewall && options.scope === 'host' && options.defaultDrop && (
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
