import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { CHROMIUM, CHROMIUM_ARGS } from './scripts/chromium.mjs';

/** Debian's Chromium: Playwright's own browser builds cannot be downloaded here. */
const chromium = playwright({
  launchOptions: {
    executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS],
  },
});

/** A fresh object per project: vitest names the instances it is given, so sharing one clashes. */
const browser = () => ({
  enabled: true,
  headless: true,
  provider: chromium,
  instances: [{ browser: 'chromium' as const }],
});

export default defineConfig({
  define: { __E2E__: 'false', __BUILD_ID__: '"test"' },
  test: {
    testTimeout: 20_000,
    projects: [
      {
        extends: true,
        test: { name: 'node', include: ['tests/unit/**/*.test.ts'], environment: 'node' },
      },
      {
        // The work library's suite again, where IndexedDB's transaction timing is the real one.
        extends: true,
        test: { name: 'chromium', include: ['tests/unit/work/**/*.test.ts'], browser: browser() },
      },
      {
        // Decode, encode, relaxed SIMD, the worker pool and the decoder fuzz need a browser; so
        // do the app's blur and save steps (OPFS and the real blur).
        extends: true,
        test: {
          name: 'chromium-blur',
          include: [
            'tests/unit/blur/browser/**/*.browser.ts',
            'tests/unit/app/browser/**/*.browser.ts',
          ],
          testTimeout: 60_000,
          browser: browser(),
        },
      },
    ],
  },
});
