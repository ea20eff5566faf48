/**
 * The frame shared by the ufw and firewalld scripts: the rules alone are not enough to change a
 * remote firewall safely. The frame makes the script take a mode —
 *
 *   bash FILE check             checks only (root, tools, where the snapshot goes); changes nothing
 *   bash FILE apply [SECONDS]   snapshot, apply, and roll back by itself after SECONDS (default
 *                               120) unless confirmed; any failure on the way restores the snapshot
 *   bash FILE confirm           keep the new rules: the automatic rollback is cancelled
 *   bash FILE rollback          restore exactly the state before apply, from the snapshot
 *
 * — and never applies anything without one (usage, exit 2). The snapshot goes to
 * $FWPLAN_SNAPSHOT_DIR (default /var/lib/fwplan/<file stem>.before), written to a temporary
 * directory, checked against the original and renamed, so it is complete or absent. The automatic
 * rollback is a separate process in its own session (setsid), started before the first rule goes
 * in: it survives the ssh session that ran apply, and it also rolls back an apply that was killed
 * half-way. Each tool supplies what its snapshot holds and how it is restored.
 *
 * Everything here is text: no label or name from a plan ever reaches this part of the script.
 */

import { append } from './common.ts';

export interface ScriptTool {
  /** the tool, for messages */
  readonly name: string;
  /** programs checked by `check` and before `apply` changes anything */
  readonly programs: readonly string[];
  /** what the snapshot holds, for the header */
  readonly snapshotHolds: string;
  /** environment variables the tool part reads: name and meaning, for the header and usage */
  readonly environment: readonly (readonly [string, string])[];
  /**
   * bash defining three functions:
   * - fwplan_tool_preflight: appends a sentence to the array fwplan_problems for each problem found;
   *   changes nothing
   * - fwplan_tool_snapshot DIR: writes the snapshot into DIR (runs with errexit: any failure aborts
   *   the apply before anything changed) and sets what fwplan_rules needs to know about the state before
   * - fwplan_tool_restore DIR: restores the state recorded in DIR (runs with errexit in a subshell)
   * Write bash's "${" as "@{" (see FRAME).
   */
  readonly functions: string;
}

export interface ScriptParts {
  /** the file's name, e.g. "hq-vault-gateway-ufw.sh" */
  readonly file: string;
  /** the comment block at the top, "#!/usr/bin/env bash" first */
  readonly header: readonly string[];
  /** lines between the header and the rules (variables the rules use) */
  readonly globals: readonly string[];
  /** the body of fwplan_rules: the tool commands that make the plan's rules */
  readonly rules: readonly string[];
  readonly tool: ScriptTool;
}

export const DEFAULT_ROLLBACK_SECONDS = 120;

function stem(file: string): string {
  return file.replace(/\.sh$/, '');
}

/** Where the snapshot goes unless FWPLAN_SNAPSHOT_DIR says otherwise. */
export function defaultSnapshotDir(file: string): string {
  return `/var/lib/fwplan/${stem(file)}.before`;
}

/** The header's "apply it safely / roll back" lines: the same commands the usage text gives. */
export function safeApplyHeader(file: string, tool: ScriptTool): string[] {
  return [
    '#',
    '# Apply it safely (as root), with this file:',
    `#   bash ${file} check       # checks only (root, tools, snapshot place); changes nothing`,
    `#   bash ${file} apply ${DEFAULT_ROLLBACK_SECONDS}   # snapshot, apply; rolls back by itself after ${DEFAULT_ROLLBACK_SECONDS} s unless confirmed`,
    `#   bash ${file} confirm     # still have access (open a NEW session)? keep the new rules`,
    `# Roll back: bash ${file} rollback   # exactly the state before apply (also after confirm)`,
    `# Snapshot: $FWPLAN_SNAPSHOT_DIR, default ${defaultSnapshotDir(file)}; it holds`,
    `#   ${tool.snapshotHolds}.`,
    '# A failure during apply restores the snapshot at once. Without an argument the script only',
    '# prints its usage (exit 2): it never applies by accident.',
  ];
}

function usageText(file: string, tool: ScriptTool): string[] {
  const env: (readonly [string, string])[] = [['FWPLAN_SNAPSHOT_DIR', `where the snapshot goes (default ${defaultSnapshotDir(file)})`], ...tool.environment];
  const width = Math.max(...env.map(([name]) => name.length));
  return [
    'Usage (as root):',
    `  bash ${file} check`,
    '      checks only (root, tools, snapshot place); changes nothing',
    `  bash ${file} apply [SECONDS]`,
    `      snapshot, apply, and roll back by itself after SECONDS (default ${DEFAULT_ROLLBACK_SECONDS}) unless`,
    '      confirmed in time; a failure on the way rolls back at once',
    `  bash ${file} confirm`,
    '      keep the new rules: cancel the automatic rollback',
    `  bash ${file} rollback`,
    '      restore exactly the state before apply, from the snapshot',
    'Environment:',
    ...env.map(([name, meaning]) => `  ${name.padEnd(width)}  ${meaning}`),
  ];
}

/** The whole script: header, the rules as a function, the tool's snapshot/restore, the frame. */
export function renderScript(parts: ScriptParts): string {
  const { file, tool } = parts;
  const lines: string[] = [...parts.header, 'set -Eeuo pipefail', ...parts.globals, ''];
  lines.push('# ---- the rules (run by "apply", after the snapshot) ----', 'fwplan_rules() {');
  // not push(...rules): a plan's rules may be more lines than a call's arguments can be
  append(lines, parts.rules);
  lines.push(
    '}',
    '',
    `# ---- ${tool.name}: what the snapshot holds and how it is restored ----`,
    tool.functions.replaceAll('@{', '${').trim(),
    '',
    '# ---- check, apply with a snapshot and an automatic rollback, confirm, rollback ----',
    'fwplan_usage() {',
    "  cat <<'FWPLAN_USAGE'",
    ...usageText(file, tool),
    'FWPLAN_USAGE',
    '}',
    '',
    `fwplan_programs=(${tool.programs.join(' ')} cat cmp cp diff find flock mkdir mv rm setsid sleep)`,
    `fwplan_default_snapshot=${defaultSnapshotDir(file)}`,
    FRAME.replaceAll('@{', '${').trim(),
    '',
    '# Sourced (a test harness runs fwplan_rules against stand-in tools), the file only defines its',
    '# functions; run with bash, it does what its first argument says.',
    'if [ "${BASH_SOURCE[0]}" != "$0" ]; then return 0; fi',
    'fwplan_main "$@"',
    '',
  );
  return lines.join('\n');
}

/**
 * The generic part, in bash. Variables and functions are prefixed fwplan_. Notes for readers:
 * - errexit is ignored inside anything run as a condition (if, &&, ||, !), also in functions and
 *   subshells called there; so the restore runs as `( set -e; ... )` called as a plain command
 *   with errexit off in the caller, and its status is read from $?.
 * - bash 4.2 is enough (RHEL 7): printf %(...)T for time, no empty "${array[@]}" under set -u.
 * - "@{" stands for bash's "${" (a template literal would read "${" as its own); renderScript
 *   writes it back.
 */
const FRAME = String.raw`
fwplan_say() { printf 'fwplan: %s\n' "$*" >&2 || :; }
fwplan_die() { fwplan_say "$@"; exit 1; }
fwplan_now() { printf '%(%s)T' -1; }

fwplan_init() {
  fwplan_self=@{BASH_SOURCE[0]}
  fwplan_snap=@{FWPLAN_SNAPSHOT_DIR:-$fwplan_default_snapshot}
  case $fwplan_snap in /*) ;; *) fwplan_snap=$PWD/$fwplan_snap ;; esac
  while [ "@{fwplan_snap%/}" != "$fwplan_snap" ]; do fwplan_snap=@{fwplan_snap%/}; done
  [ -n "$fwplan_snap" ] || fwplan_die "FWPLAN_SNAPSHOT_DIR must name a directory of its own, not /"
  fwplan_lockfile=$fwplan_snap.lock
  fwplan_log=$fwplan_snap.log
  fwplan_failed=
  trap 'fwplan_failed="line $LINENO: $BASH_COMMAND"' ERR
}

# the lock, on file descriptor 9: one apply, confirm, rollback or automatic rollback at a time
fwplan_lock() {
  mkdir -p -- "@{fwplan_lockfile%/*}/" && exec 9>>"$fwplan_lockfile" && flock "$@" 9
}

# why an existing snapshot stops a new apply, and what to do
fwplan_snapshot_state() {
  if [ -e "$fwplan_snap/confirmed" ]; then
    printf 'the snapshot of an earlier, confirmed apply is at %s: "bash %s rollback" goes back to the state before that apply first; or remove %s to make the current state the new "before"' "$fwplan_snap" "$fwplan_self" "$fwplan_snap"
  elif [ -e "$fwplan_snap/applied" ]; then
    printf 'an apply is waiting for "bash %s confirm" (or its automatic rollback); snapshot: %s' "$fwplan_self" "$fwplan_snap"
  else
    printf 'an apply is running or was interrupted (its automatic rollback restores %s); "bash %s rollback" restores it now' "$fwplan_snap" "$fwplan_self"
  fi
}

# everything that can be known before changing anything; $1: the mode it checks for
fwplan_preflight() {
  local mode=$1 p dir
  fwplan_problems=()
  if (( BASH_VERSINFO[0] < 4 || (BASH_VERSINFO[0] == 4 && BASH_VERSINFO[1] < 2) )); then
    fwplan_problems+=("bash 4.2 or newer is needed (this is $BASH_VERSION)")
  fi
  [ "$EUID" -eq 0 ] || fwplan_problems+=("it must run as root")
  [ -f "$fwplan_self" ] || fwplan_problems+=("run it from a file (bash FILE $mode), not from a pipe: the automatic rollback runs the file again")
  for p in "@{fwplan_programs[@]}"; do
    command -v "$p" >/dev/null 2>&1 || fwplan_problems+=("$p is not installed")
  done
  if [ -e "$fwplan_snap" ] || [ -L "$fwplan_snap" ]; then
    fwplan_problems+=("$(fwplan_snapshot_state)")
  else
    dir=$fwplan_snap
    while [ ! -e "$dir" ]; do dir=@{dir%/*}; [ -n "$dir" ] || dir=/; done
    if [ ! -d "$dir" ] || [ ! -w "$dir" ]; then
      fwplan_problems+=("the snapshot cannot be written under $dir (set FWPLAN_SNAPSHOT_DIR)")
    fi
  fi
  fwplan_tool_preflight
  if (( @{#fwplan_problems[@]} > 0 )); then
    fwplan_say "$mode: not ready; nothing was changed:"
    for p in "@{fwplan_problems[@]}"; do fwplan_say "  - $p"; done
    return 1
  fi
}

# Make a live directory exactly like its snapshot copy: what was not there before goes, the rest
# is copied back with its owner, mode and times, and the result is compared with the snapshot.
fwplan_restore_tree() {
  local src=$1 dst=$2 path rel
  while IFS= read -r -d '' path; do
    rel=@{path#"$dst"/}
    if [ -L "$path" ]; then
      rm -f -- "$path"
    elif [ -d "$path" ]; then
      if [ ! -d "$src/$rel" ] || [ -L "$src/$rel" ]; then rm -rf -- "$path"; fi
    elif [ ! -e "$src/$rel" ] || [ -d "$src/$rel" ] || [ -L "$src/$rel" ]; then
      rm -f -- "$path"
    fi
  done < <(find "$dst" -mindepth 1 -depth -print0)
  cp -a -- "$src/." "$dst/"
  diff -r --no-dereference -- "$src" "$dst" >/dev/null
}

# Restore the snapshot; call it as a plain command with errexit off and read $? (see above).
fwplan_restore_now() {
  (
    set -e
    trap 'fwplan_say "restore: failed at line $LINENO: $BASH_COMMAND"' ERR
    fwplan_tool_restore "$fwplan_snap"
  )
}

fwplan_on_exit() {
  local status=$? rc
  trap - EXIT
  trap '' HUP INT TERM PIPE
  set +e
  case @{fwplan_phase:-} in
    snapshot)
      rm -rf -- "$fwplan_tmp"
      if [ "$status" -ne 0 ]; then fwplan_say "apply: the snapshot failed (@{fwplan_failed:-exit $status}); nothing was changed"; fi
      ;;
    rules)
      fwplan_say "apply: FAILED (@{fwplan_failed:-exit $status}); restoring the state before from $fwplan_snap"
      fwplan_restore_now
      rc=$?
      if [ "$rc" -eq 0 ]; then
        rm -rf -- "$fwplan_snap"
        fwplan_say "apply: the state before is back; nothing of this apply is left"
      else
        fwplan_say "apply: THE RESTORE FAILED: the snapshot stays at $fwplan_snap; fix the cause, then run: bash $fwplan_self rollback"
      fi
      status=1
      ;;
  esac
  exit "$status"
}

fwplan_apply() {
  local delay=$1 i at
  if ! [[ $delay =~ ^[0-9]{1,6}$ ]] || (( 10#$delay < 1 )); then
    fwplan_say "apply: SECONDS must be a whole number of seconds, at least 1 (not: $delay)"
    exit 2
  fi
  delay=$(( 10#$delay ))
  fwplan_preflight apply
  fwplan_lock -n || fwplan_die "apply: another run of this script is busy (lock: $fwplan_lockfile); nothing was changed"
  if [ -e "$fwplan_snap" ]; then fwplan_die "apply: $(fwplan_snapshot_state)"; fi

  # the snapshot: written aside, checked, then renamed, so it is complete or absent
  fwplan_tmp=$fwplan_snap.new.$$
  fwplan_phase=snapshot
  trap fwplan_on_exit EXIT
  trap 'exit 129' HUP
  trap 'exit 130' INT
  trap 'exit 143' TERM
  rm -rf -- "$fwplan_tmp"
  mkdir -m 700 -- "$fwplan_tmp"
  cp -- "$fwplan_self" "$fwplan_tmp/script.sh"
  cmp -s -- "$fwplan_self" "$fwplan_tmp/script.sh"
  printf '%(%F %T %z)T\n' -1 >"$fwplan_tmp/taken"
  fwplan_tool_snapshot "$fwplan_tmp"
  mv -- "$fwplan_tmp" "$fwplan_snap"
  fwplan_say "apply: the state before is saved in $fwplan_snap"

  # from here on, any failure or signal restores that snapshot (fwplan_on_exit)
  fwplan_phase=rules
  # the automatic rollback: its own session, so it outlives this one; armed before the first rule
  FWPLAN_SNAPSHOT_DIR=$fwplan_snap setsid bash "$fwplan_snap/script.sh" __timer "$delay" "$$" </dev/null >>"$fwplan_log" 2>&1 9>&- &
  for (( i = 0; i < 100; i++ )); do
    if [ -s "$fwplan_snap/timer.pid" ]; then break; fi
    sleep 0.1
  done
  if [ ! -s "$fwplan_snap/timer.pid" ]; then
    fwplan_failed="the automatic rollback did not start (see $fwplan_log)"
    exit 1
  fi
  fwplan_rules
  printf '%s\n' "$(fwplan_now)" >"$fwplan_snap/applied.new"
  mv -- "$fwplan_snap/applied.new" "$fwplan_snap/applied"
  fwplan_phase=applied
  printf -v at '%(%T)T' "$(( $(fwplan_now) + delay ))"
  fwplan_say "apply: done. Unless you confirm, the state before comes back by itself at $at (in $delay s)."
  fwplan_say "apply: check your access from a NEW session now; then keep the new rules with: bash $fwplan_self confirm"
}

# the automatic rollback (started by apply): waits, then restores unless confirmed
fwplan_timer() {
  local delay=$1 apply_pid=$2 t rc
  fwplan_note() { printf '%(%F %T)T fwplan: %s\n' -1 "$*" || :; }
  printf '%s\n' "$$" >"$fwplan_snap/timer.pid"
  fwplan_note "automatic rollback armed: $delay s after the apply of $fwplan_snap finishes, unless confirmed"
  while :; do
    if [ ! -d "$fwplan_snap" ] || [ -e "$fwplan_snap/confirmed" ]; then exit 0; fi
    if [ -e "$fwplan_snap/applied" ]; then
      read -r t <"$fwplan_snap/applied" || t=0
      if (( $(fwplan_now) >= t + delay )); then break; fi
    elif ! kill -0 "$apply_pid" 2>/dev/null; then
      # the apply is gone without finishing: it restored the snapshot itself (then the directory
      # is gone) or it was killed (then nobody did: roll back now)
      if [ -d "$fwplan_snap" ] && [ ! -e "$fwplan_snap/applied" ]; then break; fi
    fi
    sleep 1
  done
  fwplan_lock -w 600 || { fwplan_note "could not take the lock $fwplan_lockfile: NOT rolled back"; exit 1; }
  if [ ! -d "$fwplan_snap" ] || [ -e "$fwplan_snap/confirmed" ]; then exit 0; fi
  if [ -e "$fwplan_snap/applied" ]; then
    fwplan_note "not confirmed within $delay s: restoring the state before"
  else
    fwplan_note "the apply ended half-way: restoring the state before"
  fi
  set +e
  fwplan_restore_now
  rc=$?
  set -e
  if [ "$rc" -ne 0 ]; then fwplan_note "ROLLBACK FAILED: the snapshot stays at $fwplan_snap"; exit 1; fi
  rm -rf -- "$fwplan_snap"
  fwplan_note "rolled back: the state before is back"
}

fwplan_confirm() {
  local pid i
  [ "$EUID" -eq 0 ] || fwplan_die "confirm: it must run as root"
  [ -d "$fwplan_snap" ] || fwplan_die "confirm: nothing to confirm: no snapshot at $fwplan_snap (has the automatic rollback run already? see $fwplan_log)"
  fwplan_lock -w 30 || fwplan_die "confirm: busy (lock: $fwplan_lockfile); try again"
  [ -d "$fwplan_snap" ] || fwplan_die "confirm: too late: the state before was restored meanwhile (see $fwplan_log)"
  [ -e "$fwplan_snap/applied" ] || fwplan_die "confirm: the apply did not finish; its automatic rollback restores the state before"
  if [ ! -e "$fwplan_snap/confirmed" ]; then
    printf '%(%F %T %z)T\n' -1 >"$fwplan_snap/confirmed"
  fi
  exec 9>&-
  # the automatic rollback sees the mark within a second and ends
  pid=
  read -r pid <"$fwplan_snap/timer.pid" || :
  for (( i = 0; i < 50; i++ )); do
    if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.1
  done
  fwplan_say "confirm: the new rules stay; the automatic rollback is cancelled."
  fwplan_say "confirm: the snapshot stays at $fwplan_snap: \"bash $fwplan_self rollback\" still restores the state before."
}

fwplan_rollback() {
  local rc pid i
  [ "$EUID" -eq 0 ] || fwplan_die "rollback: it must run as root"
  [ -d "$fwplan_snap" ] || fwplan_die "rollback: no snapshot at $fwplan_snap: nothing to roll back (set FWPLAN_SNAPSHOT_DIR to the one apply used)"
  fwplan_lock -w 600 || fwplan_die "rollback: busy (lock: $fwplan_lockfile); try again"
  [ -d "$fwplan_snap" ] || fwplan_die "rollback: the state before was restored meanwhile (see $fwplan_log)"
  fwplan_say "rollback: restoring the state of $(cat -- "$fwplan_snap/taken") from $fwplan_snap"
  pid=
  if [ -s "$fwplan_snap/timer.pid" ]; then read -r pid <"$fwplan_snap/timer.pid" || :; fi
  set +e
  fwplan_restore_now
  rc=$?
  set -e
  if [ "$rc" -ne 0 ]; then fwplan_die "rollback: FAILED; the snapshot stays at $fwplan_snap: fix the cause and run rollback again"; fi
  rm -rf -- "$fwplan_snap"
  exec 9>&-
  # a pending automatic rollback finds nothing left to do and ends
  for (( i = 0; i < 30; i++ )); do
    if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.1
  done
  fwplan_say "rollback: done: the state before apply is back."
}

fwplan_main() {
  case @{1:-} in
    check | confirm | rollback) (( $# == 1 )) || { fwplan_usage >&2; exit 2; } ;;
    apply) (( $# <= 2 )) || { fwplan_usage >&2; exit 2; } ;;
    __timer) (( $# == 3 )) || exit 2 ;;
    -h | --help | help) fwplan_usage; exit 0 ;;
    *)
      fwplan_usage >&2
      printf '%s\n' 'Nothing was changed: the script applies only when told "apply".' >&2
      exit 2
      ;;
  esac
  fwplan_init
  case $1 in
    check)
      fwplan_preflight check
      fwplan_say "check: ready: \"bash $fwplan_self apply\" can snapshot to $fwplan_snap and apply"
      ;;
    apply) fwplan_apply "@{2:-${DEFAULT_ROLLBACK_SECONDS}}" ;;
    confirm) fwplan_confirm ;;
    rollback) fwplan_rollback ;;
    __timer) fwplan_timer "$2" "$3" ;;
  esac
}
`;
