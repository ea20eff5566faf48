import { describe, expect, it } from 'vitest';
import { exportPlan } from './export.ts';
import { parsePlan } from './model/parse.ts';
import type { Plan } from './model/plan.ts';

function plan(value: Record<string, unknown>): Plan {
  const r = parsePlan({ version: 1, ...value });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.plan;
}

const host = { kind: 'host' as const, address: '192.0.2.10' };

describe('exportPlan', () => {
  it('keeps SSH and HTTPS from USERW to the node with --default-drop, even when the plan disabled them', () => {
    const p = plan({ roles: { PRD: ['192.0.2.10'], USERW: ['198.51.100.0/24'] }, disabled: ['userw-prd-tcp-22', 'userw-prd-tcp-443'], ports: { 'userw-prd-tcp-22': 2222 } });
    const r = exportPlan(p, 'iptables', { scope: host, defaultDrop: true });
    if (!r.ok) throw new Error(r.message);
    // anti-lockout comes first in the node's inbound chain
    const first = r.text.split('\n').find((l) => l.startsWith('-A FWPLAN-IN'));
    expect(first).toMatch(/-s 198\.51\.100\.0\/24 -d 192\.0\.2\.10 -p tcp -m multiport --dports 2222,443,80,3389 /);
    expect(r.findings.filter((f) => f.code === 'scope').map((f) => f.ruleId)).toEqual(['userw-prd-tcp-22', 'userw-prd-tcp-443']);
    // without --default-drop nothing is added
    const plain = exportPlan(p, 'iptables', { scope: host, defaultDrop: false });
    expect(plain.ok && plain.text.includes('--dport 2222')).toBe(false);
  });

  it('warns when no USERW entry can keep the admin\'s access', () => {
    const r = exportPlan(plan({ roles: { PRD: ['192.0.2.10'] } }), 'nftables', { scope: host, defaultDrop: true });
    expect(r.ok && r.findings.find((f) => f.code === 'no-admin-access')?.message).toMatch(/USERW has no IPv4 entry/);
  });

  it('orders a default-drop policy: established, loopback, ICMP, the plan, log; drop last', () => {
    const r = exportPlan(plan({ roles: { PRD: ['192.0.2.10'], USERW: ['198.51.100.0/24'] } }), 'nftables', { scope: host, defaultDrop: true });
    if (!r.ok) throw new Error(r.message);
    const input = r.text.slice(r.text.indexOf('chain input'));
    const order = ['policy drop', 'ct state established,related accept', 'iif lo accept', 'icmp type', 'tcp dport', 'log prefix'].map((s) => input.indexOf(s));
    expect(order.every((v) => v >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('leaves outbound traffic alone with egress open, and filters it by default', () => {
    const p = plan({ roles: { PRD: ['192.0.2.10'], USERW: ['198.51.100.0/24'], NTP: ['192.0.2.1'] } });
    const text = (format: 'iptables' | 'nftables' | 'ufw' | 'firewalld', egress?: 'open' | 'filter') => {
      const r = exportPlan(p, format, { scope: host, defaultDrop: true, ...(egress ? { egress } : {}) });
      return r.ok ? r.text : r.message;
    };
    expect(text('iptables')).toMatch(/^:OUTPUT DROP/m);
    expect(text('iptables', 'open')).toMatch(/^:OUTPUT ACCEPT/m);
    expect(text('iptables', 'open')).toMatch(/^:INPUT DROP/m);
    expect(text('nftables', 'open')).toMatch(/hook output priority filter; policy accept;/);
    expect(text('nftables', 'open')).toMatch(/hook input priority filter; policy drop;/);
    expect(text('ufw')).toMatch(/^ufw default deny outgoing$/m);
    expect(text('ufw', 'open')).toMatch(/^ufw default allow outgoing$/m);
    expect(text('firewalld', 'open')).toMatch(/--policy=fwplan-output --set-target=CONTINUE/);
    expect(text('firewalld', 'filter')).toMatch(/--policy=fwplan-output --set-target=DROP/);
  });

  it('warns when a host export names one family of a dual-stack node', () => {
    const p = plan({ roles: { PRD: [{ address: '192.0.2.10', label: 'vault' }, { address: '2001:db8::10', label: 'vault' }], USERW: ['198.51.100.0/24'] } });
    const one = exportPlan(p, 'nftables', { scope: host, defaultDrop: true });
    expect(one.ok && one.findings.find((f) => f.path === 'roles.PRD[1]')?.message).toMatch(/host:192\.0\.2\.10,2001:db8::10/);
    const both = exportPlan(p, 'nftables', { scope: { kind: 'host', address: '192.0.2.10,2001:db8::10' }, defaultDrop: true });
    expect(both.ok && both.findings.some((f) => f.path === 'roles.PRD[1]')).toBe(false);
    // both nodes are protected: the IPv6 one has no USERW entry to keep its admin access
    expect(both.ok && both.findings.filter((f) => f.code === 'no-admin-access').map((f) => f.message)).toEqual([expect.stringMatching(/no IPv6 entry/)]);
    expect(both.ok && both.text).toMatch(/ip daddr 192\.0\.2\.10 tcp dport/);
  });

  it('names files after the plan and scope', () => {
    const p = plan({ name: 'HQ vault!', roles: { PRD: ['192.0.2.10'] } });
    const name = (f: Parameters<typeof exportPlan>[1], scope: Parameters<typeof exportPlan>[2]['scope']) => {
      const r = exportPlan(p, f, { scope, defaultDrop: false });
      return r.ok ? r.fileName : r.message;
    };
    expect(name('iptables', { kind: 'gateway' })).toBe('hq-vault-gateway.iptables.rules');
    expect(name('nftables', host)).toBe('hq-vault-host-192-0-2-10.nft');
    expect(name('ufw', { kind: 'gateway' })).toBe('hq-vault-gateway-ufw.sh');
    expect(name('csv', { kind: 'gateway' })).toBe('hq-vault.csv');
  });

  it('keeps the nftables rule count independent of the address count', () => {
    const count = (n: number) => {
      const dvc = Array.from({ length: n }, (_, i) => `10.${20 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}/32`).filter((_, i) => i % 2 === 0);
      const r = exportPlan(plan({ cluster: true, roles: { PRD: ['10.0.0.10'], MBR: ['10.0.0.11', '10.0.0.12'], DVC: dvc, USERW: ['10.1.0.0/24', '10.1.2.0/24'] } }), 'nftables', { scope: { kind: 'gateway' }, defaultDrop: true });
      return r.ok ? r.text.split('\n').filter((l) => / accept comment /.test(l)).length : -1;
    };
    expect(count(20)).toBe(count(2000));
  });
});
