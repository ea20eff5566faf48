import { expect, type Download, type Locator, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS } from './AppPage.ts';

export interface Downloaded {
  fileName: string;
  path: string;
  text: string;
}

/** Keep a download under e2e/artifacts/downloads and read it back. */
export async function keep(download: Download): Promise<Downloaded> {
  const path = join(ARTIFACTS, 'downloads', download.suggestedFilename());
  await download.saveAs(path);
  return { fileName: download.suggestedFilename(), path, text: readFileSync(path, 'utf8') };
}

/** Step 5: format, scope (gateway or one node) and policy options, the live preview, Copy and Download. */
export class ExportPage {
  constructor(readonly page: Page) {}

  get format(): Locator {
    return this.page.getByLabel('Format', { exact: true });
  }

  /** the format's description, from the renderer registry */
  get formatNote(): Locator {
    return this.page.locator('#export-format-note');
  }

  /** the host scope's node list (shown while Host is picked) */
  get node(): Locator {
    return this.page.getByLabel('Node', { exact: true });
  }

  get preview(): Locator {
    return this.page.getByTestId('export-preview');
  }

  get fileName(): Locator {
    return this.page.getByTestId('export-file-name');
  }

  /** "Check it before applying: nft -c -f FILE" */
  get checkHint(): Locator {
    return this.page.locator('.check-hint');
  }

  /** what the export says about itself (anti-lockout, other family, no admin access …) */
  get findings(): Locator {
    return this.page.locator('.export-findings');
  }

  /** shown instead of the preview while the plan has errors */
  get refused(): Locator {
    return this.page.getByTestId('export-refused');
  }

  async choose(format: string): Promise<void> {
    await this.format.selectOption(format);
  }

  /** Pick gateway or host scope; for a host, the node by its name. */
  async scope(kind: 'Gateway' | 'Host', node?: string): Promise<void> {
    await this.page.getByRole('radio', { name: new RegExp(`^${kind}`) }).check();
    if (node !== undefined) await this.node.selectOption({ value: node });
  }

  /** The node list's choices as shown ("PRD vault-01 — 192.0.2.10 + 2001:db8::10 (dual-stack)"). */
  async nodeChoices(): Promise<string[]> {
    return (await this.node.locator('option').allTextContents()).map((t) => t.trim());
  }

  async defaultDrop(on: boolean): Promise<void> {
    await this.page.getByRole('checkbox', { name: /^Default drop/ }).setChecked(on);
  }

  async filterEgress(on: boolean): Promise<void> {
    await this.page.getByRole('checkbox', { name: /^Filter outgoing traffic/ }).setChecked(on);
  }

  /** Click a button that downloads a file, and keep the file. */
  async downloadWith(button: string | RegExp): Promise<Downloaded> {
    const [download] = await Promise.all([this.page.waitForEvent('download'), this.page.getByRole('button', { name: button, exact: true }).click()]);
    return keep(download);
  }

  /** Click "Download <file name>" and keep the file under e2e/artifacts/downloads. */
  async download(): Promise<Downloaded> {
    const name = (await this.fileName.textContent()) ?? '';
    expect(name).not.toBe('');
    return this.downloadWith(`Download ${name}`);
  }

  /** "Download the ip6tables file too" (or iptables): the other family of a dual-stack node. */
  async downloadOtherFamily(format: 'iptables' | 'ip6tables'): Promise<Downloaded> {
    return this.downloadWith(`Download the ${format} file too`);
  }

  /** "Download the ipset file": the sets an iptables --ipset export matches. */
  async downloadCompanion(format: string): Promise<Downloaded> {
    return this.downloadWith(`Download the ${format} file`);
  }

  /** "Download the nc check script": `<plan>-<scope>-verify.sh`. */
  async downloadChecks(): Promise<Downloaded> {
    return this.downloadWith('Download the nc check script');
  }
}
