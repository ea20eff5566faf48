import { expect, test } from '@playwright/test';
import { AppPage } from './page-models/AppPage.ts';
import { PlanIoPage } from './page-models/PlanIoPage.ts';
import { RolesPage } from './page-models/RolesPage.ts';

test('a broken plan file is refused with its errors by JSON path, and nothing is overwritten', async ({ page }) => {
  const app = new AppPage(page);
  const roles = new RolesPage(page);
  const io = new PlanIoPage(page);
  await app.open();
  await roles.loadExample();
  await expect(roles.input('PRD')).toHaveValue('192.0.2.10 # vault-01');

  const broken = { version: 1, name: 'Broken', roles: { PRD: ['10.0.0.300'], FOO: ['192.0.2.1'] }, ports: { 'prd-mail-tcp-420': 70000 } };
  await io.openFile('broken-plan.json', JSON.stringify(broken));
  await expect(io.loadFailure).toBeVisible();
  await expect(io.loadFailure).toContainText('Nothing was changed');
  await expect(io.loadFailure.locator('li', { hasText: 'roles.PRD[0]' })).toContainText('not a valid IPv4 address');
  await expect(io.loadFailure.locator('li', { hasText: 'roles.FOO' })).toContainText('unknown role code');
  await expect(io.loadFailure.locator('li', { hasText: 'ports["prd-mail-tcp-420"]' })).toContainText('1–65535');
  await app.screenshot('09-import-error', false);
  await io.loadFailure.getByRole('button', { name: 'Close' }).click();

  await expect(app.planName).toHaveValue('Example vault');
  await expect(roles.input('PRD')).toHaveValue('192.0.2.10 # vault-01');

  await io.openFile('not-json.json', '{ "version": 1, ');
  await expect(io.loadFailure).toContainText('(file)');
  await expect(io.loadFailure).toContainText('not valid JSON');
  await io.loadFailure.getByRole('button', { name: 'Close' }).click();

  await io.openFile('huge.json', Buffer.alloc(8 * 1024 * 1024 + 1, 0x20));
  await expect(io.loadFailure).toContainText('limited to 8 MB');
  await io.loadFailure.getByRole('button', { name: 'Close' }).click();
  await expect(app.planName).toHaveValue('Example vault');
});

test('a saved plan file opens again through the picker and by drag and drop', async ({ page }) => {
  const app = new AppPage(page);
  const roles = new RolesPage(page);
  const io = new PlanIoPage(page);
  await app.open();
  await roles.loadExample();
  await roles.paste('RADIUS', '192.0.2.31 # radius "one"');
  const saved = await io.savePlanFile();
  expect(saved.fileName).toBe('example-vault.fwplan.json');
  const plan = JSON.parse(saved.text) as { version: number; roles: Record<string, unknown> };
  expect(plan.version).toBe(1);
  expect(plan.roles.RADIUS).toEqual([{ address: '192.0.2.31', label: 'radius "one"' }]);

  // start over (the app asks first), then drop the saved file on the page
  await io.toolbar.getByRole('button', { name: 'New' }).click();
  await expect(io.replaceDialog).toBeVisible();
  await io.replaceDialog.getByRole('button', { name: 'Start a new plan' }).click();
  await expect(roles.input('PRD')).toHaveValue('');

  await io.dropFile(saved.fileName, saved.text);
  await expect(roles.input('RADIUS')).toHaveValue('192.0.2.31 # radius "one"');
  await expect(app.planName).toHaveValue('Example vault');

  await io.toolbar.getByRole('button', { name: 'New' }).click();
  await io.replaceDialog.getByRole('button', { name: 'Start a new plan' }).click();
  await io.openFile(saved.fileName, saved.text);
  await expect(roles.input('RADIUS')).toHaveValue('192.0.2.31 # radius "one"');
  // opening a file is one undo step
  await app.undoWithKeyboard();
  await expect(roles.input('RADIUS')).toHaveValue('');
});

test('a text file dropped on a role box adds its addresses', async ({ page }) => {
  const app = new AppPage(page);
  const roles = new RolesPage(page);
  const io = new PlanIoPage(page);
  await app.open();
  await roles.paste('DVC', '203.0.113.1');
  await io.dropFile('devices.txt', '203.0.113.2\n203.0.113.3 # printer\n', roles.input('DVC'));
  await expect(roles.input('DVC')).toHaveValue('203.0.113.1\n203.0.113.2\n203.0.113.3 # printer\n');
  await roles.expectCount('DVC', 3);
});
