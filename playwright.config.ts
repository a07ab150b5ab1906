import { defineConfig } from '@playwright/test';
import { PROD_PORT } from './tests/e2e/ports';

// Report the service worker's own requests too, so "no request leaves the app's origin" covers
// it (Playwright leaves them out otherwise). Set here so every test worker inherits it.
process.env.PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS = '1';

/**
 * End-to-end tests against the production build (`dist`, served by `vite preview`) and the e2e
 * build (`dist-e2e`, which adds test-only workers), in Debian's Chromium. Each test gets its own
 * persistent context (see tests/e2e/fixtures.ts): ordinary contexts count as incognito.
 */
export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 90_000,
  expect: { timeout: 20_000 },
  // A whole-suite budget, so a hang can never eat CI's time.
  globalTimeout: 15 * 60_000,
  fullyParallel: true,
  workers: 2,
  // One retry in CI, reported as "flaky" in the output: the hand-off tests race real browser
  // processes on a loaded 2-core machine. A test that fails twice fails the run.
  retries: process.env.CI ? 1 : 0,
  reporter: [['list']],
  globalSetup: './tests/e2e/globalSetup.ts',
  webServer: [
    {
      command: `npx vite preview --port ${PROD_PORT} --strictPort`,
      url: `http://localhost:${PROD_PORT}/`,
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
    },
    {
      command: `npx vite preview --mode e2e --outDir dist-e2e --port ${PROD_PORT + 1} --strictPort`,
      url: `http://localhost:${PROD_PORT + 1}/`,
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
    },
  ],
});
