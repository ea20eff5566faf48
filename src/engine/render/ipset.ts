import { addressSets, groupByPorts, headerLines, scopeSlug, slugify } from './common.ts';
import type { Renderer, RenderInput, RenderOutput } from './types.ts';

/**
 * `ipset restore` input: one hash:net set per role and family, the companion of an iptables or
 * ip6tables export made with the ipset option. Re-loading replaces each set's content (flush).
 */
export function renderIpset(input: RenderInput): RenderOutput {
  const sets = addressSets(groupByPorts(input.rules));
  const file = `${slugify(input.plan.name)}-${scopeSlug(input.options.scope)}.ipset`;
  const lines = [...headerLines(input, 'ipset restore input (companion of iptables/ip6tables with --ipset)')];
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
  return {
    text: lines.join('\n'),
    findings: sets.size === 0 ? [{ code: 'scope', severity: 'note', message: 'no role of this export holds more than one address: no ipset is needed' }] : [],
  };
}

export const ipsetRenderer: Renderer = {
  id: 'ipset',
  label: 'ipset (companion of iptables --ipset)',
  mediaType: 'text/plain',
  firewall: true,
  fileName: (slug, scope) => `${slug}-${scopeSlug(scope)}.ipset`,
  render: renderIpset,
};
