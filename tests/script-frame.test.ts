/**
 * The ufw and firewalld scripts without a kernel: stand-in tools that record every call.
 *
 * - Without a mode (or with one it does not know, or a bad SECONDS) a script prints its usage,
 *   exits 2 and runs nothing: it never applies by accident.
 * - The gateway ufw script leaves the router's own traffic as it was: when ufw was inactive
 *   (traffic flowed), incoming and outgoing are allowed before ufw is enabled — Debian's ufw
 *   would otherwise DROP the router's incoming traffic, ssh included; when ufw was active, its
 *   incoming and outgoing defaults are not touched. It never sets `default deny incoming`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expandPlan, exportPlan, type FormatId, type Scope } from '../src/engine/index.ts';
import { fixturePlans } from './real-tools/exports.ts';

const dir = mkdtempSync(join(tmpdir(), 'fwplan-frame-'));
const log = join(dir, 'calls');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Stand-in ufw: records each call (NUL-separated, one call per record) and keeps ufw's incoming
 * default in a state file, starting from $FWPLAN_TEST_INCOMING; `--force enable` records the
 * incoming default in force at that moment.
 */
const UFW_STUB = `#!/bin/bash
printf '%s\\0' ufw "$@" >> "$FWPLAN_LOG"; printf '\\n' >> "$FWPLAN_LOG"
state="$FWPLAN_STATE"
[ -e "$state" ] || printf '%s\\n' "$FWPLAN_TEST_INCOMING" > "$state"
if [ "$1" = default ] && [ "$3" = incoming ]; then printf '%s\\n' "$2" > "$state"; fi
if [ "$1" = --force ] && [ "$2" = enable ]; then printf 'enabled with incoming %s\\n' "$(cat "$state")" >> "$FWPLAN_ENABLES"; fi
exit 0
`;
const RECORD_STUB = (name: string) => `#!/bin/bash
printf '%s\\0' ${name} "$@" >> "$FWPLAN_LOG"; printf '\\n' >> "$FWPLAN_LOG"
exit 0
`;
// every program the frame could run to change something is a recording stand-in here
const STUBS = ['firewall-cmd', 'iptables', 'ip6tables', 'iptables-save', 'ip6tables-save', 'nft', 'setsid', 'cp', 'mv', 'rm', 'mkdir', 'flock'];
writeFileSync(join(dir, 'ufw'), UFW_STUB);
chmodSync(join(dir, 'ufw'), 0o755);
for (const name of STUBS) {
  writeFileSync(join(dir, name), RECORD_STUB(name));
  chmodSync(join(dir, name), 0o755);
}

function calls(): string[][] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((r) => r !== '')
    .map((r) => r.split('\0').slice(0, -1));
}

function exported(format: FormatId, scope: Scope, defaultDrop: boolean, plan = fixturePlans()[0]?.plan): string {
  if (!plan) throw new Error('no fixture plan');
  const r = exportPlan(plan, format, { scope, defaultDrop });
  if (!r.ok) throw new Error(r.message);
  return r.text;
}

describe.each<FormatId>(['ufw', 'firewalld'])('%s script without a mode', (format) => {
  const script = join(dir, `${format}.sh`);
  const snapshot = join(dir, 'snapshot');
  for (const args of [[], ['appy'], ['apply', 'soon'], ['apply', '0'], ['rollback', 'now'], ['--force']]) {
    it(`bash SCRIPT ${args.join(' ')}: usage, exit 2, nothing run or written`, () => {
      writeFileSync(script, exported(format, { kind: 'gateway' }, true));
      rmSync(log, { force: true });
      const before = readdirSync(dir).sort();
      const r = spawnSync('bash', [script, ...args], {
        cwd: dir,
        env: { PATH: `${dir}:/usr/bin:/bin`, FWPLAN_LOG: log, FWPLAN_SNAPSHOT_DIR: snapshot, FWPLAN_STATE: join(dir, 'state'), FWPLAN_TEST_INCOMING: 'deny' },
        encoding: 'utf8',
      });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/Usage|SECONDS must be/);
      expect(r.stdout).toBe('');
      expect(calls()).toEqual([]);
      expect(readdirSync(dir).sort()).toEqual(before);
    });
  }
});

describe('ufw gateway script: the router keeps its own traffic', () => {
  const runRules = (text: string, wasActive: 'yes' | 'no', incoming: string): { calls: string[][]; enables: string[] } => {
    const script = join(dir, 'gateway-ufw.sh');
    writeFileSync(script, text);
    for (const f of [log, join(dir, 'state'), join(dir, 'enables')]) rmSync(f, { force: true });
    // as apply runs the rules after its snapshot found ufw active or not
    execFileSync('bash', ['-c', `source "$1"; fwplan_ufw_was_active=${wasActive}; fwplan_rules`, 'runner', script], {
      cwd: dir,
      env: { PATH: `${dir}:/usr/bin:/bin`, FWPLAN_LOG: log, FWPLAN_STATE: join(dir, 'state'), FWPLAN_ENABLES: join(dir, 'enables'), FWPLAN_TEST_INCOMING: incoming },
      stdio: 'pipe',
    });
    const enables = existsSync(join(dir, 'enables')) ? readFileSync(join(dir, 'enables'), 'utf8').trim().split('\n') : [];
    return { calls: calls(), enables };
  };

  // the large plan's thousands of stand-in calls would take a minute: its text is checked only
  const small = (name: string) => name !== 'large';
  for (const { name, plan } of fixturePlans()) {
    for (const defaultDrop of [true, false]) {
      it(`${name}${defaultDrop ? ' --default-drop' : ''}: never sets a deny or reject default for incoming or outgoing`, () => {
        const text = exported('ufw', { kind: 'gateway' }, defaultDrop, plan);
        expect(text).not.toMatch(/ufw default (deny|reject) (incoming|outgoing)/);
        for (const wasActive of small(name) ? (['yes', 'no'] as const) : []) {
          const r = runRules(text, wasActive, 'deny');
          const defaults = r.calls.filter((c) => c[1] === 'default');
          expect(defaults.filter((c) => c[3] !== 'routed' && c[2] !== 'allow')).toEqual([]);
        }
      });
    }
    if (!small(name)) continue;
    it(`${name} --default-drop: ufw inactive before → incoming and outgoing allowed before ufw is enabled`, () => {
      const r = runRules(exported('ufw', { kind: 'gateway' }, true, plan), 'no', 'deny');
      const ops = r.calls.map((c) => c.slice(1).join(' '));
      const enable = ops.indexOf('--force enable');
      expect(enable).toBe(ops.length - 1);
      expect(ops.indexOf('default allow incoming')).toBeGreaterThanOrEqual(0);
      expect(ops.indexOf('default allow incoming')).toBeLessThan(enable);
      expect(ops.indexOf('default allow outgoing')).toBeLessThan(enable);
      expect(ops.indexOf('default deny routed')).toBeLessThan(enable);
      // Debian's ufw starts with "deny incoming": at the moment ufw is enabled it must be allow
      expect(r.enables).toEqual(['enabled with incoming allow']);
    });
    it(`${name} --default-drop: ufw active before → its incoming and outgoing defaults are kept`, () => {
      const r = runRules(exported('ufw', { kind: 'gateway' }, true, plan), 'yes', 'reject');
      const ops = r.calls.map((c) => c.slice(1).join(' '));
      expect(ops.filter((o) => /^default \S+ (incoming|outgoing)$/.test(o))).toEqual([]);
      expect(ops.slice(-2)).toEqual(['default deny routed', '--force enable']);
      expect(r.enables).toEqual(['enabled with incoming reject']);
    });
  }

  it('the host script still makes a complete policy (so the check above can tell them apart)', () => {
    const plan = fixturePlans()[0]?.plan;
    const node = plan && expandPlan(plan).nodes.find((n) => n.role === 'PRD')?.name;
    if (!node) throw new Error('no PRD node');
    const text = exported('ufw', { kind: 'host', node }, true, plan);
    expect(text).toMatch(/^ufw default deny incoming$/m);
  });
});
