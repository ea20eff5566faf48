import { expect, type Locator, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS } from './AppPage.ts';

/** The header's plan-file toolbar: open, save, share, new, example; and the dialogs they open. */
export class PlanIoPage {
  constructor(readonly page: Page) {}

  get toolbar(): Locator {
    return this.page.getByRole('toolbar', { name: 'Plan file' });
  }

  /** Open a plan through the file picker, as a user clicking "Open plan file…". */
  async openFile(name: string, content: string | Buffer): Promise<void> {
    const [chooser] = await Promise.all([this.page.waitForEvent('filechooser'), this.toolbar.getByRole('button', { name: 'Open plan file…' }).click()]);
    await chooser.setFiles({ name, mimeType: 'application/json', buffer: typeof content === 'string' ? Buffer.from(content) : content });
  }

  /**
   * Open a plan file from disk through the file picker: for files too big to pass as a buffer
   * (Playwright refuses buffers over 50 MB), written to a temporary file first.
   */
  async openFilePath(path: string): Promise<void> {
    const [chooser] = await Promise.all([this.page.waitForEvent('filechooser'), this.toolbar.getByRole('button', { name: 'Open plan file…' }).click()]);
    await chooser.setFiles(path);
  }

  /** Drop a file on the page (or on an element), as a user dragging it from the desktop. */
  async dropFile(name: string, content: string, target: Locator = this.page.locator('main')): Promise<void> {
    const dataTransfer = await this.page.evaluateHandle(
      ({ fileName, text }) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text], fileName, { type: fileName.endsWith('.json') ? 'application/json' : 'text/plain' }));
        return dt;
      },
      { fileName: name, text: content },
    );
    for (const type of ['dragenter', 'dragover', 'drop']) await target.dispatchEvent(type, { dataTransfer });
  }

  async savePlanFile(): Promise<{ fileName: string; text: string }> {
    const [download] = await Promise.all([this.page.waitForEvent('download'), this.toolbar.getByRole('button', { name: 'Save plan file' }).click()]);
    const path = join(ARTIFACTS, 'downloads', download.suggestedFilename());
    await download.saveAs(path);
    return { fileName: download.suggestedFilename(), text: readFileSync(path, 'utf8') };
  }

  /** Open the share dialog and read the link from it. */
  async shareLink(): Promise<string> {
    await this.toolbar.getByRole('button', { name: 'Share link' }).click();
    const dialog = this.page.getByRole('dialog', { name: 'Share this plan' });
    const link = await dialog.getByRole('textbox').inputValue();
    await dialog.getByRole('button', { name: 'Close' }).click();
    expect(link).toContain('#plan=');
    return link;
  }

  get loadFailure(): Locator {
    return this.page.getByRole('dialog', { name: /^Could not open/ });
  }

  get replaceDialog(): Locator {
    return this.page.getByRole('dialog', { name: /^(Open the shared plan|Load the example plan|Start a new plan)\?/ });
  }
}
