/**
 * `fwplan audit` end to end through a kernel: fwplan's own exports (--default-drop) are loaded into
 * a network namespace, read back with the real tools (iptables-save, ip6tables-save, ipset save,
 * nft -j list ruleset) and audited with the command line — every planned flow allowed, nothing
 * beyond the plan. Then one planned rule is deleted and one extra accept added with the real tools,
 * read back again, and the audit must report exactly those two: the deleted rule's flow blocked,
 * the extra accept's flow beyond the plan, nothing else.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { run, type Io } from '../../src/cli/main.ts';
import { exportPlan, type RenderOptions, type Scope } from '../../src/engine/index.ts';
import { parsePlanText } from '../../src/engine/schema.ts';
import { loadExport, resetFirewall, type LoadFormat } from '../enforcement/firewall.ts';
import { gatedDescribe } from '../enforcement/gate.ts';
import { Lab } from '../enforcement/netns.ts';
import { enforcementGate } from '../enforcement/suite.ts';
import { readBack, type ReadBack } from './readback.ts';

const PLANS = new URL('../fixtures/plans/', import.meta.url);

interface Json {
  clean: boolean;
  planned: { allowed: number; blocked: number; unknown: number };
  flows: { status: string; ruleId: string; protocol: string; port: number; source: string; destination: string; why?: string }[];
  beyond: { protocol: string; ports: number[]; source: string; destination: string; acceptedBy: string[]; antiLockout?: boolean }[];
  unevaluated: unknown[];
}

/** The command line on the four read-back outputs, as four files. */
async function audit(planFile: string, texts: ReadBack, scope: string): Promise<{ code: number; json: Json; stderr: string }> {
  const files: Record<string, string> = {
    'loaded.iptables-save': texts.ipt4,
    'loaded.ip6tables-save': texts.ipt6,
    'loaded.ipset-save': texts.ipset,
    'loaded.nft.json': texts.nft,
  };
  // ipset save prints nothing when there are no sets: an empty file is not a ruleset, so it is left out
  const given = Object.keys(files).filter((f) => (files[f] ?? '').trim() !== '');
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: (t) => { stdout += t; },
    stderr: (t) => { stderr += t; },
    readFile: (p, limit) => new TextEncoder().encode(files[p] ?? readFileSync(p, 'utf8')).subarray(0, limit),
    writeFile: () => { throw new Error('no file is written'); },
  };
  const code = await run(['audit', new URL(planFile, PLANS).pathname, '--scope', scope, '--json', ...given.flatMap((f) => ['--against', f])], io);
  return { code, json: (stdout ? JSON.parse(stdout) : {}) as Json, stderr };
}

function exportText(planFile: string, format: 'nftables' | 'iptables' | 'ip6tables', scope: Scope): string {
  const parsed = parsePlanText(readFileSync(new URL(planFile, PLANS), 'utf8'));
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('; '));
  const options: RenderOptions = { scope, defaultDrop: true };
  const r = exportPlan(parsed.plan, format, options);
  if (!r.ok) throw new Error(r.message);
  return r.text;
}

gatedDescribe('fwplan audit against what a kernel has loaded', enforcementGate(['iptables-save', 'ip6tables-save']), () => {
  let lab: Lab | undefined;
  beforeAll(async () => {
    lab = await Lab.create('audcmd', []);
  }, 60_000);
  afterAll(async () => {
    await lab?.destroyChecked();
  }, 60_000);

  async function loaded(loads: readonly [LoadFormat, string][], change?: (l: Lab) => Promise<void>): Promise<ReadBack> {
    if (!lab) throw new Error('the namespace was not made (see the beforeAll error)');
    await resetFirewall(lab, 'router');
    try {
      for (const [format, rules] of loads) await loadExport(lab, 'router', format, { rules });
      if (change) await change(lab);
      return await readBack(lab, 'router');
    } finally {
      await resetFirewall(lab, 'router');
    }
  }

  const RADIUS = { status: 'blocked', ruleId: 'prd-radius-udp-1812', protocol: 'udp', port: 1812, source: '192.0.2.10', destination: '192.0.2.31' };
  const EXTRA = { protocol: 'tcp', ports: [8443], source: '198.51.100.200', destination: '192.0.2.10' };

  it('nftables gateway export: clean; a rule deleted and an accept added with nft are reported, and nothing else', async () => {
    const rules = exportText('single-node.json', 'nftables', { kind: 'gateway' });
    const clean = await audit('single-node.json', await loaded([['nftables', rules]]), 'gateway');
    expect(clean.stderr).toBe('');
    expect(clean.json.planned.blocked + clean.json.planned.unknown).toBe(0);
    expect(clean.json.planned.allowed).toBeGreaterThan(40);
    expect(clean.json.beyond).toEqual([]);
    expect(clean.json.unevaluated).toEqual([]);
    expect(clean.code).toBe(0);

    const changed = await audit('single-node.json', await loaded([['nftables', rules]], async (l) => {
      const listing = await l.execOk('router', 'nft', ['-a', 'list', 'chain', 'inet', 'fwplan', 'forward']);
      const handle = /udp dport 1812 accept comment "[^"]*" # handle (\d+)/.exec(listing)?.[1];
      if (handle === undefined) throw new Error(`no RADIUS rule in:\n${listing}`);
      await l.execOk('router', 'nft', ['delete', 'rule', 'inet', 'fwplan', 'forward', 'handle', handle]);
      await l.execOk('router', 'nft', ['insert', 'rule', 'inet', 'fwplan', 'forward', 'ip', 'saddr', '198.51.100.200', 'ip', 'daddr', '192.0.2.10', 'tcp', 'dport', '8443', 'accept']);
    }), 'gateway');
    expect(changed.code).toBe(1);
    expect(changed.json.flows.filter((f) => f.status !== 'allowed')).toMatchObject([RADIUS]);
    expect(changed.json.flows.find((f) => f.status === 'blocked')?.why).toMatch(/policy drop/);
    expect(changed.json.beyond).toMatchObject([EXTRA]);
    expect(changed.json.beyond[0]?.acceptedBy.join('\n')).toMatch(/tcp dport 8443 accept/);
    expect(changed.json.planned.allowed).toBe(clean.json.planned.allowed - 1);
  }, 120_000);

  it('iptables + ip6tables gateway export: clean; a rule deleted and an accept added with iptables are reported, and nothing else', async () => {
    const loads: [LoadFormat, string][] = [
      ['iptables', exportText('single-node.json', 'iptables', { kind: 'gateway' })],
      ['ip6tables', exportText('single-node.json', 'ip6tables', { kind: 'gateway' })],
    ];
    const clean = await audit('single-node.json', await loaded(loads), 'gateway');
    expect(clean.stderr).toBe('');
    expect(clean.json.planned.blocked + clean.json.planned.unknown).toBe(0);
    expect(clean.json.beyond).toEqual([]);
    expect(clean.code).toBe(0);

    const changed = await audit('single-node.json', await loaded(loads, async (l) => {
      await l.execOk('router', 'iptables', ['-D', 'FWPLAN-FWD', '-s', '192.0.2.10/32', '-d', '192.0.2.31/32', '-p', 'udp', '-m', 'udp', '--dport', '1812', '-m', 'comment', '--comment', 'fwplan PRD -> RADIUS udp 1812 prd-radius-udp-1812', '-j', 'ACCEPT']);
      await l.execOk('router', 'iptables', ['-I', 'FWPLAN-FWD', '1', '-s', '198.51.100.200', '-d', '192.0.2.10', '-p', 'tcp', '--dport', '8443', '-j', 'ACCEPT']);
    }), 'gateway');
    expect(changed.code).toBe(1);
    expect(changed.json.flows.filter((f) => f.status !== 'allowed')).toMatchObject([RADIUS]);
    expect(changed.json.beyond).toMatchObject([EXTRA]);
    expect(changed.json.beyond[0]?.acceptedBy.join('\n')).toMatch(/--dport 8443 -j ACCEPT/);
  }, 120_000);

  it('host exports of a dual-stack cluster node (nftables, and iptables + ip6tables): every flow in and out allowed, nothing beyond', async () => {
    const scope: Scope = { kind: 'host', node: 'vault-01' };
    for (const loads of [
      [['nftables', exportText('objects.json', 'nftables', scope)]],
      [['iptables', exportText('objects.json', 'iptables', scope)], ['ip6tables', exportText('objects.json', 'ip6tables', scope)]],
    ] as [LoadFormat, string][][]) {
      const r = await audit('objects.json', await loaded(loads), 'host:vault-01');
      expect(r.stderr).toBe('');
      expect(r.json.flows.filter((f) => f.status !== 'allowed')).toEqual([]);
      expect(r.json.planned.allowed).toBeGreaterThan(20);
      expect(r.json.beyond.filter((b) => !b.antiLockout)).toEqual([]);
      expect(r.json.unevaluated).toEqual([]);
      expect(r.code).toBe(0);
    }
  }, 120_000);
});
