import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, type Io } from './main.ts';

const FIXTURES = join(import.meta.dirname, '../../tests/fixtures/plans');
const tmp = mkdtempSync(join(tmpdir(), 'fwplan-cli-'));

function cli(args: string[], files: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const written: Record<string, string> = {};
  const io: Io = {
    stdout: (t) => { stdout += t; },
    stderr: (t) => { stderr += t; },
    readFile: (p) => {
      if (p in files) return files[p] as string;
      return readFileSync(p, 'utf8');
    },
    writeFile: (p, t) => { written[p] = t; },
  };
  const code = run(args, io);
  return { code, stdout, stderr, written };
}

const single = join(FIXTURES, 'single-node.json');

describe('fwplan CLI', () => {
  it('prints help for every command, exit 0', () => {
    for (const c of ['catalog', 'schema', 'lint', 'rules', 'export', 'verify']) {
      const r = cli([c, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`Usage: fwplan ${c}`));
    }
    expect(cli(['--help']).stdout).toMatch(/Commands:/);
  });

  it('catalog --json is the contract\'s array', () => {
    const r = cli(['catalog', '--json']);
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(rows).toHaveLength(54);
    expect(rows[0]).toMatchObject({ id: 'prd-ntp-udp-123', section: 'mgmt-out', protocol: 'udp', port: 123, source: 'PRD', destination: 'NTP' });
    expect(cli(['catalog']).stdout).toMatch(/prd-mail-tcp-420 +TCP +420/);
  });

  it('schema prints the plan\'s JSON Schema', () => {
    const schema = JSON.parse(cli(['schema']).stdout) as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['version', 'name', 'cluster', 'roles', 'disabled', 'ports', 'changeRequest']));
    expect(schema.required).toContain('version');
  });

  it('lint: findings with paths, exit 1 on errors, 0 otherwise', () => {
    const ok = cli(['lint', single]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/warning +prd-dvc-tcp-7443: 7443\/tcp is kept/);
    const noPrd = cli(['lint', 'p.json'], { 'p.json': '{"version":1,"roles":{"USERW":["10.0.0.0/8"]}}' });
    expect(noPrd.code).toBe(1);
    expect(noPrd.stdout).toMatch(/error +roles\.PRD: PRD has no entries/);
    expect(JSON.parse(cli(['lint', single, '--json']).stdout).findings.length).toBeGreaterThan(0);
  });

  it('an invalid plan: one line per problem naming the JSON path, exit 2, no stack trace', () => {
    const r = cli(['lint', 'bad.json'], { 'bad.json': '{"version":1,"roles":{"PRD":["10.0.0.300"],"XYZ":[]},"ports":{"prd-mail-tcp-420":0}}' });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      'fwplan: bad.json: roles.PRD[0]: "10.0.0.300" is not a valid IPv4 address (four numbers 0–255, no leading zeros)',
      'fwplan: bad.json: roles.XYZ: unknown role code (expected one of PRD, MBR, USERW, DVC, NTP, DNS, MAIL, LDAP, RADIUS, TACACS, LOG, BACKUP)',
      'fwplan: bad.json: ports["prd-mail-tcp-420"]: a port is 1–65535',
    ]);
    expect(r.stderr).not.toMatch(/at .*\.ts/);
    const unreadable = cli(['rules', join(tmp, 'missing.json')]);
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toMatch(/cannot read the file \(ENOENT\)/);
    expect(cli(['rules', 'x.json'], { 'x.json': '{nope' }).stderr).toMatch(/\(file\): not valid JSON/);
  });

  it('bad usage exits 2 with a message', () => {
    expect(cli(['frobnicate']).code).toBe(2);
    expect(cli(['export', single]).stderr).toMatch(/--format is required/);
    expect(cli(['export', single, '--format', 'pf']).stderr).toMatch(/unknown format/);
    expect(cli(['export', single, '--format', 'nftables', '--scope', 'router']).stderr).toMatch(/use gateway or host:ADDRESS/);
    expect(cli(['lint', single, '--format', 'csv']).stderr).toMatch(/does not take --format/);
    expect(cli(['export', single, '--format', 'csv', '--bogus']).code).toBe(2);
  });

  it('export writes the export alone to stdout, findings to stderr', () => {
    const r = cli(['export', single, '--format', 'nftables', '--default-drop']);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('#!/usr/sbin/nft -f\n')).toBe(true);
    expect(r.stdout).toMatch(/policy drop;/);
    expect(r.stderr).toMatch(/fwplan: warning/);
    expect(r.stderr).toMatch(/nftables, gateway: \d+ rules/);
  });

  it('export --out writes the file', () => {
    const r = cli(['export', single, '--format', 'csv', '--out', 'x.csv']);
    expect(r.stdout).toBe('');
    expect(r.written['x.csv']).toMatch(/^rule_id,section,service/);
  });

  it('host scope must name a node of the plan', () => {
    expect(cli(['export', single, '--format', 'iptables', '--scope', 'host:192.0.2.10']).code).toBe(0);
    const r = cli(['export', single, '--format', 'iptables', '--scope', 'host:192.0.2.99']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a senhasegura node/);
  });

  it('rules lists rules and skips', () => {
    const r = cli(['rules', single]);
    expect(r.stdout).toMatch(/prd-dvc-tcp-23 \(TELNET 23\/tcp\) is disabled in the plan/);
    const json = JSON.parse(cli(['rules', single, '--json']).stdout) as { rules: { ruleId: string }[] };
    expect(json.rules.some((x) => x.ruleId === 'userw-prd-tcp-443')).toBe(true);
  });

  it('verify prints an nc script with one check per flow', () => {
    const r = cli(['verify', single]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/check tcp 'userw-prd-tcp-443' nc -zv -w 3 192\.0\.2\.10 443/);
    expect(r.stdout).toMatch(/check udp 'prd-ntp-udp-123' nc -zuv -w 3 192\.0\.2\.1 123/);
    execFileSync('bash', ['-n'], { input: r.stdout });
  });

  it('runs as a real process through the package bin, reading stdin with -', () => {
    const bin = join(import.meta.dirname, '../../bin/fwplan.mjs');
    const plan = readFileSync(single, 'utf8');
    const p = spawnSync('node', [bin, 'export', '-', '--format', 'iptables'], { input: plan, encoding: 'utf8' });
    expect(p.status).toBe(0);
    expect(p.stdout).toMatch(/^\*filter$/m);
    const bad = spawnSync('node', [bin, 'lint', '-'], { input: '{"version":3}', encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('fwplan: -: version: only plan version 1 is understood\n');
    writeFileSync(join(tmp, 'p.json'), plan);
  });
});
