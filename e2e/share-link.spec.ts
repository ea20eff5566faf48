import { expect, test } from '@playwright/test';
import LZString from 'lz-string';
import { AppPage } from './page-models/AppPage.ts';
import { PlanIoPage } from './page-models/PlanIoPage.ts';
import { RolesPage } from './page-models/RolesPage.ts';

test('a share link carries the plan in the fragment and asks before replacing a plan in progress', async ({ page, browser }) => {
  const app = new AppPage(page);
  const roles = new RolesPage(page);
  await app.open();
  await roles.loadExample();
  await app.planName.fill('Shared <plan> & "quotes"');
  const link = await new PlanIoPage(page).shareLink();
  expect(new URL(link).hash.startsWith('#plan=')).toBe(true);

  // someone with no plan yet: the shared plan opens at once
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  const otherApp = new AppPage(other);
  await otherApp.open(link);
  await expect(otherApp.planName).toHaveValue('Shared <plan> & "quotes"');
  await expect(new RolesPage(other).input('PRD')).toHaveValue('192.0.2.10, 2001:db8:10::10 # vault-01');
  await expect(new RolesPage(other).group('DVC', 0).name).toHaveValue('Windows servers');
  // a version 2 plan is opened as it is: no upgrade notice
  await expect(otherApp.upgradeNotice).toHaveCount(0);
  // the fragment is dropped from the address once read
  expect(new URL(other.url()).hash).toBe('');
  // the request for the page never carried the plan
  expect(otherApp.requests.every((u) => !u.includes('plan='))).toBe(true);
  expect(otherApp.foreignRequests()).toEqual([]);

  // someone with a plan in progress is asked first
  const otherRoles = new RolesPage(other);
  await otherRoles.paste('PRD', '198.51.100.7');
  await other.goto(link);
  const io = new PlanIoPage(other);
  await expect(io.replaceDialog).toBeVisible();
  await otherApp.screenshot('10-share-confirm', false);
  await io.replaceDialog.getByRole('button', { name: 'Keep my plan' }).click();
  await expect(otherRoles.input('PRD')).toHaveValue('198.51.100.7');

  await other.goto(link);
  await io.replaceDialog.getByRole('button', { name: 'Replace my plan' }).click();
  await expect(otherRoles.input('PRD')).toHaveValue('192.0.2.10, 2001:db8:10::10 # vault-01');
  await otherApp.undoWithKeyboard();
  await expect(otherRoles.input('PRD')).toHaveValue('198.51.100.7');

  // a damaged link is refused and changes nothing
  await other.goto(`${link.slice(0, link.indexOf('#'))}#plan=damaged`);
  await expect(io.loadFailure).toContainText('could not be unpacked');
  await io.loadFailure.getByRole('button', { name: 'Close' }).click();
  await expect(otherRoles.input('PRD')).toHaveValue('198.51.100.7');
  await fresh.close();
});

test('a share link made by version 1 still opens, upgraded, and says so', async ({ page }) => {
  const app = new AppPage(page);
  const roles = new RolesPage(page);
  const v1 = {
    version: 1,
    name: 'Old link',
    roles: {
      PRD: [{ address: '192.0.2.10', label: 'vault-01' }],
      USERW: ['198.51.100.0/24'],
      DVC: ['203.0.113.0/24'],
    },
  };
  await app.open(`/#plan=${LZString.compressToEncodedURIComponent(JSON.stringify(v1))}`);
  await expect(app.planName).toHaveValue('Old link');
  await expect(app.upgradeNotice).toBeVisible();
  await expect(app.upgradeNotice).toContainText('written in plan version 1');
  expect(await roles.nodeRows('PRD')).toEqual([['vault-01', '192.0.2.10', '—']]);
  await expect(roles.group('USERW', 0).input).toHaveValue('198.51.100.0/24');
  await expect(roles.group('DVC', 0).input).toHaveValue('203.0.113.0/24');
  await expect(roles.group('DVC', 0).name).toHaveValue('Managed devices');
  // the link the app makes of it now is a version 2 one
  const link = await new PlanIoPage(page).shareLink();
  const packed = new URL(link).hash.slice('#plan='.length);
  expect((JSON.parse(LZString.decompressFromEncodedURIComponent(packed)) as { version: number }).version).toBe(2);
});
