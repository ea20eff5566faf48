/**
 * The ufw and firewalld scripts without a kernel: stand-in tools that record every call.
 *
 * - Without a mode (or with one it does not know, or a bad SECONDS) a script prints its usage,
 *   exits 2 and runs nothing: it never applies by accident.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportPlan, type FormatId, type Scope } from '../src/engine/index.ts';
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
