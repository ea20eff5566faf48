/**
 * Delta exports in real kernels (issue 12): load OLD's export in a namespace, apply `fwplan
 * delta OLD NEW`, and
 *  - every flow behaves as NEW's plan says: NEW's planned flows pass; the flows only OLD allowed
 *    (the removed site flow's range, the article's LDAP port, SMB to Windows) and NEW's sample of
 *    other flows are dropped (with --default-drop);
 *  - the firewall then holds what NEW's export loaded alone holds: `nft list table inet fwplan`,
 *    the filter tables of iptables-save / ip6tables-save (and the ipsets), the tables firewalld
 *    made — rules within a chain and set elements compared as sorted lists, without handles or
 *    counters.
 * nftables, iptables, ip6tables (with and without ipsets), ufw and firewalld; gateway scope and
 * a host scope with --default-drop, and gateway scope without it. A delta from a plan to itself
 * changes nothing; an nftables delta run where OLD's export is not loaded changes nothing either.
 */
import { expect, it } from 'vitest';
import { flowUniverse } from './flows.ts';
import { gatedDescribe, gatedIt, tools } from './gate.ts';
import { listFirewall, loadExport, resetFirewall, type LoadFormat } from './firewall.ts';
import { enforcementGate, planOf, scopeTitle, useEnforcementLab, type ScopeChoice } from './suite.ts';
import { formatFailures } from './probe.ts';
import { DELTA_NEW, DELTA_OLD } from './topologies.ts';

const gateway = { kind: 'gateway' } as const;
const prd4 = { kind: 'host', host: 'prd', family: 4 } as const;
const prd6 = { kind: 'host', host: 'prd', family: 6 } as const;

interface DeltaSpec {
  readonly format: LoadFormat;
  readonly scope: ScopeChoice;
  readonly defaultDrop: boolean;
  /** with --default-drop: at least this many flows must have had to pass */
  readonly minPass: number;
}

const specs: DeltaSpec[] = [
  { format: 'nftables', scope: gateway, defaultDrop: true, minPass: 120 },
  { format: 'nftables', scope: prd4, defaultDrop: true, minPass: 70 },
  { format: 'nftables', scope: gateway, defaultDrop: false, minPass: 0 },
  { format: 'iptables', scope: gateway, defaultDrop: true, minPass: 60 },
  { format: 'iptables', scope: prd4, defaultDrop: true, minPass: 35 },
  { format: 'iptables', scope: gateway, defaultDrop: false, minPass: 0 },
  { format: 'ip6tables', scope: gateway, defaultDrop: true, minPass: 50 },
  { format: 'ip6tables', scope: prd6, defaultDrop: true, minPass: 30 },
  { format: 'iptables+ipset', scope: gateway, defaultDrop: true, minPass: 60 },
  { format: 'ip6tables+ipset', scope: prd6, defaultDrop: true, minPass: 30 },
  { format: 'ufw', scope: gateway, defaultDrop: true, minPass: 120 },
  { format: 'ufw', scope: prd4, defaultDrop: true, minPass: 70 },
  { format: 'firewalld', scope: gateway, defaultDrop: true, minPass: 120 },
  { format: 'firewalld', scope: prd4, defaultDrop: true, minPass: 70 },
];

const NEEDS: Partial<Record<LoadFormat, readonly string[]>> = {
  ufw: ['ufw', 'bash'],
  firewalld: ['firewalld', 'firewall-cmd', 'dbus-daemon', 'bash'],
  nftables: ['bash', 'awk'],
};
const TIMEOUT_MS: Partial<Record<LoadFormat, number>> = { ufw: 600_000, firewalld: 480_000 };

const oldPlan = planOf(DELTA_OLD);
const newPlan = planOf(DELTA_NEW);

/** The flows OLD allowed (those NEW does not allow must be dropped once the delta is in). */
function oldFlows() {
  return flowUniverse(oldPlan, DELTA_OLD.hosts, DELTA_OLD.groups).planned.map((f) => ({ ...f, why: `OLD allowed it (${f.why})` }));
}

gatedDescribe('enforcement: delta exports turn a firewall loaded with OLD into NEW', enforcementGate(['bash', 'awk']), () => {
  const lab = useEnforcementLab(DELTA_NEW, oldFlows);

  it('the oracle probes what the change opens and closes', () => {
    const u = lab().universe;
    const has = (list: readonly { src: { host: string }; dst: { host: string }; port: number }[], src: string, dst: string, port: number) =>
      list.some((f) => f.src.host === src && f.dst.host === dst && f.port === port);
    // opened: the new node, the new device, the LDAP port override
    expect(has(u.planned, 'prd', 'mbr2', 3306)).toBe(true);
    expect(has(u.planned, 'mbr2', 'linux2', 22)).toBe(true);
    expect(has(u.planned, 'prd', 'ldap', 3268)).toBe(true);
    // closed: the article's LDAP port, SMB to Windows, the monitoring range
    expect(has(u.negatives, 'prd', 'ldap', 389)).toBe(true);
    expect(has(u.negatives, 'prd', 'win', 445)).toBe(true);
    expect(has(u.negatives, 'mon', 'prd', 7005)).toBe(true);
    expect(has(u.negatives, 'mon', 'mbr1', 7010)).toBe(true);
  });

  for (const spec of specs) {
    const title = `${spec.format}, ${scopeTitle(spec.scope)}${spec.defaultDrop ? ', --default-drop' : ''}`;
    gatedIt(
      `${title}: OLD's export + the delta behaves as NEW's and holds what NEW's export holds`,
      tools(NEEDS[spec.format] ?? []),
      async () => {
        const r = await lab().deltaRound(spec.format, spec.scope, oldPlan, spec.defaultDrop);
        expect(r.failures, formatFailures(r.failures)).toEqual([]);
        expect(r.mustPass).toBeGreaterThanOrEqual(spec.minPass);
        expect(r.added, 'the delta adds rules').toBeGreaterThan(0);
        expect(r.removed, 'the delta removes rules').toBeGreaterThan(0);
        expect(r.afterDelta, 'what the firewall holds after OLD + delta, against NEW alone').toBe(r.fresh);
        // the listings are not empty of what changed: NEW's LDAP port, or (IPv6 only) the new node
        expect(r.fresh).toContain(spec.format.startsWith('ip6') ? DELTA_NEW.hosts.find((h) => h.id === 'mbr2')?.v6?.address : '3268');
      },
      TIMEOUT_MS[spec.format],
    );
  }

  for (const [format, scope] of [['nftables', gateway], ['iptables', prd4], ['ip6tables+ipset', gateway]] as const) {
    gatedIt(`${format}, ${scopeTitle(scope)}: the delta from NEW to itself changes nothing`, tools(NEEDS[format] ?? []), async () => {
      const r = await lab().deltaRound(format, scope, newPlan);
      expect(r.failures, formatFailures(r.failures)).toEqual([]);
      expect([r.added, r.removed]).toEqual([0, 0]);
      expect(r.afterDelta).toBe(r.fresh);
    });
  }

  // the proof can fail: a delta that adds NEW's rules but deletes nothing leaves OLD's flows open
  // and the firewall holding more than NEW's export
  for (const format of ['nftables', 'iptables'] as const) {
    gatedIt(`${format}: a broken delta (its deletions left out) is caught by the probes and the listing`, tools(NEEDS[format] ?? []), async () => {
      const withoutDeletes = (text: string) => text.split('\n').filter((l) => !/delete rule|delete element|delete set|^-D |^-[FX] /.test(l)).join('\n');
      const r = await lab().deltaRound(format, gateway, oldPlan, true, { mutate: withoutDeletes });
      expect(r.failures.length).toBeGreaterThan(0);
      expect(r.failures.every((f) => f.expected === 'dropped' && f.got === 'open')).toBe(true);
      expect(r.failures.some((f) => f.flow.why.startsWith('OLD allowed it'))).toBe(true);
      expect(r.afterDelta).not.toBe(r.fresh);
    });
  }

  gatedIt("nftables: the delta run where OLD's export is not loaded refuses and changes nothing", tools(NEEDS.nftables ?? []), async () => {
    const l = lab();
    const fresh = l.exportFor('nftables', gateway);
    const delta = l.deltaFor('nftables', gateway, oldPlan);
    await resetFirewall(l.lab, 'router');
    try {
      await loadExport(l.lab, 'router', 'nftables', fresh);
      const before = await listFirewall(l.lab, 'router', 'nftables');
      // NEW is loaded, not OLD: the script's check stops it before any transaction
      await expect(loadExport(l.lab, 'router', 'nftables', fresh, [delta])).rejects.toThrow(/does not hold the old export's rules: nothing was changed/);
      expect(await listFirewall(l.lab, 'router', 'nftables')).toBe(before);
    } finally {
      await resetFirewall(l.lab, 'router');
    }
  });
});
