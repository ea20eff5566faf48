/**
 * firewalld exports for every fixture plan, gateway scope and host scope (first PRD node and, with
 * cluster on, first MBR node), with and without --default-drop: the script parses (`bash -n`) and
 * runs cleanly against a stand-in `firewall-cmd` that hands every call to the real
 * firewall-offline-cmd on a scratch configuration (--permanent is implied there; --reload has
 * nothing to do). firewall-offline-cmd may print "Error:" and still exit 0, so any output other than
 * "success" fails the check; at the end `--check-config` must accept the configuration written.
 *
 * firewall-offline-cmd takes ~0.3 s per call, so a call that adds rich rules or ipset entries and
 * was already accepted verbatim in an earlier script of this run (the script with and without
 * --default-drop differ only in their targets) is not run a second time, and two scripts run at once.
 */
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, which } from '../enforcement/exec.ts';
import { gatedDescribe, rootAndTools } from '../enforcement/gate.ts';
import { exportCases, render, type ExportCase } from './exports.ts';
import { ScriptSandbox } from './shell.ts';

function stub(offlineCmd: string, sha256sum: string, grep: string): string {
  return `#!/bin/bash
# stand-in for firewall-cmd: the real firewall-offline-cmd on the scratch configuration $FWPLAN_FWD_CONFIG
args=()
for a in "$@"; do
  case "$a" in
    --permanent) ;;
    --reload) echo success; exit 0 ;;
    # firewall-offline-cmd reads --remove-service as the old lokkit option; its zone form is this
    --remove-service=*) args+=("--remove-service-from-zone=\${a#--remove-service=}") ;;
    *) args+=("$a") ;;
  esac
done
key=
for a in "\${args[@]}"; do
  case "$a" in --add-rich-rule=*|--add-entry=*) key=$(printf '%s\\0' "\${args[@]}" | ${sha256sum}); key=\${key%% *} ;; esac
done
if [ -n "$key" ] && [ -e "$FWPLAN_FWD_CACHE/$key" ]; then echo success; exit 0; fi
out=$(PATH=/usr/sbin:/usr/bin:/sbin:/bin ${offlineCmd} --system-config "$FWPLAN_FWD_CONFIG" "\${args[@]}" 2>&1)
rc=$?
printf '%s\\n' "$out"
if [ "$rc" -eq 0 ] && [ -n "$key" ] && ! printf '%s' "$out" | ${grep} -qiE 'error|warning'; then : > "$FWPLAN_FWD_CACHE/$key"; fi
exit "$rc"
`;
}

function tool(name: string): string {
  const path = which(name);
  if (!path) throw new Error(`${name} not found`);
  return path;
}

/** Run one script against firewall-offline-cmd; what went wrong, if anything. */
async function checkScript(script: string, cacheDir: string): Promise<string[]> {
  const sandbox = await ScriptSandbox.create({ 'firewall-cmd': stub(tool('firewall-offline-cmd'), tool('sha256sum'), tool('grep')) });
  try {
    const problems: string[] = [];
    const syntax = await sandbox.syntax(script);
    if (syntax.code !== 0) problems.push(`bash -n: ${syntax.stderr.trim()}`);
    const config = join(sandbox.dir, 'config');
    await mkdir(config);
    await copyFile('/etc/firewalld/firewalld.conf', join(config, 'firewalld.conf'));
    const r = await sandbox.runRules(script, { FWPLAN_FWD_CONFIG: config, FWPLAN_FWD_CACHE: cacheDir });
    if (r.code !== 0) problems.push(`script exited ${r.code ?? r.signal}`);
    const odd = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => l.trim() !== '' && l.trim() !== 'success');
    if (odd.length > 0) problems.push(...odd.slice(0, 20).map((l) => `output: ${l}`));
    const check = await run('unshare', ['--net', tool('firewall-offline-cmd'), '--system-config', config, '--check-config']);
    if (check.code !== 0) problems.push(`--check-config: ${(check.stdout + check.stderr).trim()}`);
    return problems;
  } finally {
    await sandbox.dispose();
  }
}

/** Run jobs two at a time (the machine has two cores; each job is one python process after another). */
async function twoAtATime<T>(jobs: readonly (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array<T>(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await (jobs[i] as () => Promise<T>)();
    }
  };
  await Promise.all([worker(), worker()]);
  return results;
}

gatedDescribe('real tools: firewall-offline-cmd', rootAndTools(['firewall-offline-cmd', 'bash', 'unshare', 'env', 'sha256sum', 'grep']), () => {
  let cacheDir = '';
  beforeAll(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'fwplan-fwd-cache-'));
  });
  afterAll(async () => {
    if (cacheDir !== '') await rm(cacheDir, { recursive: true, force: true });
  });

  const cases = exportCases({ perFamily: false });
  const plans = [...new Set(cases.map((c) => c.planName))];
  for (const planName of plans) {
    // with --default-drop first: the scripts without it then reuse the accepted rule calls
    const mine = cases.filter((c) => c.planName === planName).sort((a, b) => Number(b.defaultDrop) - Number(a.defaultDrop));
    describe(planName, () => {
      it(`every script (${mine.map((c) => c.title.slice(planName.length + 1)).join('; ')}) runs cleanly against firewall-offline-cmd`, async () => {
        const problems = await twoAtATime(mine.map((c: ExportCase) => async () => (await checkScript(render(c, 'firewalld'), cacheDir)).map((p) => `${c.title}: ${p}`)));
        expect(problems.flat()).toEqual([]);
      }, 600_000);
    });
  }

  it('a script with a rule firewalld refuses fails the check (so it can fail)', async () => {
    const c = cases.find((x) => x.planName === 'single-node' && x.scope.kind === 'gateway');
    if (!c) throw new Error('no single-node gateway case');
    const script = render(c, 'firewalld');
    const broken = script.replace(/address="192\.0\.2\.10"/, 'address="192.0.2.300"');
    expect(broken).not.toBe(script);
    const noCache = await mkdtemp(join(tmpdir(), 'fwplan-fwd-nocache-'));
    try {
      const problems = await checkScript(broken, noCache);
      expect(problems.join('\n')).toMatch(/INVALID_ADDR/);
    } finally {
      await rm(noCache, { recursive: true, force: true });
    }
  }, 120_000);
});
