import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandPlan } from './expand.ts';
import { parsePlan } from './model/parse.ts';
import type { Plan } from './model/plan.ts';
import type { ExpandedRule, RuleSet } from './model/rules.ts';
import { pairs } from './render/common.ts';
import { applyScope } from './scope.ts';

function plan(value: Record<string, unknown>): Plan {
  const r = parsePlan({ version: 1, ...value });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.plan;
}

const rule = (rs: RuleSet, key: string): ExpandedRule => {
  const r = rs.rules.find((x) => x.key === key);
  if (!r) throw new Error(`no rule ${key}; have ${rs.rules.map((x) => x.key).join(' ')}`);
  return r;
};
const addrs = (r: ExpandedRule, side: 'source' | 'destination') => r[side].entries.map((e) => e.network.display);
const pairList = (r: ExpandedRule) => [...pairs(r)].map(([s, d]) => `${s.network.display}>${d.network.display}`);
const skipOf = (rs: RuleSet, id: string) => rs.skipped.find((s) => s.ruleId === id)?.reason.kind;

describe('expandPlan', () => {
  it('makes nothing without PRD, and says so as an error', () => {
    const rs = expandPlan(plan({ roles: { USERW: ['10.1.0.0/16'] } }));
    expect(rs.rules).toHaveLength(0);
    expect(rs.findings.find((f) => f.code === 'no-primary')?.severity).toBe('error');
    expect(skipOf(rs, 'userw-prd-tcp-443')).toBe('role-empty');
  });

  it('cluster off: MBR and the cluster section are ignored, with a finding', () => {
    const rs = expandPlan(plan({ roles: { PRD: ['10.0.0.10'], MBR: ['10.0.0.11'], USERW: ['10.1.0.0/16'] } }));
    expect(addrs(rule(rs, 'userw-prd-tcp-443/v4'), 'destination')).toEqual(['10.0.0.10']);
    expect(skipOf(rs, 'prd-mbr-tcp-3306')).toBe('cluster-off');
    expect(skipOf(rs, 'mbr-prd-tcp-3306')).toBe('cluster-off');
    expect(rs.findings.some((f) => f.code === 'mbr-ignored' && f.path === 'roles.MBR')).toBe(true);
  });

  it('cluster on: PRD rules hold for every node, cluster rules between every ordered pair of distinct nodes', () => {
    const rs = expandPlan(plan({ cluster: true, roles: { PRD: ['10.0.0.10'], MBR: ['10.0.0.11', '10.0.0.12'], USERW: ['10.1.0.0/16'], NTP: ['10.9.0.1'] } }));
    expect(addrs(rule(rs, 'userw-prd-tcp-443/v4'), 'destination')).toEqual(['10.0.0.10', '10.0.0.11', '10.0.0.12']);
    expect(addrs(rule(rs, 'prd-ntp-udp-123/v4'), 'source')).toEqual(['10.0.0.10', '10.0.0.11', '10.0.0.12']);
    const mysql = rule(rs, 'prd-mbr-tcp-3306/v4');
    expect(mysql.covers).toEqual(['prd-mbr-tcp-3306', 'mbr-prd-tcp-3306']);
    expect(pairList(mysql).sort()).toEqual([
      '10.0.0.10>10.0.0.11', '10.0.0.10>10.0.0.12', '10.0.0.11>10.0.0.10', '10.0.0.11>10.0.0.12', '10.0.0.12>10.0.0.10', '10.0.0.12>10.0.0.11',
    ]);
    // the MBR→PRD row is realised by the same rule, not emitted twice
    expect(rs.rules.filter((r) => r.covers.includes('mbr-prd-tcp-3306'))).toHaveLength(1);
    expect(skipOf(rs, 'mbr-prd-tcp-3306')).toBeUndefined();
  });

  it('a cluster of one node has no pair, and says so', () => {
    const rs = expandPlan(plan({ cluster: true, roles: { PRD: ['10.0.0.10'] } }));
    expect(skipOf(rs, 'prd-mbr-tcp-22')).toBe('single-node');
  });

  it('never pairs IPv4 with IPv6', () => {
    const rs = expandPlan(plan({ cluster: true, roles: { PRD: ['10.0.0.10', '2001:db8::10'], MBR: ['2001:db8::11'], USERW: ['10.1.0.0/16'], DVC: ['2001:db8:20::/48'] } }));
    for (const r of rs.rules) {
      for (const [s, d] of pairs(r)) expect([s.network.family, d.network.family]).toEqual([r.family, r.family]);
    }
    expect(addrs(rule(rs, 'userw-prd-tcp-443/v4'), 'destination')).toEqual(['10.0.0.10']);
    expect(rs.rules.some((r) => r.key === 'userw-prd-tcp-443/v6')).toBe(false);
    expect(addrs(rule(rs, 'prd-dvc-tcp-22/v6'), 'source')).toEqual(['2001:db8::10', '2001:db8::11']);
    // the v6 cluster pair exists, the v4 side has one node only
    expect(pairList(rule(rs, 'prd-mbr-tcp-22/v6'))).toEqual(['2001:db8::10>2001:db8::11', '2001:db8::11>2001:db8::10']);
  });

  it('skips a rule whose sides share no family, with both families in the reason', () => {
    const rs = expandPlan(plan({ roles: { PRD: ['10.0.0.10'], NTP: ['2001:db8::123'] } }));
    const s = rs.skipped.find((x) => x.ruleId === 'prd-ntp-udp-123');
    expect(s?.reason).toEqual({ kind: 'no-common-family', sourceFamilies: [4], destinationFamilies: [6] });
    expect(s?.message).toMatch(/never mixes IPv4 and IPv6/);
  });

  it('applies disabled rules, port overrides and optional rules', () => {
    const rs = expandPlan(plan({
      cluster: true,
      roles: { PRD: ['10.0.0.10'], MBR: ['10.0.0.11'], MAIL: ['10.9.0.25'], DVC: ['10.20.0.0/16'] },
      disabled: ['prd-dvc-tcp-23'],
      enabled: ['prd-mbr-tcp-59022'],
      ports: { 'prd-mail-tcp-420': 587 },
    }));
    expect(skipOf(rs, 'prd-dvc-tcp-23')).toBe('disabled');
    const mail = rule(rs, 'prd-mail-tcp-420/v4');
    expect([mail.port, mail.defaultPort]).toEqual([587, 420]);
    expect(rs.findings.some((f) => f.code === 'port-override' && f.ruleId === 'prd-mail-tcp-420')).toBe(true);
    expect(rs.findings.some((f) => f.code === 'non-standard-port' && f.ruleId === 'prd-mail-tcp-420')).toBe(false);
    expect(rule(rs, 'prd-mbr-tcp-59022/v4').port).toBe(59022);
    expect(skipOf(rs, 'mbr-prd-tcp-59022')).toBe('optional-off');
    expect(skipOf(rs, 'prd-mbr-tcp-4248')).toBe('optional-off');
  });

  it('lists every skip as a finding', () => {
    const rs = expandPlan(plan({ roles: { PRD: ['10.0.0.10'] }, disabled: ['prd-dvc-tcp-22'] }));
    const skippedFindings = rs.findings.filter((f) => f.code === 'rule-skipped').map((f) => f.ruleId);
    expect(skippedFindings).toEqual(rs.skipped.map((s) => s.ruleId));
    expect(rs.skipped.length + rs.rules.length).toBe(54);
  });

  it('reports host bits, duplicates, overlaps, over-broad entries, clear text and odd ports', () => {
    const rs = expandPlan(plan({
      roles: {
        PRD: ['10.0.0.10'],
        USERW: ['10.1.0.5/16', '0.0.0.0/0'],
        DVC: ['10.20.0.0/16', '10.20.3.4', '10.30.0.1', '10.30.0.1'],
        MAIL: ['10.9.0.25'],
      },
    }));
    const at = (code: string) => rs.findings.filter((f) => f.code === code).map((f) => f.path ?? f.ruleId);
    expect(at('host-bits')).toEqual(['roles.USERW[0]']);
    expect(at('over-broad')).toEqual(['roles.USERW[1]']);
    expect(at('duplicate-entry')).toEqual(['roles.DVC[3]']);
    expect(at('overlapping-entry')).toEqual(['roles.USERW[0]', 'roles.DVC[1]']);
    expect(at('cleartext')).toEqual(expect.arrayContaining(['prd-dvc-tcp-23', 'userw-prd-tcp-80']));
    expect(at('non-standard-port')).toEqual(expect.arrayContaining(['prd-mail-tcp-420', 'prd-dvc-tcp-7443']));
  });

  it('merges adjacent and overlapping entries before rendering, and says how many', () => {
    const rs = expandPlan(plan({ roles: { PRD: ['10.0.0.10'], DVC: ['10.20.0.0/25', '10.20.0.128/25', '10.30.0.0/24', { address: '10.30.0.7', label: 'x' }, { address: '10.40.0.1', label: 'kept' }] } }));
    const r = rule(rs, 'prd-dvc-tcp-22/v4');
    expect(addrs(r, 'destination')).toEqual(['10.20.0.0/24', '10.30.0.0/24', '10.40.0.1']);
    expect(r.destination.entries[2]?.label).toBe('kept');
    expect(rs.findings.find((f) => f.code === 'merged')?.message).toMatch(/DVC: 5 distinct entries merged into 3/);
  });

  it('is deterministic', () => {
    const p = plan({ cluster: true, roles: { PRD: ['10.0.0.10'], MBR: ['10.0.0.11'], DVC: ['10.20.0.0/16', '2001:db8::/48'] } });
    expect(JSON.stringify(expandPlan(p), (_k, v) => (typeof v === 'bigint' ? v.toString() : v))).toBe(
      JSON.stringify(expandPlan(p), (_k, v) => (typeof v === 'bigint' ? v.toString() : v)),
    );
  });

  it('holds its invariants on random plans', () => {
    const v4 = fc.tuple(fc.integer({ min: 1, max: 223 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 254 })).map((p) => p.join('.'));
    const v6 = fc.integer({ min: 1, max: 0xffff }).map((n) => `2001:db8:${n.toString(16)}::1`);
    const addr = fc.oneof(v4, v6);
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(addr, { minLength: 1, maxLength: 3 }),
        fc.array(addr, { maxLength: 3 }),
        fc.array(addr, { maxLength: 5 }),
        fc.array(addr, { maxLength: 5 }),
        (cluster, prd, mbr, userw, dvc) => {
          const rs = expandPlan(plan({ cluster, roles: { PRD: prd, MBR: mbr, USERW: userw, DVC: dvc } }));
          const nodes = new Set((cluster ? [...prd, ...mbr] : prd).map((a) => a));
          for (const r of rs.rules) {
            for (const [s, d] of pairs(r)) {
              expect(s.network.family).toBe(d.network.family);
              if (r.distinctPairs) expect(s.network.cidr).not.toBe(d.network.cidr);
            }
            if (r.section === 'cluster') expect(cluster).toBe(true);
            if (r.source.role === 'CLUSTER') for (const e of r.source.entries) expect(nodes.has(e.written)).toBe(true);
          }
          // every catalog row is either realised by a rule or skipped with a reason
          const realised = new Set(rs.rules.flatMap((r) => r.covers));
          for (const s of rs.skipped) expect(realised.has(s.ruleId)).toBe(false);
          expect(realised.size + rs.skipped.length).toBe(54);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('applyScope', () => {
  const p = plan({ cluster: true, roles: { PRD: ['10.0.0.10'], MBR: ['10.0.0.11', '10.0.0.12'], USERW: ['10.1.0.0/16'], NTP: ['10.9.0.1'], DVC: ['10.20.0.0/16'] } });
  const rs = expandPlan(p);

  it('gateway keeps every rule, forwarded', () => {
    const s = applyScope(rs, { kind: 'gateway' });
    expect(s.ok && s.rules.length).toBe(rs.rules.length);
    expect(s.ok && s.rules.every((r) => r.direction === 'forward')).toBe(true);
  });

  it('host keeps inbound rules to the node and outbound rules from it', () => {
    const s = applyScope(rs, { kind: 'host', address: '10.0.0.11' });
    if (!s.ok) throw new Error(s.message);
    const users = s.rules.find((r) => r.ruleId === 'userw-prd-tcp-443');
    expect(users?.direction).toBe('in');
    expect(users && addrs(users, 'destination')).toEqual(['10.0.0.11']);
    const ntp = s.rules.find((r) => r.ruleId === 'prd-ntp-udp-123');
    expect(ntp?.direction).toBe('out');
    expect(ntp && addrs(ntp, 'source')).toEqual(['10.0.0.11']);
    const cl = s.rules.filter((r) => r.ruleId === 'prd-mbr-tcp-22');
    expect(cl.map((r) => r.direction)).toEqual(['in', 'out']);
    expect(cl[0] && addrs(cl[0], 'source')).toEqual(['10.0.0.10', '10.0.0.12']);
    expect(cl[1] && addrs(cl[1], 'destination')).toEqual(['10.0.0.10', '10.0.0.12']);
  });

  it('takes both addresses of a dual-stack node, one per family', () => {
    const dual = expandPlan(plan({ roles: { PRD: [{ address: '10.0.0.10', label: 'vault' }, { address: '2001:db8::10', label: 'vault' }], USERW: ['10.1.0.0/16', '2001:db8:1::/48'] } }));
    const s = applyScope(dual, { kind: 'host', address: '10.0.0.10,2001:db8::10' });
    if (!s.ok) throw new Error(s.message);
    const https = s.rules.filter((r) => r.ruleId === 'userw-prd-tcp-443');
    expect(https.map((r) => `${r.family} ${addrs(r, 'destination').join()}`)).toEqual(['4 10.0.0.10', '6 2001:db8::10']);
    expect(applyScope(dual, { kind: 'host', address: '10.0.0.10,10.0.0.10' }).ok).toBe(false);
  });

  it('refuses an address that is not a node', () => {
    const s = applyScope(rs, { kind: 'host', address: '10.1.0.5' });
    expect(s.ok).toBe(false);
    const mbrOff = applyScope(expandPlan({ ...p, cluster: false }), { kind: 'host', address: '10.0.0.11' });
    expect(mbrOff.ok).toBe(false);
  });
});
