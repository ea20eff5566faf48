import { pairs } from '../flows.ts';
import { spanText } from '../model/plan.ts';
import type { Direction, Endpoint } from '../model/rules.ts';
import { append, chunk, countOccurrences, directionsOf, dropsDirection, groupByPorts, groupComment, headerLines, ipsetName } from './common.ts';
import { changeCounts, deltaHeaderLines, listDiff, sameList, shellCommands, shellWords } from './diff.ts';
import { lineComment, shellWord } from './quote.ts';
import type { DeltaInput, DeltaOutput, Renderer, RenderInput, RenderOutput } from './types.ts';

const RULES_PER_CALL = 64;
const ZONE_LINE = 'ZONE="${FWPLAN_ZONE:-public}"';
const ENTRIES_PER_CALL = 256;

const POLICY: Record<Exclude<Direction, 'in'>, { name: string; ingress: string; egress: string }> = {
  forward: { name: 'fwplan-forward', ingress: 'ANY', egress: 'ANY' },
  out: { name: 'fwplan-output', ingress: 'HOST', egress: 'ANY' },
};

export function renderFirewalld(input: RenderInput): RenderOutput {
  const { options } = input;
  const file = input.fileName;
  const lines: string[] = [];
  lines.push(
    '#',
    '# Writes the permanent configuration, then reloads. Apply it safely:',
    '#   cp -a /etc/firewalld /root/firewalld.before                          # snapshot',
    `#   bash -n ${file} && firewall-cmd --check-config                      # check`,
    '#   (sleep 120; cp -a /root/firewalld.before/. /etc/firewalld/; firewall-cmd --reload) &   # timed rollback',
    `#   bash ${file}   # and, once you still have access: kill %1`,
    '# Roll back: cp -a /root/firewalld.before/. /etc/firewalld/ && firewall-cmd --reload',
    '# Re-applying a changed plan: roll back to the snapshot first, so no stale rule or ipset entry stays.',
    '# Zone for inbound rules: set FWPLAN_ZONE (default: public).',
    'set -euo pipefail',
    ZONE_LINE,
    '',
  );
  const directions: Direction[] = directionsOf(options.scope);
  for (const d of directions) {
    if (d === 'in') {
      if (options.defaultDrop) {
        lines.push(
          'firewall-cmd --permanent --zone="$ZONE" --set-target=DROP',
          '# the zone\'s own openings go too (Debian\'s public zone opens ssh and dhcpv6-client to everyone):',
          '# only the plan\'s rules, with the admin shell from ADMINW kept as anti-lockout, let traffic in',
          'for service in $(firewall-cmd --permanent --zone="$ZONE" --list-services); do firewall-cmd --permanent --zone="$ZONE" --remove-service="$service"; done',
          'for port in $(firewall-cmd --permanent --zone="$ZONE" --list-ports); do firewall-cmd --permanent --zone="$ZONE" --remove-port="$port"; done',
        );
        for (const f of input.openFamilies ?? []) {
          lines.push(`# no IPv${f} address of this node in the plan, but another node has only IPv${f}: IPv${f} is left open, not dropped`);
          lines.push(`firewall-cmd --permanent --zone="$ZONE" --add-rich-rule=${shellWord(`rule family="ipv${f}" source address="${f === 4 ? '0.0.0.0/0' : '::/0'}" accept`)}`);
        }
      }
      continue;
    }
    const p = POLICY[d];
    lines.push(
      `firewall-cmd --permanent --info-policy=${p.name} >/dev/null 2>&1 || firewall-cmd --permanent --new-policy=${p.name}`,
      `firewall-cmd --permanent --policy=${p.name} --add-ingress-zone=${p.ingress}`,
      `firewall-cmd --permanent --policy=${p.name} --add-egress-zone=${p.egress}`,
      `firewall-cmd --permanent --policy=${p.name} --set-target=${dropsDirection(options, d) ? 'DROP' : 'CONTINUE'}`,
    );
    if (d === 'out' && dropsDirection(options, d)) {
      for (const f of input.openFamilies ?? []) lines.push(`firewall-cmd --permanent --policy=${p.name} --add-rich-rule=${shellWord(`rule family="ipv${f}" destination address="${f === 4 ? '0.0.0.0/0' : '::/0'}" accept`)}`);
    }
  }
  const ipsets = new Map<string, Endpoint>();
  const side = (ep: Endpoint, which: 'source' | 'destination'): string => {
    const only = ep.entries[0];
    if (ep.entries.length === 1 && only) return `${which} address="${only.network.display}"`;
    const name = ipsetName(ep);
    ipsets.set(name, ep);
    return `${which} ipset="${name}"`;
  };
  const body: string[] = [];
  for (const g of groupByPorts(input.rules)) {
    body.push('', `# ${lineComment(groupComment(g))}`);
    const where = g.direction === 'in' ? '--zone="$ZONE"' : `--policy=${POLICY[g.direction].name}`;
    const family = g.family === 4 ? 'ipv4' : 'ipv6';
    // cluster rules name each pair of distinct nodes; other rules match whole roles through ipsets
    const matches = g.distinctPairs
      ? Array.from(pairs(g), ([s, d]) => `source address="${s.network.display}" destination address="${d.network.display}"`)
      : [`${side(g.source, 'source')} ${side(g.destination, 'destination')}`];
    const rules: string[] = [];
    for (const m of matches) {
      for (const port of g.ports) rules.push(`rule family="${family}" ${m} port port="${spanText(port, '-')}" protocol="${g.protocol}" accept`);
    }
    // one firewall-cmd call per batch: each call costs a D-Bus round trip and a config write
    for (const batch of chunk(rules, RULES_PER_CALL)) {
      body.push(`firewall-cmd --permanent ${where} \\`);
      batch.forEach((rule, i) => body.push(`  --add-rich-rule=${shellWord(rule)}${i < batch.length - 1 ? ' \\' : ''}`));
    }
  }
  if (ipsets.size > 0) {
    lines.push('', '# ipsets: one per role and address family, so the number of rules does not grow with the addresses');
    for (const name of [...ipsets.keys()].sort()) {
      const ep = ipsets.get(name) as Endpoint;
      lines.push(
        `firewall-cmd --permanent --info-ipset=${name} >/dev/null 2>&1 || firewall-cmd --permanent --new-ipset=${name} --type=hash:net --option=family=${ep.family === 4 ? 'inet' : 'inet6'}`,
      );
      for (const batch of chunk(ep.entries, ENTRIES_PER_CALL)) {
        lines.push(`firewall-cmd --permanent --ipset=${name} \\`);
        batch.forEach((e, i) => lines.push(`  --add-entry=${e.network.display}${i < batch.length - 1 ? ' \\' : ''}`));
      }
    }
  }
  append(lines, body);
  lines.push('', 'firewall-cmd --reload', '');
  const text = lines.join('\n');
  const header = ['#!/usr/bin/env bash', ...headerLines(input, 'firewalld rich rules (bash, firewall-cmd --permanent)', countFirewalld(text), 'rich rules')];
  return { text: `${header.join('\n')}\n${text}`, findings: [] };
}

/** Every rich rule the script adds. */
export function countFirewalld(text: string): number {
  return countOccurrences(text, '--add-rich-rule=');
}

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
  for (const command of shellCommands(text)) {
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

export const firewalldRenderer: Renderer = {
  id: 'firewalld',
  label: 'firewalld (bash script)',
  description: 'A bash script of firewall-cmd rich rules, policies and ipsets.',
  mediaType: 'text/x-shellscript',
  suffix: '-firewalld.sh',
  options: { scope: true, defaultDrop: true, ipset: false, egress: true },
  families: [4, 6],
  checkCommand: (file) => `bash -n ${file}`,
  countRules: countFirewalld,
  countMeaning: 'rich rules',
  render: renderFirewalld,
  delta: {
    suffix: '.delta-firewalld.sh',
    mediaType: 'text/x-shellscript',
    description: 'A bash script of firewall-cmd calls: rich rules and ipset entries added, then removed, then one reload.',
    diff: deltaFirewalld,
  },
};
