import { expect, test } from '@playwright/test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Plan } from '../src/engine/index.ts';
import { AppPage } from './page-models/AppPage.ts';
import { PlanIoPage } from './page-models/PlanIoPage.ts';
import { RolesPage } from './page-models/RolesPage.ts';

const EXAMPLE_PRD = '192.0.2.10, 2001:db8:10::10 # vault-01';

test('a broken plan file is refused with its errors by JSON path, and nothing is overwritten', async ({ page }) => {
  const app = new AppPage(page);
  const roles = new RolesPage(page);
  const io = new PlanIoPage(page);
  await app.open();
  await roles.loadExample();
  await expect(roles.input('PRD')).toHaveValue(EXAMPLE_PRD);

  const broken = {
    version: 2,
    name: 'Broken',
    nodes: [{ name: 'vault-01', role: 'XYZ', addresses: ['10.0.0.1'] }],
    roles: { PRD: ['10.0.0.10'], FOO: ['192.0.2.1'] },
    ports: { 'prd-mail-tcp-420': 70000 },
  };
  await io.openFile('broken-plan.json', JSON.stringify(broken));
  await expect(io.loadFailure).toBeVisible();
  await expect(io.loadFailure).toContainText('Nothing was changed');
  await expect(io.loadFailure.locator('li', { hasText: 'nodes[0].role' })).toContainText('a node is PRD (primary) or MBR (cluster member)');
  // a version 1 habit in a version 2 file is told where it belongs now
  await expect(io.loadFailure.locator('li', { hasText: 'roles.PRD' })).toContainText('PRD nodes are listed in "nodes"');
  await expect(io.loadFailure.locator('li', { hasText: 'roles.FOO' })).toContainText('unknown role code');
  await expect(io.loadFailure.locator('li', { hasText: 'ports["prd-mail-tcp-420"]' })).toContainText('1–65535');
  await expect(io.loadFailure.locator('li')).toHaveCount(4);
  await app.screenshot('09-import-error', false);
  await io.loadFailure.getByRole('button', { name: 'Close' }).click();

  await expect(app.planName).toHaveValue('Example vault');
  await expect(roles.input('PRD')).toHaveValue(EXAMPLE_PRD);

  await io.openFile('not-json.json', '{ "version": 2, ');
  await expect(io.loadFailure).toContainText('(file)');
  await expect(io.loadFailure).toContainText('not valid JSON');
  await io.loadFailure.getByRole('button', { name: 'Close' }).click();

  await io.openFile('future.json', JSON.stringify({ version: 3, name: 'From the future' }));
  await expect(io.loadFailure.locator('li')).toHaveText('version is 3: fwplan reads plan versions 1 and 2');
  await io.loadFailure.getByRole('button', { name: 'Close' }).click();

  // one byte over the limit: too big for a Playwright buffer, so it goes through a temporary file
  const dir = mkdtempSync(join(tmpdir(), 'fwplan-e2e-'));
  try {
    const huge = join(dir, 'huge.json');
    writeFileSync(huge, Buffer.alloc(64 * 1024 * 1024 + 1, 0x20));
    await io.openFilePath(huge);
    await expect(io.loadFailure.locator('li')).toHaveText(/^\(file\).*the file is 64\.0 MB; plan files are limited to 64 MB/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await io.loadFailure.getByRole('button', { name: 'Close' }).click();
  await expect(app.planName).toHaveValue('Example vault');
  await expect(app.upgradeNotice).toHaveCount(0);
});

test('a saved plan file opens again through the picker and by drag and drop', async ({ page }) => {
  const app = new AppPage(page);
  const roles = new RolesPage(page);
  const io = new PlanIoPage(page);
  await app.open();
  await roles.loadExample();
  await roles.paste('RADIUS', '192.0.2.31 # radius "one"');
  await roles.group('DVC', 1).rename('Linux and BSD servers');
  const saved = await io.savePlanFile();
  expect(saved.fileName).toBe('example-vault.fwplan.json');
  const plan = JSON.parse(saved.text) as Plan;
  expect(plan.version).toBe(2);
  expect(plan.roles.RADIUS).toEqual([{ address: '192.0.2.31', label: 'radius "one"' }]);
  expect(plan.nodes).toEqual([{ name: 'vault-01', role: 'PRD', addresses: ['192.0.2.10', '2001:db8:10::10'] }]);
  expect(plan.deviceGroups.map((g) => g.name)).toEqual(['Windows servers', 'Linux and BSD servers', 'Network devices']);

  // start over (the app asks first), then drop the saved file on the page
  await io.toolbar.getByRole('button', { name: 'New' }).click();
  await expect(io.replaceDialog).toBeVisible();
  await io.replaceDialog.getByRole('button', { name: 'Start a new plan' }).click();
  await expect(roles.input('PRD')).toHaveValue('');
  await expect(roles.groupCards('DVC')).toHaveCount(1);

  await io.dropFile(saved.fileName, saved.text);
  await expect(roles.input('RADIUS')).toHaveValue('192.0.2.31 # radius "one"');
  await expect(roles.input('PRD')).toHaveValue(EXAMPLE_PRD);
  await expect(roles.groupCards('DVC')).toHaveCount(3);
  await expect(roles.group('DVC', 1).name).toHaveValue('Linux and BSD servers');
  await expect(app.planName).toHaveValue('Example vault');
  // a version 2 file is not "upgraded"
  await expect(app.upgradeNotice).toHaveCount(0);

  await io.toolbar.getByRole('button', { name: 'New' }).click();
  await io.replaceDialog.getByRole('button', { name: 'Start a new plan' }).click();
  await io.openFile(saved.fileName, saved.text);
  await expect(roles.input('RADIUS')).toHaveValue('192.0.2.31 # radius "one"');
  // opening a file is one undo step
  await app.undoWithKeyboard();
  await expect(roles.input('RADIUS')).toHaveValue('');
  await expect(roles.groupCards('DVC')).toHaveCount(1);
});

test('a version 1 plan file still opens, says it was upgraded, and saves as version 2', async ({ page }) => {
  const app = new AppPage(page);
  const roles = new RolesPage(page);
  const io = new PlanIoPage(page);
  await app.open();
  const v1 = {
    version: 1,
    name: 'Written by fwplan 0.1',
    cluster: true,
    roles: {
      PRD: [{ address: '192.0.2.10', label: 'vault-01' }, { address: '2001:db8::10', label: 'vault-01' }],
      MBR: [{ address: '192.0.2.11', label: 'vault-02' }],
      USERW: ['198.51.100.0/24'],
      DVC: [{ address: '203.0.113.0/24', label: 'servers' }],
      NTP: ['192.0.2.1'],
    },
    disabled: ['prd-dvc-tcp-23'],
  };
  await io.dropFile('old-plan.json', JSON.stringify(v1));
  await expect(app.planName).toHaveValue('Written by fwplan 0.1');
  await expect(app.upgradeNotice).toBeVisible();
  await expect(app.upgradeNotice).toContainText('upgraded to version 2');
  await app.screenshot('09b-upgraded-plan-file');
  // the same label in both families is one node; USERW and DVC are one group each with every service
  expect(await roles.nodeRows('PRD')).toEqual([['vault-01', '192.0.2.10', '2001:db8::10']]);
  expect(await roles.nodeRows('MBR')).toEqual([['vault-02', '192.0.2.11', '—']]);
  await expect(roles.group('USERW', 0).name).toHaveValue('User workstations');
  await expect(roles.group('USERW', 0).input).toHaveValue('198.51.100.0/24');
  await expect(roles.group('DVC', 0).name).toHaveValue('Managed devices');
  await expect(roles.group('DVC', 0).input).toHaveValue('203.0.113.0/24 # servers');
  await expect(roles.group('DVC', 0).service('RDP 3389/tcp')).toBeChecked();
  await expect(roles.input('NTP')).toHaveValue('192.0.2.1');

  const saved = JSON.parse((await io.savePlanFile()).text) as Plan;
  expect(saved.version).toBe(2);
  expect(saved.nodes).toEqual([
    { name: 'vault-01', role: 'PRD', addresses: ['192.0.2.10', '2001:db8::10'] },
    { name: 'vault-02', role: 'MBR', addresses: ['192.0.2.11'] },
  ]);
  expect(saved.deviceGroups).toHaveLength(1);
  expect(saved.deviceGroups[0]?.entries).toEqual([{ address: '203.0.113.0/24', label: 'servers' }]);
  expect(saved.disabled).toEqual(['prd-dvc-tcp-23']);

  // the notice stays until dismissed, and a reload does not bring it back (the save is version 2 now)
  await app.goTo('Review rules');
  await expect(app.upgradeNotice).toBeVisible();
  await app.upgradeNotice.getByRole('button', { name: 'Dismiss' }).click();
  await expect(app.upgradeNotice).toHaveCount(0);
  await page.reload();
  await expect(app.planName).toHaveValue('Written by fwplan 0.1');
  await expect(app.upgradeNotice).toHaveCount(0);
});

test('a text file dropped on a group box adds its addresses to that group', async ({ page }) => {
  const app = new AppPage(page);
  const roles = new RolesPage(page);
  const io = new PlanIoPage(page);
  await app.open();
  const devices = roles.group('DVC', 0);
  await devices.paste('203.0.113.1');
  await io.dropFile('devices.txt', '203.0.113.2\n203.0.113.3 # printer\n', devices.input);
  await expect(devices.input).toHaveValue('203.0.113.1\n203.0.113.2\n203.0.113.3 # printer\n');
  await devices.expectCount(3);
  await expect(app.toast).toContainText('Added the lines of devices.txt to DVC group “Managed devices”');
  // the other group's box is untouched
  await expect(roles.group('USERW', 0).input).toHaveValue('');
});
