/**
 * Real-kernel enforcement of catalog rows beyond the article and of the site's own flows (issue
 * 14): an Arbitrator with the optional Galera/Elasticsearch rows enabled, and a site flow with a
 * port range (its ends and middle pass; the ports just outside it are dropped). Gateway and host.
 */
import { expect, it } from 'vitest';
import { gatedDescribe } from './gate.ts';
import { defineRounds, enforcementGate, useEnforcementLab, type RoundSpec } from './suite.ts';
import { COMPONENTS } from './topologies.ts';

const gateway = { kind: 'gateway' } as const;
const prd4 = { kind: 'host', host: 'prd', family: 4 } as const;

const rounds: RoundSpec[] = [
  { format: 'iptables', scope: gateway, minPass: 20 },
  { format: 'ip6tables', scope: gateway, minPass: 10 },
  { format: 'nftables', scope: gateway, minPass: 30 },
  { format: 'nftables', scope: prd4, minPass: 20 },
  { format: 'iptables', scope: prd4, minPass: 10 },
];

gatedDescribe('enforcement: arbitrator rows and a site flow with a port range', enforcementGate(), () => {
  const lab = useEnforcementLab(COMPONENTS);
  it('the oracle probes the arbitrator rows and both ends of the range, and the ports just outside it', () => {
    const u = lab().universe;
    const has = (list: readonly { src: { host: string }; dst: { host: string }; port: number; proto: string }[], src: string, dst: string, port: number) => list.some((f) => f.src.host === src && f.dst.host === dst && f.port === port);
    expect(has(u.planned, 'arb', 'prd', 4567)).toBe(true);
    expect(has(u.planned, 'mbr', 'arb', 9300)).toBe(true);
    for (const port of [7000, 7005, 7010]) expect(has(u.planned, 'mon', 'mbr', port)).toBe(true);
    expect(has(u.negatives, 'mon', 'mbr', 6999)).toBe(true);
    expect(has(u.negatives, 'mon', 'mbr', 7011)).toBe(true);
  });
  defineRounds(lab, rounds);
});
