import { expect, type Locator, type Page } from '@playwright/test';

/** Step 1: one text box per role of the vendor article. */
export class RolesPage {
  constructor(readonly page: Page) {}

  input(role: string): Locator {
    return this.page.getByLabel(`${role} addresses`, { exact: true });
  }

  card(role: string): Locator {
    return this.page.locator(`#role-${role}`);
  }

  /** Type as a person would: click into the box and type the text. */
  async type(role: string, text: string): Promise<void> {
    const box = this.input(role);
    await box.click();
    await box.pressSequentially(text);
  }

  /** Replace the box's content at once (a short text). */
  async fill(role: string, text: string): Promise<void> {
    await this.input(role).fill(text);
  }

  /** Paste through the clipboard with Ctrl+V, replacing what the box holds, as a user pasting a list. */
  async paste(role: string, text: string): Promise<void> {
    await this.page.evaluate((t) => navigator.clipboard.writeText(t), text);
    const box = this.input(role);
    await box.focus();
    await this.page.keyboard.press('Control+a');
    await this.page.keyboard.press('Control+v');
    await expect(box).toHaveValue(text);
  }

  problems(role: string): Locator {
    return this.page.getByRole('list', { name: `${role} problems` });
  }

  warnings(role: string): Locator {
    return this.page.getByRole('list', { name: `${role} warnings` });
  }

  status(role: string): Locator {
    return this.card(role).locator('.role-status');
  }

  async expectCount(role: string, entries: number): Promise<void> {
    await expect(this.status(role)).toContainText(`${entries.toLocaleString('en-US')} ${entries === 1 ? 'entry' : 'entries'}`);
  }

  async loadExample(): Promise<void> {
    await this.page.locator('.getting-started').getByRole('button', { name: 'Load example plan' }).click();
  }
}
