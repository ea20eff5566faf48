import type { Locator, Page } from '@playwright/test';
import { keep, type Downloaded } from './ExportPage.ts';

export type ChangeType = 'new' | 'modify' | 'remove';

/** The sheet's parts, by the id of their section ("crs-apply"). */
export type SheetPart = 'request' | 'summary' | 'apply' | 'risk' | 'implementation' | 'rules' | 'groups' | 'skipped' | 'verification' | 'backout' | 'approvals' | 'closure';

/** The change-request view: the change board's fields, the sheet they fill, Print and the downloads. */
export class ChangeRequestPage {
  constructor(readonly page: Page) {}

  get form(): Locator {
    return this.page.getByRole('form', { name: 'Change request fields' });
  }

  /** the printable sheet */
  get sheet(): Locator {
    return this.page.getByRole('article', { name: 'Firewall change request' });
  }

  get toolbar(): Locator {
    return this.page.getByRole('toolbar', { name: 'Change request sheet' });
  }

  /** one numbered part of the sheet */
  part(id: SheetPart): Locator {
    return this.sheet.locator(`#crs-${id}`);
  }

  /** the part's heading ("6Rules to allow": number and title) */
  partTitle(id: SheetPart): Locator {
    return this.part(id).locator('h2');
  }

  /** the header repeated on every printed page */
  get runningHeader(): Locator {
    return this.sheet.locator('.crs-running');
  }

  /** "The plan has N errors …" */
  get errorCallout(): Locator {
    return this.part('summary').locator('.crs-callout-error');
  }

  /** "Where and how it is applied": the value in the row of that name */
  applyRow(name: 'Enforcement point' | 'Apply mode' | 'Outgoing traffic' | 'Other nodes'): Locator {
    return this.part('apply').getByRole('row', { name: new RegExp(`^${name}`) }).getByRole('cell');
  }

  field(label: string | RegExp, exact = true): Locator {
    return this.form.getByLabel(label, { exact });
  }

  async fill(label: string | RegExp, value: string): Promise<void> {
    await this.field(label).fill(value);
  }

  async setType(type: ChangeType): Promise<void> {
    await this.field('Type').selectOption(type);
  }

  async setCategory(category: 'standard' | 'normal' | 'emergency'): Promise<void> {
    await this.field('Category').selectOption(category);
  }

  approverName(n: number): Locator {
    return this.form.getByRole('textbox', { name: `Approver ${n}: name` });
  }

  async print(): Promise<void> {
    await this.toolbar.getByRole('button', { name: 'Print' }).click();
  }

  async downloadHtml(): Promise<Downloaded> {
    const [download] = await Promise.all([this.page.waitForEvent('download'), this.toolbar.getByRole('button', { name: 'Download PDF-ready HTML' }).click()]);
    return keep(download);
  }

  async downloadMarkdown(): Promise<Downloaded> {
    const [download] = await Promise.all([this.page.waitForEvent('download'), this.toolbar.getByRole('button', { name: 'Download Markdown' }).click()]);
    return keep(download);
  }
}
