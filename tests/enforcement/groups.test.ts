/**
 * Real-kernel enforcement of version 2 objects (issue 10): two device groups with their own
 * services — "Linux" (SSH only) and "Windows" (RDP, SMB, RPC only) —, administrators apart from
 * everyone else, dual-stack named nodes, the admin shell. Gateway and host scope, IPv4 and IPv6.
 * The oracle (flows.ts) lets a group's host take part only in the rows its group lists, and
 * probes every row a group does not list as a flow that must be dropped.
 */
import { expect, it } from 'vitest';
import { gatedDescribe } from './gate.ts';
import { defineRounds, enforcementGate, useEnforcementLab, type RoundSpec } from './suite.ts';
import { GROUPS } from './topologies.ts';

const gateway = { kind: 'gateway' } as const;
const prd4 = { kind: 'host', host: 'prd', family: 4 } as const;
const prd6 = { kind: 'host', host: 'prd', family: 6 } as const;
const mbr4 = { kind: 'host', host: 'mbr', family: 4 } as const;

const rounds: RoundSpec[] = [
  { format: 'iptables', scope: gateway, minPass: 20 },
  { format: 'ip6tables', scope: gateway, minPass: 20 },
  { format: 'nftables', scope: gateway, minPass: 40 },
  { format: 'iptables', scope: prd4, minPass: 12 },
  { format: 'ip6tables', scope: prd6, minPass: 12 },
  { format: 'nftables', scope: prd4, minPass: 25 },
  { format: 'nftables', scope: mbr4, minPass: 25 },
];

gatedDescribe('enforcement: device and user groups (least privilege, IPv4 + IPv6)', enforcementGate(), () => {
  const lab = useEnforcementLab(GROUPS);
  it('the oracle asks for least privilege: Linux on 22 not 3389, Windows on 3389 not 22, both families', () => {
    const u = lab().universe;
    const has = (list: readonly { src: { host: string; family: number }; dst: { host: string }; port: number }[], src: string, dst: string, port: number, family: number) =>
      list.some((f) => f.src.host === src && f.dst.host === dst && f.port === port && f.src.family === family);
    for (const family of [4, 6]) {
      expect(has(u.planned, 'prd', 'linux', 22, family)).toBe(true);
      expect(has(u.negatives, 'prd', 'linux', 3389, family)).toBe(true);
      expect(has(u.planned, 'prd', 'win', 3389, family)).toBe(true);
      expect(has(u.negatives, 'prd', 'win', 22, family)).toBe(true);
      expect(has(u.planned, 'usradm', 'prd', 22, family)).toBe(true);
      expect(has(u.negatives, 'usrall', 'prd', 22, family)).toBe(true);
      expect(has(u.planned, 'admin', 'prd', 59022, family)).toBe(true);
      expect(has(u.negatives, 'usradm', 'prd', 59022, family)).toBe(true);
    }
  });
  defineRounds(lab, rounds);
});
