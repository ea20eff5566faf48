/** The firewalld delta (Renderer.delta's logic): loaded with src/engine/delta.ts, not with the renderer. */
import { chunk } from './common.ts';
import { changeCounts, deltaHeaderLines, listDiff, sameList, scriptRules, shellCommands, shellWords } from './diff.ts';
import type { DeltaInput, DeltaOutput } from './types.ts';
import { ENTRIES_PER_CALL, RULES_PER_CALL, ZONE_LINE } from './firewalld.ts';

/** One firewalld script read back: rich rules per zone or policy, ipsets with their entries, and the rest. */
interface FirewalldScript {
  /** `--zone="$ZONE"` or `--policy=NAME` → rich rules as shell words, in order */
  readonly rules: Map<string, string[]>;
  /** ipset name → the command that creates it, and its entries */
  readonly ipsets: Map<string, { readonly create: string; readonly entries: string[] }>;
  /** every other command (policies, targets, the zone's own services, reload): a delta leaves them alone */
  readonly frame: readonly string[];
}

export function parseFirewalldExport(text: string): FirewalldScript {
  const rules = new Map<string, string[]>();
  const ipsets = new Map<string, { create: string; entries: string[] }>();
  const frame: string[] = [];
  for (const command of shellCommands(scriptRules(text))) {
    const words = shellWords(command);
    const where = words[2] ?? '';
    const richRules = words.filter((w) => w.startsWith('--add-rich-rule='));
    const created = /^--info-ipset=(\S+)$/.exec(where);
    const set = /^--ipset=(\S+)$/.exec(where);
    if (words[0] === 'firewall-cmd' && richRules.length > 0) {
      const list = rules.get(where) ?? [];
      for (const w of richRules) list.push(w.slice('--add-rich-rule='.length));
      rules.set(where, list);
    } else if (created?.[1]) {
      ipsets.set(created[1], { create: command, entries: [] });
    } else if (set?.[1] && words.some((w) => w.startsWith('--add-entry='))) {
      const entries = ipsets.get(set[1])?.entries;
      for (const w of words) if (w.startsWith('--add-entry=')) entries?.push(w.slice('--add-entry='.length));
    } else {
      frame.push(command);
    }
  }
  return { rules, ipsets, frame };
}

/**
 * The firewalld delta: a bash script of firewall-cmd --permanent calls — ipsets and entries NEW
 * adds, rich rules NEW adds, then the rich rules, entries and ipsets NEW no longer has — and one
 * --reload at the end. Policies, targets and the zone's own services are left as OLD's script set them.
 */
export function deltaFirewalld(input: DeltaInput): DeltaOutput {
  const a = parseFirewalldExport(input.old);
  const b = parseFirewalldExport(input.new);
  if (!sameList(a.frame, b.frame)) {
    return { ok: false, message: "the two firewalld scripts differ beyond rich rules and ipsets (policies, targets, the zone's services): load NEW's full export instead" };
  }
  const body: string[] = [];
  const calls = (where: string, option: string, values: readonly string[], per: number) => {
    for (const batch of chunk(values, per)) {
      body.push(`firewall-cmd --permanent ${where} \\`);
      batch.forEach((v, i) => body.push(`  ${option}=${v}${i < batch.length - 1 ? ' \\' : ''}`));
    }
  };
  const entryChanges = new Map<string, { added: string[]; removed: string[] }>();
  const newSets = [...b.ipsets.keys()].filter((n) => !a.ipsets.has(n));
  const goneSets = [...a.ipsets.keys()].filter((n) => !b.ipsets.has(n));
  for (const [name, s] of b.ipsets) {
    const old = a.ipsets.get(name);
    if (old) entryChanges.set(name, listDiff([...new Set(old.entries)], [...new Set(s.entries)], (e) => e));
  }
  if (newSets.length > 0) {
    body.push('', '# ipsets NEW adds');
    for (const name of newSets) {
      const s = b.ipsets.get(name) as { create: string; entries: string[] };
      body.push(s.create);
      calls(`--ipset=${name}`, '--add-entry', [...new Set(s.entries)], ENTRIES_PER_CALL);
    }
  }
  const added = [...entryChanges].filter(([, d]) => d.added.length > 0);
  if (added.length > 0) {
    body.push('', '# entries NEW adds to ipsets OLD has');
    for (const [name, d] of added) calls(`--ipset=${name}`, '--add-entry', d.added, ENTRIES_PER_CALL);
  }
  let rulesAdded = 0;
  let rulesRemoved = 0;
  const places = [...new Set([...b.rules.keys(), ...a.rules.keys()])];
  const ruleChanges = places.map((where) => ({ where, ...listDiff([...new Set(a.rules.get(where) ?? [])], [...new Set(b.rules.get(where) ?? [])], (r) => r) }));
  if (ruleChanges.some((c) => c.added.length > 0)) body.push('', '# rich rules NEW adds');
  for (const c of ruleChanges) {
    calls(c.where, '--add-rich-rule', c.added, RULES_PER_CALL);
    rulesAdded += c.added.length;
  }
  if (ruleChanges.some((c) => c.removed.length > 0)) body.push('', '# rich rules NEW no longer has');
  for (const c of ruleChanges) {
    calls(c.where, '--remove-rich-rule', c.removed, RULES_PER_CALL);
    rulesRemoved += c.removed.length;
  }
  const removed = [...entryChanges].filter(([, d]) => d.removed.length > 0);
  if (removed.length > 0) {
    body.push('', '# entries NEW no longer has');
    for (const [name, d] of removed) calls(`--ipset=${name}`, '--remove-entry', d.removed, ENTRIES_PER_CALL);
  }
  if (goneSets.length > 0) {
    body.push('', '# ipsets NEW no longer has (no rule uses them now)');
    for (const name of goneSets) body.push(`firewall-cmd --permanent --delete-ipset=${name}`);
  }
  const entriesAdded = [...entryChanges.values()].reduce((n, d) => n + d.added.length, 0);
  const entriesRemoved = [...entryChanges.values()].reduce((n, d) => n + d.removed.length, 0);
  const counts = `${changeCounts('rich rules', rulesAdded, rulesRemoved)}; ${changeCounts('ipsets', newSets.length, goneSets.length)}; ipset entries of kept sets: ${entriesAdded} added, ${entriesRemoved} removed`;
  const file = input.fileName;
  const lines = [
    '#!/usr/bin/env bash',
    ...deltaHeaderLines(input, 'firewalld (bash, firewall-cmd --permanent, then --reload)', counts),
    '#',
    "# Turns the rich rules and ipsets OLD's script wrote into NEW's: what NEW adds first, then what",
    '# it no longer has; policies, targets and the zone\'s services stay as they are. One reload at the end.',
    `#   bash -n ${file}    # check the script`,
    `#   bash ${file}       # apply, where OLD's script was applied (same FWPLAN_ZONE)`,
    '# Roll back: the delta from NEW to OLD, or cp -a /root/firewalld.before/. /etc/firewalld/ && firewall-cmd --reload',
    'set -euo pipefail',
    ZONE_LINE,
  ];
  if (body.length === 0) lines.push('', "echo 'fwplan delta: nothing to change'", '');
  else lines.push(...body, '', 'firewall-cmd --reload', '');
  return { ok: true, text: lines.join('\n'), added: rulesAdded, removed: rulesRemoved, afterwards: [] };
}
