import { describe, expect, it } from 'vitest';
import { groupServiceIds } from './catalog/senhasegura.ts';
import { v1, v2 } from './expand.test.ts';
import { exportPlan, exportPlanChunks } from './export.ts';
import { FORMAT_IDS, RENDERERS, type FormatId } from './render/registry.ts';
import type { RenderOptions } from './render/types.ts';
import type { Scope } from './scope.ts';

const host = (node: string): Scope => ({ kind: 'host', node });

function text(r: ReturnType<typeof exportPlan>): string {
  if (!r.ok) throw new Error(r.message);
  return r.text;
}

/** The newcomer's plan: three dual-stack nodes, users, devices, administrators. */
const dual = v2({
  name: 'HQ vault',
  cluster: true,
  nodes: [
    { name: 'vault-01', role: 'PRD', addresses: ['192.0.2.10', '2001:db8::10'] },
    { name: 'vault-02', role: 'MBR', addresses: ['192.0.2.11', '2001:db8::11'] },
    { name: 'vault-03', role: 'MBR', addresses: ['192.0.2.12', '2001:db8::12'] },
  ],
  roles: { ADMINW: ['198.51.100.7', '2001:db8:5::7'], NTP: ['192.0.2.123'] },
  userGroups: [{ name: 'Users', entries: ['198.51.100.0/24', '2001:db8:100::/48'], services: groupServiceIds('USERW') }],
  deviceGroups: [{ name: 'Servers', entries: ['203.0.113.0/24', '2001:db8:200::/48'], services: groupServiceIds('DVC') }],
});

describe('exportPlan', () => {
  it('keeps the admin shell from ADMINW with --default-drop, even when the plan disabled it', () => {
    const p = v1({ roles: { PRD: ['192.0.2.10'], ADMINW: ['198.51.100.7'], USERW: ['198.51.100.0/24'] }, disabled: ['adminw-prd-tcp-59022'] });
    const r = exportPlan(p, 'iptables', { scope: host('192.0.2.10'), defaultDrop: true });
    const first = text(r).split('\n').find((l) => l.startsWith('-A FWPLAN-IN'));
    expect(first).toMatch(/-s 198\.51\.100\.7 -d 192\.0\.2\.10 -p tcp -m tcp --dport 59022 /);
    expect(r.ok && r.findings.filter((f) => f.code === 'anti-lockout').map((f) => f.ruleId)).toEqual(['adminw-prd-tcp-59022']);
    // without --default-drop nothing is added
    expect(text(exportPlan(p, 'iptables', { scope: host('192.0.2.10'), defaultDrop: false }))).not.toMatch(/--dport 59022/);
  });

  it('warns when nobody can reach the admin shell after a default-drop change', () => {
    const p = v1({ roles: { PRD: ['192.0.2.10'], USERW: ['198.51.100.0/24'] } });
    const r = exportPlan(p, 'nftables', { scope: host('192.0.2.10'), defaultDrop: true });
    expect(r.ok && r.findings.find((f) => f.code === 'no-admin-access')?.message).toMatch(/ADMINW has no IPv4 entry: .*admin shell \(59022\/tcp\)/);
    const g = exportPlan(p, 'nftables', { scope: { kind: 'gateway' }, defaultDrop: true });
    expect(g.ok && g.findings.some((f) => f.code === 'no-admin-access')).toBe(true);
  });

  it('orders a default-drop policy: established, loopback, ICMP, the plan, log; drop last', () => {
    const t = text(exportPlan(v1({ roles: { PRD: ['192.0.2.10'], USERW: ['198.51.100.0/24'] } }), 'nftables', { scope: host('192.0.2.10'), defaultDrop: true }));
    const input = t.slice(t.indexOf('chain input'));
    const order = ['policy drop', 'ct state established,related accept', 'iif lo accept', 'icmp type', 'tcp dport', 'log prefix'].map((s) => input.indexOf(s));
    expect(order.every((v) => v >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('a gateway passes ICMP errors but no ping, and says so; a host answers ping', () => {
    const p = v1({ roles: { PRD: ['192.0.2.10'], USERW: ['198.51.100.0/24'] } });
    for (const format of ['iptables', 'nftables'] as const) {
      const gw = text(exportPlan(p, format, { scope: { kind: 'gateway' }, defaultDrop: true }));
      expect(gw).not.toMatch(/echo-request/);
      expect(gw).toMatch(/no ping is forwarded/);
      expect(text(exportPlan(p, format, { scope: host('192.0.2.10'), defaultDrop: true }))).toMatch(/echo-request/);
    }
  });

  it('leaves outbound traffic alone with egress open, and filters it by default', () => {
    const p = v1({ roles: { PRD: ['192.0.2.10'], USERW: ['198.51.100.0/24'], NTP: ['192.0.2.1'] } });
    const t = (format: FormatId, egress?: 'open' | 'filter') => text(exportPlan(p, format, { scope: host('192.0.2.10'), defaultDrop: true, ...(egress ? { egress } : {}) }));
    expect(t('iptables')).toMatch(/^:OUTPUT DROP/m);
    expect(t('iptables', 'open')).toMatch(/^:OUTPUT ACCEPT/m);
    expect(t('iptables', 'open')).toMatch(/^:INPUT DROP/m);
    expect(t('nftables', 'open')).toMatch(/hook output priority filter; policy accept;/);
    expect(t('nftables', 'open')).toMatch(/hook input priority filter; policy drop;/);
    expect(t('firewalld', 'open')).toMatch(/--policy=fwplan-output --set-target=CONTINUE/);
    expect(t('firewalld', 'filter')).toMatch(/--policy=fwplan-output --set-target=DROP/);
  });

  it('a dual-stack node\'s host export covers both families; iptables says the ip6tables file is needed', () => {
    for (const node of ['vault-01', 'vault-02', 'vault-03']) {
      const nft = text(exportPlan(dual, 'nftables', { scope: host(node), defaultDrop: true }));
      expect(nft).toMatch(/ip daddr 192\.0\.2\.1\d tcp dport/);
      expect(nft).toMatch(/ip6 daddr 2001:db8::1\d tcp dport/);
    }
    const v4only = exportPlan(dual, 'iptables', { scope: host('vault-02'), defaultDrop: true });
    expect(v4only.ok && v4only.findings.find((f) => f.code === 'other-family-file')?.message).toMatch(/vault-02" also has an IPv6 address: .*ip6tables/);
    const v6 = text(exportPlan(dual, 'ip6tables', { scope: host('vault-02'), defaultDrop: true }));
    expect(v6).toMatch(/-d 2001:db8::11 /);
  });

  it('warns loudly when the chosen node has a likely partner of the other family', () => {
    const p = v1({ cluster: true, roles: { PRD: [{ address: '192.0.2.10', label: 'vault-01' }], MBR: [{ address: '192.0.2.11', label: 'vault-02' }, { address: '2001:db8::11', label: 'vault-02 v6' }], USERW: ['198.51.100.0/24'] } });
    const r = exportPlan(p, 'nftables', { scope: host('vault-02'), defaultDrop: true });
    expect(r.ok && r.findings.find((f) => f.code === 'dual-stack-partner')?.message).toMatch(/"vault-02" has one address family only/);
  });

  it('refuses every export while the plan has errors, naming them', () => {
    const p = v1({ roles: { PRD: ['192.0.2.10'], DVC: ['10.0.0.300'] } });
    for (const format of FORMAT_IDS) {
      const r = exportPlan(p, format, { scope: { kind: 'gateway' }, defaultDrop: false });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors.map((e) => e.path)).toEqual(['deviceGroups[0].entries[0]']);
    }
  });

  it('adds no character outside printable ASCII of its own: an ASCII plan gives an ASCII file in every format', () => {
    // one such character (a dash in the header) made V8 build the whole export as UTF-16
    for (const format of FORMAT_IDS) {
      for (const defaultDrop of [false, true]) {
        for (const scope of [{ kind: 'gateway' } as const, host('vault-02')]) {
          const wide = [...new Set(text(exportPlan(dual, format, { scope, defaultDrop })).match(/[^\t\n\r\x20-\x7e]/g) ?? [])];
          expect(wide, `${format} ${scope.kind} default-drop ${defaultDrop}`).toEqual([]);
        }
      }
    }
  });

  it('names files after the plan and scope, CSV and JSON too', () => {
    const p = v1({ name: 'HQ vault!', roles: { PRD: [{ address: '192.0.2.10', label: 'vault-01' }] } });
    const name = (f: FormatId, scope: Scope) => {
      const r = exportPlan(p, f, { scope, defaultDrop: false });
      return r.ok ? r.fileName : r.message;
    };
    expect(name('iptables', { kind: 'gateway' })).toBe('hq-vault-gateway.iptables.rules');
    expect(name('nftables', host('vault-01'))).toBe('hq-vault-host-vault-01.nft');
    expect(name('ufw', { kind: 'gateway' })).toBe('hq-vault-gateway-ufw.sh');
    expect(name('csv', host('vault-01'))).toBe('hq-vault-host-vault-01.csv');
    expect(name('json', { kind: 'gateway' })).toBe('hq-vault-gateway.rules.json');
  });

  it('counts in every header exactly the rules of the file', () => {
    const cases: [FormatId, RenderOptions][] = [];
    for (const format of FORMAT_IDS) {
      if (format === 'csv' || format === 'json') continue;
      for (const defaultDrop of [false, true]) {
        cases.push([format, { scope: { kind: 'gateway' }, defaultDrop }], [format, { scope: host('vault-02'), defaultDrop }]);
      }
    }
    for (const [format, options] of cases) {
      const r = exportPlan(dual, format, options);
      const t = text(r);
      const header = /(?:firewall rules|rich rules|set elements|security group rules|firewall policies|security rules|access-list entries) in this file: (\d+)/.exec(t);
      expect(header?.[1], `${format} ${JSON.stringify(options)}`).toBe(String(r.ok && r.ruleCount));
      expect(r.ok && r.ruleCount).toBe(RENDERERS[format].countRules(t));
    }
    // the ip6tables file of an IPv4-only plan holds no rule and says 0, not the plan's count
    const v4 = v1({ roles: { PRD: ['192.0.2.10'], USERW: ['198.51.100.0/24'] } });
    const six = exportPlan(v4, 'ip6tables', { scope: host('192.0.2.10'), defaultDrop: false });
    expect(text(six)).toMatch(/firewall rules in this file: 2, for 0 plan rules/);
  });

  it('streams CSV in pieces that join to the same text', () => {
    const opts: RenderOptions = { scope: { kind: 'gateway' }, defaultDrop: false };
    const whole = text(exportPlan(dual, 'csv', opts));
    const pieces = exportPlanChunks(dual, 'csv', opts);
    const list = pieces.ok ? [...pieces.chunks] : [];
    expect(list.join('')).toBe(whole);
    expect(list.length).toBeGreaterThan(2);
  });

  it('the CSV says the port used, the entry as written, its label and object', () => {
    const p = v1({ roles: { PRD: [{ address: '192.0.2.10', label: 'vault-01' }], MAIL: [{ address: '192.0.2.25', label: 'smtp-relay' }] }, ports: { 'prd-mail-tcp-420': 587 } });
    const csv = text(exportPlan(p, 'csv', { scope: { kind: 'gateway' }, defaultDrop: false }));
    expect(csv.split('\r\n')[1]).toBe('prd-mail-tcp-420,mgmt-out,SMTP 587/tcp,Mail submission (SMTP),forward,IPv4,tcp,587,420,PRD,vault-01,192.0.2.10,,MAIL,MAIL,192.0.2.25,smtp-relay,prd-mail-tcp-420,article');
  });

  it('keeps the nftables rule count independent of the address count', () => {
    const count = (n: number) => {
      const dvc = Array.from({ length: n }, (_, i) => `10.${20 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`).filter((_, i) => i % 2 === 0);
      const r = exportPlan(v1({ cluster: true, roles: { PRD: ['10.0.0.10'], MBR: ['10.0.0.11', '10.0.0.12'], DVC: dvc, USERW: ['10.1.0.0/24', '10.1.2.0/24'] } }), 'nftables', { scope: { kind: 'gateway' }, defaultDrop: true });
      return r.ok ? r.ruleCount : -1;
    };
    expect(count(20)).toBe(count(2000));
  });

  it('writes every set the iptables --ipset rules can name into the ipset companion, with or without default drop', () => {
    const p = v1({ roles: { PRD: ['192.0.2.10'], ADMINW: ['198.51.100.7', '198.51.100.8'], USERW: ['198.51.100.0/24', '203.0.113.0/24'] }, disabled: ['adminw-prd-tcp-59022'] });
    const sets = text(exportPlan(p, 'ipset', { scope: host('192.0.2.10'), defaultDrop: false }));
    for (const defaultDrop of [false, true]) {
      const rules = text(exportPlan(p, 'iptables', { scope: host('192.0.2.10'), defaultDrop, ipset: true }));
      for (const [, name] of rules.matchAll(/--match-set (\S+) /g)) expect(sets).toMatch(new RegExp(`^create ${name} `, 'm'));
    }
  });
});
