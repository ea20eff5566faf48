import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandPlan, type Plan } from '../../engine/index.ts';
import { parsePlan, parsePlanText } from '../../engine/schema.ts';
import { buildSheet, PROXY_NOTE, sheetFileName, type Sheet } from '../../sheet/model.ts';
import { escapeHtml } from '../../sheet/text.ts';
import { sheetDocument } from './sheetDocument.tsx';

/** The standalone HTML download is the app's own SheetView, rendered to static markup: one view, no twin. */

function plan(input: Record<string, unknown>): Plan {
  const parsed = parsePlan(input);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.plan;
}

function fixture(name: string): Plan {
  const parsed = parsePlanText(readFileSync(join(import.meta.dirname, '..', '..', '..', 'tests', 'fixtures', 'plans', `${name}.json`), 'utf8'));
  if (!parsed.ok) throw new Error(name);
  return parsed.plan;
}

function sheetOf(p: Plan): Sheet {
  return buildSheet(p, expandPlan(p), { date: '2025-06-01' });
}

/** 5,000 /32s two apart. */
function devices(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `10.20.${Math.floor(i / 128)}.${(i % 128) * 2}`);
}

describe('standalone html', () => {
  it('is one document with inline CSS, no script and a policy that forbids scripts', () => {
    const html = sheetDocument(sheetOf(fixture('cluster-ipv6')));
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    expect(html).not.toMatch(/<script|<link|src=|href=/i);
    expect(html).toContain('@page');
    expect(html).toContain('counter(pages)');
    expect(html).toContain('break-inside: avoid');
  });

  it('carries every enabled rule, every entry as written, skipped rules and approvals', () => {
    const p = fixture('objects');
    const ruleSet = expandPlan(p);
    const sheet = sheetOf(p);
    const html = sheetDocument(sheet);
    for (const rule of ruleSet.rules) {
      for (const id of rule.covers) expect(html).toContain(`<span class="crs-id">${id}</span>`);
      for (const e of [...rule.source.entries, ...rule.destination.entries]) expect(html).toContain(`<code>${escapeHtml(e.written)}</code>`);
    }
    expect((html.match(/<tr id="crs-rule-/g) ?? []).length).toBe(ruleSet.rules.length);
    for (const s of ruleSet.skipped) expect(html).toContain(`<span class="crs-id">${s.ruleId}</span>`);
    for (const role of ['Requester', 'Network', 'Security', 'Change board']) expect(html).toContain(`<p class="crs-box-title">${role}</p>`);
    expect(html).toContain('Works: every check passed');
    expect(html).toContain('Does not work: backed out');
    expect(html).toContain(escapeHtml(PROXY_NOTE).replace(/&#39;/g, '&#x27;'));
    expect(html).toContain('Where and how it is applied');
  });

  it('escapes every piece of user text', () => {
    const p = plan({
      version: 1,
      name: '"><script>alert(1)</script>',
      roles: { PRD: [{ address: '192.0.2.10', label: '<img src=x onerror=alert(1)>' }], USERW: [{ address: '198.51.100.7', label: "it's & <b>" }] },
      changeRequest: { changeId: '</style><script>x</script>', title: '<svg onload=alert(1)>', risk: 'line 1\n<iframe>', approvers: [{ role: '<u>r</u>', name: '"q"' }] },
    });
    const sheet = sheetOf(p);
    const html = sheetDocument(sheet);
    expect(html).not.toMatch(/<(script|img|svg|iframe|u)[\s>]/i);
    expect(html.match(/<\/style>/g)).toHaveLength(2);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('it&#x27;s &amp; &lt;b&gt;');
    expect(html).toContain('<p class="crs-text">line 1\n&lt;iframe&gt;</p>');
    expect(sheetFileName(sheet, 'html')).toBe('script-alert-1-script-style-script-x-script-change-request.html');
  });

  it('stays bounded for a three-node cluster with 5,000 device addresses', () => {
    const p = plan({ version: 1, name: 'DC', cluster: true, roles: { PRD: ['192.0.2.10'], MBR: ['192.0.2.11', '192.0.2.12'], DVC: devices(5000), USERW: ['198.51.100.0/24'] } });
    const html = sheetDocument(sheetOf(p));
    for (const a of [devices(5000)[0], devices(5000)[4999]]) expect(html).toContain(`<td>${a}</td>`);
    expect((html.match(/<td>10\.20\./g) ?? []).length).toBe(5000);
    // the 5,000 addresses are written once, not once per rule
    expect(html.length).toBeLessThan(700_000);
  });
});
