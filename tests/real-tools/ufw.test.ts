/**
 * ufw exports for every fixture plan, scope and --default-drop setting: the script parses
 * (`bash -n`), runs cleanly against a stand-in `ufw` that records each call's arguments exactly as
 * bash split them, and every recorded call is accepted by the real ufw as `ufw --dry-run ARGS`
 * (through ufw-dry-run.py, which runs the installed ufw script once per call in one process).
 */
import { readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandPlan, exportPlan, ufwComment, type Plan, type Scope } from '../../src/engine/index.ts';
import { parsePlan } from '../../src/engine/schema.ts';
import { run, which } from '../enforcement/exec.ts';
import { gatedDescribe, rootAndTools } from '../enforcement/gate.ts';
import { exportCases, render } from './exports.ts';
import { ScriptSandbox } from './shell.ts';

const RUNNER = join(import.meta.dirname, 'ufw-dry-run.py');

/** Stand-in for ufw: append the call (argument count, then the arguments, NUL-terminated) to $FWPLAN_UFW_LOG. */
const UFW_STUB = `#!/bin/bash
printf '%s\\0' "$#" "$@" >> "$FWPLAN_UFW_LOG"
`;

interface DryRun {
  readonly args: string[];
  readonly code: number;
  readonly stderr: string;
}

/** The python that runs ufw: the interpreter of its own #! line. */
function ufwPython(): string {
  const ufw = which('ufw');
  if (!ufw) throw new Error('ufw not found');
  const shebang = /^#!\s*(\S+)/.exec(readFileSync(ufw, 'utf8').split('\n')[0] ?? '');
  return shebang?.[1] ?? 'python3';
}

function parseRecords(buf: Buffer): string[][] {
  const fields = buf.toString('utf8').split('\0');
  const out: string[][] = [];
  for (let i = 0; i < fields.length - 1; ) {
    const n = Number(fields[i]);
    out.push(fields.slice(i + 1, i + 1 + n));
    i += 1 + n;
  }
  return out;
}

/** Run calls through the real ufw --dry-run; identical calls of earlier scripts are not run twice. */
async function dryRun(sandbox: ScriptSandbox, calls: readonly string[][], cache: Map<string, DryRun>): Promise<DryRun[]> {
  const fresh = calls.filter((a) => !cache.has(JSON.stringify(a)));
  if (fresh.length > 0) {
    const input = join(sandbox.dir, 'dry-run.in');
    const output = join(sandbox.dir, 'dry-run.json');
    await writeFile(input, fresh.map((a) => [String(a.length), ...a].map((f) => `${f}\0`).join('')).join(''));
    const r = await run(ufwPython(), [RUNNER, input, output], { timeoutMs: 300_000 });
    if (r.code !== 0) throw new Error(`ufw-dry-run.py failed: ${r.stderr}`);
    for (const result of JSON.parse(await readFile(output, 'utf8')) as DryRun[]) cache.set(JSON.stringify(result.args), result);
  }
  return calls.map((a) => cache.get(JSON.stringify(a)) as DryRun);
}

/**
 * Every labelled entry named by some call keeps its label in the comment of one of them: verbatim,
 * but for what ufw cannot take (ufwComment: ' becomes ’).
 */
function labelsSurvive(plan: Plan, calls: readonly string[][]): string[] {
  const lost: string[] = [];
  const rs = expandPlan(plan);
  const entries = [...Object.values(rs.roles).flat(), ...rs.userGroups.flatMap((g) => g.entries), ...rs.deviceGroups.flatMap((g) => g.entries)];
  for (const e of entries) {
    if (e.label === undefined) continue;
    const naming = calls.filter((a) => a.includes(e.network.display));
    if (naming.length === 0) continue;
    if (!naming.some((a) => (a[a.indexOf('comment') + 1] ?? '').includes(ufwComment(e.label as string)))) lost.push(`${e.path} ${e.network.display}: "${e.label}"`);
  }
  return lost;
}

gatedDescribe('real tools: ufw --dry-run', rootAndTools(['ufw', 'bash', 'unshare', 'env']), () => {
  let sandbox: ScriptSandbox | undefined;
  const cache = new Map<string, DryRun>();
  beforeAll(async () => {
    sandbox = await ScriptSandbox.create({ ufw: UFW_STUB });
  });
  afterAll(async () => {
    await sandbox?.dispose();
  });
  const box = () => {
    if (!sandbox) throw new Error('no sandbox');
    return sandbox;
  };

  for (const c of exportCases()) {
    describe(c.title, () => {
      it('parses, runs cleanly, and ufw --dry-run accepts every ufw command in it', async () => {
        const script = render(c, 'ufw');
        const syntax = await box().syntax(script);
        expect(syntax.code, `bash -n: ${syntax.stderr}`).toBe(0);

        const log = join(box().dir, 'calls.log');
        await rm(log, { force: true });
        const r = await box().runRules(script, { FWPLAN_UFW_LOG: log });
        expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 0, stdout: '', stderr: '' });

        const calls = parseRecords(await readFile(log).catch(() => Buffer.alloc(0)));
        const lines = script.split('\n').filter((l) => /^ufw /.test(l));
        expect(calls.length, 'one recorded call per ufw line').toBe(lines.length);
        expect(calls.length).toBeGreaterThan(0);

        const results = await dryRun(box(), calls, cache);
        const refused = results.filter((x) => x.code !== 0 || x.stderr.trim() !== '');
        expect(refused.map((x) => `ufw ${x.args.join(' ')}\n  -> exit ${x.code}: ${x.stderr.trim()}`)).toEqual([]);
        expect(labelsSurvive(c.plan, calls), 'labels lost or mangled on the way through bash').toEqual([]);
      }, 300_000);
    });
  }

  it('a script whose quoting broke fails the check instead of running the label as a command', async () => {
    const c = exportCases().find((x) => x.planName === 'single-node' && x.scope.kind === 'gateway');
    if (!c) throw new Error('no single-node gateway case');
    const script = render(c, 'ufw');
    const broken = script
      .split('\n')
      .map((l) => (l.startsWith('ufw ') && l.includes('$(reboot)') ? l.replace(/'/g, '') : l))
      .join('\n');
    expect(broken).not.toBe(script);
    const log = join(box().dir, 'broken.log');
    const r = await box().runRules(broken, { FWPLAN_UFW_LOG: log });
    // `reboot` is not on the sandbox's PATH: the substitution fails loudly and the ; splits the line
    expect(r.stderr).toMatch(/reboot: command not found|No such file/);
  });

  describe('labels with every character ufw could choke on', () => {
    const hostile = [
      "O'Brien's laptop",
      'say "hi"',
      'back\\slash \\\' end',
      '$(reboot)',
      '`id`; rm -rf /',
      '100% sure %s %n',
      'Zoë café ñandú',
      'emoji 😀🔥',
      "all of it: ' \" \\ $(x) `y` % ü 🔥",
      'comment',
    ];
    const parsed = parsePlan({
      version: 1,
      name: "O'Brien's \"plan\" $(reboot)",
      roles: {
        PRD: [{ address: '192.0.2.10', label: hostile[0] }],
        USERW: [{ address: '198.51.100.7', label: hostile[1] }, { address: '198.51.100.9', label: hostile[2] }],
        DVC: hostile.slice(3).map((label, i) => ({ address: `203.0.113.${10 + 2 * i}`, label })),
        NTP: ['192.0.2.1'],
      },
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const plan = parsed.plan;
    const node = expandPlan(plan).nodes[0]?.name;
    if (node === undefined) throw new Error('the hostile plan has no node');
    const scopes: Scope[] = [{ kind: 'gateway' }, { kind: 'host', node }];
    for (const scope of scopes) {
      for (const defaultDrop of [true, false]) {
        it(`${scope.kind}${defaultDrop ? ' --default-drop' : ''}: ufw --dry-run accepts every call, each label arrives in its comment`, async () => {
          const result = exportPlan(plan, 'ufw', { scope, defaultDrop });
          if (!result.ok) throw new Error(result.message);
          const log = join(box().dir, 'hostile.log');
          await rm(log, { force: true });
          const r = await box().runRules(result.text, { FWPLAN_UFW_LOG: log });
          expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
          const calls = parseRecords(await readFile(log));
          const comments = calls.filter((a) => a.includes('comment'));
          expect(comments.length).toBeGreaterThanOrEqual(hostile.length - 1);
          // one dry run per call, no cache: each must be accepted as it is
          const results = await dryRun(box(), calls, new Map());
          const refused = results.filter((x) => x.code !== 0 || x.stderr.trim() !== '');
          expect(refused.map((x) => `ufw ${x.args.join(' ')}\n  -> exit ${x.code}: ${x.stderr.trim()}`)).toEqual([]);
          expect(labelsSurvive(plan, calls)).toEqual([]);
          // only ' is replaced; every other character arrives as it was
          expect(comments.some((a) => (a[a.length - 1] ?? '').includes("all of it: ’ \" \\ $(x) `y` % ü 🔥"))).toBe(true);
        }, 120_000);
      }
    }
  });

  it('the dry-run check refuses what the real `ufw --dry-run` refuses and accepts what it accepts (so it can fail)', async () => {
    const calls = [
      ['route', 'allow', 'proto', 'tcp', 'from', '192.0.2.10', 'to', '203.0.113.0/26', 'port', '22,80', 'comment', 'ok; $(reboot) "x"'],
      ['route', 'allow', 'proto', 'tcp', 'from', '192.0.2.10', 'to', '192.0.2.300', 'port', '22'],
      ['allow', 'in', 'proto', 'tcp', 'from', '192.0.2.10', 'to', '192.0.2.11', 'port', '70000'],
      ['allow', 'out', 'proto', 'udp', 'from', '2001:db8::1', 'to', '192.0.2.11', 'port', '53'],
      // ufw refuses ' in a comment ("Invalid syntax"): why ufwComment writes it as ’
      ['route', 'allow', 'proto', 'tcp', 'from', '192.0.2.10', 'to', '203.0.113.5', 'port', '22', 'comment', "O'Brien's laptop"],
    ];
    const viaRunner = await dryRun(box(), calls, new Map());
    const viaBinary = await Promise.all(calls.map((a) => run('ufw', ['--dry-run', ...a])));
    const accepted = (code: number | null, stderr: string) => code === 0 && stderr.trim() === '';
    expect(viaRunner.map((x) => accepted(x.code, x.stderr))).toEqual([true, false, false, false, false]);
    expect(viaBinary.map((x) => accepted(x.code, x.stderr))).toEqual([true, false, false, false, false]);
  });
});
