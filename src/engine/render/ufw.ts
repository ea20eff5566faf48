import { pairs } from '../flows.ts';
import { countLines, multiportChunks, portList, dropsDirection, groupByPorts, groupComment, headerLines } from './common.ts';
import { shellWord, ufwComment } from './quote.ts';
import { renderScript, safeApplyHeader, type ScriptTool } from './script.ts';
import type { Renderer, RenderInput, RenderOutput } from './types.ts';

/** ufw hands several ports to iptables multiport, which takes at most 15 */
const PORTS_PER_RULE = 15;

/**
 * bash: `fwplan_ufw_state` prints yes when ufw is active, no when it is not, and fails with ufw's
 * own message otherwise; read in the C locale (ufw translates "Status: active"). The export's frame
 * and the ufw delta both call it ("@{" stands for bash's "${", as in script.ts).
 */
export const UFW_STATE_FUNCTION = String.raw`# yes when ufw is active, no when it is not
fwplan_ufw_state() {
  local out
  out=$(LC_ALL=C ufw status 2>&1) || { printf 'ufw status: %s\n' "$out" >&2; return 1; }
  case @{out%%$'\n'*} in
    'Status: active') echo yes ;;
    'Status: inactive') echo no ;;
    *) printf 'ufw status: %s\n' "$out" >&2; return 1 ;;
  esac
}
`;

/**
 * ufw keeps its state in /etc/ufw (rules, ufw.conf with ENABLED=), /etc/default/ufw (default
 * policies, IPT_SYSCTL) and, while it runs, in the kernel. The snapshot holds both files, whether
 * ufw was active, the filter tables and the kernel settings ufw's sysctl file changes on enable.
 * The restore puts the files back exactly (files ufw added are removed), then: ufw was active →
 * reload (or enable) from them; ufw was inactive → disable it if the apply enabled it, and remove
 * what `ufw disable` leaves behind (its emptied main chains and their jumps, the built-in policies
 * it set to ACCEPT, a filter table that did not exist), then the kernel settings as they were.
 */
const UFW_TOOL: ScriptTool = {
  name: 'ufw',
  programs: ['ufw', 'iptables', 'ip6tables', 'iptables-save', 'ip6tables-save'],
  snapshotHolds: '/etc/ufw, /etc/default/ufw, whether ufw was active, the filter tables, the kernel settings of ufw\'s sysctl file',
  environment: [],
  functions: String.raw`
fwplan_ufw_was_active=

${UFW_STATE_FUNCTION}
fwplan_tool_preflight() {
  [ -d /etc/ufw ] || fwplan_problems+=("/etc/ufw is missing: is ufw installed?")
  [ -f /etc/default/ufw ] || fwplan_problems+=("/etc/default/ufw is missing: is ufw installed?")
  if [ "$EUID" -eq 0 ] && command -v ufw >/dev/null 2>&1 && ! fwplan_ufw_state >/dev/null; then
    fwplan_problems+=("ufw status does not say whether ufw is active")
  fi
}

# /proc/sys path of a sysctl key (net/ipv4/... or net.ipv4....)
fwplan_sysctl_path() {
  case $1 in
    */*) printf '/proc/sys/%s' "$1" ;;
    *) printf '/proc/sys/%s' "@{1//.//}" ;;
  esac
}

# key=value, as the kernel has it now, of every setting in ufw's IPT_SYSCTL file (applied on enable)
fwplan_ufw_sysctl_values() {
  local file='' line key value
  local setting="^IPT_SYSCTL=[\"']?([^\"']*)" entry='^[[:space:]]*([^#;[:space:]][^=[:space:]]*)[[:space:]]*='
  while IFS= read -r line || [ -n "$line" ]; do
    if [[ $line =~ $setting ]]; then file=@{BASH_REMATCH[1]}; fi
  done </etc/default/ufw
  if [ -z "$file" ] || [ ! -r "$file" ]; then return 0; fi
  while IFS= read -r line || [ -n "$line" ]; do
    [[ $line =~ $entry ]] || continue
    key=@{BASH_REMATCH[1]}
    value=$(cat -- "$(fwplan_sysctl_path "$key")" 2>/dev/null) || continue
    printf '%s=%s\n' "$key" "$value"
  done <"$file"
}

fwplan_tool_snapshot() {
  local d=$1/ufw
  mkdir -- "$d"
  fwplan_ufw_was_active=$(fwplan_ufw_state)
  printf '%s\n' "$fwplan_ufw_was_active" >"$d/active"
  LC_ALL=C ufw status verbose >"$d/status-verbose"
  cp -a -- /etc/ufw "$d/etc-ufw"
  diff -r --no-dereference -- /etc/ufw "$d/etc-ufw" >/dev/null
  cp -a -- /etc/default/ufw "$d/default-ufw"
  cmp -s -- /etc/default/ufw "$d/default-ufw"
  iptables-save >"$d/iptables"
  ip6tables-save >"$d/ip6tables"
  fwplan_ufw_sysctl_values >"$d/sysctl"
}

# After "ufw disable" of a ufw that was inactive before: remove the chains ufw made that were not
# there before (disable empties them but keeps them, and the jumps to them), set the built-in
# chains' policies back (disable sets ACCEPT), and drop a filter table that did not exist.
# $1: iptables or ip6tables, $2: its -save output from the snapshot
fwplan_ufw_forget() {
  local tool=$1 before=$2 line chain builtin now table='' had_filter=no
  local -A had=()
  local new=() policies=()
  while IFS= read -r line; do
    if [[ $line =~ ^\*([a-z]+) ]]; then table=@{BASH_REMATCH[1]}; [ "$table" != filter ] || had_filter=yes; fi
    [ "$table" = filter ] || continue
    if [[ $line =~ ^:(ufw6?-[^[:space:]]+) ]]; then had[@{BASH_REMATCH[1]}]=1; fi
    if [[ $line =~ ^:(INPUT|FORWARD|OUTPUT)[[:space:]]+([A-Z]+) ]]; then policies+=("@{BASH_REMATCH[1]}" "@{BASH_REMATCH[2]}"); fi
  done <"$before"
  now=$("$tool-save" -t filter)
  while IFS= read -r line; do
    if [[ $line =~ ^:(ufw6?-[^[:space:]]+) ]] && [ -z "@{had[@{BASH_REMATCH[1]}]:-}" ]; then new+=("@{BASH_REMATCH[1]}"); fi
  done <<<"$now"
  if (( @{#new[@]} > 0 )); then
    for chain in "@{new[@]}"; do
      for builtin in INPUT FORWARD OUTPUT; do
        while "$tool" -C "$builtin" -j "$chain" 2>/dev/null; do "$tool" -D "$builtin" -j "$chain"; done
      done
    done
    for chain in "@{new[@]}"; do "$tool" -F "$chain"; done
    for chain in "@{new[@]}"; do "$tool" -X "$chain"; done
  fi
  if (( @{#policies[@]} > 0 )); then
    set -- "@{policies[@]}"
    while (( $# >= 2 )); do "$tool" -P "$1" "$2"; shift 2; done
  fi
  # iptables-nft: a filter table ufw created is still there, empty; iptables cannot delete a table
  if [ "$had_filter" = no ] && "$tool" -V 2>/dev/null | grep -q nf_tables && command -v nft >/dev/null 2>&1; then
    now=$("$tool-save" -t filter)
    # nothing in it but the built-in chains, empty, policy ACCEPT
    if ! grep -qvE '^(#.*|\*filter|COMMIT|:(INPUT|FORWARD|OUTPUT) ACCEPT .*)$' <<<"$now"; then
      if [ "$tool" = iptables ]; then nft delete table ip filter 2>/dev/null || :; else nft delete table ip6 filter 2>/dev/null || :; fi
    fi
  fi
}

# kernel settings back to their values before (ufw enable applies its sysctl file)
fwplan_ufw_restore_sysctl() {
  local line key value path
  while IFS= read -r line; do
    key=@{line%%=*}
    value=@{line#*=}
    path=$(fwplan_sysctl_path "$key")
    if [ "$(cat -- "$path")" != "$value" ]; then printf '%s\n' "$value" >"$path"; fi
  done <"$1"
}

fwplan_tool_restore() {
  local d=$1/ufw was now
  read -r was <"$d/active"
  now=$(fwplan_ufw_state)
  # a ufw that was inactive is stopped first, while its files still match what runs
  if [ "$was" = no ] && [ "$now" = yes ]; then ufw --force disable; fi
  fwplan_restore_tree "$d/etc-ufw" /etc/ufw
  cp -a -- "$d/default-ufw" /etc/default/ufw
  cmp -s -- "$d/default-ufw" /etc/default/ufw
  if [ "$was" = yes ]; then
    if [ "$now" = yes ]; then ufw reload; else ufw --force enable; fi
  else
    fwplan_ufw_forget iptables "$d/iptables"
    fwplan_ufw_forget ip6tables "$d/ip6tables"
  fi
  fwplan_ufw_restore_sysctl "$d/sysctl"
}
`,
};

export function renderUfw(input: RenderInput): RenderOutput {
  const { options } = input;
  const hostScope = options.scope.kind === 'host';
  const file = input.fileName;
  const rules: string[] = [];
  const groups = groupByPorts(input.rules);
  for (const g of groups) {
    const text = groupComment(g);
    rules.push(`# ${text.replace(/[\r\n]/g, ' ')}`);
    const verb = g.direction === 'forward' ? 'route allow' : g.direction === 'in' ? 'allow in' : 'allow out';
    // the comment of a pair depends only on its labels: quote each distinct one once
    const comments = new Map<string, string>([['', shellWord(ufwComment(text))]]);
    const commentFor = (label: string): string => {
      let c = comments.get(label);
      if (c === undefined) {
        c = shellWord(ufwComment(`${text} ${label}`));
        comments.set(label, c);
      }
      return c;
    };
    for (const list of multiportChunks(g.ports, PORTS_PER_RULE)) {
      const head = `ufw ${verb} proto ${g.protocol} from `;
      const tail = ` port ${portList(list, ':', ',')} comment `;
      for (const [s, d] of pairs(g)) {
        const label = s.label && d.label ? `${s.label} -> ${d.label}` : (s.label || d.label || '');
        rules.push(`${head}${s.network.display} to ${d.network.display}${tail}${commentFor(label)}`);
      }
    }
  }
  if (options.defaultDrop && hostScope) {
    for (const f of input.openFamilies ?? []) {
      const any = f === 4 ? '0.0.0.0/0' : '::/0';
      rules.push(
        `# no IPv${f} address of this node in the plan, but another node has only IPv${f}: IPv${f} is left open, not dropped`,
        `ufw allow in from ${any} to ${any} comment ${shellWord(ufwComment(`fwplan: IPv${f} left as it is`))}`,
        `ufw allow out from ${any} to ${any} comment ${shellWord(ufwComment(`fwplan: IPv${f} left as it is`))}`,
      );
    }
  }
  if (options.defaultDrop) {
    rules.push('', '# the policy, once every allow rule is in place');
    if (hostScope) {
      rules.push('ufw default deny incoming', `ufw default ${dropsDirection(options, 'out') ? 'deny' : 'allow'} outgoing`);
    } else {
      rules.push(
        "# A gateway export filters forwarded traffic only: the router's own traffic stays as it was.",
        '# ufw was inactive: enabling it would apply its default incoming policy (deny on Debian) to the',
        '# router itself and could cut this very ssh session, so incoming and outgoing are allowed, as',
        '# they were with ufw off. ufw was active: its incoming and outgoing defaults are kept.',
        'if [ "$fwplan_ufw_was_active" = no ]; then',
        'ufw default allow incoming',
        'ufw default allow outgoing',
        'fi',
      );
    }
    rules.push('ufw default deny routed', 'ufw --force enable');
  }
  if (!rules.some((l) => l.startsWith('ufw '))) rules.push(': # no rule in this scope');
  const header = ['#!/usr/bin/env bash', ...headerLines(input, 'ufw commands (bash)', countUfw(rules.join('\n'))), ...safeApplyHeader(file, UFW_TOOL)];
  if (options.defaultDrop) {
    header.push(
      hostScope
        ? '# With --default-drop the defaults are set to deny only after every allow rule is in, and ufw is enabled last.'
        : '# With --default-drop routed traffic is denied by default only after every allow rule is in, and ufw is enabled last.',
    );
    if (!hostScope) {
      header.push("# The router's own incoming and outgoing traffic is left as it was (see the end of fwplan_rules).");
    }
  }
  // ASCII words for the character itself: one non-Latin-1 character makes V8 hold the whole script as UTF-16
  header.push('# Comments: ufw refuses \' in a comment, so a label\'s \' is written as U+2019 (right single quotation mark).');
  return { text: renderScript({ file, header, globals: [], rules, tool: UFW_TOOL }), findings: [] };
}

/** Every ufw allow command of the script. */
export function countUfw(text: string): number {
  return countLines(text, 'ufw route allow ', 'ufw allow ');
}

export const ufwRenderer: Renderer = {
  id: 'ufw',
  label: 'ufw (bash script)',
  description: 'A bash script of ufw commands (ufw route for a gateway). Run it with apply: it takes a snapshot, applies, and rolls back by itself unless you confirm; rollback restores the state before.',
  mediaType: 'text/x-shellscript',
  suffix: '-ufw.sh',
  options: { scope: true, defaultDrop: true, ipset: false, egress: true },
  families: [4, 6],
  // the script checks root, its tools and where its snapshot goes, and changes nothing
  checkCommand: (file) => `sudo bash ${file} check`,
  countRules: countUfw,
  countMeaning: 'ufw allow commands',
  render: renderUfw,
  delta: {
    suffix: '.delta-ufw.sh',
    mediaType: 'text/x-shellscript',
    description: 'A bash script of ufw commands: NEW\'s new rules added, then OLD\'s rules NEW lacks deleted.',
  },
};
