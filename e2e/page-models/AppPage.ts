import { expect, type Locator, type Page, type Request } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');

export type Step = 'Addresses' | 'Services' | 'Review rules' | 'Findings' | 'Export' | 'Change request';

/** The whole app: navigation, history, notices, and a record of every request the page makes. */
export class AppPage {
  readonly requests: string[] = [];

  constructor(readonly page: Page) {
    page.on('request', (r: Request) => this.requests.push(r.url()));
  }

  /** Open the app with an empty browser profile (no autosave). */
  async open(path = '/'): Promise<void> {
    await this.page.goto(path);
    await expect(this.page.getByRole('navigation', { name: 'Steps' })).toBeVisible();
  }

  /** Open the app with something already in the autosave slot, as a returning visitor would. */
  async openWithStorage(entries: Record<string, string>): Promise<void> {
    await this.page.addInitScript((items) => {
      // only on the first load: a later reload must see what the app itself saved
      if (sessionStorage.getItem('e2e-seeded') === null) {
        for (const [k, v] of Object.entries(items)) localStorage.setItem(k, v);
        sessionStorage.setItem('e2e-seeded', '1');
      }
    }, entries);
    await this.open();
  }

  step(name: Step): Locator {
    return this.page.getByRole('navigation', { name: 'Steps' }).getByRole('button', { name: new RegExp(`^\\d?\\s*${name}`) });
  }

  async goTo(name: Step): Promise<void> {
    await this.step(name).click();
    await expect(this.step(name)).toHaveAttribute('aria-current', 'step');
  }

  get planName(): Locator {
    return this.page.getByRole('textbox', { name: 'Plan name' });
  }

  async undoWithKeyboard(): Promise<void> {
    await this.page.keyboard.press('Control+z');
  }

  async redoWithKeyboard(key: 'Control+Shift+z' | 'Control+y' = 'Control+Shift+z'): Promise<void> {
    await this.page.keyboard.press(key);
  }

  get undoButton(): Locator {
    return this.page.getByRole('group', { name: 'History' }).getByRole('button', { name: /Undo/ });
  }

  get redoButton(): Locator {
    return this.page.getByRole('group', { name: 'History' }).getByRole('button', { name: /Redo/ });
  }

  /** "This plan was written in plan version 1 and has been upgraded …", until dismissed */
  get upgradeNotice(): Locator {
    return this.page.getByRole('status').filter({ hasText: 'written in plan version 1' });
  }

  get toast(): Locator {
    return this.page.locator('.toast');
  }

  /** Keep a picture of the current state under e2e/artifacts; dialogs are shot as the viewport shows them. */
  async screenshot(name: string, fullPage = true): Promise<void> {
    mkdirSync(ARTIFACTS, { recursive: true });
    if (fullPage) await this.page.evaluate(() => window.scrollTo(0, 0));
    await this.page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage });
  }

  /** Requests to anything but this app's own origin (blob: and data: URLs stay in the page). */
  foreignRequests(): string[] {
    const origin = new URL(this.page.url()).origin;
    return this.requests.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith('blob:') && !u.startsWith('data:'));
  }
}
