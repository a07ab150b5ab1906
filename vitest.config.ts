import { defineConfig } from 'vitest/config';

export default defineConfig({
  define: { __E2E__: 'false', __BUILD_ID__: '"test"' },
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
  },
});
