import { describe, expect, it } from 'vitest';
import { expandPlan } from '../../engine/index.ts';
import { parsePlan } from '../../engine/schema.ts';
import { entryName, pairRows, ruleRows } from './rows.ts';

function plan() {
  const parsed = parsePlan({
    version: 2,
    cluster: true,
    nodes: [
      { name: 'vault-01', role: 'PRD', addresses: ['192.0.2.10', '2001:db8::10'] },
      { name: '192.0.2.11', role: 'MBR', addresses: ['192.0.2.11'] },
    ],
    roles: { NTP: [{ address: '192.0.2.1', label: 'ntp-a' }] },
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.plan;
}

describe('rules table rows', () => {
  it('name a node address by its node, as a label names an entry', () => {
    const rows = ruleRows(expandPlan(plan()));
    const ntp = rows.find((r) => r.ruleId === 'prd-ntp-udp-123' && r.family === 'IPv4');
    expect(ntp?.source.map(entryName)).toEqual(['vault-01', undefined]);
    expect(ntp?.destination.map(entryName)).toEqual(['ntp-a']);
    // the text filter finds a node's rules by its name, in both row modes
    expect(rows.filter((r) => r.search.includes('vault-01')).length).toBeGreaterThan(0);
    expect(pairRows(expandPlan(plan())).rows.some((r) => r.search.includes('vault-01'))).toBe(true);
  });
});
