import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { expandPlan, parsePlan, parsePlanText, type Plan, type PlanInput } from '../../engine/index.ts';
import { renderSheetBody } from '../../sheet/html.ts';
import { buildSheet } from '../../sheet/model.ts';
import { SheetView } from './SheetView.tsx';

/**
 * The page in the app (React) and the standalone download (string HTML) are two renderings of one
 * sheet; they must say the same thing in the same order.
 */

function text(html: string): string {
  return html
    .replace(/<style>[\s\S]*?<\/style>/g, '')
    .replace(/<!-- -->/g, '')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, '');
}

function plan(input: PlanInput): Plan {
  const parsed = parsePlan(input);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.plan;
}

const fixtures = ['single-node', 'cluster-ipv6', 'large'].map((name) => {
  const parsed = parsePlanText(readFileSync(join(import.meta.dirname, '..', '..', '..', 'tests', 'fixtures', 'plans', `${name}.json`), 'utf8'));
  if (!parsed.ok) throw new Error(name);
  return [name, parsed.plan] as const;
});

describe('SheetView', () => {
  it.each(fixtures)('says what the standalone HTML says: %s', (_, p) => {
    const sheet = buildSheet(p, expandPlan(p), { date: '2025-06-01' });
    expect(text(renderToStaticMarkup(<SheetView sheet={sheet} />))).toBe(text(renderSheetBody(sheet)));
  });

  it('says the same for hostile text and an address group, and renders none of it as markup', () => {
    const p = plan({
      version: 1,
      name: '<script>alert(1)</script>',
      cluster: true,
      roles: {
        PRD: [{ address: '192.0.2.10', label: '<img src=x onerror=alert(1)>' }],
        MBR: ['192.0.2.11'],
        DVC: Array.from({ length: 300 }, (_, i) => `10.0.${Math.floor(i / 100)}.${(i % 100) * 2}`),
      },
      changeRequest: { changeId: 'CHG-1', risk: 'a\n<b>b</b>', approvers: [{ role: 'CAB', name: 'A & B' }] },
    });
    const sheet = buildSheet(p, expandPlan(p), { date: '2025-06-01' });
    expect(sheet.groups).toHaveLength(1);
    const markup = renderToStaticMarkup(<SheetView sheet={sheet} />);
    expect(markup).not.toMatch(/<(script|img)[\s>]/);
    expect(markup).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(text(markup)).toBe(text(renderSheetBody(sheet)));
  });
});
