import { compressToEncodedURIComponent } from 'lz-string';
import { describe, expect, it } from 'vitest';
import { emptyPlan } from '../engine/index.ts';
import { parsePlan } from '../engine/schema.ts';
import { MAX_FRAGMENT_CHARS, decodePlanFragment, encodePlanFragment } from './share.ts';

describe('share link fragment', () => {
  it('round-trips a plan', () => {
    const parsed = parsePlan({ version: 1, name: 'HQ "vault" <b>', cluster: true, roles: { PRD: [{ address: '192.0.2.10', label: 'a&b' }], MBR: ['192.0.2.11'] } });
    if (!parsed.ok) throw new Error('fixture');
    const encoded = encodePlanFragment(parsed.plan);
    if (!encoded.ok) throw new Error(encoded.message);
    expect(encoded.fragment).toMatch(/^plan=[A-Za-z0-9+\-$]+$/);
    const decoded = decodePlanFragment(`#${encoded.fragment}`);
    expect(decoded).toEqual({ ok: true, plan: parsed.plan });
    // a link made by fwplan before plan version 2 opens, upgraded
    const old = decodePlanFragment(`plan=${compressToEncodedURIComponent(JSON.stringify({ version: 1, roles: { PRD: ['192.0.2.10'] } }))}`);
    expect(old?.ok && old.upgradedFrom).toBe(1);
  });

  it('ignores fragments that carry no plan', () => {
    expect(decodePlanFragment('')).toBeUndefined();
    expect(decodePlanFragment('#main')).toBeUndefined();
  });

  it('reports a damaged link', () => {
    const decoded = decodePlanFragment('#plan=%%%not-lz');
    expect(decoded?.ok).toBe(false);
  });

  it('reports a link that holds no plan by JSON path, and keeps invalid addresses for the findings', () => {
    const fragment = `plan=${compressToEncodedURIComponent(JSON.stringify({ version: 1, roles: { PRD: [42] } }))}`;
    const decoded = decodePlanFragment(fragment);
    expect(decoded?.ok).toBe(false);
    if (decoded && !decoded.ok) expect(decoded.errors[0]?.path).toBe('roles.PRD[0]');
    const typed = decodePlanFragment(`plan=${compressToEncodedURIComponent(JSON.stringify({ version: 2, roles: { NTP: ['10.0.0.300'] } }))}`);
    expect(typed?.ok && typed.plan.roles.NTP).toEqual(['10.0.0.300']);
  });

  it('refuses links over the size limit', () => {
    const decoded = decodePlanFragment(`#plan=${'A'.repeat(MAX_FRAGMENT_CHARS)}`);
    expect(decoded?.ok).toBe(false);
    if (decoded && !decoded.ok) expect(decoded.errors[0]?.message).toMatch(/2 MB/);
    expect(encodePlanFragment(emptyPlan()).ok).toBe(true);
  });
});
