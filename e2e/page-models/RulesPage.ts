import type { Locator, Page } from '@playwright/test';

export type GroupBy = 'Section' | 'Group or role' | 'Nothing';

/** Step 3: the virtualised rules table, its filters and grouping, and the skipped catalog rows. */
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

  /** The headings' titles, without their counts ("DVC Windows servers", "CLUSTER"). */
  async groupTitles(): Promise<string[]> {
    return (await this.groupHeadings().locator('th').allTextContents()).map((t) => t.replace(/\s*·\s*[\d,]+\s*$/, '').trim());
  }

  skipped(ruleId: string): Locator {
    return this.page.locator(`tr[data-skipped="${ruleId}"]`);
  }

  /** the text filter: words match as text, or an address finds the rules of the networks holding it */
  get filter(): Locator {
    return this.page.getByRole('searchbox', { name: 'Filter' });
  }

  get groupBySelect(): Locator {
    return this.page.getByLabel('Group by', { exact: true });
  }

  async groupBy(label: GroupBy): Promise<void> {
    await this.groupBySelect.selectOption({ label });
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

  /** The source and destination cells of a row: the group/node/role chip and the entries as written. */
  sides(row: Locator): { source: Locator; destination: Locator } {
    return { source: row.locator('td.cell-source'), destination: row.locator('td.cell-destination') };
  }

  /** Summary counts: [shown, total]. */
  async counts(): Promise<[number, number]> {
    const text = (await this.summary.textContent()) ?? '';
    const m = /Showing ([\d,]+) of ([\d,]+)/.exec(text);
    if (!m) throw new Error(`no counts in "${text}"`);
    return [Number((m[1] as string).replace(/,/g, '')), Number((m[2] as string).replace(/,/g, ''))];
  }
}
