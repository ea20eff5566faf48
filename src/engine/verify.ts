import { expandPlan } from './expand.ts';
import { pairs } from './flows.ts';
import type { Plan } from './model/plan.ts';
import type { AddressEntry, ExpandedRule, RuleSet } from './model/rules.ts';
import { addressText, familyBits, type Network } from './net/address.ts';
import { append } from './render/common.ts';
import { lineComment, shellWord } from './render/quote.ts';
import { applyScope, scopeLabel, type Scope } from './scope.ts';

/** A host to aim a check at: the address itself, or the first host of a network (to be replaced by a real one). */
export function checkTarget(network: Network): { host: string; firstHostOf?: string } {
  if (network.prefix >= familyBits(network.family) - 1) return { host: network.address };
  return { host: addressText(network.start + 1n, network.family), firstHostOf: network.display };
}

export interface VerifyCheck {
  /** the rule (its key in the rule set) the check proves */
  readonly rule: ExpandedRule;
  readonly to: AddressEntry;
  /** nc -zv -w 3 HOST PORT (TCP) or nc -zuv (UDP) */
  readonly command: string;
  /** set when the check aims at the first host of a network */
  readonly firstHostOf?: string;
  /** set for a port range: the check tries its first port */
  readonly range?: string;
}

export interface VerifyBlock {
  /** where the checks run: this address, or any host of this network */
  readonly from: AddressEntry;
  readonly checks: readonly VerifyCheck[];
}

export interface VerificationPlan {
  /** every planned flow: one check each */
  readonly total: number;
  /** true when only the first check of each rule is listed */
  readonly sampled: boolean;
  readonly blocks: readonly VerifyBlock[];
}

/**
 * After the change: one nc check per planned flow, grouped by the host it must run from. The
 * script of `fwplan verify`, the Export view's download and the change-request sheet all list
 * these checks. With `sampleAbove`, a plan of more flows lists one check per rule.
 */
export function verificationPlan(rules: readonly ExpandedRule[], sampleAbove = Infinity): VerificationPlan {
  let total = 0;
  for (const r of rules) for (const _ of pairs(r)) total++;
  const sampled = total > sampleAbove;
  const blocks = new Map<string, { from: AddressEntry; checks: VerifyCheck[] }>();
  for (const rule of rules) {
    let listed = false;
    for (const s of rule.source.entries) {
      if (sampled && listed) break;
      for (const d of rule.destination.entries) {
        if (!rule.distinctPairs || s.network.cidr !== d.network.cidr) {
          let block = blocks.get(s.network.cidr);
          if (!block) {
            block = { from: s, checks: [] };
            blocks.set(s.network.cidr, block);
          }
          const target = checkTarget(d.network);
          block.checks.push({
            rule,
            to: d,
            command: `nc ${rule.protocol === 'udp' ? '-zuv' : '-zv'} -w 3 ${target.host} ${rule.port}`,
            ...(target.firstHostOf ? { firstHostOf: target.firstHostOf } : {}),
            ...(rule.portEnd !== rule.port ? { range: `${rule.port}-${rule.portEnd}` } : {}),
          });
          listed = true;
          if (sampled) break;
        }
      }
    }
  }
  return { total, sampled, blocks: [...blocks.values()] };
}

/** The verification plan of one scope of a plan, as the bash script `fwplan verify` prints. */
export function verifyScript(plan: Plan, scope: Scope, ruleSet: RuleSet = expandPlan(plan)): { ok: true; text: string; checks: number } | { ok: false; message: string } {
  const scoped = applyScope(ruleSet, scope);
  if (!scoped.ok) return scoped;
  const { total, blocks } = verificationPlan(scoped.rules);
  const lines = [
    '#!/usr/bin/env bash',
    `# fwplan verify — plan: ${lineComment(plan.name ?? '(unnamed)')} · scope: ${lineComment(scopeLabel(scope))}`,
    '# Run each block on a host of its source (the block header says which); every check should say ok.',
    '# UDP checks only show that nothing rejected the datagram: confirm on the server that it arrived.',
    `# ${total} checks.`,
    'set -u',
    'failed=0',
    'check() { local proto=$1 id=$2; shift 2; if "$@" >/dev/null 2>&1; then echo "ok    $id $proto ${*: -2}"; else echo "FAIL  $id $proto ${*: -2}"; failed=1; fi; }',
    'FROM="${1:-all}"   # pass a source address to run only its block',
  ];
  for (const { from, checks } of blocks) {
    const n = from.network;
    lines.push('', `# from ${lineComment(n.display)}${from.label ? ` (${lineComment(from.label)})` : ''}${n.prefix < familyBits(n.family) ? ' — any host of this network' : ''}`);
    lines.push(`if [ "$FROM" = all ] || [ "$FROM" = ${shellWord(n.display)} ]; then`);
    append(
      lines,
      checks.map((c) => {
        const notes = [c.firstHostOf ? `first host of ${c.firstHostOf}: use a real one` : '', c.range ? `range ${c.range}: the first port is tried` : ''].filter(Boolean).join('; ');
        return `  check ${c.rule.protocol} ${shellWord(c.rule.ruleId)} ${c.command}${notes ? `  # ${lineComment(notes)}` : ''}`;
      }),
    );
    lines.push('fi');
  }
  lines.push('', 'exit $failed', '');
  return { ok: true, text: lines.join('\n'), checks: total };
}
