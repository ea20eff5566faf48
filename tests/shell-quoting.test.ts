import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { exportPlan, ufwComment, type FormatId } from '../src/engine/index.ts';
import { parsePlan } from '../src/engine/schema.ts';

/**
 * The ufw and firewalld exports are bash scripts run as root. Whatever a label or plan name holds,
 * each command must reach the tool as the same arguments, the label as one intact argument, and
 * nothing else may run. The tools are replaced by stubs that record their arguments.
 */
const dir = mkdtempSync(join(tmpdir(), 'fwplan-quoting-'));
const log = join(dir, 'calls');
const canary = join(dir, 'canary');
for (const tool of ['ufw', 'firewall-cmd']) {
  const stub = join(dir, tool);
  writeFileSync(stub, `#!/bin/bash\n{ printf '%s\\0' "${tool}" "$#"; for a in "$@"; do printf '%s\\0' "$a"; done; } >> "$FWPLAN_LOG"\n`);
  chmodSync(stub, 0o755);
}
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Run the script's rules (fwplan_rules), as `apply` does after its snapshot: sourced, the script
 * only defines its functions. The snapshot's finding for the gateway ufw export: ufw was inactive.
 */
function runScript(text: string): string[][] {
  const script = join(dir, 'script.sh');
  writeFileSync(script, text);
  rmSync(log, { force: true });
  const runner = 'source "$1"; fwplan_ufw_was_active=no; fwplan_rules';
  execFileSync('bash', ['-c', runner, 'runner', script], { cwd: dir, env: { PATH: `${dir}:/usr/bin:/bin`, FWPLAN_LOG: log }, stdio: 'pipe' });
  const fields = existsSync(log) ? readFileSync(log, 'utf8').split('\0') : [];
  const calls: string[][] = [];
  let i = 0;
  while (i < fields.length - 1) {
    const tool = fields[i] as string;
    const n = Number(fields[i + 1]);
    calls.push([tool, ...fields.slice(i + 2, i + 2 + n)]);
    i += 2 + n;
  }
  return calls;
}

const hostile = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 200 }),
  fc.constantFrom(`$(touch ${canary})`, `\`touch ${canary}\``, `'; touch ${canary}; '`, `"\n touch ${canary}\n"`, `\\'$(touch ${canary})`, 'x'.repeat(5000)),
);

function planWith(label: string, name: string) {
  const r = parsePlan({
    version: 1,
    name: name.slice(0, 120),
    roles: { PRD: [{ address: '192.0.2.10', label: label.slice(0, 200) }], DVC: [{ address: '203.0.113.5', label: label.slice(0, 200) }] },
  });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.plan;
}

describe.each<FormatId>(['ufw', 'firewalld'])('%s script with hostile labels and names', (format) => {
  it('passes every argument intact and runs nothing else', () => {
    fc.assert(
      fc.property(hostile, hostile, (label, name) => {
        const plan = planWith(label, name);
        for (const scope of [{ kind: 'gateway' as const }, { kind: 'host' as const, node: plan.nodes[0]?.name ?? '' }]) {
          const result = exportPlan(plan, format, { scope, defaultDrop: true });
          if (!result.ok) throw new Error(result.message);
          const calls = runScript(result.text);
          expect(existsSync(canary)).toBe(false);
          const tool = format === 'ufw' ? 'ufw' : 'firewall-cmd';
          expect(calls.every((c) => c[0] === tool)).toBe(true);
          if (format === 'ufw') {
            const rules = calls.filter((c) => c.includes('proto'));
            expect(rules.length).toBeGreaterThan(0);
            for (const c of rules) {
              const at = c.indexOf('comment');
              expect(at).toBe(c.length - 2);
              const comment = c[at + 1] as string;
              // the label arrives inside the one comment argument, cleaned of control characters
              // and with ' written as ’ (ufw refuses ')
              if (c.includes('203.0.113.5')) expect(comment.endsWith(ufwComment(label.slice(0, 200)))).toBe(true);
            }
          } else {
            const rich = calls.flatMap((c) => c.filter((a) => a.startsWith('--add-rich-rule=')));
            expect(rich.length).toBeGreaterThan(0);
            for (const r of rich) expect(r).toMatch(/^--add-rich-rule=rule family="ipv4" source address="[0-9./]+" destination address="[0-9./]+" port port="\d+" protocol="(tcp|udp)" accept$/);
          }
        }
      }),
      { numRuns: 25 },
    );
    // 50 scripts run through bash with stub tools: room for a loaded 2-core machine
  }, 240_000);
});
