import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { AppPage } from './page-models/AppPage.ts';
import { PlanIoPage } from './page-models/PlanIoPage.ts';

const fixture = (path: string) => readFileSync(new URL(`../tests/fixtures/${path}`, import.meta.url), 'utf8');

test('Export: a loaded ruleset dropped or picked is audited in the page — blocked flow, beyond-the-plan flow, refusals', async ({ page }) => {
  const app = new AppPage(page);
  const io = new PlanIoPage(page);
  await app.open();
  await io.openFile('single-node.json', fixture('plans/single-node.json'));
  await expect(app.planName).toHaveValue('Branch office vault');
  await app.goTo('Export');

  // the audit's code is not loaded until it is opened
  const before = app.requests.filter((u) => /AuditPanel/.test(u));
  expect(before).toEqual([]);
  await page.getByRole('button', { name: 'Audit a loaded ruleset…' }).click();
  const panel = page.getByTestId('audit-panel');
  await expect(panel).toBeVisible();
  expect(app.requests.some((u) => /AuditPanel/.test(u))).toBe(true);

  // dropped on the zone: audited, not opened as a plan
  await io.dropFile('changed.rules', fixture('audit/gateway-changed.iptables-save'), panel.locator('[data-audit-drop]'));
  const result = page.getByTestId('audit-result');
  await expect(result.getByRole('status')).toContainText('1 blocked, 0 unknown and 55 allowed planned flows; 1 allowed beyond the plan.');
  // worked out in a worker of its own, not on the page's thread
  expect(app.requests.some((u) => /audit\.worker/.test(u))).toBe(true);
  const flows = result.getByRole('table', { name: 'Planned flows' });
  await expect(flows.locator('tbody tr').first()).toContainText('blocked');
  await expect(flows.locator('tbody tr').first()).toContainText('prd-radius-udp-1812');
  await expect(flows.locator('tbody tr').first()).toContainText('policy drop');
  const beyond = result.getByRole('table', { name: 'Allowed beyond the plan' });
  await expect(beyond.locator('tbody tr')).toHaveCount(1);
  await expect(beyond.locator('tbody tr')).toContainText('tcp/8443');
  await expect(beyond.locator('tbody tr')).toContainText('--dport 8443 -j ACCEPT');
  await expect(io.loadFailure).toHaveCount(0);
  await expect(app.planName).toHaveValue('Branch office vault');

  // picked with the file input: the clean export's read-back
  await panel.getByLabel('Ruleset files to audit').setInputFiles([
    { name: 'ipt.rules', mimeType: 'text/plain', buffer: Buffer.from(fixture('audit/gateway-drop.iptables-save')) },
    { name: 'ip6t.rules', mimeType: 'text/plain', buffer: Buffer.from(fixture('audit/gateway-drop.ip6tables-save')) },
  ]);
  await expect(result.getByRole('status')).toContainText('Every planned flow (56) is allowed, and nothing beyond the plan.');

  // nft's text listing is refused with the command that gives JSON
  await io.dropFile('nft.txt', fixture('audit/host-drop.nft.txt'), panel.locator('[data-audit-drop]'));
  await expect(page.getByTestId('audit-errors')).toContainText('nft -j list ruleset');
});
