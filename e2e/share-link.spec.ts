import { expect, test } from '@playwright/test';
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
  await expect(new RolesPage(other).input('PRD')).toHaveValue('192.0.2.10 # vault-01');
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
  await expect(otherRoles.input('PRD')).toHaveValue('192.0.2.10 # vault-01');
  await otherApp.undoWithKeyboard();
  await expect(otherRoles.input('PRD')).toHaveValue('198.51.100.7');

  // a damaged link is refused and changes nothing
  await other.goto(`${link.slice(0, link.indexOf('#'))}#plan=damaged`);
  await expect(io.loadFailure).toContainText('could not be unpacked');
  await io.loadFailure.getByRole('button', { name: 'Close' }).click();
  await expect(otherRoles.input('PRD')).toHaveValue('198.51.100.7');
  await fresh.close();
});
