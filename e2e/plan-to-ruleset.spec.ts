import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { exportPlan } from '../src/engine/index.ts';
import { parsePlanText } from '../src/engine/schema.ts';
import { AppPage } from './page-models/AppPage.ts';
import { ExportPage } from './page-models/ExportPage.ts';
import { PlanIoPage } from './page-models/PlanIoPage.ts';
import { RolesPage } from './page-models/RolesPage.ts';
import { RulesPage } from './page-models/RulesPage.ts';
import { ServicesPage } from './page-models/ServicesPage.ts';

/** Run a firewall tool on a downloaded file; returns its exit status and output. */
function check(command: string, args: string[], input?: string): { status: number; output: string } {
  try {
    const output = execFileSync(command, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    return { status: 0, output };
  } catch (e) {
    const err = e as { status?: number; stdout?: string; stderr?: string };
    return { status: err.status ?? 1, output: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

test('a new user fills the roles, changes services, reviews the table and downloads rule sets the tools accept', async ({ page }) => {
  // every step of the app, five downloads checked by the real tools
  test.setTimeout(120_000);
  const app = new AppPage(page);
  const roles = new RolesPage(page);
  const services = new ServicesPage(page);
  const rules = new RulesPage(page);
  const exporter = new ExportPage(page);
  const io = new PlanIoPage(page);

  await app.open();
  await expect(page.getByRole('heading', { name: /four steps/ })).toBeVisible();
  await app.screenshot('01-first-screen');

  // step 1: addresses, typed and pasted like a user would, mistakes included
  await app.planName.fill('HQ vault');
  await roles.type('PRD', '192.0.2.10 # vault-01');
  await roles.type('MBR', '192.0.2.11 # vault-02');
  // a new plan has one user group and one device group, each with every service of its rows
  const users = roles.group('USERW', 0);
  const devices = roles.group('DVC', 0);
  await expect(users.name).toHaveValue('User workstations');
  await expect(devices.name).toHaveValue('Managed devices');
  await users.paste('198.51.100.0/24');
  await devices.paste('203.0.113.0/27 # servers\n203.0.113.64/27, 203.0.113.200 # core switch\ndvc.example.net\n203.0.113.133/30');
  await roles.paste('DNS', '192.0.2.53');
  await roles.paste('NTP', '192.0.2.123');
  await roles.expectCount('PRD', 1);
  expect(await roles.nodeRows('PRD')).toEqual([['vault-01', '192.0.2.10', '—']]);
  // every token is kept, the hostname and the CIDR with host bits too: both are errors
  await devices.expectCount(5);
  await expect(devices.status).toContainText('2 problems');
  await expect(devices.problems.locator('li')).toHaveCount(2);
  await expect(devices.problems.locator('li', { hasText: 'dvc.example.net' })).toContainText('is a hostname');
  await expect(devices.problems.locator('li', { hasText: '203.0.113.133/30' })).toContainText('has host bits set');
  await expect(devices.fix('203.0.113.133', 'host')).toBeVisible();
  await expect(devices.fix('203.0.113.132/30', 'network')).toBeVisible();
  await expect(devices.input).toHaveValue(/dvc\.example\.net/);
  await app.screenshot('02-addresses-filled');

  // step 3 before any change: cluster rows are skipped, SSH to the devices is there
  await app.goTo('Review rules');
  await expect(rules.rows('prd-dvc-tcp-22')).toHaveCount(1);
  await expect(rules.rows('prd-mbr-tcp-3306')).toHaveCount(0);
  await expect(rules.skipped('prd-mbr-tcp-3306')).toContainText('cluster mode off');
  const [, before] = await rules.counts();

  // step 2: cluster on, SSH to the devices off
  await app.goTo('Services');
  await services.setCluster(true);
  await services.setService('SSH 22/tcp from PRD to DVC', false);
  await expect(services.cluster).toBeChecked();
  await app.screenshot('03-services');

  await app.goTo('Review rules');
  await expect(rules.rows('prd-mbr-tcp-3306')).toHaveCount(1);
  await expect(rules.rows('prd-mbr-tcp-3306')).toContainText('CLUSTER');
  await expect(rules.rows('prd-dvc-tcp-22')).toHaveCount(0);
  await expect(rules.skipped('prd-dvc-tcp-22')).toContainText('switched off');
  const [, after] = await rules.counts();
  expect(after).not.toBe(before);
  // the PRD rules now hold for the member too; the device side is the group, its entries as written
  const rdp = rules.sides(rules.rows('prd-dvc-tcp-3389'));
  await expect(rdp.source).toContainText('192.0.2.11');
  await expect(rdp.destination.locator('.role-chip')).toHaveText('DVC Managed devices');
  // filters
  await rules.filterProtocol('UDP');
  const [udp] = await rules.counts();
  expect(udp).toBeGreaterThan(0);
  expect(udp).toBeLessThan(after);
  await rules.filterProtocol('TCP and UDP');
  await rules.filter.fill('ntp');
  await expect(rules.rows()).toHaveCount(1);
  await rules.filter.fill('');
  // sorting by port, without grouping: the lowest port comes first, then the highest
  await rules.groupBy('Nothing');
  await expect(rules.groupHeadings()).toHaveCount(0);
  await page.getByRole('columnheader', { name: /Port/ }).getByRole('button').click();
  await expect(page.getByRole('columnheader', { name: /Port/ })).toHaveAttribute('aria-sort', 'ascending');
  await expect(rules.rows().first().locator('td.cell-port')).toHaveText('22');
  await page.getByRole('columnheader', { name: /Port/ }).getByRole('button').click();
  await expect(rules.rows().first().locator('td.cell-port')).toHaveText('9300');
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await rules.groupBy('Section');
  await expect(rules.groupHeadings().first()).toContainText('management systems');
  await app.screenshot('04-rules');
  const pairCount = async () => Number(/covering ([\d,]+) address pairs/.exec((await page.locator('.rules-panel .panel-intro').textContent()) ?? '')?.[1]?.replace(/,/g, ''));
  const pairsWithErrors = await pairCount();
  expect(pairsWithErrors).toBeGreaterThan(0);

  // step 4: both mistakes are errors, each linked to its entry; host bits are fixed with one click
  await app.goTo('Findings');
  await expect(app.step('Findings').locator('.pill-error')).toHaveText('2');
  await expect(page.locator('.findings-error .finding')).toHaveCount(2);
  const hostBits = page.locator('.finding', { hasText: 'has host bits set' });
  await expect(hostBits).toHaveCount(1);
  await app.screenshot('05-findings');
  await hostBits.getByRole('button', { name: 'Use 203.0.113.132/30', exact: true }).click();
  await expect(hostBits).toHaveCount(0);
  await expect(page.locator('.findings-error .finding')).toHaveCount(1);

  // step 5: the hostname still blocks every export, and the refusal says why
  await app.goTo('Export');
  await expect(exporter.refused).toContainText('No export while the plan has 1 error');
  await expect(exporter.refused).toContainText('dvc.example.net');
  await expect(exporter.preview).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Download / })).toHaveCount(0);
  await exporter.refused.getByRole('button', { name: 'Show the findings' }).click();
  await expect(app.step('Findings')).toHaveAttribute('aria-current', 'step');
  // "Go to" puts the cursor on the entry, selected: Delete removes it
  await page.locator('.finding', { hasText: 'dvc.example.net' }).getByRole('button', { name: 'Go to Managed devices entry 4' }).click();
  await expect(devices.input).toBeFocused();
  expect(await devices.input.evaluate((el: HTMLTextAreaElement) => el.value.slice(el.selectionStart, el.selectionEnd))).toBe('dvc.example.net');
  await page.keyboard.press('Delete');
  await expect(devices.input).toHaveValue('203.0.113.0/27 # servers\n203.0.113.64/27, 203.0.113.200 # core switch\n\n203.0.113.132/30');
  await expect(devices.problems).toHaveCount(0);
  await expect(app.step('Findings').locator('.pill-error')).toHaveCount(0);
  // the fixed entry now makes rules: the table finds them by an address inside it
  await app.goTo('Review rules');
  const pairs = await pairCount();
  expect(pairs).toBeGreaterThan(pairsWithErrors);
  await rules.filter.fill('203.0.113.133');
  await expect(rules.rows('prd-dvc-tcp-3389')).toHaveCount(1);
  await expect(rules.rows('prd-dvc-tcp-23')).toHaveCount(1);
  await rules.filter.fill('');

  // step 5: downloads
  await app.goTo('Export');
  await expect(exporter.refused).toHaveCount(0);
  await app.screenshot('06-export');

  await exporter.choose('iptables');
  await expect(exporter.checkHint).toContainText('iptables-restore --test < hq-vault-gateway.iptables.rules');
  const ipt = await exporter.download();
  expect(ipt.fileName).toBe('hq-vault-gateway.iptables.rules');
  expect(ipt.text).toContain('*filter');
  // the member gets the primary's rules; every device entry is matched, with its label
  expect(ipt.text).toMatch(/^-A FWPLAN-FWD -s 192\.0\.2\.11 .*--comment "[^"]*prd-dvc-tcp-3389[^"]*"/m);
  for (const device of ['203.0.113.0/27 -m comment --comment "servers"', '203.0.113.200 -m comment --comment "core switch"', '203.0.113.132/30 ']) {
    expect(ipt.text).toContain(`-d ${device}`);
  }
  expect(ipt.text).not.toContain('dvc.example.net');
  expect(ipt.text).not.toContain('prd-dvc-tcp-22');
  expect(ipt.text.trimEnd()).toMatch(/COMMIT\n# end of fwplan export/);
  expect(await exporter.preview.textContent()).toBe(ipt.text);
  await page.getByRole('button', { name: 'Copy', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(ipt.text);
  const iptCheck = check('iptables-restore', ['--test', '--noflush'], ipt.text);
  expect(iptCheck.output).toBe('');
  expect(iptCheck.status).toBe(0);

  await exporter.choose('nftables');
  await exporter.defaultDrop(true);
  const nft = await exporter.download();
  expect(nft.fileName).toBe('hq-vault-gateway.nft');
  expect(nft.text).toContain('table inet fwplan {');
  expect(nft.text).toContain('policy drop;');
  expect(nft.text).toContain('203.0.113.0/27');
  const nftCheck = check('nft', ['-c', '-f', nft.path]);
  expect(nftCheck.output).toBe('');
  expect(nftCheck.status).toBe(0);

  // the host firewall of the member, picked by its name
  await exporter.scope('Host');
  expect(await exporter.nodeChoices()).toEqual(['PRD vault-01 — 192.0.2.10', 'MBR vault-02 — 192.0.2.11']);
  await exporter.scope('Host', 'vault-02');
  const nftHost = await exporter.download();
  expect(nftHost.fileName).toBe('hq-vault-host-vault-02.nft');
  expect(nftHost.text).toContain('hook input');
  expect(nftHost.text).toContain('hook output');
  expect(nftHost.text).toContain('ip daddr 192.0.2.11');
  expect(check('nft', ['-c', '-f', nftHost.path]).status).toBe(0);
  await exporter.scope('Gateway');
  await exporter.defaultDrop(false);

  await exporter.choose('ufw');
  const ufw = await exporter.download();
  expect(ufw.fileName).toBe('hq-vault-gateway-ufw.sh');
  expect(ufw.text.startsWith('#!/usr/bin/env bash\n')).toBe(true);
  expect(ufw.text).toMatch(/^ufw route allow proto tcp from 192\.0\.2\.10 to 203\.0\.113\.0\/27 port [\d,]*3389[\d,]* comment /m);
  expect(ufw.text).not.toContain('prd-dvc-tcp-22');
  expect(check('bash', ['-n', ufw.path]).status).toBe(0);

  await exporter.choose('csv');
  const csv = await exporter.download();
  expect(csv.fileName).toBe('hq-vault-gateway.csv');
  const lines = csv.text.split('\r\n').filter((l) => l !== '');
  expect(lines[0]).toBe(
    'rule_id,section,service,purpose,direction,family,protocol,port,article_port,source_role,source_object,source,source_label,destination_role,destination_object,destination,destination_label,covers,origin',
  );
  expect(lines).toHaveLength(pairs + 1);
  expect(lines).toContain(
    'prd-dvc-tcp-3389,devices,RDP 3389/tcp,Remote Desktop Protocol,forward,IPv4,tcp,3389,3389,CLUSTER,vault-02,192.0.2.11,,DVC,Managed devices,203.0.113.200,core switch,prd-dvc-tcp-3389,plan',
  );
  expect(lines.some((l) => l.startsWith('prd-dvc-tcp-22,'))).toBe(false);
  // the file is the engine's CSV of the plan in the page
  const saved = parsePlanText((await io.savePlanFile()).text);
  if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
  const expected = exportPlan(saved.plan, 'csv', { scope: { kind: 'gateway' }, defaultDrop: false, ipset: false, egress: 'filter' });
  if (!expected.ok) throw new Error(expected.message);
  expect(csv.text).toBe(expected.text);

  // nothing of all this went to another origin
  expect(app.foreignRequests()).toEqual([]);
});

test('the example plan gets a newcomer to a download in a few clicks', async ({ page }) => {
  const app = new AppPage(page);
  await app.open();
  await new RolesPage(page).loadExample();
  await expect(app.planName).toHaveValue('Example vault');
  await app.goTo('Export');
  const exporter = new ExportPage(page);
  await expect(exporter.format).toHaveValue('nftables');
  const nft = await exporter.download();
  expect(nft.fileName).toBe('example-vault-gateway.nft');
  expect(check('nft', ['-c', '-f', nft.path]).status).toBe(0);
  expect(app.foreignRequests()).toEqual([]);
});

test('a host export with default drop filters or opens the node\'s outgoing traffic as chosen', async ({ page }) => {
  const app = new AppPage(page);
  await app.open();
  await new RolesPage(page).loadExample();
  await app.goTo('Export');
  const exporter = new ExportPage(page);
  await exporter.scope('Host');
  await exporter.defaultDrop(true);
  await expect(exporter.preview).toContainText('hook output priority filter; policy drop;');
  await exporter.filterEgress(false);
  await expect(exporter.preview).toContainText('hook output priority filter; policy accept;');
  await expect(exporter.preview).toContainText('hook input priority filter; policy drop;');
  const nft = await exporter.download();
  expect(nft.text).toContain('hook output priority filter; policy accept;');
  expect(check('nft', ['-c', '-f', nft.path]).status).toBe(0);
});

test('a dual-stack node is protected in both families by one host export', async ({ page }) => {
  const app = new AppPage(page);
  await app.open();
  const roles = new RolesPage(page);
  await roles.paste('PRD', '192.0.2.10 # vault\n2001:db8::10 # vault');
  await roles.group('USERW', 0).paste('198.51.100.0/24, 2001:db8:100::/48');
  // two lines with one label and one address of each family: one node
  expect(await roles.nodeRows('PRD')).toEqual([['vault', '192.0.2.10', '2001:db8::10']]);
  await app.goTo('Export');
  const exporter = new ExportPage(page);
  await exporter.scope('Host', 'vault');
  await expect(exporter.node.locator('option:checked')).toHaveText('PRD vault — 192.0.2.10 + 2001:db8::10 (dual-stack)');
  await exporter.defaultDrop(true);
  await expect(exporter.preview).toContainText('ip daddr 192.0.2.10 tcp dport');
  await expect(exporter.preview).toContainText('ip6 daddr 2001:db8::10 tcp dport');
  const nft = await exporter.download();
  expect(check('nft', ['-c', '-f', nft.path]).status).toBe(0);
});
