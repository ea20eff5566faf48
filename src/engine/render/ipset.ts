import { addressSets, countLines, groupByPorts, headerLines } from './common.ts';
import type { Renderer, RenderInput, RenderOutput } from './types.ts';

/**
 * `ipset restore` input: one hash:net set per role or group and family, the companion of an
 * iptables or ip6tables export made with the ipset option. It holds every set either variant of
 * that file can name (with or without --default-drop). Re-loading replaces each set's content.
 */
export function renderIpset(input: RenderInput): RenderOutput {
  const sets = addressSets(groupByPorts(input.rules));
  const file = input.fileName;
  const lines: string[] = [];
  lines.push(
    '#',
    `# Load before the rules that use the sets:  ipset restore < ${file}`,
    `# Check first in a scratch network namespace: ip netns add t && ip netns exec t ipset restore < ${file}; ip netns del t`,
    '# Remove once no rule uses them: ipset destroy <name>',
  );
  for (const [name, ep] of sets) {
    const max = Math.max(65536, 2 ** Math.ceil(Math.log2(ep.entries.length + 1)));
    lines.push(`create ${name} hash:net family ${ep.family === 4 ? 'inet' : 'inet6'} maxelem ${max} -exist`, `flush ${name}`);
    for (const e of ep.entries) lines.push(`add ${name} ${e.network.display}`);
  }
  lines.push('');
  const body = lines.join('\n');
  const header = headerLines(input, 'ipset restore input (companion of iptables/ip6tables with --ipset)', countLines(body, 'add '), 'set elements');
  return {
    text: `${header.join('\n')}\n${body}`,
    findings: sets.size === 0 ? [{ code: 'no-ipset-needed', severity: 'note', message: 'no role of this export holds more than one address: no ipset is needed' }] : [],
  };
}

export const ipsetRenderer: Renderer = {
  id: 'ipset',
  label: 'ipset (companion of iptables --ipset)',
  description: 'ipset restore input: one set per role or group and family, loaded before an iptables export made with ipsets.',
  mediaType: 'text/plain',
  suffix: '.ipset',
  options: { scope: true, defaultDrop: false, ipset: false, egress: false },
  families: [4, 6],
  holdsAllSets: true,
  checkCommand: (file) => `ip netns add t && ip netns exec t ipset restore < ${file}; ip netns del t`,
  countRules: (text) => countLines(text, 'add '),
  countMeaning: 'set elements (add lines)',
  render: renderIpset,
};
