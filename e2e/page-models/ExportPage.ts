import { expect, type Locator, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS } from './AppPage.ts';

export interface Downloaded {
  fileName: string;
  path: string;
  text: string;
}

/** Step 5: format, scope and policy options, the live preview, Copy and Download. */
export class ExportPage {
  constructor(readonly page: Page) {}

  get format(): Locator {
    return this.page.getByLabel('Format', { exact: true });
  }

  get preview(): Locator {
    return this.page.getByTestId('export-preview');
  }

  get fileName(): Locator {
    return this.page.getByTestId('export-file-name');
  }

  async choose(format: string): Promise<void> {
    await this.format.selectOption(format);
  }

  async scope(kind: 'Gateway' | 'Host', node?: string): Promise<void> {
    await this.page.getByRole('radio', { name: new RegExp(`^${kind}`) }).check();
    if (node !== undefined) await this.page.getByLabel('Node', { exact: true }).selectOption({ label: node });
  }

  async defaultDrop(on: boolean): Promise<void> {
    await this.page.getByRole('checkbox', { name: /^Default drop/ }).setChecked(on);
  }

  async filterEgress(on: boolean): Promise<void> {
    await this.page.getByRole('checkbox', { name: /^Filter outgoing traffic/ }).setChecked(on);
  }

  /** Click Download and keep the file under e2e/artifacts/downloads. */
  async download(): Promise<Downloaded> {
    const name = (await this.fileName.textContent()) ?? '';
    expect(name).not.toBe('');
    const [download] = await Promise.all([this.page.waitForEvent('download'), this.page.getByRole('button', { name: `Download ${name}` }).click()]);
    const path = join(ARTIFACTS, 'downloads', download.suggestedFilename());
    await download.saveAs(path);
    return { fileName: download.suggestedFilename(), path, text: readFileSync(path, 'utf8') };
  }
}
