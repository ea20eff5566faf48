import { pairs } from '../flows.ts';
import { spanText } from '../model/plan.ts';
import type { Direction, Endpoint } from '../model/rules.ts';
import { append, chunk, countOccurrences, directionsOf, dropsDirection, groupByPorts, groupComment, headerLines, ipsetName } from './common.ts';
import { lineComment, shellWord } from './quote.ts';
import { renderScript, safeApplyHeader, type ScriptTool } from './script.ts';
import type { Renderer, RenderInput, RenderOutput } from './types.ts';

export const RULES_PER_CALL = 64;
export const ZONE_LINE = 'ZONE="${FWPLAN_ZONE:-public}"';
export const ENTRIES_PER_CALL = 256;

/**
 * firewall-cmd --permanent writes firewalld's configuration directory (zones, policies, ipsets, each
 * an XML file, with a .old backup beside it), and --reload makes the running firewall follow it.
 * The snapshot is that whole directory; the restore makes the directory exactly like it again —
 * the fwplan-* policy and ipset files the apply created are deleted, not just overwritten — and
 * reloads, so the policies, ipsets and rich rules vanish and the zone's target and services come
 * back. firewall-cmd talks to the running firewalld over D-Bus, so firewalld must be running.
 */
const FIREWALLD_TOOL: ScriptTool = {
  name: 'firewalld',
  programs: ['firewall-cmd'],
  snapshotHolds: "firewalld's configuration directory, whether firewalld was running",
  environment: [
    ['FWPLAN_ZONE', 'zone of the inbound rules (default: public)'],
    ['FWPLAN_FIREWALLD_DIR', "firewalld's configuration directory (default: /etc/firewalld)"],
  ],
  functions: String.raw`
# firewalld's configuration directory, without a trailing /
fwplan_firewalld_dir() {
  local dir=@{FWPLAN_FIREWALLD_DIR:-/etc/firewalld}
  while [ "@{dir%/}" != "$dir" ]; do dir=@{dir%/}; done
  printf '%s' "@{dir:-/}"
}

fwplan_tool_preflight() {
  local dir
  dir=$(fwplan_firewalld_dir)
  [ -d "$dir" ] || fwplan_problems+=("$dir is missing: set FWPLAN_FIREWALLD_DIR to firewalld's configuration directory")
  if [ "$EUID" -eq 0 ] && command -v firewall-cmd >/dev/null 2>&1 && ! firewall-cmd --state >/dev/null 2>&1; then
    fwplan_problems+=("firewalld is not running, and firewall-cmd needs it (systemctl start firewalld)")
  fi
}

fwplan_tool_snapshot() {
  local d=$1/firewalld dir
  dir=$(fwplan_firewalld_dir)
  mkdir -- "$d"
  if firewall-cmd --state >/dev/null 2>&1; then echo yes >"$d/running"; else echo no >"$d/running"; fi
  printf '%s
' "$dir" >"$d/dir"
  cp -a -- "$dir" "$d/config"
  diff -r --no-dereference -- "$dir" "$d/config" >/dev/null
}

fwplan_tool_restore() {
  local d=$1/firewalld dir
  read -r dir <"$d/dir"
  fwplan_restore_tree "$d/config" "$dir"
  if firewall-cmd --state >/dev/null 2>&1; then
    firewall-cmd --reload
  else
    fwplan_say "firewalld is not running: its configuration is restored and applies when it starts"
  fi
}
`,
};

const POLICY: Record<Exclude<Direction, 'in'>, { name: string; ingress: string; egress: string }> = {
  forward: { name: 'fwplan-forward', ingress: 'ANY', egress: 'ANY' },
  out: { name: 'fwplan-output', ingress: 'HOST', egress: 'ANY' },
};

export function renderFirewalld(input: RenderInput): RenderOutput {
  const { options } = input;
  const file = input.fileName;
  const lines: string[] = [];
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
  lines.push('', 'firewall-cmd --reload');
  const header = [
    '#!/usr/bin/env bash',
    ...headerLines(input, 'firewalld rich rules (bash, firewall-cmd --permanent)', countFirewalld(lines.join('\n')), 'rich rules'),
    ...safeApplyHeader(file, FIREWALLD_TOOL),
    '# It writes the permanent configuration, then reloads (runtime-only changes are dropped by the reload).',
    '# Re-applying a changed plan: roll back first (apply refuses while a snapshot exists), so no stale rule or ipset entry stays.',
    '# Zone for inbound rules: set FWPLAN_ZONE (default: public).',
  ];
  return { text: renderScript({ file, header, globals: ['ZONE="${FWPLAN_ZONE:-public}"'], rules: lines, tool: FIREWALLD_TOOL }), findings: [] };
}

/** Every rich rule the script adds. */
export function countFirewalld(text: string): number {
  return countOccurrences(text, '--add-rich-rule=');
}

export const firewalldRenderer: Renderer = {
  id: 'firewalld',
  label: 'firewalld (bash script)',
  description: 'A bash script of firewall-cmd rich rules, policies and ipsets. Run it with apply: it takes a snapshot, applies, and rolls back by itself unless you confirm; rollback restores the state before.',
  mediaType: 'text/x-shellscript',
  suffix: '-firewalld.sh',
  options: { scope: true, defaultDrop: true, ipset: false, egress: true },
  families: [4, 6],
  // the script checks root, its tools and where its snapshot goes, and changes nothing
  checkCommand: (file) => `sudo bash ${file} check`,
  countRules: countFirewalld,
  countMeaning: 'rich rules',
  render: renderFirewalld,
  delta: {
    suffix: '.delta-firewalld.sh',
    mediaType: 'text/x-shellscript',
    description: 'A bash script of firewall-cmd calls: rich rules and ipset entries added, then removed, then one reload.',
  },
};
