import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { exportPlan } from '../src/engine/index.ts';
import { parsePlanText } from '../src/engine/schema.ts';
import { AppPage, type Step } from './page-models/AppPage.ts';
import { ExportPage } from './page-models/ExportPage.ts';
import { KeyboardUser, type Focused } from './page-models/KeyboardUser.ts';
import { PlanIoPage } from './page-models/PlanIoPage.ts';
import { RolesPage } from './page-models/RolesPage.ts';

/**
 * Accessibility: axe-core (all of its stable rules: WCAG 2.x A/AA and best practices) on every view
 * and dialog of the app, and a user with nothing but a keyboard getting a rule set out of it.
 */

const STEPS: Step[] = ['Addresses', 'Services', 'Review rules', 'Findings', 'Export', 'Change request'];
const BLOCKING = new Set(['serious', 'critical']);

/** Run axe on the page as it is; serious and critical violations fail the test, the rest are listed. */
async function audit(page: Page, view: string): Promise<void> {
  // Legacy mode runs axe in the page itself; the default mode opens a blank page per run to merge
  // the results of every frame, which doubles the time of a run and buys nothing: the app has no
  // frames. resultTypes: every rule still runs and every violation is reported node by node; passes
  // and incomplete results are summed up with one node each instead of all (half the time on the
  // Services view's thousand elements).
  const result = await new AxeBuilder({ page }).setLegacyMode(true).options({ resultTypes: ['violations'] }).analyze();
  const blocking = result.violations.filter((v) => BLOCKING.has(v.impact ?? ''));
  const describe = (v: (typeof result.violations)[number]) =>
    `[${v.impact}] ${v.id}: ${v.help}\n${v.nodes
      .slice(0, 5)
      .map((n) => `    ${n.target.join(' ')} — ${(n.failureSummary ?? '').replace(/\s+/g, ' ')}`)
      .join('\n')}`;
  const minor = result.violations.filter((v) => !BLOCKING.has(v.impact ?? ''));
  if (minor.length > 0) test.info().annotations.push({ type: `axe (${view})`, description: minor.map((v) => `${v.impact} ${v.id}`).join(', ') });
  expect(blocking.map(describe), `axe on ${view}`).toEqual([]);
  // axe really looked at something: a blank page or a failed injection would pass vacuously
  expect(result.passes.length, `axe checks that passed on ${view}`).toBeGreaterThan(15);
  expect(result.passes.map((p) => p.id)).toContain('button-name');
}

test.describe('axe finds no serious or critical violation', () => {
  test('on every view of a first visit (empty plan)', async ({ page }) => {
    // six full axe runs: seconds each on a shared 2-core machine
    test.setTimeout(180_000);
    const app = new AppPage(page);
    await app.open();
    for (const step of STEPS) {
      await app.goTo(step);
      await audit(page, `empty plan, ${step}`);
    }
  });

  test('on every view with the example plan loaded, options and disclosures open', async ({ page }) => {
    // nine full axe runs
    test.setTimeout(240_000);
    const app = new AppPage(page);
    const roles = new RolesPage(page);
    await app.open();
    await roles.loadExample();
    await expect(app.planName).toHaveValue('Example vault');
    // the example's node table, five named groups, and a box with problems and one-click fixes
    await expect(roles.nodes('PRD')).toBeVisible();
    await expect(roles.groupCards('USERW')).toHaveCount(2);
    await expect(roles.groupCards('DVC')).toHaveCount(3);
    await roles.paste('DNS', '192.0.2.53\n192.0.2.300\n192.0.2.1/24');
    await expect(roles.problems('DNS')).toBeVisible();
    await expect(roles.box('DNS').fix('192.0.2.0/24', 'network')).toBeVisible();
    await roles.card('DNS').getByText(/^Normalised entries/).click();
    await expect(roles.card('DNS').getByRole('table')).toBeVisible();
    // two single-family nodes that could be one: the join button
    await roles.paste('MBR', '192.0.2.11 # vault-02\n2001:db8:10::11 # vault-02b');
    await expect(roles.joinNodes('vault-02', 'vault-02b')).toBeVisible();
    await audit(page, 'example plan, Addresses with problems');

    for (const step of STEPS.slice(1)) {
      await app.goTo(step);
      await audit(page, `example plan with errors, ${step}`);
    }
    // the Export view just audited was the refusal: the plan has errors
    await app.goTo('Export');
    const exp = new ExportPage(page);
    await expect(exp.refused).toBeVisible();

    await app.goTo('Findings');
    await page.getByRole('button', { name: 'Show notes' }).click();
    await audit(page, 'example plan, Findings with notes shown');

    // errors fixed: the same views with their normal content
    await app.goTo('Addresses');
    await roles.paste('DNS', '192.0.2.53');
    await expect(roles.problems('DNS')).toHaveCount(0);
    await app.goTo('Review rules');
    await page.getByLabel('Rows', { exact: true }).selectOption({ label: 'One per address pair' });
    await page.getByLabel('Group by', { exact: true }).selectOption({ label: 'Group or role' });
    await page.getByText(/^Skipped catalog rows/).click();
    await audit(page, 'example plan, rules per address pair by group, skipped rows open');

    await app.goTo('Export');
    await exp.choose('iptables');
    await exp.scope('Host', 'vault-01');
    await exp.defaultDrop(true);
    await page.getByRole('checkbox', { name: /^Use ipsets/ }).check();
    await expect(exp.preview).toBeVisible();
    await audit(page, 'example plan, Export iptables host with default drop and ipsets');
  });

  test('on the dialogs: share link, replace prompt, refused plan file, damaged autosave notice', async ({ page }) => {
    test.setTimeout(120_000);
    const app = new AppPage(page);
    const roles = new RolesPage(page);
    const io = new PlanIoPage(page);
    await app.openWithStorage({ 'fwplan.plan.v1': '{"state":{"plan":' });
    await expect(page.getByRole('alert').filter({ hasText: 'damaged' })).toBeVisible();
    await audit(page, 'damaged autosave notice');

    await roles.loadExample();
    await io.toolbar.getByRole('button', { name: 'Share link' }).click();
    await expect(page.getByRole('dialog', { name: 'Share this plan' })).toBeVisible();
    await audit(page, 'share link dialog');
    await page.getByRole('dialog', { name: 'Share this plan' }).getByRole('button', { name: 'Close' }).click();

    await io.toolbar.getByRole('button', { name: 'New' }).click();
    await expect(io.replaceDialog).toBeVisible();
    await audit(page, 'replace prompt (new plan)');
    await io.replaceDialog.getByRole('button', { name: 'Keep my plan' }).click();

    const link = await io.shareLink();
    await roles.paste('PRD', '198.51.100.7');
    await page.goto(link);
    await expect(io.replaceDialog).toContainText('Open the shared plan?');
    await audit(page, 'replace prompt (share link)');
    await io.replaceDialog.getByRole('button', { name: 'Keep my plan' }).click();

    await io.openFile('refused.json', JSON.stringify({ version: 1, roles: { FOO: [] }, cluster: 'yes' }));
    await expect(io.loadFailure).toBeVisible();
    await audit(page, 'refused plan file dialog');
  });
});

test.describe('keyboard only', () => {
  const ringShown = (f: Focused) => expect(f.focusVisible && f.ringShown, `focus ring on ${f.tag} "${f.name}"`).toBe(true);

  test('load the example, go to Export, pick ufw and download it', async ({ page }) => {
    const app = new AppPage(page);
    const kb = new KeyboardUser(page);
    await app.open();

    const load = await kb.tabTo('Load example plan', (f) => f.tag === 'button' && f.name === 'Load example plan');
    ringShown(load);
    await kb.press('Enter');
    await expect(app.planName).toHaveValue('Example vault');

    const exportStep = await kb.tabTo('the Export step', (f) => f.tag === 'button' && /^5\s*Export/.test(f.name));
    ringShown(exportStep);
    await kb.press('Enter');
    await expect(app.step('Export')).toHaveAttribute('aria-current', 'step');

    const format = await kb.tabTo('the Format list', (f) => f.tag === 'select' && f.name === 'Format');
    ringShown(format);
    // arrow keys move through the closed list, as on any select (nftables is the first choice, ufw follows)
    expect(format.value).toBe('nftables');
    let value = format.value;
    for (let i = 0; i < 7 && value !== 'ufw'; i++) {
      await kb.press('ArrowDown');
      value = (await kb.focused()).value;
    }
    expect(value).toBe('ufw');
    const exp = new ExportPage(page);
    await expect(exp.format).toHaveValue('ufw');
    await expect(exp.fileName).toHaveText(/ufw/);
    const fileName = (await exp.fileName.textContent()) ?? '';

    const download = await kb.tabTo('the Download button', (f) => f.tag === 'button' && f.name === `Download ${fileName}`);
    ringShown(download);
    const [file] = await Promise.all([page.waitForEvent('download'), kb.press('Enter')]);
    expect(file.suggestedFilename()).toBe(fileName);
    const text = readFileSync(await file.path(), 'utf8');

    // the file is the engine's ufw export of the plan in the page
    const io = new PlanIoPage(page);
    const saved = await io.savePlanFile();
    const parsed = parsePlanText(saved.text);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const expected = exportPlan(parsed.plan, 'ufw', { scope: { kind: 'gateway' }, defaultDrop: false, ipset: false, egress: 'filter' });
    if (!expected.ok) throw new Error(expected.message);
    expect(text).toBe(expected.text);
    expect(text).toContain('192.0.2.10');
  });

  test('type the addresses, switch a service off, export host rules: Tab, Space, arrows and Enter only', async ({ page }) => {
    // some sixty key presses, each followed by a look at the focus
    test.setTimeout(120_000);
    const app = new AppPage(page);
    const kb = new KeyboardUser(page);
    await app.open();

    // the first Tab reaches the skip link; Enter on it puts the keyboard in the form
    const skip = await kb.tabTo('the skip link', (f) => f.tag === 'a', { max: 1 });
    expect(skip.name).toBe('Skip to the form');
    ringShown(skip);
    await kb.press('Enter');
    const prd = await kb.tabTo('the PRD box', (f) => f.tag === 'textarea' && f.name === 'PRD addresses', { max: 5 });
    ringShown(prd);
    await kb.type('192.0.2.10 # vault-01');
    // past MBR, the user group (name, preset, services, box), ADMINW and the device group's name, preset and services
    await kb.tabTo('the device group box', (f) => f.tag === 'textarea' && f.name === 'Managed devices addresses', { max: 40 });
    await kb.type('203.0.113.0/24 # servers');
    const roles = new RolesPage(page);
    await roles.expectCount('PRD', 1);
    await roles.group('DVC', 0).expectCount(1);

    await kb.tabTo('the Services step', (f) => f.tag === 'button' && /^2\s*Services/.test(f.name), { back: true });
    await kb.press('Space');
    await expect(app.step('Services')).toHaveAttribute('aria-current', 'step');
    const telnet = await kb.tabTo('the TELNET switch', (f) => f.tag === 'input' && f.name === 'TELNET 23/tcp from PRD to DVC');
    expect(telnet.checked).toBe(true);
    ringShown(telnet);
    await kb.press('Space');
    expect((await kb.focused()).checked).toBe(false);

    await kb.tabTo('the Export step', (f) => f.tag === 'button' && /^5\s*Export/.test(f.name), { back: true });
    await kb.press('Enter');
    await expect(app.step('Export')).toHaveAttribute('aria-current', 'step');
    const gateway = await kb.tabTo('the scope radios', (f) => f.tag === 'input' && f.value === 'gateway');
    expect(gateway.checked).toBe(true);
    ringShown(gateway);
    // arrows move within a radio group and select as they go
    await kb.press('ArrowDown');
    const host = await kb.focused();
    expect([host.value, host.checked]).toEqual(['host', true]);
    ringShown(host);

    const exp = new ExportPage(page);
    await expect(exp.fileName).toHaveText(/\.nft$/);
    const fileName = (await exp.fileName.textContent()) ?? '';
    await kb.tabTo('the Download button', (f) => f.tag === 'button' && f.name === `Download ${fileName}`);
    const [file] = await Promise.all([page.waitForEvent('download'), kb.press('Enter')]);
    const text = readFileSync(await file.path(), 'utf8');

    // what was typed is in the plan, and the file is the engine's export of that plan
    const plan = parsePlanText((await new PlanIoPage(page).savePlanFile()).text);
    if (!plan.ok) throw new Error(JSON.stringify(plan.errors));
    expect(plan.plan.nodes).toEqual([{ name: 'vault-01', role: 'PRD', addresses: ['192.0.2.10'] }]);
    expect(plan.plan.roles).toEqual({});
    expect(plan.plan.deviceGroups.map((g) => [g.name, g.entries])).toEqual([['Managed devices', [{ address: '203.0.113.0/24', label: 'servers' }]]]);
    expect(plan.plan.disabled).toEqual(['prd-dvc-tcp-23']);
    const expected = exportPlan(plan.plan, 'nftables', { scope: { kind: 'host', node: 'vault-01' }, defaultDrop: false, ipset: false, egress: 'filter' });
    if (!expected.ok) throw new Error(expected.message);
    expect(text).toBe(expected.text);
    expect(text).toContain('203.0.113.0/24');
  });

  test('a dialog traps the keyboard and Escape closes it, giving focus back', async ({ page }) => {
    const app = new AppPage(page);
    const kb = new KeyboardUser(page);
    const io = new PlanIoPage(page);
    await app.open();
    await new RolesPage(page).loadExample();
    // forward from "Load example plan" through the whole Addresses view and round to the header:
    // 128 stops with the example plan since catalog v2 (4 optional LB-* services per user group, 4
    // optional services per device group, the "Other senhasegura components" disclosure)
    await kb.tabTo('Share link', (f) => f.tag === 'button' && f.name === 'Share link', { max: 140 });
    await kb.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Share this plan' });
    await expect(dialog).toBeVisible();
    // the focus moves into the dialog, and Tab and Shift+Tab never reach the page behind the modal
    // dialog (past its last control the focus goes to the browser itself: activeElement is <body>)
    const where = () => page.evaluate(() => (document.activeElement?.closest('dialog[open]') ? 'dialog' : document.activeElement === document.body ? 'browser' : 'page'));
    expect(await where(), 'focus moved into the dialog').toBe('dialog');
    const seen = new Set<string>();
    for (const key of ['Tab', 'Tab', 'Tab', 'Tab', 'Tab', 'Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab']) {
      await kb.press(key);
      const at = await where();
      expect(at, `focus reached the page behind the dialog on ${key}`).not.toBe('page');
      seen.add(at);
    }
    expect(seen.has('dialog')).toBe(true);
    await kb.press('Escape');
    await expect(dialog).toHaveCount(0);
    expect((await kb.focused()).name).toBe('Share link');

    // the same for a question: Escape keeps the plan and the focus returns to the button that asked
    await kb.tabTo('New', (f) => f.tag === 'button' && f.name === 'New', { back: true });
    await kb.press('Enter');
    await expect(io.replaceDialog).toBeVisible();
    expect(await where()).toBe('dialog');
    await kb.press('Escape');
    await expect(io.replaceDialog).toHaveCount(0);
    expect((await kb.focused()).name).toBe('New');
    await expect(app.planName).toHaveValue('Example vault');
  });
});
