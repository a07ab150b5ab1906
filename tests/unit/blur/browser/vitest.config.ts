// Decode, encode, relaxed SIMD and the worker pool need a browser: these run in Debian's
// Chromium through vitest's browser mode. `npm run test:blur:browser`.
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: new URL('../../../..', import.meta.url).pathname,
  test: {
    include: ['tests/unit/blur/browser/**/*.browser.ts'],
    testTimeout: 60_000,
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({
        launchOptions: {
          executablePath: '/usr/bin/chromium',
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
          ],
        },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
