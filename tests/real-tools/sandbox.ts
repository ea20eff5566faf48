/**
 * Running a real tool on an export without touching the machine: in a fresh, empty network
 * namespace (`unshare --net`, gone when the command exits), with the export in a scratch directory.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, type RunResult } from '../enforcement/exec.ts';

/**
 * Write `files` into a scratch directory and run the sh `script` in a new network namespace, with
 * the directory as $1 (so the script says "$1/rules"). The directory is removed afterwards.
 */
export async function inFreshNetns(script: string, files: Readonly<Record<string, string>>): Promise<RunResult> {
  const dir = await mkdtemp(join(tmpdir(), 'fwplan-tool-'));
  try {
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    return await run('unshare', ['--net', 'sh', '-c', `set -e\n${script}`, 'fwplan-check', dir], { timeoutMs: 120_000 });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function failureText(r: RunResult): string {
  return `exit ${r.code ?? r.signal}\n${(r.stderr + r.stdout).trim().split('\n').slice(0, 30).join('\n')}`;
}
