/**
 * Real-kernel enforcement, one senhasegura node (IPv4, cluster off; an MBR host exists but must get
 * nothing; two rules disabled, one port overridden). Every firewall export with --default-drop,
 * loaded on the router (gateway scope) and on the node (host scope): iptables (with address chains
 * and with --ipset), nftables, and the ufw and firewalld scripts run by the real tools.
 */
import { gatedDescribe } from './gate.ts';
import { defineRounds, enforcementGate, useEnforcementLab, type RoundSpec } from './suite.ts';
import { SINGLE_NODE } from './topologies.ts';

const gateway = { kind: 'gateway' } as const;
const node = { kind: 'host', host: 'prd', family: 4 } as const;

const rounds: RoundSpec[] = [
  { format: 'iptables', scope: gateway, minPass: 30 },
  { format: 'iptables', scope: node, minPass: 30 },
  { format: 'iptables+ipset', scope: gateway, minPass: 30 },
  { format: 'iptables+ipset', scope: node, minPass: 30 },
  { format: 'nftables', scope: gateway, minPass: 30 },
  { format: 'nftables', scope: node, minPass: 30 },
  { format: 'ufw', scope: gateway, minPass: 30 },
  { format: 'ufw', scope: node, minPass: 30 },
  { format: 'firewalld', scope: gateway, minPass: 30 },
  { format: 'firewalld', scope: node, minPass: 30 },
];

gatedDescribe('enforcement: single node (IPv4)', enforcementGate(), () => {
  defineRounds(useEnforcementLab(SINGLE_NODE), rounds);
});
