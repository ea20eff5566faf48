import { expandPlan } from './expand.ts';
import type { Plan } from './model/plan.ts';
import type { AddressEntry } from './model/rules.ts';
import { makeNetwork } from './net/address.ts';
import { pairs } from './render/common.ts';
import { lineComment, shellWord } from './render/quote.ts';
import { applyScope, scopeLabel, type Scope } from './scope.ts';

/** A host to aim at: the address itself, or the first host of a network (to be replaced by a real one). */
function target(e: AddressEntry): { host: string; note: string } {
  const n = e.network;
  const bits = n.family === 4 ? 32 : 128;
  if (n.prefix >= bits - 1) return { host: n.address, note: '' };
  const first = makeNetwork(n.family, n.start + 1n, bits).address;
  return { host: first, note: ` (first host of ${n.display}: use a real one)` };
}

/**
 * After the change: one nc command per planned flow, grouped by the host it must run on.
 * TCP: nc -zv; UDP: nc -zuv (which only shows that nothing rejected the datagram).
 */
export function verifyScript(plan: Plan, scope: Scope): { ok: true; text: string; checks: number } | { ok: false; message: string } {
  const ruleSet = expandPlan(plan);
  const scoped = applyScope(ruleSet, scope);
  if (!scoped.ok) return scoped;
  const bySource = new Map<string, { source: AddressEntry; lines: string[] }>();
  let checks = 0;
  for (const rule of scoped.rules) {
    for (const [s, d] of pairs(rule)) {
      const key = s.network.cidr;
      let block = bySource.get(key);
      if (!block) {
        block = { source: s, lines: [] };
        bySource.set(key, block);
      }
      const { host, note } = target(d);
      const flags = rule.protocol === 'udp' ? '-zuv' : '-zv';
      block.lines.push(`check ${rule.protocol} ${shellWord(rule.ruleId)} nc ${flags} -w 3 ${host} ${rule.port}${note ? `  # ${lineComment(note.trim())}` : ''}`);
      checks++;
    }
  }
  const lines = [
    '#!/usr/bin/env bash',
    `# fwplan verify — plan: ${lineComment(plan.name ?? '(unnamed)')} · scope: ${lineComment(scopeLabel(scope))}`,
    '# Run each block on a host of its source (the block header says which); every check should say ok.',
    '# UDP checks only show that nothing rejected the datagram: confirm on the server that it arrived.',
    `# ${checks} checks.`,
    'set -u',
    'failed=0',
    'check() { local proto=$1 id=$2; shift 2; if "$@" >/dev/null 2>&1; then echo "ok    $id $proto ${*: -2}"; else echo "FAIL  $id $proto ${*: -2}"; failed=1; fi; }',
    'FROM="${1:-all}"   # pass a source address to run only its block',
  ];
  for (const { source, lines: body } of bySource.values()) {
    lines.push('', `# from ${lineComment(source.network.display)}${source.label ? ` (${lineComment(source.label)})` : ''}${source.network.prefix < (source.network.family === 4 ? 32 : 128) ? ' — any host of this network' : ''}`);
    lines.push(`if [ "$FROM" = all ] || [ "$FROM" = ${shellWord(source.network.display)} ]; then`);
    lines.push(...body.map((l) => `  ${l}`));
    lines.push('fi');
  }
  lines.push('', 'exit $failed', '');
  return { ok: true, text: lines.join('\n'), checks };
}
