import { describe, expect, it } from 'vitest';
import { SENHASEGURA_CATALOG } from './catalog/senhasegura.ts';
import { v2 } from './expand.test.ts';
import { expandPlan } from './expand.ts';
import { exportPlan } from './export.ts';
import { flowKey, flowsOf } from './flows.ts';
import { parsePlan } from './model/schema.ts';
import { FORMAT_IDS, type FormatId } from './render/registry.ts';

const base = {
  cluster: true,
  nodes: [
    { name: 'vault-01', role: 'PRD', addresses: ['192.0.2.10', '2001:db8::10'] },
    { name: 'vault-02', role: 'MBR', addresses: ['192.0.2.11'] },
  ],
  roles: { NMS: ['198.51.100.9'] },
  userGroups: [{ name: 'Admins', entries: ['198.51.100.0/28'], services: ['userw-prd-tcp-443'] }],
  deviceGroups: [{ name: 'Linux', entries: ['203.0.113.0/26'], services: ['prd-dvc-tcp-22'] }],
};

const flow = (extra: Record<string, unknown>) => ({ name: 'f', protocol: 'tcp', ports: 8443, reason: 'why', source: { role: 'NMS' }, destination: { role: 'PRD' }, ...extra });
const keys = (p: ReturnType<typeof v2>) => new Set([...flowsOf(expandPlan(p).rules)].map(flowKey));

describe('catalog rows beyond the article', () => {
  it('are off by default, cite their vendor page, and say what the vendor leaves open', () => {
    const extra = SENHASEGURA_CATALOG.filter((r) => r.origin === 'vendor-docs' && r.optional);
    expect(extra.length).toBeGreaterThanOrEqual(30);
    for (const r of extra) expect(r.cite?.title, r.id).toBeTruthy();
    const ids = extra.map((r) => r.id);
    for (const id of ['userw-prd-tcp-5432', 'userw-prd-tcp-1433', 'userw-prd-tcp-2484', 'ncagent-prd-tcp-51445', 'prd-dvc-tcp-5985', 'prd-dvc-tcp-5986', 'prd-dvc-tcp-5900', 'prd-dvc-tcp-1521', 'nms-prd-udp-161', 'prd-nms-udp-162', 'prd-arb-tcp-4567', 'arb-prd-udp-4567', 'prd-hsm-tcp-1792', 'prd-mirror-tcp-443', 'userw-lb-tcp-443', 'lb-prd-tcp-443', 'prd-ca-tcp-5986']) {
      expect(ids).toContain(id);
    }
    expect(SENHASEGURA_CATALOG.find((r) => r.id === 'prd-nms-udp-162')?.ambiguity).toMatch(/inferred/);
    expect(SENHASEGURA_CATALOG.find((r) => r.id === 'lb-prd-tcp-443')?.ambiguity).toMatch(/health-check/);
    expect(SENHASEGURA_CATALOG.find((r) => r.id === 'prd-dvc-tcp-5900')?.cleartext).toBeTruthy();
    expect(SENHASEGURA_CATALOG.find((r) => r.id === 'ncagent-prd-tcp-51445')?.nonStandard).toBeTruthy();
  });

  it('an arbitrator talks Galera and Elasticsearch with every node once enabled', () => {
    const rows = SENHASEGURA_CATALOG.filter((r) => r.source === 'ARB' || r.destination === 'ARB').map((r) => r.id);
    const on = keys(v2({ ...base, roles: { ARB: ['192.0.2.20'] }, enabled: rows }));
    expect(on.has('tcp/4567 192.0.2.11/32 > 192.0.2.20/32')).toBe(true);
    expect(on.has('udp/4567 192.0.2.20/32 > 192.0.2.10/32')).toBe(true);
    const off = keys(v2({ ...base, roles: { ARB: ['192.0.2.20'] } }));
    expect([...off].some((k) => k.includes('192.0.2.20'))).toBe(false);
  });
});

describe('port ranges', () => {
  it("override a rule's port with a range, and every format writes it in its own syntax", () => {
    const p = v2({ ...base, ports: { 'userw-prd-tcp-443': '8443-8450' } });
    const rule = expandPlan(p).rules.find((r) => r.ruleId === 'userw-prd-tcp-443');
    expect([rule?.port, rule?.portEnd, rule?.service]).toEqual([8443, 8450, 'HTTPS 8443-8450/tcp']);
    const text = (format: FormatId) => {
      const r = exportPlan(p, format, { scope: { kind: 'gateway' }, defaultDrop: false });
      return r.ok ? r.text : r.message;
    };
    expect(text('iptables')).toMatch(/--dport 8443:8450 /);
    expect(text('nftables')).toMatch(/tcp dport 8443-8450 accept/);
    expect(text('ufw')).toMatch(/ port 8443:8450 comment /);
    expect(text('firewalld')).toMatch(/port port="8443-8450" protocol="tcp"/);
    expect(text('csv')).toMatch(/,tcp,8443-8450,443,/);
    expect(text('json')).toMatch(/"portEnd": 8450/);
    for (const format of FORMAT_IDS) expect(exportPlan(p, format, { scope: { kind: 'gateway' }, defaultDrop: true }).ok).toBe(true);
  });

  it('refuses a range that is not one, naming its path', () => {
    for (const bad of ['5100-5000', '0-10', '5000-70000', '50-', 'http']) {
      const r = parsePlan({ version: 2, ports: { 'userw-prd-tcp-443': bad } });
      expect(r.ok, bad).toBe(false);
      if (!r.ok) expect(r.errors[0]?.path).toBe('ports["userw-prd-tcp-443"]');
    }
  });

  it('counts a range as two of the fifteen ports an iptables multiport match takes', () => {
    const ports = Object.fromEntries(['22', '80', '443', '3389'].map((p, i) => [`userw-prd-tcp-${p}`, `${1000 + i * 10}-${1005 + i * 10}`]));
    const p = v2({ ...base, userGroups: [{ name: 'Admins', entries: ['198.51.100.0/28'], services: ['userw-prd-tcp-443', 'userw-prd-tcp-80', 'userw-prd-tcp-22', 'userw-prd-tcp-3389'] }], ports });
    const r = exportPlan(p, 'iptables', { scope: { kind: 'gateway' }, defaultDrop: false });
    expect(r.ok && r.text).toMatch(/--dports 1020:1025,1010:1015,1000:1005,1030:1035 /);
  });
});

describe('site flows', () => {
  it("go through the same engine, marked as the site's own, from a role, group, node or written entries", () => {
    const p = v2({
      ...base,
      customFlows: [
        flow({ name: 'monitor', source: { role: 'NMS' }, destination: { role: 'PRD' }, ports: '7000-7010', owner: 'NOC' }),
        flow({ name: 'bastion', source: { userGroup: 'Admins' }, destination: { deviceGroup: 'Linux' }, ports: 2222 }),
        flow({ name: 'push', source: { node: 'vault-01' }, destination: { entries: [{ address: '203.0.113.250', label: 'grafana' }] }, ports: 8443 }),
      ],
    });
    const rs = expandPlan(p);
    const site = rs.rules.filter((r) => r.provenance === 'site');
    expect(site.map((r) => `${r.ruleId} ${r.source.name} -> ${r.destination.name} ${r.port}-${r.portEnd}`)).toEqual([
      'site-monitor NMS -> CLUSTER 7000-7010',
      'site-bastion USERW Admins -> DVC Linux 2222-2222',
      'site-push node vault-01 -> push (destination) 8443-8443',
    ]);
    expect(site[0]?.owner).toBe('NOC');
    const csv = exportPlan(p, 'csv', { scope: { kind: 'gateway' }, defaultDrop: false });
    expect(csv.ok && csv.text).toMatch(/site-push,site,push 8443\/tcp,why,forward,IPv4,tcp,8443,,PRD,vault-01,192\.0\.2\.10,,SITE,push,203\.0\.113\.250,grafana,site-push,site\r\n/);
    const nft = exportPlan(p, 'nftables', { scope: { kind: 'host', node: 'vault-02' }, defaultDrop: true });
    expect(nft.ok && nft.text).toMatch(/ip saddr 198\.51\.100\.9 ip daddr 192\.0\.2\.11 tcp dport 7000-7010 accept comment ".*site flow\)"/);
  });

  it("report a side that names nothing, and skip an expired flow given today's date", () => {
    const p = v2({ ...base, customFlows: [flow({ name: 'ghost', source: { node: 'vault-09' } }), flow({ name: 'old', expires: '2020-01-31' })] });
    const rs = expandPlan(p, { today: '2026-11-30' });
    expect(rs.findings.find((f) => f.code === 'flow-side')?.path).toBe('customFlows[0].source');
    expect(rs.hasErrors).toBe(true);
    expect(rs.skipped.find((s) => s.ruleId === 'site-old')?.reason).toEqual({ kind: 'expired', on: '2020-01-31' });
    // without a date the output depends on the plan alone: the flow is kept
    expect(expandPlan({ ...p, customFlows: [p.customFlows[1] as (typeof p.customFlows)[number]] }).rules.some((r) => r.ruleId === 'site-old')).toBe(true);
  });

  it('keep their written entries; an invalid one is an error naming its path', () => {
    const p = v2({ ...base, customFlows: [flow({ destination: { entries: ['10.0.0.300'] } })] });
    expect(expandPlan(p).findings.find((f) => f.code === 'invalid-entry')?.path).toBe('customFlows[0].destination.entries[0]');
  });
});
