/**
 * The aws-terraform export, checked by the real terraform with the real AWS provider, offline:
 * every case (tests/real-tools/cloud-cases.ts) is a module of one scratch configuration,
 * `terraform init -plugin-dir` installs the provider from the local plugin directory, and one
 * `terraform validate` checks them all against the provider's schema (unknown arguments, ports
 * out of range, references to groups that do not exist …). `terraform fmt -check` holds them to
 * Terraform's own layout. A module broken on purpose must be the only one validate complains about.
 *
 * terraform and the provider are optional: without them this suite is skipped with a message,
 * also under CI=true. The plugin directory is FWPLAN_TF_PLUGIN_DIR, else /opt/tf-plugins.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { run } from '../enforcement/exec.ts';
import { optionalToolDescribe, tools, type Gate } from '../enforcement/gate.ts';
import { cloudCases } from './cloud-cases.ts';

const PLUGINS = process.env.FWPLAN_TF_PLUGIN_DIR ?? '/opt/tf-plugins';

function gate(): Gate {
  const t = tools(['terraform']);
  if (!t.ok) return t;
  if (!existsSync(join(PLUGINS, 'registry.terraform.io', 'hashicorp', 'aws'))) return { ok: false, reason: `no hashicorp/aws provider in ${PLUGINS} (terraform must run offline)` };
  return { ok: true };
}

/** terraform without network or user configuration. */
const ENV = { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0', TF_CLI_CONFIG_FILE: '/dev/null' };

interface Diagnostic {
  severity: string;
  summary: string;
  detail?: string;
  range?: { filename: string };
}

optionalToolDescribe('real tools: terraform validate (aws-terraform)', gate(), () => {
  it('every case validates against the AWS provider, is formatted as terraform fmt writes it, and a broken module is caught', async () => {
    const cases = cloudCases('aws-terraform');
    const dir = await mkdtemp(join(tmpdir(), 'fwplan-tf-'));
    try {
      const root: string[] = [];
      const modules = [...cases.map((c) => ({ title: c.title, text: c.text })), { title: 'broken on purpose', text: cases[0]?.text.replace(/to_port {11}= 22\n/, 'to_port           = 70000\n') ?? '' }];
      expect(modules.at(-1)?.text).toContain('70000');
      for (const [i, m] of modules.entries()) {
        await mkdir(join(dir, `case${i}`));
        await writeFile(join(dir, `case${i}`, 'main.tf'), m.text);
        root.push(`# ${m.title.replace(/[^\x20-\x7e]/g, '?')}`, `module "case${i}" {`, `  source = "./case${i}"`, '  vpc_id = "vpc-0123456789abcdef0"', '}', '');
      }
      await writeFile(join(dir, 'main.tf'), root.join('\n'));
      const fmt = await run('terraform', ['fmt', '-check', '-recursive', '-list=true'], { cwd: dir, env: ENV, timeoutMs: 120_000 });
      expect(fmt.code, `terraform fmt would change: ${fmt.stdout}${fmt.stderr}`).toBe(0);
      const init = await run('terraform', ['init', '-backend=false', '-input=false', `-plugin-dir=${PLUGINS}`], { cwd: dir, env: ENV, timeoutMs: 300_000 });
      expect(init.code, init.stderr + init.stdout).toBe(0);
      const v = await run('terraform', ['validate', '-json', '-no-color'], { cwd: dir, env: ENV, timeoutMs: 300_000 });
      const report = JSON.parse(v.stdout) as { valid: boolean; diagnostics: Diagnostic[] };
      const broken = `case${modules.length - 1}/main.tf`;
      const elsewhere = report.diagnostics.filter((d) => !d.range?.filename.endsWith(broken));
      expect(elsewhere.map((d) => `${d.severity} ${d.range?.filename ?? ''}: ${d.summary} ${d.detail ?? ''}`)).toEqual([]);
      // the check can fail: the broken module is the one error
      expect(report.valid).toBe(false);
      expect(report.diagnostics.filter((d) => d.severity === 'error').map((d) => d.detail ?? d.summary).join('\n')).toMatch(/to_port.*70000|70000/s);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 900_000);
});
