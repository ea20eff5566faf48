import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTarget, expandPlan, SENHASEGURA_CATALOG, type Plan } from '../engine/index.ts';
import { parsePlan, parsePlanText } from '../engine/schema.ts';
import { renderSheetMarkdown } from './markdown.ts';
import { buildSheet, INLINE_MAX, PROXY_NOTE, ranges, sheetFileName, suggestions, VERIFY_FULL_MAX, type Enforcement, type Sheet } from './model.ts';
import { mdFence, mdParagraphs, formatCount } from './text.ts';

const FIXTURES = join(import.meta.dirname, '..', '..', 'tests', 'fixtures', 'plans');

function fixture(name: string): Plan {
  const parsed = parsePlanText(readFileSync(join(FIXTURES, `${name}.json`), 'utf8'));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.plan;
}

function plan(input: Record<string, unknown>): Plan {
  const parsed = parsePlan(input);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.plan;
}

function sheetOf(p: Plan, enforcement?: Enforcement): Sheet {
  return buildSheet(p, expandPlan(p), { date: '2025-06-01' }, enforcement);
}

/** 5,000 /32s two apart, so none merge with a neighbour. */
function devices(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `10.20.${Math.floor(i / 128)}.${(i % 128) * 2}`);
}

const HOSTILE = '<script>alert(1)</script> | pipe\n# heading `tick` *bold* [link](javascript:x)';

/** Every Markdown table line has exactly as many unescaped pipes as its header. */
function checkMarkdownTables(md: string): void {
  const lines = md.split('\n');
  let width = -1;
  for (const line of lines) {
    if (!line.startsWith('|')) {
      width = -1;
      continue;
    }
    const pipes = (line.match(/(?<!\\)\|/g) ?? []).length;
    if (width === -1) width = pipes;
    else expect(pipes, line).toBe(width);
  }
}

describe('sheet model', () => {
  it('numbers every expanded rule once, in section order, and lists every skipped catalog row', () => {
    for (const name of ['single-node', 'cluster-ipv6', 'large']) {
      const p = fixture(name);
      const ruleSet = expandPlan(p);
      const sheet = buildSheet(p, ruleSet, { date: '2025-06-01' });
      const rows = sheet.sections.flatMap((s) => s.rows);
      expect(rows.map((r) => r.n)).toEqual(rows.map((_, i) => i + 1));
      expect(new Set(rows.map((r) => r.key))).toEqual(new Set(ruleSet.rules.map((r) => r.key)));
      expect(sheet.skipped.map((s) => s.ruleId)).toEqual(ruleSet.skipped.map((s) => s.ruleId));
      expect(sheet.summary.rules).toBe(ruleSet.rules.length);
      // every catalog row is either covered by a rule or listed as skipped
      const covered = new Set(rows.flatMap((r) => r.ruleIds));
      for (const rule of SENHASEGURA_CATALOG) {
        expect(covered.has(rule.id) || sheet.skipped.some((s) => s.ruleId === rule.id), rule.id).toBe(true);
      }
    }
  });

  it('reports what differs from the vendor defaults', () => {
    const sheet = sheetOf(fixture('single-node'));
    expect(sheet.summary.disabled.map((d) => d.id)).toEqual(['prd-dvc-tcp-23']);
    expect(sheet.summary.portOverrides).toEqual([expect.objectContaining({ id: 'prd-mail-tcp-420', articlePort: 420, port: 587 })]);
    const cluster = sheetOf(fixture('cluster-ipv6'));
    expect(cluster.summary.optionalEnabled.map((d) => d.id)).toEqual(['prd-mbr-tcp-4248', 'mbr-prd-tcp-4248']);
    expect(cluster.summary.cluster).toBe(true);
    // six node lines with different labels per family: six nodes (the engine warns they may be three machines)
    expect(cluster.summary.nodes).toBe(6);
    // skipped rules are their own section, not repeated among the findings
    const clusterSkips = new Set(expandPlan(fixture('cluster-ipv6')).skipped.map((x) => x.message));
    expect(cluster.summary.findings.some((f) => clusterSkips.has(f.message))).toBe(false);
    // a finding names the rule it is about
    const ldap = sheet.summary.findings.find((f) => f.message.includes('LDAP without TLS'));
    expect(ldap?.subject ?? ldap?.message).toContain('prd-ldap-tcp-389');
    const row = sheet.sections.flatMap((s) => s.rows).find((r) => r.ruleIds.includes('prd-mail-tcp-420'));
    expect(row?.port).toBe(587);
    expect(row?.notes).toContain("port 587 instead of the article's 420");
  });

  it('fills every field it can from the plan, and the change request overrides the suggestion', () => {
    const p = fixture('cluster-ipv6');
    const s = suggestions(p, expandPlan(p));
    expect(s.implementation).toContain(PROXY_NOTE);
    expect(s.justification).toContain('3 managed device addresses or networks');
    expect(s.approvers.map((a) => a.role)).toEqual(['Requester', 'Network', 'Security', 'Change board']);
    expect(s.risk).toMatch(/Clear-text protocols allowed: .*TELNET 23\/tcp/);

    const sheet = sheetOf({ ...p, changeRequest: { changeId: 'CHG-7', risk: 'Low.', approvers: [{ role: 'CAB', name: 'Ana' }] } });
    expect(sheet.request.changeId).toBe('CHG-7');
    expect(sheet.request.text.risk).toEqual({ value: 'Low.', suggested: false });
    expect(sheet.request.text.backout.suggested).toBe(true);
    expect(sheet.request.approvers).toEqual([{ role: 'CAB', name: 'Ana' }]);
    expect(sheet.request.title).toBe(s.title);
    // the requester's box carries the requester's name unless another is given
    const named = sheetOf({ ...p, changeRequest: { requesterName: 'Ana' } });
    expect(named.request.approvers).toEqual([
      { role: 'Requester', name: 'Ana' },
      { role: 'Network', name: '' },
      { role: 'Security', name: '' },
      { role: 'Change board', name: '' },
    ]);
  });

  it('writes small address sets into the row and large ones as one address group', () => {
    const p = plan({ version: 1, name: 'big', cluster: true, roles: { PRD: ['192.0.2.10'], MBR: ['192.0.2.11', '192.0.2.12'], DVC: devices(5000), USERW: ['198.51.100.0/24'] } });
    const sheet = sheetOf(p);
    const deviceRows = sheet.sections.find((s) => s.id === 'devices')?.rows ?? [];
    expect(deviceRows).toHaveLength(12);
    for (const row of deviceRows) {
      expect(row.source.addresses?.map((a) => a.address)).toEqual(['192.0.2.10', '192.0.2.11', '192.0.2.12']);
      expect(row.destination.addresses).toBeUndefined();
      expect(row.destination.group).toBe('G1');
      expect(row.flows).toBe(15000);
    }
    expect(sheet.groups).toHaveLength(1);
    expect(sheet.groups[0]?.addresses).toHaveLength(5000);
    expect(ranges(sheet.groups[0]?.usedBy ?? [])).toBe(`${deviceRows[0]?.n}–${deviceRows[11]?.n}`);
    // far too many checks to print: one per rule
    expect(sheet.verification.sampled).toBe(true);
    expect(sheet.verification.blocks.flatMap((b) => b.checks)).toHaveLength(sheet.summary.rules);
    expect(sheet.verification.total).toBe(sheet.sections.flatMap((s) => s.rows).reduce((sum, r) => sum + r.flows, 0));
    expect(sheet.summary.rules).toBeGreaterThan(INLINE_MAX);
  });

  it('prints every check of a small plan, aiming at a real host', () => {
    const sheet = sheetOf(fixture('single-node'));
    expect(sheet.verification.total).toBeLessThanOrEqual(VERIFY_FULL_MAX);
    expect(sheet.verification.sampled).toBe(false);
    const checks = sheet.verification.blocks.flatMap((b) => b.checks);
    expect(checks).toHaveLength(sheet.verification.total);
    expect(checks).toContainEqual({ rule: expect.any(Number), command: 'nc -zuv -w 3 192.0.2.1 123' });
    expect(checks).toContainEqual(expect.objectContaining({ command: 'nc -zv -w 3 203.0.113.1 22', note: 'first host of 203.0.113.0/26' }));
  });
});

describe('markdown', () => {
  it('carries every enabled rule, skipped rule, approval and the vendor note', () => {
    const p = fixture('single-node');
    const sheet = sheetOf(p);
    const md = renderSheetMarkdown(sheet);
    for (const rule of expandPlan(p).rules) expect(md).toContain(`\`${rule.ruleId}\``);
    for (const s of sheet.skipped) expect(md).toContain(`\`${s.ruleId}\``);
    for (const role of ['Requester', 'Network', 'Security', 'Change board']) expect(md).toMatch(new RegExp(`^\\| ${role} \\|`, 'm'));
    expect(md).toContain('## 11. Closure');
    expect(md).toContain('Fajita');
    expect(md).toContain('| 3 | ALLOW | **PRD** (senhasegura primary): 192.0.2.10 (vault-01) | **MAIL** (mail servers): 192.0.2.25 | TCP (IPv4) | 587 |');
    expect(sheetFileName(sheet, 'md')).toBe('branch-office-vault-change-request.md');
    checkMarkdownTables(md);
  });

  it('cannot be broken by hostile labels and texts', () => {
    const p = plan({
      version: 1,
      name: HOSTILE.slice(0, 100),
      roles: { PRD: [{ address: '192.0.2.10', label: HOSTILE }], DVC: [{ address: '203.0.113.5', label: 'a|b\nc' }] },
      changeRequest: { changeId: 'CHG|1\n## x', justification: '- not a list\n1. not a list\n> not a quote\n```\nno fence', approvers: [{ role: 'Sec|urity', name: '<b>x</b>' }] },
    });
    const md = renderSheetMarkdown(sheetOf(p));
    expect(md).not.toMatch(/<script|<b>|<img/i);
    expect(md).toContain('&lt;script&gt;');
    checkMarkdownTables(md);
    // nothing the user wrote starts a heading, list, quote or fence
    const lines = md.split('\n');
    expect(lines.filter((l) => /^#/.test(l)).every((l) => /^#{1,3} (Firewall change request|\d+\.|[A-Z]|G\d|senhasegura nodes)/.test(l))).toBe(true);
    expect(lines).toContain('\\- not a list  ');
    expect(lines).toContain('1\\. not a list  ');
    expect(lines).toContain('&gt; not a quote  ');
    expect(lines).toContain('\\`\\`\\`  ');
    // the only fences are the command blocks, each opened and closed
    const fences = lines.filter((l) => l.startsWith('```'));
    expect(fences.length).toBeGreaterThan(0);
    expect(fences).toEqual(fences.map((_, i) => (i % 2 === 0 ? '```sh' : '```')));
    expect(md).toContain('CHG\\|1 \\#\\# x');
  });

  it('lists every address of a 5,000-address group exactly once', () => {
    const p = plan({ version: 1, cluster: true, roles: { PRD: ['192.0.2.10'], MBR: ['192.0.2.11', '192.0.2.12'], DVC: devices(5000) } });
    const md = renderSheetMarkdown(sheetOf(p));
    const listed = new Map<string, number>();
    for (const m of md.matchAll(/^\| \d+ \| ([0-9.]+) \| /gm)) listed.set(m[1] ?? '', (listed.get(m[1] ?? '') ?? 0) + 1);
    expect(listed.size).toBe(5000);
    for (const a of devices(5000)) expect(listed.get(a), a).toBe(1);
    checkMarkdownTables(md);
  });
});

describe('text helpers', () => {
  it('aims checks at a host of each network', () => {
    const target = (text: string) => {
      const p = plan({ version: 1, roles: { PRD: ['192.0.2.9'], DVC: [text] } });
      const n = expandPlan(p).deviceGroups[0]?.entries[0];
      if (!n) throw new Error('no entry');
      return checkTarget(n.network);
    };
    expect(target('192.0.2.10')).toEqual({ host: '192.0.2.10' });
    expect(target('192.0.2.0/24')).toEqual({ host: '192.0.2.1', firstHostOf: '192.0.2.0/24' });
    expect(target('2001:db8:200::/48')).toEqual({ host: '2001:db8:200::1', firstHostOf: '2001:db8:200::/48' });
    expect(target('2001:db8::/127')).toEqual({ host: '2001:db8::' });
  });

  it('escapes Markdown paragraphs and fences', () => {
    expect(mdParagraphs('- a\n+ b\n2) c\n= d\n\n\nplain')).toBe('\\- a  \n\\+ b  \n2\\) c  \n\\= d\n\nplain');
    expect(mdFence('a ```` b')).toBe('`````');
    expect(mdFence('none')).toBe('```');
    expect(formatCount(1234567)).toBe('1,234,567');
  });
});

describe('how the change is applied (issue 16)', () => {
  const p = fixture('objects');
  it('names the enforcement point and the apply mode, and the risk and back-out follow them', () => {
    const gw = sheetOf(p);
    expect(gw.apply.where).toMatch(/gateway between the zones/);
    expect(gw.apply.mode).toMatch(/only adds ALLOW rules/);
    expect(gw.request.text.risk.value).toMatch(/only adds ALLOW rules/);
    const host = sheetOf(p, { scope: { kind: 'host', node: 'vault-02' }, defaultDrop: true, egress: 'filter' });
    expect(host.apply.where).toMatch(/host firewall of node vault-02 \(192\.0\.2\.11 and 2001:db8:10::11\)/);
    expect(host.apply.mode).toMatch(/complete policy: .*default drop.*admin shell from ADMINW/);
    expect(host.apply.egress).toMatch(/outbound traffic of the node is filtered/);
    expect(host.apply.otherNodes).toEqual(['vault-01', 'vault-03']);
    expect(host.request.text.risk.value).toMatch(/COMPLETE POLICY: everything not listed is dropped/);
    expect(host.request.text.risk.value).not.toMatch(/only adds ALLOW rules/);
    expect(host.request.text.implementation.value).toMatch(/--scope host:vault-02 --default-drop/);
    expect(host.request.text.backout.value).toMatch(/bash SCRIPT rollback/);
    const md = renderSheetMarkdown(host);
    expect(md).toMatch(/\| Apply mode \| \*\*Complete policy \(default drop\)\*\*/);
  });

  it.each(['modify', 'remove'] as const)('type %s does not say "Rules to allow" nor "only adds ALLOW rules"', (type) => {
    const sheet = sheetOf({ ...p, changeRequest: { type } });
    const md = renderSheetMarkdown(sheet);
    expect(md).not.toMatch(/Rules to allow/);
    expect(md).not.toMatch(/only adds ALLOW rules/);
    expect(md).toMatch(type === 'remove' ? /## \d+\. Rules to remove/ : /## \d+\. Rules after the change/);
    expect(md).toMatch(type === 'remove' ? /the change removes/ : /not a list of differences/);
  });

  it('lists nodes, groups with their services, and entries as written with their labels', () => {
    const sheet = sheetOf(p);
    expect(sheet.summary.nodeList.map((n) => [n.name, n.addresses.join(' ')])).toEqual([
      ['vault-01', '192.0.2.10 2001:db8:10::10'],
      ['vault-02', '192.0.2.11 2001:db8:10::11'],
      ['vault-03', '192.0.2.12 2001:db8:10::12'],
    ]);
    const windows = sheet.summary.roles.find((r) => r.group === 'Windows servers');
    expect(windows?.services).toEqual(['RDP 3389/tcp', 'RPC 135/tcp', 'RM 139/tcp', 'SMB 445/tcp']);
    const row = sheet.sections.flatMap((s) => s.rows).find((r) => r.ruleIds.includes('prd-dvc-tcp-3389') && r.destination.family === 4);
    expect(row?.destination.name).toBe('DVC Windows servers');
    expect(row?.destination.addresses).toEqual([{ address: '203.0.113.5', label: 'dc01' }, { address: '203.0.113.64/26' }]);
  });

  it('says that a plan with errors cannot be implemented, and counts its invalid entries', () => {
    const broken = plan({ version: 1, roles: { PRD: ['192.0.2.10'], DVC: ['10.0.0.300', '203.0.113.5/24'] } });
    const sheet = sheetOf(broken);
    expect(sheet.summary.findingCounts.error).toBe(2);
    expect(sheet.summary.roles.find((r) => r.role === 'DVC')?.invalid).toBe(2);
    expect(renderSheetMarkdown(sheet)).toMatch(/The plan has 2 errors\*\* \(listed under Findings\): fwplan makes no export/);
  });
});

describe('change request v2 (issue 12)', () => {
  const p = fixture('objects');

  it('prints the delta for Modify and Remove against a baseline: rules to add, to remove, unchanged summed up', () => {
    const before = expandPlan(p);
    const changed = { ...p, disabled: [...p.disabled, 'userw-prd-tcp-3389'], changeRequest: { type: 'modify' as const } };
    const sheet = buildSheet(changed, expandPlan(changed), { date: '2026-11-30' }, undefined, { ruleSet: before, source: 'hq-before.fwplan.json' });
    expect(sheet.delta?.removed.map((r) => r.ruleIds[0])).toEqual(['userw-prd-tcp-3389', 'userw-prd-tcp-3389']);
    expect(sheet.delta?.added).toEqual([]);
    expect(sheet.delta?.removedFlows).toBe(6);
    const md = renderSheetMarkdown(sheet);
    expect(md).toMatch(/Compared with hq-before\.fwplan\.json: 0 flows added, 6 flows removed/);
    expect(md).toMatch(/### Rules to add \(0\)\n\nNone\./);
    expect(md).toMatch(/### Rules to remove \(2\)/);
    expect(md).not.toMatch(/Rules to allow/);
    // a New change ignores the baseline
    expect(buildSheet({ ...changed, changeRequest: { type: 'new' } }, expandPlan(changed), { date: '2026-11-30' }, undefined, { ruleSet: before, source: 'x' }).delta).toBeUndefined();
  });

  it('suggests a risk rating and priority from what the change does, and a review six months on', () => {
    const low = sheetOf(fixture('single-node'));
    expect(low.request.riskRating.suggested).toBe(true);
    expect(low.request.reviewDate).toEqual({ value: '2025-12-01', suggested: true });
    const drop = buildSheet(p, expandPlan(p), { date: '2026-08-31' }, { scope: { kind: 'host', node: 'vault-01' }, defaultDrop: true, egress: 'filter' });
    expect(['high', 'critical']).toContain(drop.request.riskRating.value);
    expect(drop.request.riskRating.reasons.join(' ')).toMatch(/default drop/);
    expect(drop.request.reviewDate.value).toBe('2027-02-28');
    const emergency = buildSheet({ ...p, changeRequest: { category: 'emergency' } }, expandPlan(p), { date: '2026-11-30' });
    expect(emergency.request.priority.value).toBe('urgent');
    const own = buildSheet({ ...p, changeRequest: { riskRating: 'low', priority: 'low', status: 'approved', reviewDate: '2027-01-15' } }, expandPlan(p), { date: '2026-11-30' });
    expect([own.request.riskRating.value, own.request.priority.value, own.request.status, own.request.reviewDate.value]).toEqual(['low', 'low', 'approved', '2027-01-15']);
  });

  it('prints each rule with its business need (the vendor reason unless written), owner and expiry', () => {
    const noted = { ...p, changeRequest: { ruleNotes: { 'prd-dvc-tcp-3389': { need: 'Admins manage the Windows servers', owner: 'Windows team', expires: '2027-06-30' } } } };
    const sheet = buildSheet(noted, expandPlan(noted), { date: '2026-11-30' });
    const row = sheet.sections.flatMap((s) => s.rows).find((r) => r.ruleIds[0] === 'prd-dvc-tcp-3389');
    expect([row?.need, row?.owner, row?.expires, row?.needSuggested]).toEqual(['Admins manage the Windows servers', 'Windows team', '2027-06-30', false]);
    const other = sheet.sections.flatMap((s) => s.rows).find((r) => r.ruleIds[0] === 'prd-dvc-tcp-22');
    expect([other?.need, other?.needSuggested]).toEqual(['Secure Shell', true]);
  });

  it('fills the board fields: effect of not implementing, enforcement points, post-implementation review', () => {
    const sheet = buildSheet({ ...p, changeRequest: { postReview: 'All checks passed on 2026-12-15.' } }, expandPlan(p), { date: '2026-11-30' });
    expect(sheet.request.text.notImplementing.value).toMatch(/cannot do its job/);
    expect(sheet.request.text.enforcementPoints.value).toMatch(/gateway/);
    const md = renderSheetMarkdown(sheet);
    expect(md).toMatch(/### Effect of not implementing/);
    expect(md).toMatch(/### Post-implementation review\n\nAll checks passed on 2026-12-15\./);
  });
});
