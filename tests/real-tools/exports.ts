/**
 * The exports the real-tool checks run: every fixture plan (tests/fixtures/plans/*.json), gateway
 * scope and host scope on nodes (the first PRD entry of each address family and, with cluster
 * mode on, the first MBR entry of each family), each with and without --default-drop.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expandPlan, exportPlan, type Plan, type RenderOptions, type Scope } from '../../src/engine/index.ts';
import { parsePlanText } from '../../src/engine/schema.ts';

export const FIXTURE_DIR = join(import.meta.dirname, '..', 'fixtures', 'plans');

export interface FixturePlan {
  readonly name: string;
  readonly plan: Plan;
}

export function fixturePlans(): FixturePlan[] {
  return readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const parsed = parsePlanText(readFileSync(join(FIXTURE_DIR, f), 'utf8'));
      if (!parsed.ok) throw new Error(`fixture ${f} is invalid: ${parsed.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
      return { name: f.replace(/\.json$/, ''), plan: parsed.plan };
    });
}

export interface ExportCase {
  readonly planName: string;
  readonly plan: Plan;
  readonly scope: Scope;
  readonly defaultDrop: boolean;
  /** "single-node gateway --default-drop", "large host:10.0.0.11" … */
  readonly title: string;
}

/**
 * The scopes a plan is checked in: gateway, then the first PRD node and (cluster on) the first MBR
 * node — and, with `perFamily`, the first node of each address family too (a host export covers
 * every family of its node).
 */
export function scopesOf(plan: Plan, perFamily: boolean): Scope[] {
  const nodes = expandPlan(plan).nodes;
  const picked: Scope[] = [{ kind: 'gateway' }];
  const add = (name: string | undefined) => {
    if (name !== undefined && !picked.some((s) => s.kind === 'host' && s.node === name)) picked.push({ kind: 'host', node: name });
  };
  for (const role of ['PRD', 'MBR'] as const) add(nodes.find((n) => n.role === role)?.name);
  if (perFamily) for (const family of ['v4', 'v6'] as const) add(nodes.find((n) => n[family] !== undefined)?.name);
  return picked;
}

/** Every fixture plan × its scopes × with and without --default-drop. */
export function exportCases({ perFamily = true }: { perFamily?: boolean } = {}): ExportCase[] {
  const out: ExportCase[] = [];
  for (const { name, plan } of fixturePlans()) {
    for (const scope of scopesOf(plan, perFamily)) {
      for (const defaultDrop of [true, false]) {
        const where = scope.kind === 'gateway' ? 'gateway' : `host:${scope.node}`;
        out.push({ planName: name, plan, scope, defaultDrop, title: `${name} ${where}${defaultDrop ? ' --default-drop' : ''}` });
      }
    }
  }
  return out;
}

export type ToolFormat = 'iptables' | 'ip6tables' | 'nftables' | 'ufw' | 'firewalld' | 'ipset';

/** One export's text; throws when the engine refuses (which a fixture never should). */
export function render(c: ExportCase, format: ToolFormat, extra: Partial<Pick<RenderOptions, 'ipset'>> = {}): string {
  const r = exportPlan(c.plan, format, { scope: c.scope, defaultDrop: c.defaultDrop, ...extra });
  if (!r.ok) throw new Error(`${c.title} ${format}: ${r.message}`);
  return r.text;
}
