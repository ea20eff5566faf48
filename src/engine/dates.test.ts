import { describe, expect, it } from 'vitest';
import { addMonths, isDay, momentKey } from './dates.ts';
import { v2 } from './expand.test.ts';
import { expandPlan } from './expand.ts';
import { lintChangeRequest } from './lint.ts';

describe('dates of a change request', () => {
  it('reads days and moments strictly', () => {
    expect(isDay('2026-02-28')).toBe(true);
    expect(isDay('2026-02-29')).toBe(false);
    expect(isDay('2028-02-29')).toBe(true);
    expect(momentKey('2026-12-14 22:00 CET')).toBe('2026-12-14 22:00');
    expect(momentKey('2026-12-14T22:30+01:00')).toBe('2026-12-14 22:30');
    expect(momentKey('2026-12-14')).toBe('2026-12-14 00:00');
    for (const bad of ['yesterday-ish', '14/12/2026', '2026-12-14 24:00', '2026-13-01', 'tomorrow 10:00']) expect(momentKey(bad), bad).toBeUndefined();
    expect(addMonths('2026-08-31', 6)).toBe('2027-02-28');
    expect(addMonths('2026-11-30', 6)).toBe('2027-05-30');
  });

  it('refuses a window that is not one, names the field, and never blocks an export', () => {
    const plan = v2({ nodes: [{ name: 'a', role: 'PRD', addresses: ['192.0.2.10'] }], changeRequest: { windowStart: '2026-12-14 22:00', windowEnd: 'yesterday-ish', expiry: 'soon', reviewDate: '2027-02-30' } });
    const f = lintChangeRequest(plan, '2026-11-30');
    expect(f.map((x) => [x.path, x.severity])).toEqual([
      ['changeRequest.windowEnd', 'error'],
      ['changeRequest.expiry', 'error'],
      ['changeRequest.reviewDate', 'error'],
    ]);
    expect(f[0]?.message).toMatch(/"yesterday-ish" is not a date and time/);
    expect(expandPlan(plan).hasErrors).toBe(false);
    const backwards = lintChangeRequest(v2({ changeRequest: { windowStart: '2026-12-14 22:00', windowEnd: '2026-12-14 21:00' } }), '2026-11-30');
    expect(backwards[0]?.message).toMatch(/ends .* before it starts/);
  });

  it('leaves out a rule whose note expired before today, with a finding', () => {
    const plan = v2({
      nodes: [{ name: 'a', role: 'PRD', addresses: ['192.0.2.10'] }],
      userGroups: [{ name: 'u', entries: ['198.51.100.0/24'], services: ['userw-prd-tcp-443', 'userw-prd-tcp-22'] }],
      changeRequest: { ruleNotes: { 'userw-prd-tcp-22': { expires: '2026-11-01' } } },
    });
    const rs = expandPlan(plan, { today: '2026-11-30' });
    expect(rs.rules.some((r) => r.ruleId === 'userw-prd-tcp-22')).toBe(false);
    expect(rs.skipped.find((s) => s.ruleId === 'userw-prd-tcp-22')?.reason).toEqual({ kind: 'expired', on: '2026-11-01' });
    expect(rs.findings.some((x) => x.code === 'rule-expired')).toBe(true);
    expect(expandPlan(plan, { today: '2026-10-30' }).rules.some((r) => r.ruleId === 'userw-prd-tcp-22')).toBe(true);
  });
});
