import type { Locator, Page } from '@playwright/test';

/** Step 2: cluster mode, one switch and one port field per catalog row. */
export class ServicesPage {
  constructor(readonly page: Page) {}

  get cluster(): Locator {
    return this.page.getByRole('switch', { name: 'Cluster mode' });
  }

  /** A catalog row by its name as shown: "SSH 22/tcp from PRD to DVC". */
  service(name: string): Locator {
    return this.page.getByRole('checkbox', { name, exact: true });
  }

  port(name: string): Locator {
    return this.page.getByRole('textbox', { name: new RegExp(`^Port for ${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(article`) });
  }

  async setCluster(on: boolean): Promise<void> {
    await this.cluster.setChecked(on);
  }

  async setService(name: string, on: boolean): Promise<void> {
    await this.service(name).setChecked(on);
  }
}
