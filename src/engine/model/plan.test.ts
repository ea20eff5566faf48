import { describe, expect, it } from 'vitest';
import { MAX_PLAN_BYTES, decodePlanBytes, formatPath } from './parse.ts';
import { parsePlan, parsePlanText, PlanV1Schema } from './schema.ts';
import { migrateV1 } from './migrate.ts';

const errorsOf = (value: unknown) => {
  const r = parsePlan(value);
  if (r.ok) throw new Error('expected errors');
  return r.errors;
};

describe('plan schema', () => {
  it('reads the version 1 contract example and upgrades it', () => {
    const r = parsePlan({
      version: 1,
      name: 'HQ vault',
      cluster: true,
      roles: {
        PRD: ['10.0.0.10'],
        MBR: [{ address: '10.0.0.11', label: 'vault-02' }],
        USERW: ['10.10.0.0/16'],
        DVC: ['10.20.0.0/16', '2001:db8:20::/48'],
      },
      disabled: ['prd-dvc-tcp-23'],
      ports: { 'prd-mail-tcp-420': 587 },
      changeRequest: { changeId: 'CHG-1', type: 'new', category: 'normal' },
    });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.upgradedFrom).toBe(1);
    expect(r.plan.version).toBe(2);
    expect(r.plan.nodes).toEqual([
      { name: '10.0.0.10', role: 'PRD', addresses: ['10.0.0.10'] },
      { name: 'vault-02', role: 'MBR', addresses: ['10.0.0.11'] },
    ]);
    expect(r.plan.userGroups[0]?.entries).toEqual(['10.10.0.0/16']);
    expect(r.plan.deviceGroups[0]?.services).toContain('prd-dvc-tcp-3389');
  });

  it('reads the version 2 contract example as it is', () => {
    const v2 = {
      version: 2,
      name: 'HQ vault',
      cluster: true,
      nodes: [
        { name: 'vault-01', role: 'PRD', addresses: ['10.0.0.10', '2001:db8::10'] },
        { name: 'vault-02', role: 'MBR', addresses: ['10.0.0.11', '2001:db8::11'] },
      ],
      roles: { ADMINW: ['10.10.5.0/24'], NTP: ['10.0.1.1'] },
      userGroups: [
        { name: 'Administrators', entries: ['10.10.5.0/24'], services: ['userw-prd-tcp-443', 'userw-prd-tcp-22', 'userw-prd-tcp-3389'] },
        { name: 'Everyone', entries: ['10.10.0.0/16'], services: ['userw-prd-tcp-443'] },
      ],
      deviceGroups: [
        { name: 'Windows servers', entries: [{ address: '10.20.2.5', label: 'dc01' }, '10.20.1.0/24'], services: ['prd-dvc-tcp-3389', 'prd-dvc-tcp-135', 'prd-dvc-tcp-139', 'prd-dvc-tcp-445'] },
        { name: 'Network devices', entries: ['10.30.0.0/24'], services: ['prd-dvc-tcp-22'] },
      ],
      disabled: [], enabled: [], ports: {}, changeRequest: {},
    };
    const r = parsePlan(v2);
    expect(r).toEqual({ ok: true, plan: { ...v2, customFlows: [] } });
  });

  it('fills defaults for what a minimal plan leaves out', () => {
    expect(parsePlan({ version: 2 })).toEqual({ ok: true, plan: { version: 2, cluster: false, nodes: [], roles: {}, userGroups: [], deviceGroups: [], customFlows: [], disabled: [], enabled: [], ports: {} } });
  });

  it('keeps what the user typed: invalid addresses are not schema errors (lint reports them)', () => {
    const r = parsePlan({ version: 1, roles: { PRD: ['10.0.0.300'], DVC: ['vault.example.com', '10.0.0.5/24'] } });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.plan.deviceGroups[0]?.entries).toEqual(['vault.example.com', '10.0.0.5/24']);
  });

  it('names the JSON path of every structural problem', () => {
    const errors = errorsOf({
      version: 1,
      roles: { FOO: ['10.0.0.1'], PRD: [42, { address: '10.0.0.1', colour: 'red' }] },
      disabled: ['no-such-rule'],
      ports: { 'prd-mail-tcp-420': 70000, 'made-up': 25 },
      surprise: true,
    });
    const paths = errors.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['roles.FOO', 'roles.PRD[0]', 'roles.PRD[1].colour', 'disabled[0]', 'ports["prd-mail-tcp-420"]', 'ports["made-up"]', 'surprise']));
    const msg = (path: string) => errors.find((e) => e.path === path)?.message;
    expect(msg('roles.FOO')).toMatch(/unknown role code/);
    expect(msg('ports["prd-mail-tcp-420"]')).toMatch(/1–65535/);
    expect(msg('ports["made-up"]')).toMatch(/unknown rule id/);
    expect(msg('disabled[0]')).toMatch(/unknown rule id "no-such-rule"/);
  });

  it('says where version 1 roles went in version 2', () => {
    const errors = errorsOf({ version: 2, roles: { PRD: ['10.0.0.1'], DVC: [] } });
    expect(errors.find((e) => e.path === 'roles.PRD')?.message).toMatch(/"nodes"/);
    expect(errors.find((e) => e.path === 'roles.DVC')?.message).toMatch(/deviceGroups/);
  });

  it.each([0, 3, '2', undefined])('refuses version %j', (version) => {
    expect(errorsOf({ version })[0]?.path).toBe('version');
  });

  it.each([0, 65536, 1.5, '5100-5000', 'smtp', true])('refuses port %j', (port) => {
    expect(errorsOf({ version: 1, ports: { 'prd-mail-tcp-420': port } })[0]?.path).toBe('ports["prd-mail-tcp-420"]');
  });

  it('only lists optional rules in "enabled"', () => {
    expect(errorsOf({ version: 1, enabled: ['prd-dvc-tcp-22'] })[0]?.path).toBe('enabled[0]');
    expect(parsePlan({ version: 1, enabled: ['prd-mbr-tcp-4248'] }).ok).toBe(true);
  });

  it('cannot be polluted through __proto__ or constructor keys', () => {
    const r = parsePlanText('{"version":1,"__proto__":{"polluted":true},"roles":{"__proto__":["10.0.0.1"],"constructor":[]}}');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.path)).toEqual(['__proto__', 'roles.__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('walks deeply nested hostile JSON without exhausting the stack', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(parsePlanText(`{"version":2,"name":${deep}}`).ok).toBe(false);
  });

  it('reports broken JSON and oversized files as file errors', () => {
    const broken = parsePlanText('{"version": 1,');
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.errors[0]?.path).toBe('(file)');
    const huge = parsePlanText(' '.repeat(MAX_PLAN_BYTES + 1));
    expect(huge.ok).toBe(false);
    if (!huge.ok) expect(huge.errors[0]?.message).toMatch(/larger than/);
  });

  it('accepts a UTF-8 byte order mark, and refuses a file that is not UTF-8 with a message that says so', () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('{"version":2,"name":"caf\u00e9"}')]);
    const decoded = decodePlanBytes(bom);
    if (!decoded.ok) throw new Error('BOM refused');
    const r = parsePlanText(decoded.text);
    expect(r.ok && r.plan.name).toBe('café');
    expect(parsePlanText('\ufeff{"version":2}').ok).toBe(true);
    const latin1 = new Uint8Array([...new TextEncoder().encode('{"version":2,"name":"caf'), 0xe9, ...new TextEncoder().encode('"}')]);
    const bad = decodePlanBytes(latin1);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors[0]?.message).toBe('is not UTF-8 text (byte 0xE9 at offset 24): save the plan file as UTF-8');
  });

  it('formats paths the way a person reads them', () => {
    expect(formatPath(['nodes', 3, 'addresses', 0])).toBe('nodes[3].addresses[0]');
    expect(formatPath(['ports', 'prd-mail-tcp-420'])).toBe('ports["prd-mail-tcp-420"]');
    expect(formatPath([])).toBe('(plan)');
  });
});

describe('migrating version 1', () => {
  const migrate = (roles: Record<string, unknown>) => migrateV1(PlanV1Schema.parse({ version: 1, roles }));

  it('makes one node of the entries of one label with different families', () => {
    const p = migrate({ PRD: [{ address: '10.0.0.10', label: 'vault-01' }, { address: '2001:db8::10', label: 'vault-01' }, '10.0.0.20'] });
    expect(p.nodes).toEqual([
      { name: 'vault-01', role: 'PRD', addresses: ['10.0.0.10', '2001:db8::10'] },
      { name: '10.0.0.20', role: 'PRD', addresses: ['10.0.0.20'] },
    ]);
  });

  it('keeps entries of one label and one family apart, with unique names', () => {
    const p = migrate({ PRD: [{ address: '10.0.0.10', label: 'x' }], MBR: [{ address: '10.0.0.11', label: 'x' }, { address: '10.0.0.12', label: 'x' }] });
    expect(p.nodes.map((n) => n.name)).toEqual(['x', 'x (2)', 'x (3)']);
  });

  it('keeps an entry that is not an address, so nothing typed is lost', () => {
    const p = migrate({ PRD: ['10.0.0.10', 'vault-02.example'], NTP: ['not an address'] });
    expect(p.nodes.map((n) => n.addresses)).toEqual([['10.0.0.10'], ['vault-02.example']]);
    expect(p.roles.NTP).toEqual(['not an address']);
  });
});
