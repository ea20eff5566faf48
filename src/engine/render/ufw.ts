import { chunk, dropsDirection, groupByPorts, groupComment, headerLines, pairs, scopeSlug, slugify } from './common.ts';
import { shellWord } from './quote.ts';
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
  lines.push('set -euo pipefail', '');
  for (const g of groupByPorts(input.rules)) {
    lines.push(`# ${groupComment(g).replace(/[\r\n]/g, ' ')}`);
    const comment = shellWord(groupComment(g));
    for (const list of chunk(g.ports, PORTS_PER_RULE)) {
      const port = list.join(',');
      for (const [s, d] of pairs(g)) {
        const verb = g.direction === 'forward' ? 'route allow' : g.direction === 'in' ? 'allow in' : 'allow out';
        const label = [s.label, d.label].filter((x) => x !== undefined && x !== '').join(' -> ');
        const c = label === '' ? comment : shellWord(`${groupComment(g)} ${label}`);
        lines.push(`ufw ${verb} proto ${g.protocol} from ${s.network.display} to ${d.network.display} port ${port} comment ${c}`);
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
