import type { BrowserContext, Page } from '@playwright/test';

/** A Content-Security-Policy violation as the page reported it (the securitypolicyviolation event). */
export interface CspViolation {
  directive: string;
  blocked: string;
  sample: string;
}

declare global {
  interface Window {
    __cspViolations?: CspViolation[];
  }
}

/**
 * Watches what a page does that it must not: requests outside its origin, CSP violations, alert /
 * confirm / prompt dialogs, uncaught errors.
 *
 * Requests to any other origin are also stopped at the browser's network layer (aborted, never
 * sent), so a missing protection shows up as a failed test and not as a packet on the network.
 * A request the page's own CSP blocks never gets that far: `escaped` lists those that did.
 */
export class PageGuards {
  /** every request the pages of this context made, workers and pop-ups included */
  readonly requests: string[] = [];
  /** requests to another origin that got past the page and reached the network layer */
  readonly escaped: string[] = [];
  /** why a request failed, by URL (Chromium says "csp" for what the page's policy refused) */
  readonly failures = new Map<string, string>();
  readonly dialogs: string[] = [];
  readonly pageErrors: string[] = [];

  private constructor(
    readonly context: BrowserContext,
    readonly origin: string,
  ) {}

  /** Install on a context before its first page opens. */
  static async install(context: BrowserContext, baseURL: string): Promise<PageGuards> {
    const guards = new PageGuards(context, new URL(baseURL).origin);
    context.on('request', (r) => guards.requests.push(r.url()));
    context.on('requestfailed', (r) => guards.failures.set(r.url(), r.failure()?.errorText ?? ''));
    await context.route(
      (url) => !guards.isOwn(url.href),
      async (route) => {
        guards.escaped.push(route.request().url());
        await route.abort('blockedbyclient');
      },
    );
    await context.addInitScript(() => {
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => {
        window.__cspViolations?.push({ directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample });
      });
    });
    return guards;
  }

  /** Watch one page for dialogs and uncaught errors; a dialog is dismissed so nothing waits on it. */
  watch(page: Page): Page {
    page.on('dialog', (d) => {
      this.dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss();
    });
    page.on('pageerror', (e) => this.pageErrors.push(e.message));
    return page;
  }

  isOwn(url: string): boolean {
    return url.startsWith(`${this.origin}/`) || url === this.origin || url.startsWith('blob:') || url.startsWith('data:');
  }

  /** Requests to anything but the app's origin (blob: and data: URLs stay in the page). */
  foreign(): string[] {
    return this.requests.filter((u) => !this.isOwn(u));
  }

  /** The CSP violations the page has reported so far. */
  static async violations(page: Page): Promise<CspViolation[]> {
    return page.evaluate(() => window.__cspViolations ?? []);
  }
}
