/** The ufw delta (Renderer.delta's logic): loaded with src/engine/delta.ts, not with the renderer. */
import { changeCounts, deltaHeaderLines, sameList, scriptRules } from './diff.ts';
import type { DeltaInput, DeltaOutput } from './types.ts';
import { UFW_STATE_FUNCTION } from './ufw.ts';

/**
 * One ufw script read back (the body of its fwplan_rules): its allow commands by rule (the command
 * without its comment), and its other lines — ufw's defaults, `ufw --force enable` and the shell
 * lines around them (`if …; then` … `fi`), kept in order so a delta sets the policy as NEW's
 * script would.
 */
export function parseUfwExport(text: string): { rules: Map<string, string>; policy: string[] } {
  const rules = new Map<string, string>();
  const policy: string[] = [];
  for (const raw of scriptRules(text).split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('ufw route allow ') || line.startsWith('ufw allow ')) {
      // the rule is everything before the comment (addresses and ports only; the comment is quoted last)
      const at = line.indexOf(' comment ');
      const rule = at === -1 ? line : line.slice(0, at);
      // ufw keeps one rule per specification: a repeated one only updates the comment, so the last line counts
      rules.delete(rule);
      rules.set(rule, line);
    } else if (line.startsWith('ufw ') || line.startsWith('if ') || line === 'fi' || line === 'else') policy.push(line);
  }
  return { rules, policy };
}

/**
 * What the export's frame knows before its rules run and its policy lines may ask: found out anew
 * by the delta, with the frame's own function.
 */
function wasActiveLines(): string[] {
  return [...UFW_STATE_FUNCTION.replaceAll('@{', '${').trim().split('\n'), 'fwplan_ufw_was_active=$(fwplan_ufw_state)'];
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
    "# Roll back: the delta from NEW to OLD.",
    'set -euo pipefail',
    '',
  ];
  if (adds.length > 0) lines.push('# rules NEW adds', ...adds, '');
  if (updates.length > 0) lines.push('# rules whose comment changed (ufw updates the comment)', ...updates, '');
  if (deletes.length > 0) lines.push('# rules NEW no longer has', ...deletes, '');
  if (policy.length > 0) {
    lines.push("# ufw's policy, as NEW's script sets it");
    if (policy.some((l) => l.includes('$fwplan_ufw_was_active'))) lines.push(...wasActiveLines());
    lines.push(...policy, '');
  }
  if (adds.length + updates.length + deletes.length + policy.length === 0) lines.push("echo 'fwplan delta: nothing to change'", '');
  return { ok: true, text: lines.join('\n'), added: adds.length, removed: deletes.length, afterwards: [] };
}
