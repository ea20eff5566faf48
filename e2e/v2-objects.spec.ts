import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import Papa from 'papaparse';
import { expandPlan, type Plan } from '../src/engine/index.ts';
import { parsePlanText } from '../src/engine/schema.ts';
import { AppPage, type Step } from './page-models/AppPage.ts';
import { ChangeRequestPage } from './page-models/ChangeRequestPage.ts';
import { ExportPage } from './page-models/ExportPage.ts';
import { PlanIoPage } from './page-models/PlanIoPage.ts';
import { RolesPage } from './page-models/RolesPage.ts';
import { RulesPage } from './page-models/RulesPage.ts';

/**
 * Plan version 2 as a user meets it: named nodes with both address families, user and device
 * groups that each get only their services, every typed entry kept and every mistake an error that
 * blocks the exports until it is fixed, the admin shell, the change request's enforcement point,
 * the layout on a laptop and a phone, and version 1 files.
 */

/** Run a tool on a file; its exit status and output. */
function tool(command: string, args: string[], input?: string): { status: number; output: string } {
  try {
    return { status: 0, output: execFileSync(command, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] }) };
  } catch (e) {
    const err = e as { status?: number; stdout?: string; stderr?: string };
    return { status: err.status ?? 1, output: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

/** The rules count the step bar shows beside "Review rules". */
async function stepRuleCount(app: AppPage): Promise<number> {
  return Number(((await app.step('Review rules').locator('.step-meta').textContent()) ?? '').replace(/,/g, ''));
}

test('nodes: one line or one label per machine, both families in one host export', async ({ page }) => {
  const app = new AppPage(page);
  const roles = new RolesPage(page);
  const exporter = new ExportPage(page);
  await app.open();
  await app.planName.fill('Dual stack');

  // one line, one IPv4 and one IPv6 address, one name: one dual-stack node
  await roles.paste('PRD', '192.0.2.10, 2001:db8::10 # vault-01');
  expect(await roles.nodeRows('PRD')).toEqual([['vault-01', '192.0.2.10', '2001:db8::10']]);

  // two single-family lines with different names: two nodes, and the page asks whether they are one
  await roles.card('MBR').getByRole('button', { name: 'Turn cluster mode on' }).click();
  await roles.paste('MBR', '192.0.2.11 # vault-02\n2001:db8::11 # vault-02-v6');
  expect(await roles.nodeRows('MBR')).toEqual([
    ['vault-02', '192.0.2.11', '—'],
    ['vault-02-v6', '—', '2001:db8::11'],
  ]);
  const pairs = roles.card('MBR').getByRole('note');
  await expect(pairs).toContainText('Some nodes have only an IPv4 address and others only an IPv6 address');
  await app.goTo('Findings');
  await expect(page.locator('.finding', { hasText: 'only an IPv4 address' })).toContainText('"vault-02-v6" only an IPv6 address');
  await app.goTo('Addresses');
  await app.screenshot('20-nodes-single-family');
  await roles.joinNodes('vault-02', 'vault-02-v6').click();
  // one click gave both lines one name: one node
  await expect(roles.input('MBR')).toHaveValue('192.0.2.11 # vault-02\n2001:db8::11 # vault-02');
  expect(await roles.nodeRows('MBR')).toEqual([['vault-02', '192.0.2.11', '2001:db8::11']]);
  await expect(pairs).toHaveCount(0);
  await roles.group('USERW', 0).paste('198.51.100.0/24, 2001:db8:100::/48');

  // the Export view picks a node by its name
  await app.goTo('Export');
  await exporter.scope('Host');
  expect(await exporter.nodeChoices()).toEqual(['PRD vault-01 — 192.0.2.10 + 2001:db8::10 (dual-stack)', 'MBR vault-02 — 192.0.2.11 + 2001:db8::11 (dual-stack)']);
  await exporter.scope('Host', 'vault-01');
  await exporter.defaultDrop(true);
  await exporter.choose('nftables');
  const nft = await exporter.download();
  expect(nft.fileName).toBe('dual-stack-host-vault-01.nft');
  // one file, both families of the node: inbound rules to each of its addresses
  expect(nft.text).toMatch(/ip daddr 192\.0\.2\.10 tcp dport/);
  expect(nft.text).toMatch(/ip6 daddr 2001:db8::10 tcp dport/);
  // the joined member talks to it over both families too
  expect(nft.text).toMatch(/ip saddr 192\.0\.2\.11 ip daddr 192\.0\.2\.10 tcp dport/);
  expect(nft.text).toMatch(/ip6 saddr 2001:db8::11 ip6 daddr 2001:db8::10 tcp dport/);
  expect(tool('nft', ['-c', '-f', nft.path])).toEqual({ status: 0, output: '' });

  // iptables holds one family: the other file is one click away, for the same node
  await exporter.choose('iptables');
  await expect(exporter.findings).toContainText('load the ip6tables export as well');
  const v4 = await exporter.download();
  expect(v4.fileName).toBe('dual-stack-host-vault-01.iptables.rules');
  expect(v4.text).toContain('-d 192.0.2.10');
  const v6 = await exporter.downloadOtherFamily('ip6tables');
  expect(v6.fileName).toBe('dual-stack-host-vault-01.ip6tables.rules');
  expect(v6.text).toContain('-d 2001:db8::10');
  expect(v6.text).not.toContain('192.0.2.10');
  expect(tool('ip6tables-restore', ['--test', '--noflush'], v6.text)).toEqual({ status: 0, output: '' });
});

test('groups: each device group gets only its services, in the table and in the CSV', async ({ page }) => {
  const app = new AppPage(page);
  const roles = new RolesPage(page);
  const rules = new RulesPage(page);
  const exporter = new ExportPage(page);
  await app.open();
  await app.planName.fill('Branch');
  await roles.paste('PRD', '192.0.2.10 # vault-01');

  // the device group every new plan starts with: renamed, then narrowed to a preset
  const windows = roles.group('DVC', 0);
  await expect(windows.service('SSH 22/tcp')).toBeChecked();
  await windows.rename('Windows servers');
  await windows.applyPreset('Windows servers');
  await expect(windows.service('RDP 3389/tcp')).toBeChecked();
  await expect(windows.service('SMB 445/tcp')).toBeChecked();
  await expect(windows.service('SSH 22/tcp')).not.toBeChecked();
  await expect(windows.service('TELNET 23/tcp')).not.toBeChecked();
  await windows.paste('203.0.113.5 # dc01\n203.0.113.64/26');
  await expect(windows.input).toHaveAccessibleName('Windows servers addresses');

  // a second group, made from a preset, with its own entries
  const linux = await roles.addGroup('DVC', 'Linux/Unix servers');
  await expect(linux.name).toHaveValue('Linux/Unix servers');
  expect(await linux.servicesOn()).toEqual(['SSH 22/tcp']);
  await linux.paste('203.0.113.128/26 # web farm');
  // an empty group comes and goes
  const spare = await roles.addGroup('DVC', 'empty');
  expect(await spare.servicesOn()).toEqual([]);
  await spare.remove();
  await expect(roles.groupCards('DVC')).toHaveCount(2);
  await app.screenshot('21-device-groups');

  // Review rules, grouped by group or role: both groups, each with its own services
  await app.goTo('Review rules');
  await rules.groupBy('Group or role');
  const titles = await rules.groupTitles();
  expect(titles).toContain('DVC Windows servers');
  expect(titles).toContain('DVC Linux/Unix servers');
  await expect(rules.rows('prd-dvc-tcp-22')).toHaveCount(1);
  await expect(rules.sides(rules.rows('prd-dvc-tcp-22')).destination.locator('.role-chip')).toHaveText('DVC Linux/Unix servers');
  await expect(rules.sides(rules.rows('prd-dvc-tcp-3389')).destination.locator('.role-chip')).toHaveText('DVC Windows servers');
  await expect(rules.sides(rules.rows('prd-dvc-tcp-3389')).destination).toContainText('203.0.113.5 dc01');
  await expect(rules.rows('prd-dvc-tcp-23')).toHaveCount(0);
  await expect(rules.skipped('prd-dvc-tcp-23')).toContainText('no device group lists it');
  await app.screenshot('22-rules-by-group');

  // the CSV: one row per rule and address pair
  await app.goTo('Export');
  await exporter.choose('csv');
  const csv = await exporter.download();
  expect(csv.fileName).toBe('branch-gateway.csv');
  const rows = Papa.parse<Record<string, string>>(csv.text, { header: true, skipEmptyLines: true }).data;
  const to = (ruleId: string) => rows.filter((r) => r.rule_id === ruleId).map((r) => r.destination).sort();
  expect(to('prd-dvc-tcp-3389')).toEqual(['203.0.113.5', '203.0.113.64/26']);
  expect(to('prd-dvc-tcp-445')).toEqual(['203.0.113.5', '203.0.113.64/26']);
  expect(to('prd-dvc-tcp-22')).toEqual(['203.0.113.128/26']);
  expect(rows.find((r) => r.rule_id === 'prd-dvc-tcp-22')?.destination_object).toBe('Linux/Unix servers');
  expect(rows.find((r) => r.rule_id === 'prd-dvc-tcp-3389' && r.destination === '203.0.113.5')?.destination_label).toBe('dc01');
  // the two groups' services do not leak into each other
  expect(rows.filter((r) => r.rule_id === 'prd-dvc-tcp-22' && (r.destination ?? '').startsWith('203.0.113.5'))).toEqual([]);
  expect(rows.filter((r) => r.rule_id === 'prd-dvc-tcp-22' && r.destination === '203.0.113.64/26')).toEqual([]);
  expect(rows.filter((r) => r.destination === '203.0.113.128/26' && r.rule_id !== 'prd-dvc-tcp-22')).toEqual([]);
});

test('errors block every export until fixed, and nothing typed is lost meanwhile', async ({ page }) => {
  const app = new AppPage(page);
  const roles = new RolesPage(page);
  const exporter = new ExportPage(page);
  const io = new PlanIoPage(page);
  await app.open();
  await app.planName.fill('Mistakes');
  await roles.paste('PRD', '192.0.2.10 # vault-01');
  const devices = roles.group('DVC', 0);
  await devices.type('10.0.0.300\n10.0.0.5/24');
  await devices.expectCount(2);
  await expect(devices.problems.locator('li')).toHaveCount(2);
  await expect(devices.problems.locator('li', { hasText: '10.0.0.300' })).toContainText('not a valid IPv4 address');

  // Findings: two errors, each with its fixes and a way to the entry
  await app.goTo('Findings');
  await expect(app.step('Findings').locator('.pill-error')).toHaveText('2');
  const errors = page.locator('.findings-error .finding');
  await expect(errors).toHaveCount(2);
  const hostBits = errors.filter({ hasText: '10.0.0.5/24' });
  await expect(hostBits.getByRole('button', { name: 'Use 10.0.0.5', exact: true })).toBeVisible();
  await expect(hostBits.getByRole('button', { name: 'Use 10.0.0.0/24', exact: true })).toBeVisible();
  await expect(hostBits.getByRole('button', { name: 'Go to Managed devices entry 2' })).toBeVisible();
  await expect(errors.filter({ hasText: '10.0.0.300' }).getByRole('button', { name: 'Go to Managed devices entry 1' })).toBeVisible();

  // Export: refused, every error listed, no download button
  await app.goTo('Export');
  await expect(exporter.refused).toContainText('No export while the plan has 2 errors');
  await expect(exporter.refused.locator('li')).toHaveCount(2);
  await expect(exporter.refused).toContainText('deviceGroups[0].entries[0]');
  await expect(exporter.refused).toContainText('"10.0.0.5/24" has host bits set');
  await expect(page.getByRole('button', { name: /^Download / })).toHaveCount(0);
  await app.screenshot('23-export-refused');

  // the plan file keeps what was typed, invalid entries included
  const saved = JSON.parse((await io.savePlanFile()).text) as Plan;
  expect(saved.deviceGroups[0]?.entries).toEqual(['10.0.0.300', '10.0.0.5/24']);

  // one click on the card fixes the host bits (as the host)
  await app.goTo('Addresses');
  await devices.fix('10.0.0.5', 'host').click();
  await expect(devices.input).toHaveValue('10.0.0.300\n10.0.0.5');
  await expect(devices.problems.locator('li')).toHaveCount(1);
  await app.goTo('Export');
  await expect(exporter.refused).toContainText('No export while the plan has 1 error');

  // the other one: "Go to" selects it in its box, typing replaces it
  await exporter.refused.getByRole('button', { name: 'Show the findings' }).click();
  await errors.filter({ hasText: '10.0.0.300' }).getByRole('button', { name: 'Go to Managed devices entry 1' }).click();
  await expect(devices.input).toBeFocused();
  await page.keyboard.type('10.0.0.30');
  await expect(devices.input).toHaveValue('10.0.0.30\n10.0.0.5');
  await expect(devices.problems).toHaveCount(0);

  await app.goTo('Export');
  await expect(exporter.refused).toHaveCount(0);
  const nft = await exporter.download();
  expect(nft.fileName).toBe('mistakes-gateway.nft');
  expect(nft.text).toContain('10.0.0.30');
  expect(nft.text).toContain('10.0.0.5');
  expect(tool('nft', ['-c', '-f', nft.path]).status).toBe(0);
});

test('admin shell: a default-drop host export warns while ADMINW is empty and keeps 59022 open once it is not', async ({ page }) => {
  const app = new AppPage(page);
  const roles = new RolesPage(page);
  const exporter = new ExportPage(page);
  await app.open();
  await roles.paste('PRD', '192.0.2.10 # vault-01');
  await app.goTo('Export');
  await exporter.scope('Host', 'vault-01');
  await exporter.defaultDrop(true);
  await expect(exporter.findings).toContainText('nobody can reach the admin shell (59022/tcp) of "vault-01"');
  await expect(exporter.preview).not.toContainText('tcp dport 59022');

  await app.goTo('Addresses');
  await roles.paste('ADMINW', '198.51.100.7 # admin laptop');
  await app.goTo('Export');
  await expect(exporter.preview).toContainText('ip saddr 198.51.100.7 ip daddr 192.0.2.10 tcp dport 59022 accept');
  await expect(page.getByText(/nobody can reach the admin shell/)).toHaveCount(0);
});

test('the rules filter finds the rules of every network that holds an address', async ({ page }) => {
  const app = new AppPage(page);
  const rules = new RulesPage(page);
  await app.open();
  await new RolesPage(page).loadExample();
  await app.goTo('Review rules');
  await rules.groupBy('Nothing');
  const ruleIds = async () => (await rules.rows().evaluateAll((rows) => rows.map((r) => r.getAttribute('data-rule') ?? ''))).sort();

  // 203.0.113.77 is inside the Windows servers' 203.0.113.64/26: their four services, nothing else
  await rules.filter.fill('203.0.113.77');
  await expect(rules.rows()).toHaveCount(4);
  expect(await ruleIds()).toEqual(['prd-dvc-tcp-135', 'prd-dvc-tcp-139', 'prd-dvc-tcp-3389', 'prd-dvc-tcp-445']);
  for (const row of await rules.rows().all()) await expect(rules.sides(row).destination).toContainText('203.0.113.64/26');

  // 203.0.113.130 is a Linux server: SSH only
  await rules.filter.fill('203.0.113.130');
  await expect(rules.rows()).toHaveCount(1);
  expect(await ruleIds()).toEqual(['prd-dvc-tcp-22']);

  // an IPv6 address inside a user group's /48 finds that group's IPv6 rule
  await rules.filter.fill('2001:db8:100::1');
  await expect(rules.rows()).toHaveCount(1);
  await expect(rules.rows('userw-prd-tcp-443')).toContainText('2001:db8:100::/48');
  await expect(rules.rows('userw-prd-tcp-443')).toContainText('IPv6');

  // an address that no entry holds finds nothing; a node is found by its name
  await rules.filter.fill('203.0.113.250');
  await expect(rules.rows()).toHaveCount(0);
  await rules.filter.fill('vault-01 ntp');
  await expect(rules.rows()).toHaveCount(1);
  await expect(rules.rows('prd-ntp-udp-123')).toContainText('192.0.2.10 vault-01');
});

test('change request: the sheet says where and how it is applied, as the Export view is set', async ({ page }) => {
  const app = new AppPage(page);
  const roles = new RolesPage(page);
  const exporter = new ExportPage(page);
  const cr = new ChangeRequestPage(page);
  await app.open();
  await roles.loadExample();

  await app.goTo('Export');
  await exporter.scope('Host', 'vault-01');
  await exporter.defaultDrop(true);
  const checks = await exporter.downloadChecks();
  expect(checks.fileName).toBe('example-vault-host-vault-01-verify.sh');
  expect(checks.text).toContain('nc -zv -w 3 192.0.2.10 59022');
  expect(tool('bash', ['-n', checks.path]).status).toBe(0);

  await app.goTo('Change request');
  await expect(cr.applyRow('Enforcement point')).toContainText('the host firewall of node vault-01 (192.0.2.10 and 2001:db8:10::10)');
  await expect(cr.applyRow('Apply mode')).toContainText('Complete policy (default drop)');
  await expect(cr.applyRow('Outgoing traffic')).toContainText('only the planned flows and replies leave it');
  await expect(cr.partTitle('rules')).toContainText('Rules to allow');
  await app.screenshot('24-change-request-host');

  await cr.setType('remove');
  await expect(cr.partTitle('rules')).toContainText('Rules to remove');
  await expect(page.locator('body')).not.toContainText('Rules to allow');
  await expect(cr.applyRow('Apply mode')).toContainText('removes fwplan’s rules of this plan');

  // back at a gateway, the sheet follows
  await app.goTo('Export');
  await exporter.scope('Gateway');
  await app.goTo('Change request');
  await expect(cr.applyRow('Enforcement point')).toContainText('a Linux gateway between the zones');

  // a plan with errors says so on the sheet
  await app.goTo('Addresses');
  await roles.paste('NTP', '192.0.2.300');
  await app.goTo('Change request');
  await expect(cr.errorCallout).toContainText('The plan has 1 error');
});

test.describe('layout', () => {
  const VIEWS: Step[] = ['Addresses', 'Services', 'Review rules', 'Findings', 'Export', 'Change request'];
  const HEADINGS: Partial<Record<Step, string>> = { Addresses: '1. Addresses', Services: '2. Services', 'Review rules': '3. Rules', Findings: '4. Findings', Export: '5. Export' };

  /** Boxes that stick out of the viewport on the left or right, and the page's own width. */
  async function overflow(page: Page): Promise<{ outside: string[]; scrollWidth: number }> {
    return page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const outside = [...document.querySelectorAll<HTMLElement>('.panel, .card, section')]
        .filter((el) => {
          const r = el.getBoundingClientRect();
          return r.width > 0 && (r.left < -0.5 || r.right > width + 0.5);
        })
        .map((el) => {
          const r = el.getBoundingClientRect();
          return `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${[...el.classList].join('.')} ${Math.round(r.left)}..${Math.round(r.right)}`;
        });
      return { outside, scrollWidth: document.documentElement.scrollWidth };
    });
  }

  test('at 1280 px Undo and Redo stay on screen; Ctrl+Z undoes, Ctrl+Y and Ctrl+Shift+Z redo', async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    const app = new AppPage(page);
    await app.open();
    await new RolesPage(page).loadExample();
    for (const button of [app.undoButton, app.redoButton]) {
      const box = await button.boundingBox();
      expect(box).not.toBeNull();
      if (!box) return;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(1280);
      expect(box.y + box.height).toBeLessThanOrEqual(800);
    }
    await app.screenshot('25-layout-1280', false);

    await app.planName.fill('Renamed');
    await app.undoWithKeyboard();
    await expect(app.planName).toHaveValue('Example vault');
    await expect(app.redoButton).toBeEnabled();
    await app.redoWithKeyboard('Control+y');
    await expect(app.planName).toHaveValue('Renamed');
    await app.undoWithKeyboard();
    await app.redoWithKeyboard('Control+Shift+z');
    await expect(app.planName).toHaveValue('Renamed');
    await expect(app.redoButton).toBeDisabled();
  });

  test('at 390 px every view fits the phone: no panel, card or section sticks out', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    const app = new AppPage(page);
    await app.open();
    await new RolesPage(page).loadExample();
    await expect(app.planName).toHaveValue('Example vault');
    for (const view of VIEWS) {
      await app.goTo(view);
      // the views after Addresses are loaded on demand: measure the view, not its "Loading…" line
      if (view === 'Change request') await expect(new ChangeRequestPage(page).sheet).toBeVisible();
      else await expect(page.locator('main h2').first()).toHaveText(HEADINGS[view] ?? view);
      const { outside, scrollWidth } = await overflow(page);
      expect(outside, view).toEqual([]);
      expect(scrollWidth, view).toBeLessThanOrEqual(390);
      await app.screenshot(`26-phone-${view.toLowerCase().replace(/ /g, '-')}`, false);
    }
  });
});

test('a version 1 plan file opened through "Open plan file…" says it was upgraded and makes the same rules', async ({ page }) => {
  const app = new AppPage(page);
  const io = new PlanIoPage(page);
  const rules = new RulesPage(page);
  const v1 = JSON.stringify({
    version: 1,
    name: 'HQ as of version 1',
    cluster: true,
    roles: {
      PRD: [{ address: '192.0.2.10', label: 'vault-01' }, { address: '2001:db8::10', label: 'vault-01' }],
      MBR: [{ address: '192.0.2.11', label: 'vault-02' }],
      USERW: ['198.51.100.0/24', '2001:db8:100::/48'],
      DVC: ['203.0.113.0/26', { address: '203.0.113.200', label: 'core switch' }],
      NTP: ['192.0.2.1'],
      DNS: ['192.0.2.2'],
      LDAP: ['192.0.2.30'],
    },
    disabled: ['prd-dvc-tcp-23'],
    enabled: ['prd-mbr-tcp-4248', 'mbr-prd-tcp-4248'],
    ports: { 'prd-ldap-tcp-389': 3389 },
  });
  // what the engine makes of the file, read the way every reader of plan files reads it
  const parsed = parsePlanText(v1);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  expect(parsed.upgradedFrom).toBe(1);
  const expected = expandPlan(parsed.plan).rules.length;
  expect(expected).toBeGreaterThan(20);

  await app.open();
  await io.openFile('hq-v1.json', v1);
  await expect(app.planName).toHaveValue('HQ as of version 1');
  await expect(app.upgradeNotice).toBeVisible();
  await expect(app.upgradeNotice).toContainText('The flows are the same');
  expect(await stepRuleCount(app)).toBe(expected);
  await app.goTo('Review rules');
  expect((await rules.counts())[1]).toBe(expected);

  // saved, it is a version 2 file that makes the same rules, and opens without the notice
  const saved = await io.savePlanFile();
  const again = parsePlanText(saved.text);
  if (!again.ok) throw new Error(JSON.stringify(again.errors));
  expect(again.upgradedFrom).toBeUndefined();
  expect(again.plan.version).toBe(2);
  expect(expandPlan(again.plan).rules.length).toBe(expected);
  await app.upgradeNotice.getByRole('button', { name: 'Dismiss' }).click();
  await io.openFile(saved.fileName, saved.text);
  await expect(app.toast).toContainText(`Opened ${saved.fileName}`);
  await expect(app.upgradeNotice).toHaveCount(0);
  expect(await stepRuleCount(app)).toBe(expected);
});
