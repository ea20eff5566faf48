import type { Locator, Page } from '@playwright/test';

/** Step 3: the virtualised rules table, its filters and the skipped catalog rows. */
export class RulesPage {
  constructor(readonly page: Page) {}

  get summary(): Locator {
    return this.page.getByTestId('rules-summary');
  }

  get scroller(): Locator {
    return this.page.locator('.rules-scroll');
  }

  /** Table lines rendered for one catalog rule id (one per address family, or per pair). */
  rows(ruleId?: string): Locator {
    return ruleId === undefined ? this.page.locator('tr.rule-row') : this.page.locator(`tr.rule-row[data-rule="${ruleId}"]`);
  }

  groupHeadings(): Locator {
    return this.page.locator('tr.group-row');
  }

  skipped(ruleId: string): Locator {
    return this.page.locator(`tr[data-skipped="${ruleId}"]`);
  }

  get filter(): Locator {
    return this.page.getByRole('searchbox');
  }

  async filterSection(label: string): Promise<void> {
    await this.page.getByLabel('Section', { exact: true }).selectOption({ label });
  }

  async filterProtocol(label: string): Promise<void> {
    await this.page.getByLabel('Protocol', { exact: true }).selectOption({ label });
  }

  async rowMode(label: 'One per rule' | 'One per address pair'): Promise<void> {
    await this.page.getByLabel('Rows', { exact: true }).selectOption({ label });
  }

  /** Summary counts: [shown, total]. */
  async counts(): Promise<[number, number]> {
    const text = (await this.summary.textContent()) ?? '';
    const m = /Showing ([\d,]+) of ([\d,]+)/.exec(text);
    if (!m) throw new Error(`no counts in "${text}"`);
    return [Number((m[1] as string).replace(/,/g, '')), Number((m[2] as string).replace(/,/g, ''))];
  }
}
