import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { AppPage } from './page-models/AppPage.ts';
import { RolesPage } from './page-models/RolesPage.ts';
import { ServicesPage } from './page-models/ServicesPage.ts';

test('the plan is intact after a reload, typed mistakes included', async ({ page }) => {
  const app = new AppPage(page);
  const roles = new RolesPage(page);
  const services = new ServicesPage(page);
  await app.open();
  await app.planName.fill('Reload check');
  await roles.paste('PRD', '192.0.2.10 # vault-01\n192.0.2.300');
  await roles.paste('MBR', '192.0.2.11');
  await roles.paste('MAIL', '192.0.2.25');
  const devices = roles.group('DVC', 0);
  await devices.rename('Core switches');
  await devices.paste('203.0.113.1 # sw-1\n203.0.113.999');
  await devices.service('TELNET 23/tcp').uncheck();
  await app.goTo('Services');
  await services.setCluster(true);
  await services.setService('TELNET 23/tcp from PRD to DVC', false);
  await services.port('SMTP 420/tcp from PRD to MAIL').fill('587');
  await app.goTo('Export');
  await page.getByLabel('Format', { exact: true }).selectOption('ufw');

  await page.reload();

  await expect(app.planName).toHaveValue('Reload check');
  await app.goTo('Addresses');
  await expect(roles.input('PRD')).toHaveValue('192.0.2.10 # vault-01\n192.0.2.300');
  await expect(roles.problems('PRD')).toContainText('192.0.2.300');
  await expect(roles.input('MBR')).toHaveValue('192.0.2.11');
  await expect(devices.name).toHaveValue('Core switches');
  await expect(devices.input).toHaveValue('203.0.113.1 # sw-1\n203.0.113.999');
  await expect(devices.problems).toContainText('203.0.113.999');
  await expect(devices.service('TELNET 23/tcp')).not.toBeChecked();
  await expect(devices.service('SSH 22/tcp')).toBeChecked();
  await app.goTo('Services');
  await expect(services.cluster).toBeChecked();
  await expect(services.service('TELNET 23/tcp from PRD to DVC')).not.toBeChecked();
  await expect(services.service('SSH 22/tcp from PRD to DVC')).toBeChecked();
  await expect(services.port('SMTP 420/tcp from PRD to MAIL')).toHaveValue('587');
  await app.goTo('Export');
  await expect(page.getByLabel('Format', { exact: true })).toHaveValue('ufw');
});

test('Ctrl+Z undoes and Ctrl+Shift+Z redoes plan changes', async ({ page }) => {
  const app = new AppPage(page);
  const roles = new RolesPage(page);
  const services = new ServicesPage(page);
  await app.open();
  const undoButton = page.getByRole('button', { name: /Undo/ });
  await expect(undoButton).toBeDisabled();

  await roles.paste('PRD', '192.0.2.10');
  await app.goTo('Services');
  await services.setCluster(true);
  await services.setService('NTP 123/udp from PRD to NTP', false);

  await app.undoWithKeyboard();
  await expect(services.service('NTP 123/udp from PRD to NTP')).toBeChecked();
  await expect(services.cluster).toBeChecked();
  await app.undoWithKeyboard();
  await expect(services.cluster).not.toBeChecked();
  await app.redoWithKeyboard();
  await expect(services.cluster).toBeChecked();

  // adding a group is one step back too
  await app.goTo('Addresses');
  await roles.addGroup('DVC', 'Linux/Unix servers');
  await expect(roles.group('DVC', 1).name).toHaveValue('Linux/Unix servers');
  await app.undoWithKeyboard();
  await expect(roles.groupCards('DVC')).toHaveCount(1);
  await app.redoWithKeyboard();
  await expect(roles.groupCards('DVC')).toHaveCount(2);

  // inside a text box the app's undo applies too: the box's text is part of the plan's history
  await roles.paste('DNS', '192.0.2.53');
  await roles.input('DNS').focus();
  await app.undoWithKeyboard();
  await expect(roles.input('DNS')).toHaveValue('');
  await expect(roles.input('PRD')).toHaveValue('192.0.2.10');
  await app.screenshot('07-after-undo');
});

test('a damaged autosave shows a notice, keeps its text for download and leaves the app usable', async ({ page }) => {
  const app = new AppPage(page);
  const broken = '{"state":{"plan":{"version":1,"name":"Lost plan","roles":{"PRD":["192.0.2.10"';
  await app.openWithStorage({ 'fwplan.plan.v1': broken });

  const notice = page.getByRole('alert').filter({ hasText: 'damaged' });
  await expect(notice).toBeVisible();
  await app.screenshot('08-damaged-autosave');
  const [download] = await Promise.all([page.waitForEvent('download'), notice.getByRole('button', { name: 'Download the saved text' }).click()]);
  expect(readFileSync(await download.path(), 'utf8')).toBe(broken);

  // the app works: a new plan can be entered and is saved
  const roles = new RolesPage(page);
  await roles.paste('PRD', '192.0.2.20');
  await page.reload();
  await expect(roles.input('PRD')).toHaveValue('192.0.2.20');
  // the damaged text is kept until the user discards it
  await expect(page.getByRole('alert').filter({ hasText: 'could not be read' })).toBeVisible();
  await page.getByRole('button', { name: 'Discard it' }).click();
  await page.reload();
  await expect(page.getByRole('alert').filter({ hasText: 'could not be read' })).toHaveCount(0);
  await expect(roles.input('PRD')).toHaveValue('192.0.2.20');
});

test('an autosave with one invalid value keeps the rest of the plan, what was typed included', async ({ page }) => {
  const app = new AppPage(page);
  // saved by version 1 of the app: a bad port, which cannot be kept, and a hostname, which is kept as typed
  const saved = {
    state: {
      plan: { version: 1, name: 'Partly broken', cluster: false, roles: { PRD: ['192.0.2.10'], DNS: ['192.0.2.53', 'dns.example'] }, disabled: [], enabled: [], ports: { 'prd-mail-tcp-420': 70000 } },
    },
    version: 1,
  };
  await app.openWithStorage({ 'fwplan.plan.v1': JSON.stringify(saved) });
  const notice = page.getByRole('alert').filter({ hasText: 'left out' });
  await expect(notice).toContainText('ports["prd-mail-tcp-420"]');
  await expect(app.planName).toHaveValue('Partly broken');
  // the rest was upgraded to version 2, and the page says so
  await expect(app.upgradeNotice).toBeVisible();
  const roles = new RolesPage(page);
  await expect(roles.input('PRD')).toHaveValue('192.0.2.10');
  expect(await roles.nodeRows('PRD')).toEqual([['192.0.2.10', '192.0.2.10', '—']]);
  await expect(roles.input('DNS')).toHaveValue('192.0.2.53\ndns.example');
  await expect(roles.problems('DNS')).toContainText('is a hostname');
});

test('a plan changed in another tab is announced, and the user picks which one to keep', async ({ context }) => {
  const first = await context.newPage();
  const second = await context.newPage();
  const a = new AppPage(first);
  const b = new AppPage(second);
  await a.open();
  await b.open();
  await new RolesPage(first).fill('PRD', '192.0.2.10');
  const notice = second.getByRole('alert').filter({ hasText: 'changed in another tab' });
  await expect(notice).toBeVisible();
  await notice.getByRole('button', { name: 'Load the other tab’s plan' }).click();
  await expect(new RolesPage(second).input('PRD')).toHaveValue('192.0.2.10');
  await expect(notice).toHaveCount(0);

  await new RolesPage(second).fill('DNS', '192.0.2.53');
  const back = first.getByRole('alert').filter({ hasText: 'changed in another tab' });
  await back.getByRole('button', { name: 'Keep this tab’s plan' }).click();
  await first.reload();
  await expect(new RolesPage(first).input('DNS')).toHaveValue('');
  await expect(new RolesPage(first).input('PRD')).toHaveValue('192.0.2.10');
});
