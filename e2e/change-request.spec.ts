import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expandPlan, groupServiceIds, SECTIONS, type Plan, type PlanInput } from '../src/engine/index.ts';
import { parsePlan } from '../src/engine/schema.ts';
import { AppPage, ARTIFACTS } from './page-models/AppPage.ts';
import { ChangeRequestPage } from './page-models/ChangeRequestPage.ts';
import { PlanIoPage } from './page-models/PlanIoPage.ts';

/**
 * The change-request sheet, printed by Chromium itself: page.pdf() renders the page with the print
 * stylesheet, poppler's pdftotext reads back what is on paper, and pdftoppm keeps a page as PNG.
 * What must be on paper is computed by the engine from the same plan, not read from the page.
 */

const OUT = join(ARTIFACTS, 'change-request');

const SMALL: PlanInput = {
  version: 2,
  name: 'Branch office vault',
  nodes: [{ name: 'vault-01', role: 'PRD', addresses: ['192.0.2.10'] }],
  roles: {
    NTP: ['192.0.2.1'],
    DNS: ['192.0.2.2'],
    MAIL: ['192.0.2.25'],
    LDAP: [{ address: '192.0.2.30', label: 'dc-01' }],
    LOG: ['192.0.2.40'],
    BACKUP: ['192.0.2.50'],
  },
  userGroups: [{ name: 'Branch users', entries: ['198.51.100.0/25'], services: ['userw-prd-tcp-443', 'userw-prd-tcp-22'] }],
  deviceGroups: [
    { name: 'Branch servers', entries: ['203.0.113.0/26', { address: '203.0.113.200', label: '<script>alert(1)</script> | core-sw' }], services: groupServiceIds('DVC') },
  ],
  disabled: ['prd-dvc-tcp-23'],
  ports: { 'prd-mail-tcp-420': 587 },
};

/** 5,000 device addresses two apart, so none merge: the sheet must print every one. */
const DEVICES = Array.from({ length: 5000 }, (_, i) => `10.20.${Math.floor(i / 128)}.${(i % 128) * 2}`);

const CLUSTER: PlanInput = {
  version: 2,
  name: 'DC three-node cluster',
  cluster: true,
  nodes: [
    { name: 'vault-01', role: 'PRD', addresses: ['192.0.2.10'] },
    { name: 'vault-02', role: 'MBR', addresses: ['192.0.2.11'] },
    { name: 'vault-03', role: 'MBR', addresses: ['192.0.2.12'] },
  ],
  roles: {
    NTP: ['192.0.2.1'],
    DNS: ['192.0.2.2'],
    LDAP: ['192.0.2.30'],
    LOG: ['192.0.2.40'],
    BACKUP: ['192.0.2.50'],
  },
  userGroups: [{ name: 'Operators', entries: ['198.51.100.0/24'], services: groupServiceIds('USERW') }],
  deviceGroups: [{ name: 'Data centre', entries: DEVICES, services: groupServiceIds('DVC') }],
  enabled: ['prd-mbr-tcp-4248', 'mbr-prd-tcp-4248'],
  ports: { 'prd-log-tcp-514': 6514 },
};

function parsed(input: PlanInput): Plan {
  const result = parsePlan(input);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.plan;
}

interface Printed {
  path: string;
  pages: number;
  text: string;
  pageText: (n: number) => string;
}

/** Print the page to PDF the way Chromium prints it, and read it back. */
async function print(page: Page, name: string, format: 'A4' | 'Letter' = 'A4'): Promise<Printed> {
  mkdirSync(OUT, { recursive: true });
  const path = join(OUT, `${name}.pdf`);
  await page.pdf({ path, format });
  const info = execFileSync('pdfinfo', [path], { encoding: 'utf8' });
  const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
  const size = /^Page size:\s+([\d.]+) x ([\d.]+) pts/m.exec(info);
  // A4 is 595.3 × 841.9 pt (Chromium rounds to whole device pixels), Letter 612 × 792
  const [width, height] = format === 'A4' ? [595, 842] : [612, 792];
  expect(Math.abs(Number(size?.[1]) - width), info).toBeLessThan(2);
  expect(Math.abs(Number(size?.[2]) - height), info).toBeLessThan(2);
  const text = execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const pageText = (n: number) => execFileSync('pdftotext', ['-layout', '-f', String(n), '-l', String(n), path, '-'], { encoding: 'utf8' });
  return { path, pages, text, pageText };
}

/** Keep one page as a picture, for people to look at. */
function keepPage(pdf: Printed, n: number, name: string): string {
  const base = join(OUT, name);
  execFileSync('pdftoppm', ['-f', String(n), '-l', String(n), '-r', '110', '-png', '-singlefile', pdf.path, base]);
  return `${base}.png`;
}

/** What every printed sheet must carry, whatever the plan. */
function expectCompleteSheet(pdf: Printed, plan: Plan, changeId: string): void {
  const ruleSet = expandPlan(plan);
  // every enabled rule, by every catalog row it realises
  for (const rule of ruleSet.rules) for (const id of rule.covers) expect(pdf.text, `rule ${id}`).toContain(id);
  // every row numbered
  expect(pdf.text).toMatch(new RegExp(`^\\s*${ruleSet.rules.length}\\s+ALLOW\\b`, 'm'));
  expect(pdf.text).not.toMatch(new RegExp(`^\\s*${ruleSet.rules.length + 1}\\s+ALLOW\\b`, 'm'));
  // every catalog row left out, with a reason
  expect(pdf.text).toContain('Catalog rules not included');
  for (const s of ruleSet.skipped) expect(pdf.text, `skipped ${s.ruleId}`).toContain(s.ruleId);
  // approvals and closure
  expect(pdf.text).toContain('Approvals');
  for (const role of ['Requester', 'Network', 'Security', 'Change board']) expect(pdf.text.toUpperCase()).toContain(role.toUpperCase());
  expect(pdf.text).toContain('Signature');
  expect(pdf.text).toContain('Works: every check passed');
  expect(pdf.text).toContain('Does not work: backed out');
  expect(pdf.text).toContain('Back-out plan');
  expect(pdf.text).toContain('Verification plan');
  expect(pdf.text).toMatch(/nc -zu?v -w 3 \S+ \d+/);
  expect(pdf.text).toContain('Fajita');
  // the running header and the page number on every page; nothing of the app around it
  for (let n = 1; n <= pdf.pages; n++) {
    const t = pdf.pageText(n);
    expect(t, `page ${n}`).toContain(changeId);
    expect(t, `page ${n}`).toContain(plan.name ?? '');
    expect(t, `page ${n}`).toMatch(/Prepared \d{4}-\d{2}-\d{2}/);
    expect(t, `page ${n}`).toContain(`Page ${n} of ${pdf.pages}`);
    for (const chrome of ['Open plan file', 'Download Markdown', 'Edit the suggestion', 'Review rules']) expect(t, `page ${n}`).not.toContain(chrome);
    // no rule row is cut: on every page of the rule table, the column header is followed by the
    // start of a row (its number and ALLOW) or a section title, never by the tail of a row
    const lines = t.split('\n').filter((l) => l.trim() !== '');
    const head = lines.findIndex((l) => /^\s*#\s+Action\s+Source\s+Destination\s+Proto\s+Port\s+Comment\s*$/.test(l));
    if (head !== -1) {
      const next = lines[head + 1]?.trim() ?? '';
      expect(/^\d+\s+ALLOW\b/.test(next) || SECTIONS.some((sec) => next.startsWith(sec.title)), `page ${n} starts the rule table with: ${next}`).toBe(true);
    }
  }
}

test.describe('change-request sheet', () => {
  // a script smuggled in through a label would show itself with alert(): there must be none
  const dialogs: string[] = [];
  test.beforeEach(({ page }) => {
    dialogs.length = 0;
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
  });
  test.afterEach(() => {
    expect(dialogs).toEqual([]);
  });

  test('a small plan: the fields are saved with the plan and the printed sheet carries everything', async ({ page }) => {
    // three prints (A4, Letter, the standalone HTML) through pdftotext
    test.setTimeout(180_000);
    const app = new AppPage(page);
    const io = new PlanIoPage(page);
    await page.addInitScript(() => {
      // the print dialog cannot be driven headless: count the calls instead
      const w = window as unknown as { printCalls: number; print: () => void };
      w.printCalls = 0;
      w.print = () => {
        w.printCalls++;
      };
    });
    await app.open();
    await io.openFile('branch.json', JSON.stringify(SMALL));
    await app.goTo('Change request');

    const cr = new ChangeRequestPage(page);
    const { form, sheet } = cr;
    await expect(sheet).toContainText('Branch office vault');
    // suggestions before anything is typed
    await expect(cr.part('implementation')).toContainText('Fajita');
    await expect(cr.part('request')).toContainText('not assigned');
    // the summary lists the node and each group with its services
    await expect(cr.part('summary').getByRole('row', { name: /vault-01/ })).toContainText('192.0.2.10');
    await expect(cr.part('summary').getByRole('row', { name: /Branch users/ })).toContainText('services: HTTPS 443/tcp, SSH 22/tcp');
    await expect(cr.part('summary').getByRole('row', { name: /Branch servers/ })).toContainText('RDP 3389/tcp');
    await expect(cr.errorCallout).toHaveCount(0);
    // where and how: the Export view's default, a gateway that gets ALLOW rules appended
    await expect(cr.partTitle('apply')).toContainText('Where and how it is applied');
    await expect(cr.applyRow('Enforcement point')).toContainText('a Linux gateway between the zones');
    await expect(cr.applyRow('Apply mode')).toContainText('Append ALLOW rules');
    await expect(cr.partTitle('rules')).toContainText('Rules to allow');

    await cr.fill('Change ID', 'CHG-2025-0142');
    await cr.setType('new');
    await cr.setCategory('normal');
    await cr.fill('Name', 'Ana Lima');
    await cr.fill('Team', 'Network engineering');
    await cr.fill('Contact', 'ana.lima@example.org');
    await cr.fill('Window start', '2025-06-14 22:00 CET');
    await cr.fill('Window end', '2025-06-14 23:30 CET');
    await cr.fill('Business justification', 'PAM roll-out at the branch.\n- second line <b>not bold</b>');
    await cr.approverName(2).fill('Bruno Costa');
    await expect(cr.runningHeader).toContainText('CHG-2025-0142');
    await expect(cr.part('request')).toContainText('2025-06-14 22:00 CET – 2025-06-14 23:30 CET');

    // stored in the plan: it survives a reload and is in the saved plan file
    await page.reload();
    await app.goTo('Change request');
    await expect(cr.field('Change ID')).toHaveValue('CHG-2025-0142');
    await expect(cr.approverName(2)).toHaveValue('Bruno Costa');
    const saved = JSON.parse((await io.savePlanFile()).text) as { changeRequest?: Record<string, unknown> };
    expect(saved.changeRequest).toMatchObject({
      changeId: 'CHG-2025-0142',
      requesterName: 'Ana Lima',
      windowStart: '2025-06-14 22:00 CET',
      approvers: [{ role: 'Requester' }, { role: 'Network', name: 'Bruno Costa' }, { role: 'Security' }, { role: 'Change board' }],
    });

    // Print calls the browser's print; the print stylesheet leaves only the sheet
    await cr.print();
    expect(await page.evaluate(() => (window as unknown as { printCalls: number }).printCalls)).toBe(1);
    await page.emulateMedia({ media: 'print' });
    await expect(sheet).toBeVisible();
    await expect(form).toBeHidden();
    await expect(page.getByRole('navigation', { name: 'Steps' })).toBeHidden();
    await expect(page.getByRole('toolbar', { name: 'Plan file' })).toBeHidden();
    // back to no emulation: page.pdf() then prints with the print stylesheet, as a browser does
    await page.emulateMedia({ media: null });

    const plan = parsed({ ...SMALL, changeRequest: {} });
    const a4 = await print(page, 'small-a4');
    expectCompleteSheet(a4, plan, 'CHG-2025-0142');
    expect(a4.pages).toBeGreaterThanOrEqual(3);
    expect(a4.pages).toBeLessThanOrEqual(10);
    // the hostile label is printed as text, the request as typed, the changes against the article listed
    expect(a4.text).toContain('<script>alert(1)</script>');
    expect(a4.text).toContain('- second line <b>not bold</b>');
    expect(a4.text).toContain('Bruno Costa');
    expect(a4.text).toContain('Ana Lima');
    expect(a4.text).toMatch(/Disabled\s+prd-dvc-tcp-23/);
    expect(a4.text).toContain("port 587 instead of the article's 420");
    expect(a4.text).toContain('Where and how it is applied');
    for (const address of ['192.0.2.10', '198.51.100.0/25', '203.0.113.0/26', '203.0.113.200', '192.0.2.25']) expect(a4.text).toContain(address);
    const png = keepPage(a4, 1, 'small-a4-page-1');
    expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');

    const letter = await print(page, 'small-letter', 'Letter');
    expectCompleteSheet(letter, plan, 'CHG-2025-0142');

    // the standalone HTML: the same view rendered to static markup, no script, prints the same way
    const html = await cr.downloadHtml();
    expect(html.fileName).toBe('branch-office-vault-chg-2025-0142-change-request.html');
    const htmlPath = join(OUT, html.fileName);
    writeFileSync(htmlPath, html.text);
    expect(html.text).not.toMatch(/<script[\s>]/i);
    expect(html.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html.text).toContain('<article class="crs" aria-label="Firewall change request">');
    const md = await cr.downloadMarkdown();
    for (const rule of expandPlan(plan).rules) expect(md.text).toContain(`\`${rule.ruleId}\``);
    expect(md.text).toContain('| Network | Bruno Costa |');
    expect(md.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt; \\| core-sw');

    const standalone = await page.context().newPage();
    await standalone.goto(`file://${htmlPath}`);
    // the download's sheet reads as the page's sheet: same parts, same rows
    const downloaded = new ChangeRequestPage(standalone);
    expect(await downloaded.sheet.locator('h2').allTextContents()).toEqual(await sheet.locator('h2').allTextContents());
    expect(await downloaded.sheet.locator('tr[id^="crs-rule-"]').count()).toBe(await sheet.locator('tr[id^="crs-rule-"]').count());
    await expect(downloaded.applyRow('Apply mode')).toContainText('Append ALLOW rules');
    const fromHtml = await print(standalone, 'small-standalone');
    expectCompleteSheet(fromHtml, plan, 'CHG-2025-0142');
    expect(Math.abs(fromHtml.pages - a4.pages)).toBeLessThanOrEqual(1);
    await standalone.close();

    // a change that modifies or removes rules never calls its table "Rules to allow" nor says it only adds rules
    for (const [type, title] of [['modify', 'Rules after the change'], ['remove', 'Rules to remove']] as const) {
      await cr.setType(type);
      await expect(cr.partTitle('rules')).toContainText(title);
      await expect(sheet).not.toContainText('Rules to allow');
      await expect(sheet).not.toContainText('only adds ALLOW rules');
      const typed = await cr.downloadMarkdown();
      expect(typed.text, type).toContain(title);
      expect(typed.text, type).not.toContain('Rules to allow');
      expect(typed.text, type).not.toContain('only adds ALLOW rules');
    }
    expect(app.foreignRequests()).toEqual([]);
  });

  test('a three-node cluster with 5,000 device addresses prints every address on a bounded number of pages', async ({ page }) => {
    test.setTimeout(180_000);
    const app = new AppPage(page);
    const io = new PlanIoPage(page);
    await app.open();
    await io.openFile('dc.json', JSON.stringify(CLUSTER));
    await app.goTo('Change request');
    const cr = new ChangeRequestPage(page);
    await expect(cr.part('groups')).toContainText('5,000 IPv4 addresses');
    await cr.fill('Change ID', 'CHG-DC-7');
    await expect(cr.runningHeader).toContainText('CHG-DC-7');

    const plan = parsed(CLUSTER);
    const ruleSet = expandPlan(plan);
    expect(ruleSet.nodes).toHaveLength(3);
    const pdf = await print(page, 'cluster-5000-a4');
    expectCompleteSheet(pdf, plan, 'CHG-DC-7');
    // all 5,000 addresses in full, each once in its address group
    const printed = new Set(pdf.text.split(/\s+/));
    const missing = DEVICES.filter((a) => !printed.has(a));
    expect(missing, `missing addresses: ${missing.slice(0, 5).join(', ')}`).toEqual([]);
    // the rows name the cluster nodes themselves, and the summary lists them by name
    for (const node of ['192.0.2.10', '192.0.2.11', '192.0.2.12', 'vault-02', 'vault-03']) expect(pdf.text).toContain(node);
    expect(pdf.text).toContain('address group G1');
    // one check per rule is printed, the count of all of them is given
    expect(pdf.text).toMatch(/[\d,]+ checks in all; one per rule is printed here/);
    // more pages than a small plan, but the addresses are listed once, not once per rule
    expect(pdf.pages).toBeGreaterThan(10);
    expect(pdf.pages).toBeLessThanOrEqual(40);

    // keep the first page of the rule table as a picture
    let rulePage = 1;
    while (rulePage < pdf.pages && !/^\s*1\s+ALLOW\b/m.test(pdf.pageText(rulePage))) rulePage++;
    keepPage(pdf, rulePage, 'cluster-5000-rules-page');
    let groupPage = rulePage;
    while (groupPage < pdf.pages && !pdf.pageText(groupPage).includes('G1 · DVC Data centre (IPv4)')) groupPage++;
    expect(groupPage, 'the page of address group G1').toBeLessThan(pdf.pages);
    keepPage(pdf, groupPage, 'cluster-5000-address-group-page');
    writeFileSync(join(OUT, 'cluster-5000.txt'), pdf.text);
  });
});
