/**
 * Running a generated bash script against stand-ins of its tool, safely: in a fresh network
 * namespace, with an empty environment and PATH holding only the stand-ins — so a quoting bug that
 * turned a label into a command (`$(reboot)`) finds no such command and shows up as an error, and
 * nothing the script does can reach the network or the machine's firewall.
 */
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, type RunResult } from '../enforcement/exec.ts';

/**
 * Runs the rules of the script $FWPLAN_TEST_SCRIPT: sourcing it defines the functions only; then
 * fwplan_rules, with what apply's snapshot would have found ($FWPLAN_TEST_UFW_WAS_ACTIVE).
 */
export const RULES_RUNNER = `source "$FWPLAN_TEST_SCRIPT"
fwplan_ufw_was_active=$FWPLAN_TEST_UFW_WAS_ACTIVE
fwplan_rules
`;

/** A scratch directory that holds stand-in programs, the script and whatever the stand-ins write. */
export class ScriptSandbox {
  private constructor(readonly dir: string) {}

  static async create(stubs: Readonly<Record<string, string>>): Promise<ScriptSandbox> {
    const dir = await mkdtemp(join(tmpdir(), 'fwplan-script-'));
    const sandbox = new ScriptSandbox(dir);
    try {
      await mkdir(sandbox.bin);
      for (const [name, text] of Object.entries(stubs)) {
        await writeFile(join(sandbox.bin, name), text);
        await chmod(join(sandbox.bin, name), 0o755);
      }
    } catch (e) {
      await sandbox.dispose();
      throw e;
    }
    return sandbox;
  }

  get bin(): string {
    return join(this.dir, 'bin');
  }

  /** `bash -n`: the script parses. */
  async syntax(script: string): Promise<RunResult> {
    const file = join(this.dir, 'syntax.sh');
    await writeFile(file, script);
    return run('bash', ['-n', file]);
  }

  /** Run the script with PATH = the stand-ins only, the given variables and nothing else. */
  async run(script: string, env: Readonly<Record<string, string>>): Promise<RunResult> {
    const file = join(this.dir, 'script.sh');
    await writeFile(file, script);
    const vars = Object.entries({ ...env, PATH: this.bin, HOME: this.dir, LC_ALL: 'C.UTF-8' }).map(([k, v]) => `${k}=${v}`);
    // cwd is the sandbox too: a broken script's stray redirections (`PRD->DVC`) land here, not in the repo
    return run('unshare', ['--net', 'env', '-i', ...vars, '/bin/bash', file], { timeoutMs: 300_000, cwd: this.dir });
  }

  /**
   * Run only the rules of a generated ufw/firewalld script (fwplan_rules), as `apply` runs them
   * once its snapshot is taken: sourced, the script defines its functions and does nothing else.
   * `ufwWasActive` is what apply's snapshot found (it decides the gateway export's defaults).
   */
  async runRules(script: string, env: Readonly<Record<string, string>>, ufwWasActive: 'yes' | 'no' = 'no'): Promise<RunResult> {
    await writeFile(join(this.dir, 'rules.sh'), script);
    return this.run(RULES_RUNNER, { ...env, FWPLAN_TEST_SCRIPT: join(this.dir, 'rules.sh'), FWPLAN_TEST_UFW_WAS_ACTIVE: ufwWasActive });
  }

  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
