/**
 * Real-kernel enforcement, a three-node cluster (IPv4): cluster rules all-to-all between the nodes,
 * the primary's rules on every member, an optional cluster rule on, a cluster port disabled.
 */
import { gatedDescribe } from './gate.ts';
import { defineRounds, enforcementGate, useEnforcementLab, type RoundSpec } from './suite.ts';
import { CLUSTER } from './topologies.ts';

const gateway = { kind: 'gateway' } as const;
const member = { kind: 'host', host: 'mbr1', family: 4 } as const;
const primary = { kind: 'host', host: 'prd', family: 4 } as const;

const rounds: RoundSpec[] = [
  { format: 'iptables', scope: gateway, minPass: 50 },
  { format: 'iptables', scope: member, minPass: 20 },
  { format: 'iptables+ipset', scope: gateway, minPass: 50 },
  { format: 'nftables', scope: gateway, minPass: 50 },
  { format: 'nftables', scope: member, minPass: 20 },
  { format: 'nftables', scope: primary, minPass: 20 },
];

gatedDescribe('enforcement: three-node cluster (IPv4)', enforcementGate(), () => {
  defineRounds(useEnforcementLab(CLUSTER), rounds);
});
