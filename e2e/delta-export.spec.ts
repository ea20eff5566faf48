import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppPage } from './page-models/AppPage.ts';
import { ExportPage } from './page-models/ExportPage.ts';
import { PlanIoPage } from './page-models/PlanIoPage.ts';

const DELTAS = join(import.meta.dirname, '..', 'tests', 'fixtures', 'deltas');
const fixture = (name: string) => readFileSync(join(DELTAS, name), 'utf8');

test('with a baseline, the Export view downloads the delta from it, for formats that have one', async ({ page }) => {
  const app = new AppPage(page);
  const io = new PlanIoPage(page);
  const exp = new ExportPage(page);
  await app.open();
  await io.openFile('new.json', fixture('new.json'));
  await expect(app.planName).toHaveValue('HQ vault');

  // no baseline: no delta download
  await app.goTo('Export');
  await exp.choose('nftables');
  await expect(page.getByTestId('export-delta-nftables')).toHaveCount(0);

  await app.goTo('Review rules');
  await page.getByLabel('Plan file to compare with').setInputFiles({ name: 'old.json', mimeType: 'application/json', buffer: Buffer.from(fixture('old.json')) });
  await expect(page.getByRole('status').filter({ hasText: 'Comparing with old.json' })).toBeVisible();

  await app.goTo('Export');
  const nft = await exp.downloadWith('Download the nftables delta from old.json');
  expect(nft.fileName).toBe('hq-vault-gateway.delta-nft.sh');
  expect(nft.text).toBe(fixture('gateway.nftables'));
  await expect(page.getByTestId('export-delta-note')).toContainText('hq-vault-gateway.delta-nft.sh: 3 rules added, 4 removed since old.json');

  // iptables with ipsets: the ipset delta too, with what to run once the rule deltas are loaded
  await exp.choose('iptables');
  await page.getByRole('checkbox', { name: /ipset/i }).check();
  const ipt = await exp.downloadWith('Download the iptables delta from old.json');
  expect(ipt.text).toBe(fixture('gateway-ipset.iptables'));
  const sets = await exp.downloadWith('Download the ipset delta from old.json');
  expect(sets.text).toBe(fixture('gateway.ipset'));
  await expect(page.getByTestId('export-delta-note')).toContainText('Once the rule deltas are loaded: ipset destroy fwplan-site-');

  // a format without a delta offers none
  await exp.choose('csv');
  await expect(page.getByRole('button', { name: /delta from/ })).toHaveCount(0);
});
