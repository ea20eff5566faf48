import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { AppPage } from './page-models/AppPage.ts';
import { RolesPage, type GroupCard } from './page-models/RolesPage.ts';

// Boxes of thousands of lines are drawn by the large editor (src/ui/roles/LargeTextEditor.tsx): a
// textarea lays out every line on each change. These tests hold it to what the textarea did.

/** every other address, so that none are adjacent */
const DEVICES = Array.from({ length: 5000 }, (_, i) => `10.30.${(i * 2) >> 8}.${(i * 2) & 255}`);

/** A new plan with one PRD node: the first device group's box is the one these tests fill. */
async function newPlan(page: Page): Promise<{ app: AppPage; roles: RolesPage; group: GroupCard }> {
  test.setTimeout(120_000);
  const app = new AppPage(page);
  const roles = new RolesPage(page);
  await app.open();
  await roles.paste('PRD', '192.0.2.10');
  return { app, roles, group: roles.group('DVC', 0) };
}

test('a paste of thousands of lines: the large editor takes over, edits, undoes, and hands back to a textarea', async ({ page }) => {
  const { roles, group } = await newPlan(page);
  // edits of one box within a second are one undo step (src/store/history.ts): pause between the
  // steps this test undoes one by one
  const pause = () => page.waitForTimeout(1_100);

  // a short list stays a textarea
  const short = DEVICES.slice(0, 100).join('\n');
  await group.paste(short);
  expect(await group.isLargeEditor()).toBe(false);
  await group.expectCount(100);
  await pause();

  // thousands of lines: the large editor, focused, the caret at the end of what was pasted
  await group.paste(DEVICES.join('\n'));
  expect(await group.isLargeEditor()).toBe(true);
  await expect(group.input).toBeFocused();
  await expect(group.input).toHaveAttribute('aria-multiline', 'true');
  await expect(group.input).toHaveAttribute('aria-describedby', /role-status|entry-format-hint/);
  await group.expectCount(5000);
  // only the lines in view (and a few around them) are in the page
  expect(await group.editorLines.count()).toBeLessThan(200);
  await expect(group.editorLines.last()).toHaveText(DEVICES[4999] as string);
  await pause();

  // typing at the end: one more address, given to the plan once typing pauses
  await page.keyboard.press('Enter');
  await page.keyboard.type('10.99.0.1');
  await group.expectCount(5001);
  await expect(group.editorLines.last()).toHaveText('10.99.0.1');
  await pause();

  // the app's undo takes the typing back, then the paste: the box is a textarea again, focused
  await page.keyboard.press('Control+z');
  await group.expectCount(5000);
  await page.keyboard.press('Control+z');
  await group.expectCount(100);
  expect(await group.isLargeEditor()).toBe(false);
  await expect(group.input).toHaveValue(short);
  await expect(group.input).toBeFocused();

  // and redo brings the large editor back with the 5,000 addresses
  await page.keyboard.press('Control+Shift+z');
  await group.expectCount(5000);
  expect(await group.isLargeEditor()).toBe(true);

  // Tab leaves the box (the editor does not trap it)
  await group.input.focus();
  await page.keyboard.press('Tab');
  await expect(group.input).not.toBeFocused();

  // deleting nearly everything hands the box back to a textarea, with the focus
  await group.input.focus();
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Delete');
  await group.expectCount(0);
  expect(await group.isLargeEditor()).toBe(false);
  await expect(group.input).toBeFocused();
  await expect(group.input).toHaveValue('');

  // the plan keeps what the boxes hold after a reload
  await page.keyboard.type('192.0.2.77');
  await group.paste(DEVICES.join('\n'));
  await page.reload();
  await roles.group('DVC', 0).expectCount(5000);
  expect(await roles.group('DVC', 0).isLargeEditor()).toBe(true);
});

test('a problem deep in a large box: listed with its line, "Go to" selects it in the editor', async ({ page }) => {
  const { app, group } = await newPlan(page);
  const lines = [...DEVICES];
  lines.splice(3000, 0, '10.30.0.300');
  await group.paste(lines.join('\n'));
  expect(await group.isLargeEditor()).toBe(true);
  await expect(group.status).toContainText('5,001 entries');
  await expect(group.status).toContainText('1 problem');
  await expect(group.problems).toContainText('line 3001');
  await expect(group.input).toHaveAttribute('aria-invalid', 'true');

  await app.goTo('Findings');
  await page.locator('.finding', { hasText: '10.30.0.300' }).getByRole('button', { name: /^Go to .* entry 3001$/ }).click();
  await expect(group.input).toBeFocused();
  await expect.poll(() => page.evaluate(() => document.getSelection()?.toString())).toBe('10.30.0.300');
  // typing replaces the selected entry
  await page.keyboard.type('10.30.1.1');
  await expect(group.status).not.toContainText('problem');
  await expect(group.input).toHaveAttribute('aria-invalid', 'false');
});

test('axe finds no serious or critical violation with a large editor on the page', async ({ page }) => {
  const { group } = await newPlan(page);
  await group.paste(DEVICES.join('\n'));
  expect(await group.isLargeEditor()).toBe(true);
  const result = await new AxeBuilder({ page }).setLegacyMode(true).options({ resultTypes: ['violations'] }).analyze();
  const blocking = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(blocking.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  expect(result.passes.length).toBeGreaterThan(15);
});

test('the large editor is run once while the page is idle, out of sight, and leaves nothing behind', async ({ page }) => {
  const { group } = await newPlan(page);
  await group.input.click();
  // src/ui/roles/LargeTextEditor.tsx warmUp: its User Timing entry says it ran and is done
  await page.waitForFunction(() => performance.getEntriesByName('fwplan: large editor warm-up').length === 1, undefined, { timeout: 15_000 });
  expect(await page.locator('.cm-editor').count()).toBe(0);
  expect(await page.evaluate(() => document.body.lastElementChild?.getAttribute('aria-hidden'))).not.toBe('true');
  // the box the user was in still has the focus, and takes typing as before
  await expect(group.input).toBeFocused();
  await page.keyboard.type('10.99.0.1');
  await group.expectCount(1);
  // and a large paste afterwards opens the editor as ever
  await group.paste(DEVICES.join('\n'));
  expect(await group.isLargeEditor()).toBe(true);
  await group.expectCount(DEVICES.length);
  expect(await page.locator('.cm-editor').count()).toBe(1);
});

test('a large paste is drawn before its plan goes to the expansion worker, and its rules follow', async ({ page }) => {
  // every message the page posts to a worker, on the page's clock
  await page.addInitScript(() => {
    const posted: { kind: string; at: number }[] = [];
    (window as unknown as { __posted: typeof posted }).__posted = posted;
    const post = Worker.prototype.postMessage as (this: Worker, ...args: unknown[]) => void;
    Worker.prototype.postMessage = function (this: Worker, ...args: unknown[]) {
      const message = args[0];
      const kind = typeof message === 'object' && message !== null && 'kind' in message ? String(message.kind) : '?';
      posted.push({ kind, at: performance.now() });
      post.apply(this, args);
    };
  });
  const { app, group } = await newPlan(page);
  const posted = () => page.evaluate(() => (window as unknown as { __posted: { kind: string; at: number }[] }).__posted.filter((m) => m.kind === 'plan'));
  const ruleCount = async () => Number(((await app.step('Review rules').locator('.step-meta').textContent()) ?? '').replace(/,/g, ''));
  // the worker is up and has the one-node plan's rules
  await expect.poll(async () => (await posted()).length).toBeGreaterThan(0);
  await expect(app.step('Review rules').locator('.step-meta')).not.toHaveAttribute('data-stale');
  const before = await ruleCount();
  const sentBefore = (await posted()).length;
  // the next paste, and the first frame after it (in the capture phase: before the page's own
  // handler, so this frame callback is the frame's first)
  await page.evaluate(() => {
    const w = window as unknown as { __paste?: { frameAt?: number } };
    window.addEventListener(
      'paste',
      () => {
        const paste: { frameAt?: number } = {};
        w.__paste = paste;
        requestAnimationFrame(() => (paste.frameAt = performance.now()));
      },
      { capture: true, once: true },
    );
  });

  await group.paste(DEVICES.join('\n'));
  await group.expectCount(DEVICES.length);
  // the rules of the pasted plan, worked out by the worker
  await expect(app.step('Review rules').locator('.step-meta')).not.toHaveAttribute('data-stale');
  await expect.poll(ruleCount).toBeGreaterThan(before);
  const after = (await posted()).slice(sentBefore);
  const paste = await page.evaluate(() => (window as unknown as { __paste?: { frameAt?: number } }).__paste);
  expect(paste?.frameAt).toBeDefined();
  // one plan for the one edit, sent once the frame that draws the paste has begun
  expect(after).toHaveLength(1);
  expect(after[0]?.at).toBeGreaterThan(paste?.frameAt as number);
});
