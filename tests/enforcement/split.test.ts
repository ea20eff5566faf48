/**
 * Real-kernel enforcement of a dual-stack member written as two differently labelled lines of a
 * version 1 plan (issue 16): fwplan reads two single-family nodes and warns. Loaded on that
 * machine, the host export of either node filters its own family and never drops the other's
 * planned traffic (cluster replication, users, the admin shell).
 */
import { expect, it } from 'vitest';
import { expandPlan, exportPlan } from '../../src/engine/index.ts';
import { gatedDescribe } from './gate.ts';
import { defineRounds, enforcementGate, planOf, useEnforcementLab, type RoundSpec } from './suite.ts';
import { SPLIT } from './topologies.ts';

const mbr4 = { kind: 'host', host: 'mbr', family: 4 } as const;
const mbr6 = { kind: 'host', host: 'mbr', family: 6 } as const;

const rounds: RoundSpec[] = [
  { format: 'nftables', scope: mbr4, minPass: 20 },
  { format: 'nftables', scope: mbr6, minPass: 20 },
  { format: 'iptables', scope: mbr4, minPass: 8 },
  { format: 'ip6tables', scope: mbr4, minPass: 8 },
];

it('the split plan warns, and the export says which family it leaves open', () => {
  const plan = planOf(SPLIT);
  const rs = expandPlan(plan);
  expect(rs.findings.find((f) => f.code === 'dual-stack-partner')?.message).toMatch(/"vault-02" has only an IPv4 address and "vault-02 v6" only an IPv6 address/);
  const r = exportPlan(plan, 'nftables', { scope: { kind: 'host', node: 'vault-02' }, defaultDrop: true });
  expect(r.ok && r.findings.map((f) => f.code)).toEqual(expect.arrayContaining(['dual-stack-partner', 'family-left-open']));
});

gatedDescribe('enforcement: a dual-stack node split in two by its labels', enforcementGate(), () => {
  defineRounds(useEnforcementLab(SPLIT), rounds);
});
