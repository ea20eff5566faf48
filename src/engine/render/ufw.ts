import { chunk, dropsDirection, groupByPorts, groupComment, headerLines, pairs, scopeSlug, slugify } from './common.ts';
import { shellWord, ufwComment } from './quote.ts';
import type { Renderer, RenderInput, RenderOutput } from './types.ts';

/** ufw hands several ports to iptables multiport, which takes at most 15 */
const PORTS_PER_RULE = 15;

export function renderUfw(input: RenderInput): RenderOutput {
  const { options } = input;
  const hostScope = options.scope.kind === 'host';
  const file = `${slugify(input.plan.name)}-${scopeSlug(options.scope)}-ufw.sh`;
  const lines = ['#!/usr/bin/env bash', ...headerLines(input, 'ufw commands (bash)')];
  lines.push(
    '#',
    '# Apply it safely:',
    '#   ufw status verbose > /root/ufw.before; cp -a /etc/ufw /root/ufw.before.d   # snapshot',
    `#   bash -n ${file}                                                          # check the script`,
    '#   (sleep 120; cp -a /root/ufw.before.d/. /etc/ufw/; ufw reload) &          # timed rollback, then',
    `#   bash ${file}   # and, once you still have access: kill %1`,
    '# Roll back: cp -a /root/ufw.before.d/. /etc/ufw/ && ufw reload',
  );
  if (options.defaultDrop) {
    lines.push('# With --default-drop the defaults are set to deny only after every allow rule is in, and ufw is enabled last.');
  }
  lines.push("# Comments: ufw refuses ' in a comment, so a label's ' is written as ’.", 'set -euo pipefail', '');
  for (const g of groupByPorts(input.rules)) {
    const text = groupComment(g);
    lines.push(`# ${text.replace(/[\r\n]/g, ' ')}`);
    const verb = g.direction === 'forward' ? 'route allow' : g.direction === 'in' ? 'allow in' : 'allow out';
    // the comment of a pair depends only on its labels: quote each distinct one once
    const comments = new Map<string, string>([['', shellWord(ufwComment(text))]]);
    const commentFor = (label: string): string => {
      let c = comments.get(label);
      if (c === undefined) {
        c = shellWord(ufwComment(`${text} ${label}`));
        comments.set(label, c);
      }
      return c;
    };
    for (const list of chunk(g.ports, PORTS_PER_RULE)) {
      const head = `ufw ${verb} proto ${g.protocol} from `;
      const tail = ` port ${list.join(',')} comment `;
      for (const [s, d] of pairs(g)) {
        const label = s.label && d.label ? `${s.label} -> ${d.label}` : (s.label || d.label || '');
        lines.push(`${head}${s.network.display} to ${d.network.display}${tail}${commentFor(label)}`);
      }
    }
  }
  if (options.defaultDrop) {
    lines.push('', '# the policy, once every allow rule is in place');
    if (hostScope) lines.push('ufw default deny incoming', `ufw default ${dropsDirection(options, 'out') ? 'deny' : 'allow'} outgoing`);
    lines.push('ufw default deny routed', 'ufw --force enable');
  }
  lines.push('');
  return { text: lines.join('\n'), findings: [] };
}

export const ufwRenderer: Renderer = {
  id: 'ufw',
  label: 'ufw (bash script)',
  mediaType: 'text/x-shellscript',
  firewall: true,
  fileName: (slug, scope) => `${slug}-${scopeSlug(scope)}-ufw.sh`,
  render: renderUfw,
};
