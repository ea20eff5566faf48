/**
 * The aws-cloudformation export, checked by cfn-lint (the CloudFormation resource specification:
 * property names and types, CIDR formats, logical ids, template structure): every case of
 * tests/real-tools/cloud-cases.ts but the large fixture — cfn-lint needs minutes for its 1,800
 * rules; its template limits are checked in tests/cloud-limits.test.ts — in one run, with no
 * finding of any level; a template broken on purpose must be caught.
 *
 * cfn-lint is optional: without it this suite is skipped with a message, also under CI=true.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { run } from '../enforcement/exec.ts';
import { optionalToolDescribe, tools } from '../enforcement/gate.ts';
import { cloudCases } from './cloud-cases.ts';

interface Match {
  Filename: string;
  Level: string;
  Message: string;
  Rule: { Id: string };
}

optionalToolDescribe('real tools: cfn-lint (aws-cloudformation)', tools(['cfn-lint']), () => {
  it('every template passes cfn-lint with no finding, and a broken one is caught', async () => {
    const cases = cloudCases('aws-cloudformation', ['large']);
    const dir = await mkdtemp(join(tmpdir(), 'fwplan-cfn-'));
    try {
      const files: string[] = [];
      for (const [i, c] of cases.entries()) {
        const file = join(dir, `case${i}.json`);
        await writeFile(file, c.text);
        files.push(file);
      }
      const brokenFile = join(dir, 'broken.json');
      const broken = (cases[0]?.text ?? '').replace(/"CidrIp": "([0-9.]+)\/(\d+)"/, '"CidrIp": "10.0.0.5/24"');
      expect(broken).toContain('10.0.0.5/24');
      await writeFile(brokenFile, broken);
      const r = await run('cfn-lint', ['--format', 'json', '--', ...files, brokenFile], { timeoutMs: 900_000 });
      const matches = JSON.parse(r.stdout || '[]') as Match[];
      const ours = matches.filter((m) => !m.Filename.endsWith('broken.json'));
      expect(ours.map((m) => `${m.Level} ${m.Rule.Id} ${m.Filename}: ${m.Message}`), cases.map((c, i) => `case${i}: ${c.title}`).join('\n')).toEqual([]);
      // the check can fail: the broken template is reported
      expect(matches.some((m) => m.Filename.endsWith('broken.json') && m.Level === 'Error')).toBe(true);
      expect(r.code).not.toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 900_000);
});
