import { pairs } from '../flows.ts';
import { countLines, multiportChunks, portList, dropsDirection, groupByPorts, groupComment, headerLines } from './common.ts';
import { shellWord } from './quote.ts';
import type { Renderer, RenderInput, RenderOutput } from './types.ts';

/** ufw hands several ports to iptables multiport, which takes at most 15 */
const PORTS_PER_RULE = 15;

export function renderUfw(input: RenderInput): RenderOutput {
  const { options } = input;
  const hostScope = options.scope.kind === 'host';
  const file = input.fileName;
  const lines: string[] = [];
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
    const text = groupComment(g);
    lines.push(`# ${text.replace(/[\r\n]/g, ' ')}`);
    const verb = g.direction === 'forward' ? 'route allow' : g.direction === 'in' ? 'allow in' : 'allow out';
    // the comment of a pair depends only on its labels: quote each distinct one once
    const comments = new Map<string, string>([['', shellWord(text)]]);
    const commentFor = (label: string): string => {
      let c = comments.get(label);
      if (c === undefined) {
        c = shellWord(`${text} ${label}`);
        comments.set(label, c);
      }
      return c;
    };
    for (const list of multiportChunks(g.ports, PORTS_PER_RULE)) {
      const head = `ufw ${verb} proto ${g.protocol} from `;
      const tail = ` port ${portList(list, ':', ',')} comment `;
      for (const [s, d] of pairs(g)) {
        const label = s.label && d.label ? `${s.label} -> ${d.label}` : (s.label || d.label || '');
        lines.push(`${head}${s.network.display} to ${d.network.display}${tail}${commentFor(label)}`);
      }
    }
  }
  if (options.defaultDrop && hostScope) {
    for (const f of input.openFamilies ?? []) {
      const any = f === 4 ? '0.0.0.0/0' : '::/0';
      lines.push(
        `# no IPv${f} address of this node in the plan, but another node has only IPv${f}: IPv${f} is left open, not dropped`,
        `ufw allow in from ${any} to ${any} comment ${shellWord(`fwplan: IPv${f} left as it is`)}`,
        `ufw allow out from ${any} to ${any} comment ${shellWord(`fwplan: IPv${f} left as it is`)}`,
      );
    }
  }
  if (options.defaultDrop) {
    lines.push('', '# the policy, once every allow rule is in place');
    if (hostScope) lines.push('ufw default deny incoming', `ufw default ${dropsDirection(options, 'out') ? 'deny' : 'allow'} outgoing`);
    lines.push('ufw default deny routed', 'ufw --force enable');
  }
  lines.push('');
  const body = lines.join('\n');
  const header = ['#!/usr/bin/env bash', ...headerLines(input, 'ufw commands (bash)', countUfw(body))];
  return { text: `${header.join('\n')}\n${body}`, findings: [] };
}

/** Every ufw allow command of the script. */
export function countUfw(text: string): number {
  return countLines(text, 'ufw route allow ', 'ufw allow ');
}

export const ufwRenderer: Renderer = {
  id: 'ufw',
  label: 'ufw (bash script)',
  description: 'A bash script of ufw commands (ufw route for a gateway).',
  mediaType: 'text/x-shellscript',
  suffix: '-ufw.sh',
  options: { scope: true, defaultDrop: true, ipset: false, egress: true },
  families: [4, 6],
  checkCommand: (file) => `bash -n ${file}`,
  countRules: countUfw,
  countMeaning: 'ufw allow commands',
  render: renderUfw,
  delta: {
    suffix: '.delta-ufw.sh',
    mediaType: 'text/x-shellscript',
    description: 'A bash script of ufw commands: NEW\'s new rules added, then OLD\'s rules NEW lacks deleted.',
  },
};
