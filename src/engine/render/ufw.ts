import { pairs } from '../flows.ts';
import { countLines, multiportChunks, portList, dropsDirection, groupByPorts, groupComment, headerLines } from './common.ts';
import { changeCounts, deltaHeaderLines, sameList } from './diff.ts';
import { shellWord } from './quote.ts';
import type { DeltaInput, DeltaOutput, Renderer, RenderInput, RenderOutput } from './types.ts';

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

/** One ufw script read back: its allow commands by rule (the command without its comment), and its other ufw commands. */
export function parseUfwExport(text: string): { rules: Map<string, string>; policy: string[] } {
  const rules = new Map<string, string>();
  const policy: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line.startsWith('ufw ')) continue;
    if (line.startsWith('ufw route allow ') || line.startsWith('ufw allow ')) {
      // the rule is everything before the comment (addresses and ports only; the comment is quoted last)
      const at = line.indexOf(' comment ');
      const rule = at === -1 ? line : line.slice(0, at);
      // ufw keeps one rule per specification: a repeated one only updates the comment, so the last line counts
      rules.delete(rule);
      rules.set(rule, line);
    } else policy.push(line);
  }
  return { rules, policy };
}

/** `ufw route allow …` → `ufw route delete allow …`; `ufw allow in …` → `ufw delete allow in …`. */
function deleteCommand(line: string): string {
  return line.startsWith('ufw route allow ') ? `ufw route delete allow ${line.slice('ufw route allow '.length)}` : `ufw delete allow ${line.slice('ufw allow '.length)}`;
}

/**
 * The ufw delta: a bash script that adds NEW's rules first (a rule whose comment changed is added
 * again, which ufw takes as an update), then deletes OLD's rules NEW lacks with the arguments
 * they were added with; ufw's own policy lines only when they differ.
 */
export function deltaUfw(input: DeltaInput): DeltaOutput {
  const a = parseUfwExport(input.old);
  const b = parseUfwExport(input.new);
  const adds: string[] = [];
  const updates: string[] = [];
  const deletes: string[] = [];
  for (const [rule, line] of b.rules) {
    const old = a.rules.get(rule);
    if (old === undefined) adds.push(line);
    else if (old !== line) updates.push(line);
  }
  for (const [rule, line] of a.rules) if (!b.rules.has(rule)) deletes.push(deleteCommand(line));
  if (!sameList(a.policy, b.policy) && b.policy.length === 0) {
    return { ok: false, message: "OLD's script set ufw's defaults and enabled it, NEW's leaves them alone: a delta cannot undo that; restore ufw's own state and run NEW's script" };
  }
  const policy = sameList(a.policy, b.policy) ? [] : b.policy;
  const file = input.fileName;
  const lines = [
    '#!/usr/bin/env bash',
    ...deltaHeaderLines(input, 'ufw commands (bash)', `${changeCounts('rules', adds.length, deletes.length)}, ${updates.length} comments updated${policy.length > 0 ? '; policy lines changed' : ''}`),
    '#',
    "# Turns the ufw rules OLD's script added into NEW's: new rules first, then the old ones deleted",
    '# (with the arguments they were added with), so nothing planned is closed in between.',
    `#   bash -n ${file}    # check the script`,
    `#   bash ${file}       # apply, where OLD's script was applied`,
    "# Roll back: the delta from NEW to OLD, or cp -a /root/ufw.before.d/. /etc/ufw/ && ufw reload",
    'set -euo pipefail',
    '',
  ];
  if (adds.length > 0) lines.push('# rules NEW adds', ...adds, '');
  if (updates.length > 0) lines.push('# rules whose comment changed (ufw updates the comment)', ...updates, '');
  if (deletes.length > 0) lines.push('# rules NEW no longer has', ...deletes, '');
  if (policy.length > 0) lines.push("# ufw's policy, as NEW's script sets it", ...policy, '');
  if (adds.length + updates.length + deletes.length + policy.length === 0) lines.push("echo 'fwplan delta: nothing to change'", '');
  return { ok: true, text: lines.join('\n'), added: adds.length, removed: deletes.length, afterwards: [] };
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
    diff: deltaUfw,
  },
};
