import { expect, type Locator, type Page } from '@playwright/test';

/** A role card's code: the node boxes (PRD, MBR), ADMINW and the management servers. */
export type BoxRole = 'PRD' | 'MBR' | 'ADMINW' | 'NTP' | 'DNS' | 'MAIL' | 'LDAP' | 'RADIUS' | 'TACACS' | 'LOG' | 'BACKUP';
export type GroupRole = 'USERW' | 'DVC';

/**
 * One entries box on its card: the text box, its status line ("3 entries · 2 IPv4 · 1 problem")
 * and its problem list. Role cards and group cards both have one.
 */
export class EntryBox {
  constructor(
    readonly page: Page,
    readonly card: Locator,
  ) {}

  /**
   * the text box: the card's only box whose name ends in "addresses" — a textarea, or past about
   * 2,500 addresses the large editor (a multi-line textbox that draws only the lines in view)
   */
  get input(): Locator {
    return this.card.getByRole('textbox', { name: / addresses$/ });
  }

  /** the large editor's lines as drawn (only those in view and a few around them) */
  get editorLines(): Locator {
    return this.card.locator('.cm-content .cm-line');
  }

  /** Whether the box is the large editor rather than a textarea. */
  async isLargeEditor(): Promise<boolean> {
    return (await this.input.evaluate((el) => el.tagName)) !== 'TEXTAREA';
  }

  /**
   * The box holds `text`: a textarea's value is compared whole. The large editor draws only the
   * lines in view, so there: the entries counted in the status line are the text's tokens, and
   * the line the caret is on (the end, after a paste) is the text's last line.
   */
  async expectHolds(text: string): Promise<void> {
    if (!(await this.isLargeEditor())) {
      await expect(this.input).toHaveValue(text);
      return;
    }
    const tokens = text.split('\n').flatMap((line) => line.replace(/#.*/, '').match(/[^\s,;]+/g) ?? []).length;
    await this.expectCount(tokens);
    const last = text.replace(/\n+$/, '').split('\n').pop() ?? '';
    await expect(this.editorLines.last()).toHaveText(last);
  }
  get status(): Locator {
    return this.card.locator('.role-status');
  }

  /** the list of problems under the box ("PRD problems", "<group name> problems") */
  get problems(): Locator {
    return this.card.getByRole('list', { name: / problems$/ });
  }

  /** a problem's one-click fix: "Use 10.0.0.5 (host)", "Use 10.0.0.0/24 (network)" */
  fix(replacement: string, meaning: 'host' | 'network'): Locator {
    return this.problems.getByRole('button', { name: `Use ${replacement} (${meaning})`, exact: true });
  }

  /** Type as a person would: click into the box and type the text. */
  async type(text: string): Promise<void> {
    await this.input.click();
    await this.input.pressSequentially(text);
  }

  /** Replace the box's content at once (a short text). */
  async fill(text: string): Promise<void> {
    await this.input.fill(text);
  }

  /** Paste through the clipboard with Ctrl+V, replacing what the box holds, as a user pasting a list. */
  async paste(text: string): Promise<void> {
    await this.page.evaluate((t) => navigator.clipboard.writeText(t), text);
    await this.input.focus();
    await this.page.keyboard.press('Control+a');
    await this.page.keyboard.press('Control+v');
    await this.expectHolds(text);
  }

  /** The status line counts every token typed, valid or not. */
  async expectCount(entries: number): Promise<void> {
    await expect(this.status).toContainText(`${entries.toLocaleString('en-US')} ${entries === 1 ? 'entry' : 'entries'}`);
  }
}

/** One named user group (USERW) or device group (DVC): name, services, preset, its own entries. */
export class GroupCard extends EntryBox {
  constructor(
    page: Page,
    readonly role: GroupRole,
    readonly index: number,
  ) {
    super(page, page.locator(`#group-${role}-${index}`));
  }

  /** the group's name box ("Name of device group 1") */
  get name(): Locator {
    return this.card.getByRole('textbox', { name: /^Name of (user|device) group \d+$/ });
  }

  async rename(name: string): Promise<void> {
    await this.name.fill(name);
  }

  /** a service checkbox by its text: "RDP 3389/tcp", "SSH 22/tcp" */
  service(label: string): Locator {
    return this.card.getByRole('group', { name: /^Services / }).getByRole('checkbox', { name: label });
  }

  /** the names of the services ticked, in the card's order */
  async servicesOn(): Promise<string[]> {
    const checks = this.card.locator('.service-check');
    const out: string[] = [];
    for (const check of await checks.all()) {
      if (await check.locator('input').isChecked()) out.push(((await check.textContent()) ?? '').replace(/\s+/g, ' ').trim());
    }
    return out;
  }

  get preset(): Locator {
    return this.card.getByRole('combobox', { name: /^Preset for / });
  }

  async applyPreset(title: string): Promise<void> {
    await this.preset.selectOption({ label: title });
  }

  async remove(): Promise<void> {
    await this.card.getByRole('button', { name: /^Remove (user|device) group / }).click();
  }
}

/** Step 1: the node boxes, the user and device groups, ADMINW and the management servers. */
export class RolesPage {
  constructor(readonly page: Page) {}

  card(role: BoxRole): Locator {
    return this.page.locator(`#role-${role}`);
  }

  /** the entries box of a role card */
  box(role: BoxRole): EntryBox {
    return new EntryBox(this.page, this.card(role));
  }

  input(role: BoxRole): Locator {
    return this.page.getByLabel(`${role} addresses`, { exact: true });
  }

  async type(role: BoxRole, text: string): Promise<void> {
    await this.box(role).type(text);
  }

  async fill(role: BoxRole, text: string): Promise<void> {
    await this.box(role).fill(text);
  }

  async paste(role: BoxRole, text: string): Promise<void> {
    await this.box(role).paste(text);
  }

  problems(role: BoxRole): Locator {
    return this.page.getByRole('list', { name: `${role} problems` });
  }

  status(role: BoxRole): Locator {
    return this.box(role).status;
  }

  async expectCount(role: BoxRole, entries: number): Promise<void> {
    await this.box(role).expectCount(entries);
  }

  // nodes (PRD, MBR): one node a line, `addresses # name`

  /** the node table a node box became ("PRD nodes") */
  nodes(role: 'PRD' | 'MBR'): Locator {
    return this.page.getByRole('table', { name: `${role} nodes` });
  }

  /** the node table's rows: [name, IPv4, IPv6] each, as shown ("—" for none) */
  async nodeRows(role: 'PRD' | 'MBR'): Promise<string[][]> {
    const rows = this.nodes(role).locator('tbody tr');
    const out: string[][] = [];
    for (const row of await rows.all()) {
      out.push((await row.locator('th, td').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim()));
    }
    return out;
  }

  /** the button that gives two single-family nodes one name, making them one node */
  joinNodes(first: string, second: string): Locator {
    return this.page.getByRole('button', { name: `Make ${first} and ${second} one node`, exact: true });
  }

  // user groups (USERW) and device groups (DVC)

  group(role: GroupRole, index: number): GroupCard {
    return new GroupCard(this.page, role, index);
  }

  groupCards(role: GroupRole): Locator {
    return this.page.locator(`section[id^="group-${role}-"]`);
  }

  /** Add a group: an empty one, or one made from a preset ("Linux/Unix servers"). Returns it. */
  async addGroup(role: GroupRole, choice: 'empty' | string): Promise<GroupCard> {
    const before = await this.groupCards(role).count();
    const select = this.page.getByRole('combobox', { name: role === 'USERW' ? 'Add a user group' : 'Add a device group' });
    await select.selectOption(choice === 'empty' ? { value: 'empty' } : { label: choice });
    await expect(this.groupCards(role)).toHaveCount(before + 1);
    return this.group(role, before);
  }

  async loadExample(): Promise<void> {
    await this.page.locator('.getting-started').getByRole('button', { name: 'Load example plan' }).click();
  }
}
