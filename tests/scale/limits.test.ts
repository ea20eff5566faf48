import { describe, expect, it } from 'vitest';
import { RENDERERS, expandPlan, exportPlan, exportPlanChunks, verifyScript, type Plan } from '../../src/engine/index.ts';
import { parsePlan } from '../../src/engine/schema.ts';

/**
 * Inside the documented limits nothing crashes (issue 16: "Maximum call stack size exceeded",
 * "Invalid string length", push(...spread) on long lists). Counts, never time.
 */

function plan(nodes: number, devices: number): Plan {
  const node = (i: number) => `10.${Math.floor(i / 250)}.0.${(i % 250) + 1}`;
  const parsed = parsePlan({
    version: 2,
    cluster: nodes > 1,
    nodes: Array.from({ length: nodes }, (_, i) => ({ name: `vault-${i + 1}`, role: i === 0 ? 'PRD' : 'MBR', addresses: [node(i)] })),
    deviceGroups: [{ name: 'devices', entries: Array.from({ length: devices }, (_, i) => `172.${16 + Math.floor(i / 65536)}.${Math.floor(i / 256) % 256}.${i % 256}`), services: ['prd-dvc-tcp-22', 'prd-dvc-tcp-3389'] }],
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors.slice(0, 3)));
  return parsed.plan;
}

describe('inside the documented limits', () => {
  it('verify writes a check for each of 11,000 device flows of one node', () => {
    const r = verifyScript(plan(1, 11_000), { kind: 'gateway' });
    expect(r.ok && r.checks).toBe(22_000);
  });

  it('CSV streams 8 nodes × 50,000 devices (800,000 rows) without building one string', () => {
    const p = plan(8, 50_000);
    const out = exportPlanChunks(p, 'csv', { scope: { kind: 'gateway' }, defaultDrop: false }, expandPlan(p));
    if (!out.ok) throw new Error(out.message);
    let rows = -1;
    let bytes = 0;
    for (const chunk of out.chunks) {
      bytes += chunk.length;
      for (let i = chunk.indexOf('\r\n'); i !== -1; i = chunk.indexOf('\r\n', i + 2)) rows++;
    }
    // two device services to every device from every node, and the nine cluster ports between the 8 × 7 node pairs
    expect(rows).toBe(8 * 50_000 * 2 + 8 * 7 * 9);
    expect(bytes).toBeGreaterThan(100_000_000);
  });

  it.each([
    ['firewalld', 117],
    ['iptables', 249],
  ] as const)('%s renders a cluster of %i nodes', (format, nodes) => {
    const p = plan(nodes, 1);
    const r = exportPlan(p, format, { scope: { kind: 'gateway' }, defaultDrop: true });
    if (!r.ok) throw new Error(r.message);
    // one rule per ordered pair of distinct nodes for every cluster port group
    expect(r.ruleCount).toBeGreaterThanOrEqual(nodes * (nodes - 1));
    expect(RENDERERS[format].countRules(r.text)).toBe(r.ruleCount);
  });
});
