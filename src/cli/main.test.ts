import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, writeAll, type Io } from './main.ts';

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
const oldPlan = join(FIXTURES, '../deltas/old.json');
const newPlan = join(FIXTURES, '../deltas/new.json');
const objects = join(FIXTURES, 'objects.json');

describe('fwplan CLI', () => {
  it('prints help for every command, exit 0', async () => {
    for (const c of ['catalog', 'schema', 'lint', 'rules', 'export', 'delta', 'verify', 'diff', 'audit', 'migrate']) {
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

  it('exports for firewalls in the path place their policies by --from and --to, with each format\'s defaults in the help', async () => {
    const help = (await cli(['export', '--help'])).stdout;
    expect(help).toMatch(/fortigate: --from = srcintf .*, default any\n +--to = dstintf .*, default any/);
    expect(help).toMatch(/asa: --from = .*, default outside\n +--to = .*, default inside/);
    const placed = {
      fortigate: [/set srcintf "wan1"\n {8}set dstintf "port3"/, /set srcintf "any"\n {8}set dstintf "any"/],
      panos: [/ from "wan1" to "port3" /, / from any to any /],
      'panos-xml': [/<from>\s*<member>wan1<\/member>\s*<\/from>\s*<to>\s*<member>port3<\/member>/, /<from>\s*<member>any<\/member>/],
      asa: [/^access-group \S+ in interface wan1$/m, /^access-group \S+ in interface outside$/m],
    } as const;
    for (const [format, [given, byDefault]] of Object.entries(placed)) {
      const r = await cli(['export', objects, '--format', format, '--from', 'wan1', '--to', 'port3']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout, format).toMatch(given);
      expect((await cli(['export', objects, '--format', format])).stdout, format).toMatch(byDefault);
    }
    expect((await cli(['export', objects, '--format', 'nftables', '--from', 'wan1'])).stderr).toMatch(/--from applies to formats placed in the path: fortigate, panos, panos-xml, asa/);
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

  it('delta: the delta alone on stdout, a summary on stderr; a plan to itself changes nothing', async () => {
    const r = await cli(['delta', oldPlan, newPlan, '--format', 'nftables', '--default-drop']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.startsWith('#!/usr/bin/env bash\n# fwplan delta - nftables')).toBe(true);
    expect(r.stdout).toMatch(/\nnft -c -f "\$tx"\nnft -f "\$tx"\n/);
    expect(r.stderr).toMatch(/^fwplan: nftables delta, gateway: \d+ added, \d+ removed$/m);
    const ipt = await cli(['delta', oldPlan, newPlan, '--format', 'iptables', '--scope', 'host:vault-01', '--default-drop', '--ipset']);
    expect(ipt.code, ipt.stderr).toBe(0);
    expect(ipt.stdout).toMatch(/^\*filter\n(?:[:-].*\n)+COMMIT\n$/m);
    const sets = await cli(['delta', oldPlan, newPlan, '--format', 'ipset']);
    expect(sets.stderr).toMatch(/^fwplan: once the rule deltas are loaded: ipset destroy fwplan-site-/m);
    const same = await cli(['delta', newPlan, newPlan, '--format', 'ufw']);
    expect(same.code).toBe(0);
    expect(same.stdout).toMatch(/echo 'fwplan delta: nothing to change'/);
    expect(same.stderr).toMatch(/ufw delta, gateway: 0 added, 0 removed/);
    const out = await cli(['delta', oldPlan, newPlan, '--format', 'firewalld', '--out', 'd.sh']);
    expect(out.stdout).toBe('');
    expect(out.written['d.sh']).toMatch(/--remove-rich-rule=/);
  });

  it('delta: bad usage is exit 2, a plan with errors or a scope OLD lacks exit 1', async () => {
    const usage = async (args: string[], message: RegExp, files: Record<string, string> = {}) => {
      const r = await cli(['delta', ...args], files);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    };
    await usage([oldPlan, '--format', 'nftables'], /fwplan delta needs two plans: OLD NEW/);
    await usage([oldPlan, newPlan], /--format is required: iptables, ip6tables, nftables, ufw, firewalld, ipset/);
    await usage([oldPlan, newPlan, '--format', 'csv'], /--format csv: has no delta \(use iptables, ip6tables, nftables, ufw, firewalld, ipset\)/);
    await usage([oldPlan, newPlan, '--format', 'pf'], /--format pf: unknown format/);
    await usage([oldPlan, newPlan, single, '--format', 'nftables'], /unexpected argument/);
    await usage(['-', '-', '--format', 'nftables'], /only one of OLD and NEW can be standard input/);
    await usage([oldPlan, newPlan, '--format', 'nftables', '--ipset'], /--ipset applies to --format iptables and ip6tables/);
    await usage([oldPlan, newPlan, '--format', 'nftables', '--device-group', 'x'], /fwplan delta does not take --device-group/);
    const bad = { 'bad.json': '{"version":1,"roles":{"PRD":["10.0.0.10"],"DVC":["10.0.0.300"]}}' };
    const errors = await cli(['delta', oldPlan, 'bad.json', '--format', 'nftables'], bad);
    expect(errors.code).toBe(1);
    expect(errors.stdout).toBe('');
    expect(errors.stderr).toMatch(/^fwplan: NEW bad\.json: error +deviceGroups\[0\]\.entries\[0\]: "10\.0\.0\.300"/m);
    expect(errors.stderr).toMatch(/no delta: a plan has errors/);
    const scope = await cli(['delta', oldPlan, newPlan, '--format', 'nftables', '--scope', 'host:vault-03']);
    expect(scope.code).toBe(1);
    expect(scope.stderr).toMatch(/^fwplan: OLD plan: .*vault-03/m);
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

  it('audit: planned flows against what is loaded; exit 0 clean, 1 with differences, 2 for bad usage or files', async () => {
    const AUDIT = join(import.meta.dirname, '../../tests/fixtures/audit');
    const at = (f: string) => join(AUDIT, f);
    const clean = await cli(['audit', single, '--against', at('gateway-drop.iptables-save'), '--against', at('gateway-drop.ip6tables-save')]);
    expect(clean.stderr).toBe('');
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/^fwplan audit, gateway, against iptables-save \(.*gateway-drop\.iptables-save\), ip6tables-save \(/);
    expect(clean.stdout).toMatch(/^planned flows: (\d+) allowed, 0 blocked, 0 unknown \(of \1\)$/m);
    expect(clean.stdout).toMatch(/^beyond the plan: 0 /m);
    expect(clean.stdout).toMatch(/^result: every planned flow is allowed and nothing beyond the plan$/m);

    const changed = await cli(['audit', single, '--against', at('gateway-changed.iptables-save')]);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toMatch(/^blocked +prd-radius-udp-1812 +udp\/1812 +192\.0\.2\.10 \[PRD\] -> 192\.0\.2\.31 \[RADIUS\]\n +request udp 192\.0\.2\.10:49152 -> 192\.0\.2\.31:1812 \(forward\): dropped by iptables filter FORWARD: .*policy drop$/m);
    expect(changed.stdout).toMatch(/^beyond +tcp\/8443 +198\.51\.100\.200 \(helpdesk "jump" host\) \[USERW User workstations\] -> 192\.0\.2\.10 \[node vault-01\]\n +accepted by .*--dport 8443 -j ACCEPT$/m);
    expect(changed.stdout.match(/^(blocked|unknown|beyond) {2,}/gm)).toHaveLength(2);

    const json = JSON.parse((await cli(['audit', single, '--against', at('gateway-changed.iptables-save'), '--json'])).stdout) as {
      scope: string; clean: boolean; planned: Record<string, number>; flows: { status: string; ruleId: string }[]; beyond: { protocol: string; ports: number[] }[];
    };
    expect(json.scope).toBe('gateway');
    expect(json.clean).toBe(false);
    expect(json.planned.blocked).toBe(1);
    expect(json.flows.filter((f) => f.status === 'blocked').map((f) => f.ruleId)).toEqual(['prd-radius-udp-1812']);
    expect(json.beyond).toMatchObject([{ protocol: 'tcp', ports: [8443] }]);

    // host scope by name, nft JSON
    const host = await cli(['audit', single, '--scope', 'host:vault-01', '--against', at('host-drop.nft.json')]);
    expect(host.code).toBe(0);
    expect(host.stdout).toMatch(/^fwplan audit, host:vault-01, against nft -j list ruleset /);

    // refused: nft text, no --against, unreadable, two of a kind, a scope the plan lacks, a plan with errors
    const text = await cli(['audit', single, '--against', at('host-drop.nft.txt')]);
    expect(text.code).toBe(2);
    expect(text.stderr).toMatch(/host-drop\.nft\.txt: this is nft's text listing: give its JSON form instead, as `nft -j list ruleset` prints it/);
    const none = await cli(['audit', single]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--against FILE is required/);
    const missing = await cli(['audit', single, '--against', join(tmp, 'nope.rules')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--against .*nope\.rules: cannot read the file \(ENOENT\)/);
    const twice = await cli(['audit', single, '--against', at('gateway-drop.iptables-save'), '--against', at('gateway-changed.iptables-save')]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/a second iptables-save output/);
    const scope = await cli(['audit', single, '--scope', 'host:nobody', '--against', at('gateway-drop.iptables-save')]);
    expect(scope.code).toBe(2);
    expect(scope.stderr).toMatch(/--scope host:nobody: no node is named "nobody"/);
    const bad = await cli(['audit', 'bad.json', '--against', at('gateway-drop.iptables-save')], { 'bad.json': '{"version":1,"roles":{"PRD":["10.0.0.10"],"DVC":["10.0.0.300"]}}' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no audit: the plan has errors/);
    expect((await cli(['audit', single, '--against', at('gateway-drop.iptables-save'), '--format', 'csv'])).stderr).toMatch(/does not take --format/);
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

  it('the built bin loads the schema and the audit from their own files: the same output as in process', async () => {
    const AUDIT = join(import.meta.dirname, '../../tests/fixtures/audit');
    const bad = join(tmp, 'refused.json');
    writeFileSync(bad, '{"version":2,"name":5,"nodes":[]}');
    for (const args of [
      ['schema'],
      ['lint', bad],
      ['audit', single, '--against', join(AUDIT, 'gateway-changed.iptables-save')],
      ['audit', single, '--scope', 'host:vault-01', '--against', join(AUDIT, 'host-drop.nft.json'), '--json'],
    ]) {
      const p = spawnSync('node', [BIN, ...args], { encoding: 'utf8' });
      const r = await cli(args);
      expect({ args, status: p.status, stdout: p.stdout, stderr: p.stderr }).toEqual({ args, status: r.code, stdout: r.stdout, stderr: r.stderr });
    }
  });

  it('stops quietly when the reader closes the pipe early (fwplan export … | head -1)', () => {
    const many = JSON.stringify({ version: 2, name: 'pipe', cluster: false, nodes: [{ name: 'vault-01', role: 'PRD', addresses: ['192.0.2.10'] }],
      deviceGroups: [{ name: 'Devices', entries: Array.from({ length: 20000 }, (_, i) => `10.${i >> 7}.0.${(i & 127) * 2 + 1}`), services: ['prd-dvc-tcp-22'] }] });
    const file = join(tmp, 'pipe.json');
    writeFileSync(file, many);
    const p = spawnSync('bash', ['-c', `set -o pipefail; node ${JSON.stringify(BIN)} export ${JSON.stringify(file)} --format iptables 2>"$1" | head -c 100 >/dev/null; echo "status=$?"`, 'x', join(tmp, 'pipe.err')], { encoding: 'utf8' });
    expect(p.stdout.trim()).toBe('status=0');
    expect(readFileSync(join(tmp, 'pipe.err'), 'utf8')).not.toMatch(/EPIPE|Error|at /);
  });

  it('writes every byte: a partial write goes on with the rest, a full non-blocking pipe (EAGAIN) is waited for', () => {
    const text = `${'é'.repeat(5000)}x\n`;
    const got: number[] = [];
    let calls = 0;
    writeAll(1, text, (fd, bytes, offset, length) => {
      expect(fd).toBe(1);
      calls++;
      if (calls % 3 === 0) throw Object.assign(new Error('EAGAIN: resource temporarily unavailable, write'), { code: 'EAGAIN' });
      // a pipe takes what fits: here at most 777 bytes a call, split inside a character
      const n = Math.min(length, 777);
      got.push(...bytes.subarray(offset, offset + n));
      return n;
    });
    expect(Buffer.from(got).toString('utf8')).toBe(text);
    expect(calls).toBeGreaterThan(15);
    // other errors are not swallowed; a closed standard error drops the message
    expect(() => writeAll(1, 'x', () => { throw Object.assign(new Error('EIO'), { code: 'EIO' }); })).toThrow('EIO');
    expect(() => writeAll(2, 'x', () => { throw Object.assign(new Error('EPIPE'), { code: 'EPIPE' }); })).not.toThrow();
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
