import { expect, test } from '@playwright/test';
import { AppPage } from './page-models/AppPage.ts';
import { RolesPage } from './page-models/RolesPage.ts';
import { RulesPage } from './page-models/RulesPage.ts';

test('5,000 device addresses: the table stays virtualised and reaches its last row', async ({ page }) => {
  const app = new AppPage(page);
  const roles = new RolesPage(page);
  const rules = new RulesPage(page);
  await app.open();
  // every other address, so that no two are adjacent and the engine cannot merge them into CIDRs
  const devices = Array.from({ length: 5000 }, (_, i) => `10.20.${(i * 2) >> 8}.${(i * 2) & 255}`);
  expect(new Set(devices).size).toBe(5000);
  await roles.paste('PRD', '192.0.2.10');
  const group = roles.group('DVC', 0);
  await group.paste(devices.join('\n'));
  await group.expectCount(devices.length);
  await expect(group.problems).toHaveCount(0);

  await app.goTo('Review rules');
  await rules.rowMode('One per address pair');
  const [, total] = await rules.counts();
  expect(total).toBeGreaterThan(5000);
  // only the lines in view are in the page
  expect(await rules.rows().count()).toBeLessThan(120);
  await app.screenshot('11-scale-pairs');

  await rules.scroller.evaluate((el) => {
    el.scrollTop = el.scrollHeight;
  });
  const last = rules.rows().last();
  await expect(last).toBeVisible();
  await expect(last).toContainText(devices[devices.length - 1] as string);
  expect(await rules.rows().count()).toBeLessThan(120);
});
