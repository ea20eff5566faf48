import { LIMITS, parseAddress, type NodeRole, type PlanNode } from '../engine/index.ts';
import type { RoleTextParse, TextToken } from './roleText.ts';

/**
 * The nodes box of a role (PRD or MBR) reads like every role box — addresses, `# label` — and a
 * label names a node: the addresses of one line, or of lines with the same label, are one node
 * when they are of different families (one IPv4, one IPv6). Every other address is a node of its
 * own, named by its label or its address. This is how version 1 plans are read too.
 */
export interface TextNode {
  readonly node: PlanNode;
  /** the tokens the node was made of, in address order */
  readonly tokens: readonly TextToken[];
}

function familyOf(text: string): 4 | 6 | undefined {
  const p = parseAddress(text);
  return p.ok ? p.network.family : undefined;
}

export function nodesFromParse(role: NodeRole, parse: RoleTextParse, taken: Set<string> = new Set()): TextNode[] {
  const groups = new Map<string, TextToken[]>();
  const order: string[] = [];
  parse.tokens.forEach((t, i) => {
    const key = t.label !== undefined ? `label:${t.label}` : `line:${t.line}:${i}`;
    if (!groups.has(key)) {
      groups.set(key, []);
      order.push(key);
    }
    groups.get(key)?.push(t);
  });
  // an unlabelled line of one IPv4 and one IPv6 address is one node too
  const lines = new Map<number, string[]>();
  for (const key of order) {
    if (!key.startsWith('line:')) continue;
    const line = Number(key.split(':')[1]);
    lines.set(line, [...(lines.get(line) ?? []), key]);
  }
  for (const keys of lines.values()) {
    if (keys.length !== 2) continue;
    const [a, b] = keys.map((k) => groups.get(k)?.[0]) as [TextToken, TextToken];
    const fa = familyOf(a.written);
    const fb = familyOf(b.written);
    if (fa !== undefined && fb !== undefined && fa !== fb) {
      groups.set(keys[0] as string, [a, b]);
      groups.delete(keys[1] as string);
    }
  }
  const out: TextNode[] = [];
  const unique = (wanted: string): string => {
    const base = wanted.slice(0, LIMITS.nodeNameLength);
    let name = base;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base.slice(0, LIMITS.nodeNameLength - 5)} (${n})`;
    taken.add(name.toLowerCase());
    return name;
  };
  for (const key of order) {
    const tokens = groups.get(key);
    if (!tokens) continue;
    const families = tokens.map((t) => familyOf(t.written));
    const pairable = tokens.length === 2 && families[0] !== undefined && families[1] !== undefined && families[0] !== families[1];
    const members = tokens.length === 1 || pairable ? [tokens] : tokens.map((t) => [t]);
    for (const m of members) {
      const first = m[0] as TextToken;
      out.push({ node: { name: unique(first.label ?? first.written), role, addresses: m.map((t) => t.written) }, tokens: m });
    }
  }
  return out;
}

/** A role's nodes box for nodes that came from a plan file: one node a line, `addresses # name`. */
export function nodeText(nodes: readonly PlanNode[]): string {
  return nodes
    .map((n) => {
      const addresses = n.addresses.join(', ');
      const name = n.name.replace(/[\r\n#]+/g, ' ').trim();
      return name === '' || (n.addresses.length === 1 && name === n.addresses[0]) ? addresses : `${addresses} # ${name}`;
    })
    .join('\n');
}

/**
 * The box text with the given tokens labelled `label`: each token's line gets the label (a line
 * that holds other tokens too keeps them, labelled the same way). Used to make two single-family
 * nodes one node.
 */
export function labelTokens(text: string, tokens: readonly TextToken[], label: string): string {
  const lines = text.split('\n');
  const clean = label.replace(/[\r\n#]+/g, ' ').trim();
  for (const line of new Set(tokens.map((t) => t.line))) {
    const i = line - 1;
    const current = lines[i];
    if (current === undefined) continue;
    const hash = current.indexOf('#');
    const body = (hash === -1 ? current : current.slice(0, hash)).trimEnd();
    lines[i] = `${body} # ${clean}`;
  }
  return lines.join('\n');
}
