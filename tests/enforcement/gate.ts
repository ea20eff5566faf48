/**
 * Whether a root-only suite may run here: skipped with a message without root or tools, required
 * (a failing test) under CI=true. Shared by tests/enforcement and tests/real-tools.
 */
import { describe, it } from 'vitest';
import { which } from './exec.ts';

export const IS_CI = process.env.CI === 'true';

export type Gate = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Root and the listed programs: what every suite here needs. */
export function rootAndTools(programs: readonly string[]): Gate {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    return { ok: false, reason: 'it must run as root (it loads firewall rules into network namespaces and runs the real firewall tools)' };
  }
  const missing = programs.filter((p) => which(p) === undefined);
  if (missing.length > 0) return { ok: false, reason: `missing program(s): ${missing.join(', ')}` };
  return { ok: true };
}

/**
 * describe() that runs only where the gate is open. Closed gate: skipped with a message that says
 * why — except under CI=true, where the suite must run, so a closed gate is a failing test.
 */
export function gatedDescribe(title: string, gate: Gate, body: () => void): void {
  if (gate.ok) {
    describe(title, body);
    return;
  }
  if (IS_CI) {
    describe(title, () => {
      it('can run here (CI=true requires it)', () => {
        throw new Error(`${title}: cannot run under CI=true: ${gate.reason}`);
      });
    });
    return;
  }
  console.warn(`[fwplan] SKIPPED "${title}": ${gate.reason}. Run the tests as root to include it (under CI=true it is required).`);
  describe.skip(`${title} — skipped: ${gate.reason}`, () => {
    it('needs root and the firewall tools', () => undefined);
  });
}

/** The listed programs (for a test that needs more than its describe's gate). */
export function tools(programs: readonly string[]): Gate {
  const missing = programs.filter((p) => which(p) === undefined);
  return missing.length > 0 ? { ok: false, reason: `missing program(s): ${missing.join(', ')}` } : { ok: true };
}

/** it() behind a gate of its own (a tool only this test needs): same rules as gatedDescribe. */
export function gatedIt(title: string, gate: Gate, body: () => Promise<void>, timeoutMs?: number): void {
  if (gate.ok) {
    it(title, body, timeoutMs);
    return;
  }
  if (IS_CI) {
    it(title, () => {
      throw new Error(`cannot run under CI=true: ${gate.reason}`);
    });
    return;
  }
  console.warn(`[fwplan] SKIPPED "${title}": ${gate.reason}.`);
  it.skip(`${title} — skipped: ${gate.reason}`, () => undefined);
}

/**
 * describe() for a tool that CI machines may lack (terraform, cfn-lint — not firewalls of this
 * machine): without the tool the suite is skipped with a message saying why, under CI=true too.
 */
export function optionalToolDescribe(title: string, gate: Gate, body: () => void): void {
  if (gate.ok) {
    describe(title, body);
    return;
  }
  console.warn(`[fwplan] SKIPPED "${title}": ${gate.reason}. Install it to include this check (it is optional, also under CI=true).`);
  describe.skip(`${title} — skipped: ${gate.reason}`, () => {
    it('needs the tool', () => undefined);
  });
}
