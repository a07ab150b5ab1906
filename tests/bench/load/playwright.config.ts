import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';
import { PROD_PORT } from '../../e2e/ports';

export default defineConfig({
  testDir: '.',
  testMatch: '*.bench.ts',
  workers: 1,
  reporter: [['list']],
  webServer: {
    command: `npx vite preview --port ${PROD_PORT} --strictPort`,
    url: `http://localhost:${PROD_PORT}/`,
    cwd: fileURLToPath(new URL('../../..', import.meta.url)),
    reuseExistingServer: !process.env.CI,
  },
});
