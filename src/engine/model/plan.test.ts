import { describe, expect, it } from 'vitest';
import { formatPath, parsePlan, parsePlanText } from './parse.ts';

const errorsOf = (value: unknown) => {
  const r = parsePlan(value);
  if (r.ok) throw new Error('expected errors');
  return r.errors;
};

describe('plan schema', () => {
  it('accepts the contract example, strings and labelled entries alike', () => {
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
    expect(r.ok).toBe(true);
  });

  it('fills defaults for what a minimal plan leaves out', () => {
    const r = parsePlan({ version: 1 });
    expect(r).toEqual({ ok: true, plan: { version: 1, cluster: false, roles: {}, disabled: [], enabled: [], ports: {} } });
  });

  it('names the JSON path of every problem', () => {
    const errors = errorsOf({
      version: 2,
      roles: { FOO: ['10.0.0.1'], PRD: ['10.0.0.300', 'vault.example', { address: '10.0.0.1', colour: 'red' }] },
      disabled: ['no-such-rule'],
      ports: { 'prd-mail-tcp-420': 70000, 'made-up': 25 },
      surprise: true,
    });
    const paths = errors.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining([
      'version', 'roles.FOO', 'roles.PRD[0]', 'roles.PRD[1]', 'roles.PRD[2].colour', 'disabled[0]', 'ports["prd-mail-tcp-420"]', 'ports["made-up"]', 'surprise',
    ]));
    const msg = (path: string) => errors.find((e) => e.path === path)?.message;
    expect(msg('roles.FOO')).toMatch(/unknown role code/);
    expect(msg('roles.PRD[0]')).toMatch(/"10\.0\.0\.300"/);
    expect(msg('ports["prd-mail-tcp-420"]')).toMatch(/1–65535/);
    expect(msg('ports["made-up"]')).toMatch(/unknown rule id/);
    expect(msg('disabled[0]')).toMatch(/unknown rule id "no-such-rule"/);
  });

  it.each([0, 65536, 1.5, '25'])('refuses port %j', (port) => {
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
    const ctor = parsePlanText('{"version":1,"roles":{"constructor":["10.0.0.1"]}}');
    expect(ctor.ok).toBe(false);
    if (!ctor.ok) expect(ctor.errors.map((e) => e.path)).toEqual(['roles.constructor']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reports broken JSON and oversized files as file errors', () => {
    const broken = parsePlanText('{"version": 1,');
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.errors[0]?.path).toBe('(file)');
    const huge = parsePlanText(' '.repeat(9 * 1024 * 1024));
    expect(huge.ok).toBe(false);
    if (!huge.ok) expect(huge.errors[0]?.message).toMatch(/larger than/);
  });

  it('formats paths the way a person reads them', () => {
    expect(formatPath(['roles', 'PRD', 3, 'address'])).toBe('roles.PRD[3].address');
    expect(formatPath(['ports', 'prd-mail-tcp-420'])).toBe('ports["prd-mail-tcp-420"]');
    expect(formatPath([])).toBe('(plan)');
  });
});
