import { parseAddress } from '../../engine/index.ts';
import { labelTokens, type TextNode } from '../../store/nodeText.ts';

interface Props {
  role: 'PRD' | 'MBR';
  nodes: readonly TextNode[];
  text: string;
  onChange: (text: string) => void;
}

function familyOf(written: string): 4 | 6 | undefined {
  const p = parseAddress(written);
  return p.ok ? p.network.family : undefined;
}

/**
 * What a node box became: one row per node with its IPv4 and IPv6 address. A node with one
 * family next to a node with only the other may be one machine written twice: one click gives
 * both the same name, which makes them one node.
 */
export function NodeTable({ role, nodes, text, onChange }: Props) {
  if (nodes.length === 0) return null;
  const only = (f: 4 | 6) => nodes.filter((n) => n.node.addresses.length === 1 && familyOf(n.node.addresses[0] ?? '') === f);
  const v4 = only(4);
  const v6 = only(6);
  const pairs = v4.slice(0, v6.length).map((a, i) => [a, v6[i] as TextNode] as const);
  return (
    <div className="node-table-wrap">
      <table className="node-table" aria-label={`${role} nodes`}>
        <thead>
          <tr>
            <th scope="col">Node</th>
            <th scope="col">IPv4</th>
            <th scope="col">IPv6</th>
          </tr>
        </thead>
        <tbody>
          {nodes.map(({ node }) => {
            const at = (f: 4 | 6) => node.addresses.filter((a) => familyOf(a) === f).join(', ');
            const bad = node.addresses.filter((a) => familyOf(a) === undefined);
            return (
              <tr key={node.name}>
                <th scope="row">{node.name}</th>
                <td><code>{at(4) || '—'}</code></td>
                <td>
                  <code>{at(6) || '—'}</code>
                  {bad.length > 0 && <span className="status-error"> (not an address: {bad.join(', ')})</span>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {pairs.length > 0 && (
        <div className="callout callout-warn node-pairs" role="note">
          <p>
            Some nodes have only an IPv4 address and others only an IPv6 address. If two of them are one machine, make them one node: a host export covers the
            address families of its node only.
          </p>
          <ul>
            {pairs.map(([a, b]) => (
              <li key={`${a.node.name}|${b.node.name}`}>
                <button type="button" className="button button-small" onClick={() => onChange(labelTokens(text, [...a.tokens, ...b.tokens], a.node.name))}>
                  Make {a.node.name} and {b.node.name} one node
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
