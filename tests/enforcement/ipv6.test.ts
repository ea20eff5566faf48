/**
 * Real-kernel enforcement, a dual-stack two-node cluster: iptables for the IPv4 flows, ip6tables
 * for the IPv6 flows, nftables (one inet table), ufw and firewalld for both; gateway and host scope.
 */
import { gatedDescribe } from './gate.ts';
import { defineRounds, enforcementGate, useEnforcementLab, type RoundSpec } from './suite.ts';
import { IPV6 } from './topologies.ts';

const gateway = { kind: 'gateway' } as const;
const node4 = { kind: 'host', host: 'prd', family: 4 } as const;
const node6 = { kind: 'host', host: 'prd', family: 6 } as const;

const rounds: RoundSpec[] = [
  { format: 'iptables', scope: gateway, minPass: 10 },
  { format: 'ip6tables', scope: gateway, minPass: 15 },
  { format: 'ip6tables+ipset', scope: gateway, minPass: 15 },
  { format: 'nftables', scope: gateway, minPass: 25 },
  { format: 'iptables', scope: node4, minPass: 8 },
  { format: 'ip6tables', scope: node6, minPass: 10 },
  { format: 'ip6tables+ipset', scope: node6, minPass: 10 },
  { format: 'nftables', scope: node4, minPass: 8 },
  { format: 'nftables', scope: node6, minPass: 10 },
  { format: 'ufw', scope: gateway, minPass: 25 },
  { format: 'ufw', scope: node6, minPass: 10 },
  { format: 'firewalld', scope: gateway, minPass: 25 },
];

gatedDescribe('enforcement: dual-stack cluster (IPv4 + IPv6)', enforcementGate(), () => {
  defineRounds(useEnforcementLab(IPV6), rounds);
});
