import { defineConfig, devices } from '@playwright/test';

/**
 * End-to-end tests against the built app, served by `vite preview` (the test script builds first).
 * The browser is Debian's Chromium: Playwright's own browser downloads are never used.
 * FWPLAN_E2E_PORT serves on another port when 4173 is taken (e.g. by `npm start`).
 */
const port = Number(process.env.FWPLAN_E2E_PORT ?? 4173);
const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  use: {
    ...devices['Desktop Chrome'],
    baseURL,
    viewport: { width: 1400, height: 900 },
    acceptDownloads: true,
    // the role boxes are filled the way users fill them: by pasting
    permissions: ['clipboard-read', 'clipboard-write'],
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  webServer: {
    command: `npx vite preview --host 127.0.0.1 --port ${port} --strictPort`,
    url: baseURL,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
