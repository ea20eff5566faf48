import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, type Io } from './main.ts';

const FIXTURES = join(import.meta.dirname, '../../tests/fixtures/plans');
const BIN = join(import.meta.dirname, '../../bin/fwplan.cjs');
const tmp = mkdtempSync(join(tmpdir(), 'fwplan-cli-'));

async function cli(args: string[], files: Record<string, string | Uint8Array> = {}) {
  let stdout = '';
  let stderr = '';
  const written: Record<string, string> = {};
  const io: Io = {
    stdout: (t) => { stdout += t; },
    stderr: (t) => { stderr += t; },
    readFile: (p, limit) => {
      const f = files[p];
      const bytes = f === undefined ? readFileSync(p) : typeof f === 'string' ? new TextEncoder().encode(f) : f;
      return bytes.subarray(0, limit);
    },
    writeFile: (p, chunks) => {
      if (p.startsWith('/nonexistent/')) throw Object.assign(new Error('no such directory'), { code: 'ENOENT' });
      written[p] = [...chunks].join('');
    },
  };
  const code = await run(args, io);
  return { code, stdout, stderr, written };
}

const single = join(FIXTURES, 'single-node.json');
const objects = join(FIXTURES, 'objects.json');

describe('fwplan CLI', () => {
  it('prints help for every command, exit 0', async () => {
    for (const c of ['catalog', 'schema', 'lint', 'rules', 'export', 'verify', 'diff', 'migrate']) {
      const r = await cli([c, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`Usage: fwplan ${c}`));
      expect((await cli(['--help'])).stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    }
  });

  it('catalog --json is the contract\'s array, with the sources of rows outside the article', async () => {
    const rows = JSON.parse((await cli(['catalog', '--json'])).stdout) as Record<string, unknown>[];
    expect(rows.filter((r) => r.origin === 'article')).toHaveLength(50);
    expect(rows[0]).toMatchObject({ id: 'prd-ntp-udp-123', section: 'mgmt-out', protocol: 'udp', port: 123, source: 'PRD', destination: 'NTP' });
    expect(rows.find((r) => r.id === 'adminw-prd-tcp-59022')).toMatchObject({ source: 'ADMINW', destination: 'PRD', port: 59022, optional: false, origin: 'vendor-docs' });
    const text = (await cli(['catalog'])).stdout;
    expect(text).toMatch(/prd-mail-tcp-420 +TCP +420/);
    expect(text).toMatch(/adminw-prd-tcp-59022 .*\[not in the article\]\n +source: Orbit CLI/);
  });

  it('schema prints the version 2 plan\'s JSON Schema', async () => {
    const schema = JSON.parse((await cli(['schema'])).stdout) as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['version', 'name', 'cluster', 'nodes', 'roles', 'userGroups', 'deviceGroups', 'disabled', 'ports', 'changeRequest']));
    expect(schema.required).toContain('version');
  });

  it('lint: findings with paths, exit 1 on errors, 0 otherwise', async () => {
    const ok = await cli(['lint', single]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/warning +prd-dvc-tcp-7443: 7443\/tcp is kept/);
    const noPrd = await cli(['lint', 'p.json'], { 'p.json': '{"version":1,"roles":{"USERW":["10.0.0.0/8"]}}' });
    expect(noPrd.code).toBe(1);
    expect(noPrd.stdout).toMatch(/error +nodes: there is no PRD node/);
    expect(JSON.parse((await cli(['lint', single, '--json'])).stdout).findings.length).toBeGreaterThan(0);
  });

  it('an invalid entry, a hostname, host bits: errors that name them, exit 1 — and no export', async () => {
    const files = { 'bad.json': '{"version":1,"roles":{"PRD":["10.0.0.10"],"DVC":["10.0.0.300","vault-01.example.com","10.20.0.5/24"]}}' };
    const r = await cli(['lint', 'bad.json'], files);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/error +deviceGroups\[0\]\.entries\[0\]: "10\.0\.0\.300" is not a valid IPv4 address/);
    expect(r.stdout).toMatch(/error +deviceGroups\[0\]\.entries\[1\]: "vault-01\.example\.com" is a hostname/);
    expect(r.stdout).toMatch(/error +deviceGroups\[0\]\.entries\[2\]: "10\.20\.0\.5\/24" has host bits set: write 10\.20\.0\.5 for the one host, or 10\.20\.0\.0\/24 for the whole network/);
    const e = await cli(['export', 'bad.json', '--format', 'nftables'], files);
    expect(e.code).toBe(1);
    expect(e.stdout).toBe('');
    expect(e.stderr).toMatch(/no export: the plan has errors/);
  });

  it('a file that is not a plan: one line per problem naming the JSON path, exit 2, no stack trace', async () => {
    const r = await cli(['lint', 'bad.json'], { 'bad.json': '{"version":1,"roles":{"PRD":[42],"XYZ":[]},"ports":{"prd-mail-tcp-420":0}}' });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      'fwplan: bad.json: roles.PRD[0]: an entry is an address string or { "address", "label" }',
      'fwplan: bad.json: roles.XYZ: unknown role code (expected one of PRD, MBR, USERW, ADMINW, DVC, NTP, DNS, MAIL, LDAP, RADIUS, TACACS, LOG, BACKUP, ARB, NCAGENT, NMS, HSM, CA, MIRROR, LB, DOMUM)',
      'fwplan: bad.json: ports["prd-mail-tcp-420"]: a port is 1–65535',
    ]);
    const unreadable = await cli(['rules', join(tmp, 'missing.json')]);
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toMatch(/cannot read the file \(ENOENT\)/);
    expect((await cli(['rules', 'x.json'], { 'x.json': '{nope' })).stderr).toMatch(/\(file\): not valid JSON/);
  });

  it('reads a UTF-8 file with a byte order mark; refuses Latin-1 saying so', async () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...readFileSync(single)]);
    expect((await cli(['lint', 'bom.json'], { 'bom.json': bom })).code).toBe(0);
    const latin1 = new Uint8Array([...new TextEncoder().encode('{"version":2,"name":"S\u00e3o Paulo'), 0xe3, ...new TextEncoder().encode('"}')]);
    const r = await cli(['lint', 'l.json'], { 'l.json': latin1 });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\(file\): is not UTF-8 text \(byte 0xE3 at offset \d+\): save the plan file as UTF-8/);
  });

  it('shows control characters from the plan escaped: no line can be forged, no screen rewritten', async () => {
    const hostile = JSON.stringify({
      version: 1,
      roles: { PRD: [{ address: '192.0.2.10', label: 'x\r\nUSERW [0.0.0.0/0] -> CLUSTER\u001b]0;pwned\u0007\u001b[2J' }], DVC: ['10.0.0.300\u001b[2J\rok'] },
    });
    for (const args of [['lint', 'h.json'], ['rules', 'h.json'], ['export', 'h.json', '--format', 'csv']]) {
      const r = await cli(args, { 'h.json': hostile });
      // eslint-disable-next-line no-control-regex -- the point: none may come through
      expect(`${r.stdout}${r.stderr}`.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f]/);
    }
    const fixed = JSON.stringify({ version: 1, roles: { PRD: [{ address: '192.0.2.10', label: 'x\r\nUSERW [0.0.0.0/0] -> CLUSTER\u001b[2J' }], USERW: ['198.51.100.0/24'] } });
    const rules = (await cli(['rules', 'h.json'], { 'h.json': fixed })).stdout;
    expect(rules.split('\n').some((l) => l.startsWith('USERW [0.0.0.0/0]'))).toBe(false);
  });

  it('bad usage exits 2 with a message', async () => {
    expect((await cli(['frobnicate'])).code).toBe(2);
    expect((await cli(['export', single])).stderr).toMatch(/--format is required/);
    expect((await cli(['export', single, '--format', 'pf'])).stderr).toMatch(/unknown format/);
    expect((await cli(['export', single, '--format', 'nftables', '--scope', 'router'])).stderr).toMatch(/use gateway or host:NODE/);
    expect((await cli(['lint', single, '--format', 'csv'])).stderr).toMatch(/does not take --format/);
    expect((await cli(['export', single, '--format', 'csv', '--bogus'])).code).toBe(2);
    expect((await cli(['export', single, '--format', 'nftables', '--ipset'])).stderr).toMatch(/--ipset applies to --format iptables and ip6tables/);
  });

  it('export writes the export alone to stdout, findings to stderr', async () => {
    const r = await cli(['export', single, '--format', 'nftables', '--default-drop']);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('#!/usr/sbin/nft -f\n')).toBe(true);
    expect(r.stdout).toMatch(/policy drop;/);
    expect(r.stderr).toMatch(/fwplan: warning/);
    expect(r.stderr).toMatch(/nftables, gateway: \d+ plan rules/);
  });

  it('--out writes the file; a file that cannot be written is exit 2 for export and verify alike', async () => {
    const r = await cli(['export', single, '--format', 'csv', '--out', 'x.csv']);
    expect(r.stdout).toBe('');
    expect(r.written['x.csv']).toMatch(/^rule_id,section,service/);
    for (const args of [['export', single, '--format', 'csv'], ['verify', single]]) {
      const bad = await cli([...args, '--out', '/nonexistent/x.sh']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/--out \/nonexistent\/x\.sh: cannot write the file \(ENOENT\)/);
    }
  });

  it('host scope: a node by name or address; anything else is exit 2', async () => {
    expect((await cli(['export', objects, '--format', 'iptables', '--scope', 'host:vault-02'])).code).toBe(0);
    expect((await cli(['export', objects, '--format', 'iptables', '--scope', 'host:192.0.2.11'])).code).toBe(0);
    const r = await cli(['export', objects, '--format', 'iptables', '--scope', 'host:192.0.2.99']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not the address of a senhasegura node/);
  });

  it('rules lists rules and skips, entries as written', async () => {
    const r = await cli(['rules', single]);
    expect(r.stdout).toMatch(/prd-dvc-tcp-23 \(TELNET 23\/tcp\) is disabled in the plan/);
    const json = JSON.parse((await cli(['rules', single, '--json'])).stdout) as { rules: { ruleId: string }[] };
    expect(json.rules.some((x) => x.ruleId === 'userw-prd-tcp-443')).toBe(true);
  });

  it('verify prints an nc script with one check per flow', async () => {
    const r = await cli(['verify', single]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/check tcp 'userw-prd-tcp-443' nc -zv -w 3 192\.0\.2\.10 443/);
    expect(r.stdout).toMatch(/check udp 'prd-ntp-udp-123' nc -zuv -w 3 192\.0\.2\.1 123/);
    execFileSync('bash', ['-n'], { input: r.stdout });
  });

  it('diff: the flows a change adds and removes; exit 0 when equal, 1 when different, 2 for a file that is not a plan', async () => {
    const DIFFS = join(import.meta.dirname, '../../tests/fixtures/diffs');
    const same = await cli(['diff', join(DIFFS, 'old.json'), join(DIFFS, 'old.json')]);
    expect(same.code).toBe(0);
    expect(same.stdout).toMatch(/^0 flows added, 0 removed, \d+ unchanged/m);
    const r = await cli(['diff', join(DIFFS, 'old.json'), join(DIFFS, 'new.json')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^\+ +\d+ prd-dvc-tcp-3389 .*-> DVC Windows servers$/m);
    expect(r.stdout).toMatch(/^- +\d+ prd-dvc-tcp-22 /m);
    const json = JSON.parse((await cli(['diff', join(DIFFS, 'old.json'), join(DIFFS, 'new.json'), '--json'])).stdout) as { added: { destination: string }[] };
    expect(json.added.some((f) => f.destination === '203.0.113.9')).toBe(true);
    expect((await cli(['diff', join(DIFFS, 'old.json')])).code).toBe(2);
    expect((await cli(['diff', join(DIFFS, 'old.json'), 'x.json'], { 'x.json': '{' })).code).toBe(2);
  });

  it('migrate writes version 2 with the same flows', async () => {
    const r = await cli(['migrate', single]);
    expect(r.code).toBe(0);
    const v2 = JSON.parse(r.stdout) as { version: number };
    expect(v2.version).toBe(2);
    expect(r.stderr).toMatch(/upgraded from version 1 to version 2/);
    const before = JSON.parse((await cli(['rules', single, '--json'])).stdout) as { flows: number };
    const after = JSON.parse((await cli(['rules', 'm.json', '--json'], { 'm.json': r.stdout })).stdout) as { flows: number };
    expect(after.flows).toBe(before.flows);
  });

  it('runs as a real process through the package bin, reading stdin with -', async () => {
    const plan = readFileSync(single, 'utf8');
    const p = spawnSync('node', [BIN, 'export', '-', '--format', 'iptables'], { input: plan, encoding: 'utf8' });
    expect(p.status).toBe(0);
    expect(p.stdout).toMatch(/^\*filter$/m);
    const bad = spawnSync('node', [BIN, 'lint', '-'], { input: '{"version":3}', encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('fwplan: -: version: is 3: fwplan reads plan versions 1 and 2\n');
    writeFileSync(join(tmp, 'p.json'), plan);
  });

  it('stops reading at the size limit: /dev/zero and an endless pipe are refused quickly', async () => {
    for (const args of [[BIN, 'lint', '/dev/zero'], ['-e', `require('child_process').spawnSync('node', [${JSON.stringify(BIN)}, 'lint', '-'], { stdio: [require('fs').openSync('/dev/zero', 'r'), 'inherit', 'inherit'] }).status === 2 || process.exit(9)`]]) {
      const started = Date.now();
      const p = spawnSync('node', args, { encoding: 'utf8', timeout: 20_000 });
      expect(p.signal).toBeNull();
      expect(Date.now() - started).toBeLessThan(20_000);
      if (args[1] === 'lint') {
        expect(p.status).toBe(2);
        expect(p.stderr).toMatch(/larger than 64 MB/);
      } else {
        expect(p.status).toBe(0);
      }
    }
  });
});
