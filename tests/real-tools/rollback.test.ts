/**
 * A back-out that backs out: after apply and rollback, the firewall is exactly as it was before.
 *
 * ufw and firewalld — the scripts' own modes, with the real tool in a network namespace of its own:
 * - ufw with private copies of /etc/ufw and /etc/default/ufw bind-mounted in a mount namespace
 *   (tests/enforcement/firewall.ts), from two starting states: ufw inactive (pristine, as
 *   installed) and ufw active with an allow rule of its own and non-default policies; the
 *   compared state is the whole /etc/ufw tree (names, types, modes, contents), /etc/default/ufw,
 *   `ufw status verbose`, iptables-save / ip6tables-save (counters stripped), `nft list ruleset`
 *   and the kernel settings of ufw's sysctl file (a private one, of per-namespace settings only);
 * - firewalld with a private D-Bus and a scratch --system-config, starting from the vendor defaults
 *   plus a service, a port, a rich rule and an ipset of the admin's own; the compared state is
 *   every zone (--list-all-zones), the policies, the ipsets with their entries, the configuration
 *   tree and `nft list ruleset`.
 * For each: apply + rollback (host and gateway exports with --default-drop), the automatic
 * rollback when nobody confirms, confirm (the rules stay; rollback still works afterwards), an
 * apply that fails half-way (a stand-in that fails on the Nth call), an apply killed half-way (the
 * automatic rollback restores), and no argument (exit 2, nothing changed).
 *
 * iptables, ip6tables and nftables — the commands of the export's own header, run as they are
 * written (a fresh network namespace, /root a private tmpfs): a ruleset of the admin's own is
 * loaded, then snapshot, check, apply, roll back; the ruleset must be as before. Also the timed
 * rollback of step 3 (its 120 s shortened) and step 5, which keeps the rules.
 */
import { mkdir, mkdtemp, readFile, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { expandPlan, exportPlan, parseScope, type FormatId, type Plan, type Scope } from '../../src/engine/index.ts';
import { parsePlan } from '../../src/engine/schema.ts';
import { run, which, type RunResult } from '../enforcement/exec.ts';
import { prepareUfwConfig, startFirewalld, ufwInNamespace, type PrivateFirewalld } from '../enforcement/firewall.ts';
import { gatedDescribe, rootAndTools } from '../enforcement/gate.ts';
import { Lab } from '../enforcement/netns.ts';
import { fixturePlans } from './exports.ts';
import { failureText } from './sandbox.ts';

function fixture(name: string): Plan {
  const f = fixturePlans().find((p) => p.name === name);
  if (!f) throw new Error(`no fixture ${name}`);
  return f.plan;
}

/** The host scope of the single-node fixture's node, 192.0.2.10, by its address. */
function nodeScope(): Scope {
  const parsed = parseScope(expandPlan(fixture('single-node')), 'host:192.0.2.10');
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.scope;
}
const NODE = nodeScope();

function exported(plan: Plan, format: FormatId, scope: Scope, defaultDrop: boolean, ipset = false): { text: string; fileName: string } {
  const r = exportPlan(plan, format, { scope, defaultDrop, ipset });
  if (!r.ok) throw new Error(r.message);
  return { text: r.text, fileName: r.fileName };
}

const EXPORTS: readonly { title: string; scope: Scope }[] = [
  { title: 'host export', scope: NODE },
  { title: 'gateway export', scope: { kind: 'gateway' } },
];

/** Split the output of a state script into its sections ("@@@ name" lines). */
function sections(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let name = '';
  for (const line of text.split('\n')) {
    const m = /^@@@ (.+)$/.exec(line);
    if (m?.[1]) {
      name = m[1];
      out[name] = '';
    } else if (name !== '') {
      out[name] += `${line}\n`;
    }
  }
  return out;
}

/**
 * `nft list ruleset` with its tables in name order: a table that was deleted and made again (as
 * iptables-restore does with a table it replaces) is listed last, which changes nothing in how
 * packets are filtered — chains run by hook and priority, not by the order of their tables.
 */
function nftTablesSorted(text: string): string {
  return text
    .split(/^(?=table )/m)
    .map((t) => t.replace(/\n+$/, ''))
    .filter((t) => t !== '')
    .sort()
    .join('\n');
}

/** The state sections, with `nft list ruleset` in table order. */
function normalised(state: Record<string, string>): Record<string, string> {
  const out = { ...state };
  if (out['nft list ruleset'] !== undefined) out['nft list ruleset'] = nftTablesSorted(out['nft list ruleset']);
  return out;
}

function ok(r: RunResult, what: string): RunResult {
  if (r.code !== 0) throw new Error(`${what}: ${failureText(r)}`);
  return r;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

async function waitUntil(cond: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`);
}

/** A stand-in for `tool` placed before it on PATH: runs the real one, but fails (or kills the script) on call N. */
function failingStandIn(real: string, how: 'fail' | 'kill'): string {
  return `#!/bin/bash
n=$(( $(cat "$FWPLAN_TEST_COUNTER" 2>/dev/null || echo 0) + 1 ))
echo "$n" > "$FWPLAN_TEST_COUNTER"
if [ "$n" -eq "$FWPLAN_TEST_FAIL_AT" ]; then
  ${how === 'fail' ? 'echo "injected failure on call $n" >&2; exit 1' : 'kill -KILL "$PPID"; exit 1'}
fi
exec ${real} "$@"
`;
}

/** Labs get fresh names: each test starts from a pristine network namespace. */
let labCount = 0;
function freshLab(prefix: string): Promise<Lab> {
  return Lab.create(`${prefix}${++labCount}`, []);
}

// ---------------------------------------------------------------------------------------------
// ufw

/** ufw's sysctl file in the tests: settings that live in the network namespace only. */
const SYSCTL = ['net/ipv4/conf/all/accept_redirects=0', 'net/ipv4/conf/default/accept_redirects=0', 'net/ipv4/icmp_echo_ignore_broadcasts=1', 'net/ipv4/conf/all/log_martians=0'];
/** ...and the values the namespace has before ufw ever runs (ufw enable changes every one of them) */
const SYSCTL_BEFORE = 'echo 1 > /proc/sys/net/ipv4/conf/all/accept_redirects; echo 1 > /proc/sys/net/ipv4/conf/default/accept_redirects; echo 0 > /proc/sys/net/ipv4/icmp_echo_ignore_broadcasts; echo 1 > /proc/sys/net/ipv4/conf/all/log_martians';

const UFW_STATE = String.raw`
strip() { sed -e 's/\[[0-9]*:[0-9]*\]/[0:0]/' -e '/^#/d'; }
echo '@@@ /etc/ufw tree'; (cd /etc/ufw && find . -printf '%p %y %m %U:%G %s %l\n' | LC_ALL=C sort)
echo '@@@ /etc/ufw contents'; (cd /etc/ufw && find . -type f -print0 | LC_ALL=C sort -z | while IFS= read -r -d '' f; do echo "== $f"; cat -- "$f"; done)
echo '@@@ /etc/default/ufw'; cat /etc/default/ufw
echo '@@@ ufw status verbose'; LC_ALL=C ufw status verbose
echo '@@@ iptables-save'; iptables-save | strip
echo '@@@ ip6tables-save'; ip6tables-save | strip
echo '@@@ nft list ruleset'; nft list ruleset 2>/dev/null
echo '@@@ sysctl'; for k in net/ipv4/conf/all/accept_redirects net/ipv4/conf/default/accept_redirects net/ipv4/icmp_echo_ignore_broadcasts net/ipv4/conf/all/log_martians; do echo "$k=$(cat /proc/sys/$k)"; done
`;

type UfwStart = 'inactive' | 'active' | 'inactive after an earlier enable and disable';

/** ufw in a namespace of its own, with its private configuration and a script to run. */
class UfwBox {
  private constructor(readonly lab: Lab, readonly dir: string) {}

  static async create(start: UfwStart): Promise<UfwBox> {
    const lab = await freshLab('rbu');
    const dir = await mkdtemp(join(tmpdir(), 'fwplan-rollback-ufw-'));
    const box = new UfwBox(lab, dir);
    try {
      await prepareUfwConfig(dir, { sysctl: SYSCTL });
      const setup: Record<UfwStart, string> = {
        inactive: SYSCTL_BEFORE,
        active: [
          SYSCTL_BEFORE,
          'ufw default reject incoming',
          'ufw default deny outgoing',
          'ufw default allow routed',
          "ufw allow in proto tcp from 198.51.100.0/24 to any port 22 comment 'admin ssh'",
          'ufw --force enable',
          // as after a boot: ufw's start loads everything from its files
          'ufw reload',
        ].join(' && '),
        'inactive after an earlier enable and disable': `${SYSCTL_BEFORE} && ufw --force enable && ufw --force disable`,
      };
      ok(await box.sh(setup[start]), `setting up "${start}"`);
    } catch (e) {
      await box.dispose();
      throw e;
    }
    return box;
  }

  get snapshot(): string {
    return join(this.dir, 'snapshot');
  }

  sh(command: string, env: Readonly<Record<string, string>> = {}): Promise<RunResult> {
    return ufwInNamespace(this.lab, 'router', this.dir, command, { env, timeoutMs: 600_000 });
  }

  async script(text: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<RunResult> {
    await writeFile(join(this.dir, 'script.sh'), text);
    return this.sh(`bash "$FWPLAN_TEST_DIR/script.sh" ${args.join(' ')}`, { FWPLAN_SNAPSHOT_DIR: this.snapshot, ...env });
  }

  async state(): Promise<Record<string, string>> {
    return normalised(sections(ok(await this.sh(UFW_STATE), 'reading the ufw state').stdout));
  }

  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
    await this.lab.destroy();
  }
}

const UFW_TOOLS = ['ip', 'unshare', 'ufw', 'iptables', 'ip6tables', 'iptables-save', 'ip6tables-save', 'nft', 'bash', 'setsid', 'flock', 'find', 'diff'];

gatedDescribe('rollback: ufw scripts restore exactly the state before', rootAndTools(UFW_TOOLS), () => {
  const plan = fixture('single-node');
  /** a fresh namespace and ufw configuration for one test, removed afterwards whatever happens */
  const withBox = async (start: UfwStart, body: (b: UfwBox) => Promise<void>) => {
    const b = await UfwBox.create(start);
    try {
      await body(b);
    } finally {
      await b.dispose();
    }
  };

  for (const start of ['inactive', 'active'] as const) {
    for (const { title, scope } of EXPORTS) {
      // one of the four also confirms first (the rules must outlive the deadline), then rolls
      // back; another is first run without an argument
      const confirm = start === 'inactive' && scope.kind === 'gateway';
      const how = confirm ? 'apply 20, confirm, the deadline passes, then rollback' : 'apply 300, then rollback';
      it(`ufw ${start}, ${title} --default-drop: ${how} → the state before`, async ({ expect }) => withBox(start, async (b) => {
        const before = await b.state();
        const { text } = exported(plan, 'ufw', scope, true);
        if (start === 'inactive' && scope.kind === 'host') {
          // no argument: usage, exit 2 — had it changed anything, the snapshot below would hold
          // it and the last check would fail
          const none = await b.script(text, []);
          expect(none.code).toBe(2);
          expect(none.stderr).toMatch(/Usage/);
          expect(await exists(b.snapshot)).toBe(false);
        }

        ok(await b.script(text, ['apply', confirm ? '20' : '300']), 'apply');
        if (confirm) {
          expect(ok(await b.script(text, ['confirm']), 'confirm').stderr).toMatch(/confirm: the new rules stay/);
          await new Promise((res) => setTimeout(res, 22_000));
          expect(await exists(join(b.snapshot, 'confirmed'))).toBe(true);
        }
        const applied = await b.state();
        expect(applied['ufw status verbose']).toMatch(/^Status: active$/m);
        expect(applied['ufw status verbose']).toMatch(/# fwplan /);
        expect(applied['/etc/ufw contents']).not.toBe(before['/etc/ufw contents']);
        if (scope.kind === 'gateway') {
          // the router's own traffic is left as it was: with ufw off it all flowed
          if (start === 'inactive') expect(applied['iptables-save']).toMatch(/^:INPUT ACCEPT /m);
          else expect(applied['ufw status verbose']).toMatch(/Default: reject \(incoming\), deny \(outgoing\), deny \(routed\)/);
        }
        expect(await exists(join(b.snapshot, 'applied'))).toBe(true);
        if (confirm) {
          // a second apply refuses while the snapshot of the first is there, and changes nothing
          const again = await b.script(text, ['apply', '300']);
          expect(again.code).toBe(1);
          expect(again.stderr).toMatch(/confirmed apply/);
          expect(await b.state()).toEqual(applied);
        }

        const r = ok(await b.script(text, ['rollback']), 'rollback');
        expect(r.stderr).toMatch(/rollback: done/);
        expect(await b.state()).toEqual(before);
        expect(await exists(b.snapshot)).toBe(false);
      }), 900_000);
    }
  }

  it('nobody confirms: apply 3 rolls back by itself (ufw inactive after an earlier enable and disable, gateway export)', async ({ expect }) => withBox('inactive after an earlier enable and disable', async (b) => {
    const before = await b.state();
    const { text } = exported(plan, 'ufw', { kind: 'gateway' }, true);
    ok(await b.script(text, ['apply', '3']), 'apply');
    await waitUntil(async () => !(await exists(b.snapshot)), 'the automatic rollback', 240_000);
    expect(await b.state()).toEqual(before);
    expect(await readFile(`${b.snapshot}.log`, 'utf8')).toMatch(/not confirmed within 3 s[\s\S]*rolled back/);
  }), 900_000);

  it('an apply that fails half-way ends in the state before (ufw active, gateway export, the 9th ufw call fails)', async ({ expect }) => withBox('active', async (b) => {
    const before = await b.state();
    const { text } = exported(plan, 'ufw', { kind: 'gateway' }, true);
    const bin = join(b.dir, 'bin');
    await mkdir(bin);
    await writeFile(join(bin, 'ufw'), failingStandIn(which('ufw') ?? '/usr/sbin/ufw', 'fail'));
    await chmod(join(bin, 'ufw'), 0o755);
    // calls 1-3 are the check and the snapshot (ufw status); the 9th adds the 6th rule
    const r = await b.script(text, ['apply', '300'], { PATH: `${bin}:/usr/sbin:/usr/bin:/sbin:/bin`, FWPLAN_TEST_COUNTER: join(b.dir, 'count'), FWPLAN_TEST_FAIL_AT: '9' });
    expect(r.code, failureText(r)).toBe(1);
    expect(r.stderr).toMatch(/injected failure on call 9/);
    expect(r.stderr).toMatch(/apply: FAILED[\s\S]*the state before is back/);
    expect(await b.state()).toEqual(before);
    expect(await exists(b.snapshot)).toBe(false);
  }), 900_000);

  it('an apply killed half-way (no trap can run) is rolled back by the automatic rollback at once', async ({ expect }) => withBox('inactive', async (b) => {
    const before = await b.state();
    const { text } = exported(plan, 'ufw', { kind: 'gateway' }, true);
    const bin = join(b.dir, 'bin');
    await mkdir(bin);
    await writeFile(join(bin, 'ufw'), failingStandIn(which('ufw') ?? '/usr/sbin/ufw', 'kill'));
    await chmod(join(bin, 'ufw'), 0o755);
    const r = await b.script(text, ['apply', '300'], { PATH: `${bin}:/usr/sbin:/usr/bin:/sbin:/bin`, FWPLAN_TEST_COUNTER: join(b.dir, 'count'), FWPLAN_TEST_FAIL_AT: '9' });
    expect(r.code).not.toBe(0);
    await waitUntil(async () => !(await exists(b.snapshot)), 'the rollback of the killed apply', 240_000);
    expect(await b.state()).toEqual(before);
    expect(await readFile(`${b.snapshot}.log`, 'utf8')).toMatch(/the apply ended half-way/);
  }), 900_000);
});

// ---------------------------------------------------------------------------------------------
// firewalld

const FIREWALLD_STATE = String.raw`
echo '@@@ zones'; firewall-cmd --list-all-zones
echo '@@@ policies'; firewall-cmd --get-policies; firewall-cmd --list-all-policies
echo '@@@ ipsets'; for s in $(firewall-cmd --get-ipsets); do firewall-cmd --info-ipset="$s"; done
echo '@@@ config tree'; (cd "$FWPLAN_FIREWALLD_DIR" && find . -printf '%p %y %m %U:%G %s %l\n' | LC_ALL=C sort)
echo '@@@ config contents'; (cd "$FWPLAN_FIREWALLD_DIR" && find . -type f -print0 | LC_ALL=C sort -z | while IFS= read -r -d '' f; do echo "== $f"; cat -- "$f"; done)
echo '@@@ nft list ruleset'; nft list ruleset
`;

/** The admin's own firewalld configuration, there before fwplan. */
const FIREWALLD_SETUP: readonly (readonly string[])[] = [
  ['--permanent', '--zone=public', '--add-service=http'],
  ['--permanent', '--zone=public', '--add-port=8443/tcp'],
  ['--permanent', '--zone=public', '--add-rich-rule=rule family="ipv4" source address="203.0.113.99" drop'],
  ['--permanent', '--new-ipset=admins', '--type=hash:ip'],
  ['--permanent', '--ipset=admins', '--add-entry=198.51.100.7'],
  ['--reload'],
];

class FirewalldBox {
  private constructor(readonly lab: Lab, readonly fwd: PrivateFirewalld) {}

  static async create(): Promise<FirewalldBox> {
    const lab = await freshLab('rbf');
    let fwd: PrivateFirewalld;
    try {
      fwd = await startFirewalld(lab, 'router');
    } catch (e) {
      await lab.destroy();
      throw e;
    }
    const box = new FirewalldBox(lab, fwd);
    for (const args of FIREWALLD_SETUP) ok(await fwd.exec('firewall-cmd', args), `firewall-cmd ${args.join(' ')}`);
    return box;
  }

  get snapshot(): string {
    return join(this.fwd.dir, 'snapshot');
  }

  get env(): Record<string, string> {
    return { FWPLAN_FIREWALLD_DIR: this.fwd.config, FWPLAN_SNAPSHOT_DIR: this.snapshot };
  }

  async script(text: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<RunResult> {
    const file = join(this.fwd.dir, 'script.sh');
    await writeFile(file, text);
    return this.fwd.exec('bash', [file, ...args], { ...this.env, ...env }, 600_000);
  }

  async state(): Promise<Record<string, string>> {
    return normalised(sections(ok(await this.fwd.exec('bash', ['-c', FIREWALLD_STATE], this.env), 'reading the firewalld state').stdout));
  }

  async dispose(): Promise<void> {
    await this.fwd.stop();
    await this.lab.destroy();
  }
}

const FIREWALLD_TOOLS = ['ip', 'firewalld', 'firewall-cmd', 'dbus-daemon', 'nft', 'bash', 'setsid', 'flock', 'find', 'diff'];

gatedDescribe('rollback: firewalld scripts restore exactly the state before', rootAndTools(FIREWALLD_TOOLS), () => {
  const plan = fixture('single-node');
  /** a fresh namespace and firewalld for one test, stopped and removed afterwards whatever happens */
  const withBox = async (body: (b: FirewalldBox) => Promise<void>) => {
    const b = await FirewalldBox.create();
    try {
      await body(b);
    } finally {
      await b.dispose();
    }
  };

  it('host export --default-drop: no argument changes nothing; apply 300, then rollback → the state before (zone target, services, rich rules)', async ({ expect }) => withBox(async (b) => {
    const before = await b.state();
    const { text } = exported(plan, 'firewalld', NODE, true);
    // (had it changed anything, the snapshot below would hold it and the last check would fail)
    const none = await b.script(text, []);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/Usage/);
    ok(await b.script(text, ['apply', '300']), 'apply');
    const applied = await b.state();
    expect(applied.zones).toMatch(/^public\b.*\n {2}target: DROP$/m);
    expect(applied.zones).toMatch(/rule family="ipv4" .*destination address="192\.0\.2\.10" port port="22" protocol="tcp" accept/);
    ok(await b.script(text, ['rollback']), 'rollback');
    expect(await b.state()).toEqual(before);
    expect(await exists(b.snapshot)).toBe(false);
  }), 900_000);

  it('gateway export --default-drop: apply 20, confirm, the deadline passes, then rollback → the state before (policies, ipsets, rich rules)', async ({ expect }) => withBox(async (b) => {
    const before = await b.state();
    const { text } = exported(plan, 'firewalld', { kind: 'gateway' }, true);
    ok(await b.script(text, ['apply', '20']), 'apply');
    ok(await b.script(text, ['confirm']), 'confirm');
    await new Promise((res) => setTimeout(res, 22_000));
    const applied = await b.state();
    expect(applied.policies).toMatch(/fwplan-forward/);
    expect(applied.ipsets).toMatch(/^fwplan-/m);
    expect(await exists(join(b.snapshot, 'confirmed'))).toBe(true);
    ok(await b.script(text, ['rollback']), 'rollback');
    expect(await b.state()).toEqual(before);
    expect(await exists(b.snapshot)).toBe(false);
  }), 900_000);

  it('nobody confirms: apply 3 rolls back by itself (gateway export)', async ({ expect }) => withBox(async (b) => {
    const before = await b.state();
    const { text } = exported(plan, 'firewalld', { kind: 'gateway' }, true);
    ok(await b.script(text, ['apply', '3']), 'apply');
    await waitUntil(async () => !(await exists(b.snapshot)), 'the automatic rollback', 240_000);
    expect(await b.state()).toEqual(before);
    expect(await readFile(`${b.snapshot}.log`, 'utf8')).toMatch(/not confirmed within 3 s[\s\S]*rolled back/);
  }), 900_000);

  it('an apply that fails half-way ends in the state before (host export: target DROP set, a service removed, then a firewall-cmd call fails)', async ({ expect }) => withBox(async (b) => {
    const before = await b.state();
    const { text } = exported(plan, 'firewalld', NODE, true);
    const bin = join(b.fwd.dir, 'bin');
    await mkdir(bin);
    await writeFile(join(bin, 'firewall-cmd'), failingStandIn(which('firewall-cmd') ?? '/usr/bin/firewall-cmd', 'fail'));
    await chmod(join(bin, 'firewall-cmd'), 0o755);
    // calls: 1 check (--state), 2 snapshot (--state), 3 --set-target=DROP, 4 --list-services,
    // 5 and 6 --remove-service: the 6th fails
    const r = await b.script(text, ['apply', '300'], { PATH: `${bin}:/usr/sbin:/usr/bin:/sbin:/bin`, FWPLAN_TEST_COUNTER: join(b.fwd.dir, 'count'), FWPLAN_TEST_FAIL_AT: '6' });
    expect(r.code, failureText(r)).toBe(1);
    expect(r.stderr).toMatch(/injected failure on call 6/);
    expect(r.stderr).toMatch(/the state before is back/);
    expect(await b.state()).toEqual(before);
  }), 900_000);

});

// ---------------------------------------------------------------------------------------------
// iptables, ip6tables, nftables: the header's own commands

interface HeaderCommands {
  readonly steps: ReadonlyMap<number, string>;
  readonly rollback: string;
}

/** The commands of an export's header: "#   COMMAND   # N. what" and "# Roll back: COMMAND". */
function headerCommands(text: string): HeaderCommands {
  const steps = new Map<number, string>();
  let rollback = '';
  for (const line of text.split('\n')) {
    if (!line.startsWith('#')) break;
    const step = /^# {3}(.+?) {3}# (\d)\. /.exec(line);
    if (step?.[1] && step[2]) steps.set(Number(step[2]), step[1]);
    const back = /^# Roll back: (.+?)(?: {3}# .*)?$/.exec(line);
    if (back?.[1]) rollback = back[1];
  }
  if (steps.size !== 5 || rollback === '') throw new Error(`the header lacks its snapshot/check/rollback/apply/keep steps or its roll back line:\n${text.slice(0, 3000)}`);
  return { steps, rollback };
}

const RULES_STATE = String.raw`
state() {
  echo '@@@ iptables-save'; iptables-save | sed -e 's/\[[0-9]*:[0-9]*\]/[0:0]/' -e '/^#/d'
  echo '@@@ ip6tables-save'; ip6tables-save | sed -e 's/\[[0-9]*:[0-9]*\]/[0:0]/' -e '/^#/d'
  echo '@@@ ipset'; ipset save | LC_ALL=C sort
  echo '@@@ nft list ruleset'; nft list ruleset 2>/dev/null
}
`;

/**
 * Run, in a fresh network namespace with /root a private tmpfs (so the header's /root paths are
 * used as written): `setup`, then the state ("before"), then `commands` with "@@@ state NAME"
 * lines taking the state again. Returns the states by name.
 */
async function inNamespace(setup: string, commands: readonly string[], files: Readonly<Record<string, string>>): Promise<Record<string, Record<string, string>>> {
  const dir = await mkdtemp(join(tmpdir(), 'fwplan-rollback-rules-'));
  try {
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    const body = commands.map((c) => (c.startsWith('@@@ state ') ? `state > "$FWPLAN_TEST_DIR/state.${c.slice(10)}"` : c));
    const script = [RULES_STATE, 'set -e', 'mount -t tmpfs fwplan-root /root', 'cd "$FWPLAN_TEST_DIR"', setup, 'state > "$FWPLAN_TEST_DIR/state.before"', ...body].join('\n');
    await writeFile(join(dir, 'run.sh'), script);
    const r = await run('unshare', ['--net', '--mount', '--propagation', 'private', 'env', `FWPLAN_TEST_DIR=${dir}`, 'bash', join(dir, 'run.sh')], { timeoutMs: 120_000 });
    ok(r, 'the header commands');
    const out: Record<string, Record<string, string>> = {};
    for (const name of ['before', ...commands.filter((c) => c.startsWith('@@@ state ')).map((c) => c.slice(10))]) {
      out[name] = normalised(sections(await readFile(join(dir, `state.${name}`), 'utf8')));
    }
    return out;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The admin's own rules before fwplan, per family; with --ipset also a set of fwplan's name, with other content, in use. */
function iptablesSetup(family: 4 | 6, setName: string | undefined): string {
  const tool = family === 4 ? 'iptables' : 'ip6tables';
  const [drop, admin, old] = family === 4 ? ['203.0.113.99', '198.51.100.7', '192.0.2.123'] : ['2001:db8:ffff::99', '2001:db8:ffff::7', '2001:db8:ffff::123'];
  const set = setName ?? `admin-v${family}`;
  const lines = [
    `ipset create ${set} hash:net family ${family === 4 ? 'inet' : 'inet6'}`,
    `ipset add ${set} ${old}`,
    `${tool}-restore <<'EOF'`,
    '*filter',
    ':INPUT ACCEPT [0:0]',
    ':FORWARD ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':ADMIN - [0:0]',
    `-A INPUT -s ${drop} -j DROP`,
    '-A FORWARD -j ADMIN',
    `-A ADMIN -s ${admin} -p tcp -m tcp --dport 22 -j ACCEPT`,
    `-A ADMIN -m set --match-set ${set} src -j ACCEPT`,
    'COMMIT',
    '*nat',
    ':PREROUTING ACCEPT [0:0]',
    ':INPUT ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':POSTROUTING ACCEPT [0:0]',
    `-A POSTROUTING -s ${family === 4 ? '192.0.2.0/24' : '2001:db8::/48'} -j MASQUERADE`,
    'COMMIT',
    'EOF',
  ];
  return lines.join('\n');
}

const NFT_SETUP = {
  'no earlier fwplan table': String.raw`nft -f - <<'EOF'
table inet filter {
  chain input { type filter hook input priority 0; policy accept; ip saddr 203.0.113.99 drop; }
}
EOF`,
  'the table of an earlier apply': String.raw`nft -f - <<'EOF'
table inet filter {
  chain input { type filter hook input priority 0; policy accept; ip saddr 203.0.113.99 drop; }
}
table inet fwplan {
  set earlier { type ipv4_addr; flags interval; elements = { 192.0.2.123, 198.51.100.0/28 } }
  chain forward { type filter hook forward priority 0; policy drop; ip saddr @earlier accept comment "an earlier apply"; }
}
EOF`,
};

const RULES_TOOLS = ['unshare', 'mount', 'bash', 'iptables-restore', 'ip6tables-restore', 'iptables-save', 'ip6tables-save', 'ipset', 'nft', 'nohup', 'grep'];

gatedDescribe('rollback: the iptables and nftables headers\' own commands restore exactly the state before', rootAndTools(RULES_TOOLS), () => {
  const cases: { plan: string; family: 4 | 6; scope: Scope }[] = [
    { plan: 'single-node', family: 4, scope: { kind: 'gateway' } },
    { plan: 'single-node', family: 4, scope: NODE },
    { plan: 'cluster-ipv6', family: 6, scope: { kind: 'gateway' } },
    { plan: 'cluster-ipv6', family: 4, scope: { kind: 'gateway' } },
    { plan: 'large', family: 4, scope: { kind: 'gateway' } },
    // vault-01 has no IPv6 address while another node has only IPv6: with --default-drop its
    // ip6tables file is the open-family one (policies ACCEPT), which replaces the table too
    { plan: 'cluster-ipv6', family: 6, scope: { kind: 'host', node: 'vault-01' } },
  ];

  describe.each(cases)('$plan IPv$family $scope.kind', ({ plan: planName, family, scope }) => {
    const plan = fixture(planName);
    const tool = family === 4 ? 'iptables' : 'ip6tables';
    for (const defaultDrop of [true, false]) {
      it(`${tool}${defaultDrop ? ' --default-drop' : ''}: snapshot, check, apply, roll back as the header says → as before`, async ({ expect }) => {
        const rules = exported(plan, tool, scope, defaultDrop);
        const { steps, rollback } = headerCommands(rules.text);
        const states = await inNamespace(
          iptablesSetup(family, undefined),
          [steps.get(1) ?? '', steps.get(2) ?? '', steps.get(4) ?? '', '@@@ state applied', rollback, '@@@ state after'],
          { [rules.fileName]: rules.text },
        );
        if (rules.text.includes('\n:FWPLAN-')) expect(states.applied?.[`${tool}-save`]).toMatch(/FWPLAN-/);
        else expect(rules.text).toMatch(/^# The plan gives this node no IPv\d address/m);
        // the apply changed something: otherwise the comparison below would prove nothing
        expect(states.applied?.[`${tool}-save`]).not.toEqual(states.before?.[`${tool}-save`]);
        expect(states.after).toEqual(states.before);
      }, 120_000);
    }
  });

  // The ipset companion holds the sets of both families: an admin loads it with both files and
  // rolls both back. A set of one of fwplan's names is there before, with other content and in use
  // by a rule of the admin's own (an earlier apply): it must get its old content back.
  describe.each(['single-node', 'cluster-ipv6', 'large'])('%s gateway, iptables and ip6tables --ipset', (planName) => {
    const plan = fixture(planName);
    for (const defaultDrop of [true, false]) {
      it(`${defaultDrop ? '--default-drop: ' : ''}snapshot, check, apply (sets first), roll back both as the headers say → as before, sets included`, async ({ expect }) => {
        const scope: Scope = { kind: 'gateway' };
        const sets = exported(plan, 'ipset', scope, defaultDrop);
        const files: Record<string, string> = { [sets.fileName]: sets.text };
        const setup: string[] = [];
        const heads: HeaderCommands[] = [];
        for (const family of [4, 6] as const) {
          const tool = family === 4 ? 'iptables' : 'ip6tables';
          const rules = exported(plan, tool, scope, defaultDrop, true);
          files[rules.fileName] = rules.text;
          heads.push(headerCommands(rules.text));
          const name = new RegExp(`^create (\\S+) hash:net family ${family === 4 ? 'inet' : 'inet6'} `, 'm').exec(sets.text)?.[1];
          setup.push(iptablesSetup(family, name));
        }
        const step = (n: number) => heads.map((h) => h.steps.get(n) ?? '');
        const states = await inNamespace(setup.join('\n'), [...step(1), ...step(2), ...step(4), '@@@ state applied', ...heads.map((h) => h.rollback), '@@@ state after'], files);
        expect(states.applied?.ipset).not.toEqual(states.before?.ipset);
        expect(states.after).toEqual(states.before);
      }, 120_000);
    }
  });

  // A host file without default drop that does not use the ADMINW set (the admin shell is off in
  // the plan) while its companion creates it for the anti-lockout of the default-drop variant: the
  // roll back must remove that set as well.
  it('host, no default drop, --ipset, a companion set the file does not use: roll back as the header says → as before, sets included', async ({ expect }) => {
    const raw = JSON.parse(await readFile(join(import.meta.dirname, '..', 'fixtures', 'plans', 'objects.json'), 'utf8')) as { roles: Record<string, unknown>; disabled?: string[] };
    raw.roles.ADMINW = ['198.51.100.7', '198.51.100.9'];
    raw.disabled = [...(raw.disabled ?? []), 'adminw-prd-tcp-59022'];
    const parsed = parsePlan(raw);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const scope: Scope = { kind: 'host', node: 'vault-01' };
    const sets = exported(parsed.plan, 'ipset', scope, false);
    const rules = exported(parsed.plan, 'iptables', scope, false, true);
    expect(sets.text).toMatch(/^create fwplan-adminw-v4 /m);
    expect(rules.text).not.toMatch(/--match-set fwplan-adminw-v4 /);
    const head = headerCommands(rules.text);
    const states = await inNamespace(
      iptablesSetup(4, undefined),
      [head.steps.get(1) ?? '', head.steps.get(2) ?? '', head.steps.get(4) ?? '', '@@@ state applied', head.rollback, '@@@ state after'],
      { [sets.fileName]: sets.text, [rules.fileName]: rules.text },
    );
    expect(states.applied?.ipset).toMatch(/^create fwplan-adminw-v4 /m);
    expect(states.after).toEqual(states.before);
  }, 120_000);

  describe.each(cases.filter((c) => c.family === 4))('$plan nftables $scope.kind', ({ plan: planName, scope }) => {
    const plan = fixture(planName);
    for (const defaultDrop of [true, false]) {
      for (const [start, setup] of Object.entries(NFT_SETUP)) {
        it(`nftables${defaultDrop ? ' --default-drop' : ''}, ${start}: snapshot, check, apply, roll back as the header says → as before`, async ({ expect }) => {
          const rules = exported(plan, 'nftables', scope, defaultDrop);
          const { steps, rollback } = headerCommands(rules.text);
          const states = await inNamespace(setup, [steps.get(1) ?? '', steps.get(2) ?? '', steps.get(4) ?? '', '@@@ state applied', rollback, '@@@ state after'], { [rules.fileName]: rules.text });
          expect(states.applied?.['nft list ruleset']).toMatch(/comment "fwplan[: ]/);
          expect(states.after).toEqual(states.before);
        }, 120_000);
      }
    }
  });

  describe('the timed rollback of step 3 (120 s shortened to 10 s)', () => {
    const plan = fixture('single-node');
    const timed = (steps: ReadonlyMap<number, string>) => (steps.get(3) ?? '').replace('sleep 120 ', 'sleep 10 ');
    for (const format of ['iptables', 'nftables'] as const) {
      it(`${format}: nobody stops it → the state before comes back by itself`, async ({ expect }) => {
        const rules = exported(plan, format, { kind: 'gateway' }, true);
        const { steps } = headerCommands(rules.text);
        expect(timed(steps)).toMatch(/^nohup sh -c 'sleep 10 && /);
        const setup = format === 'iptables' ? iptablesSetup(4, undefined) : NFT_SETUP['the table of an earlier apply'];
        const states = await inNamespace(setup, [steps.get(1) ?? '', steps.get(2) ?? '', timed(steps), steps.get(4) ?? '', '@@@ state applied', 'sleep 15', '@@@ state after'], { [rules.fileName]: rules.text });
        expect(states.applied).not.toEqual(states.before);
        expect(states.after).toEqual(states.before);
      }, 120_000);
      it(`${format}: step 5 (kill $!) stops it → the new rules stay`, async ({ expect }) => {
        const rules = exported(plan, format, { kind: 'gateway' }, true);
        const { steps } = headerCommands(rules.text);
        const setup = format === 'iptables' ? iptablesSetup(4, undefined) : NFT_SETUP['no earlier fwplan table'];
        const states = await inNamespace(setup, [steps.get(1) ?? '', steps.get(2) ?? '', timed(steps), steps.get(4) ?? '', '@@@ state applied', steps.get(5) ?? '', 'sleep 15', '@@@ state after'], { [rules.fileName]: rules.text });
        expect(states.applied).not.toEqual(states.before);
        expect(states.after).toEqual(states.applied);
      }, 120_000);
    }
  });
});
