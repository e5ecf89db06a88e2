import { defineConfig } from 'vitest/config';

/** End-to-end tests: real Chromium (Debian's /usr/bin/chromium) against the built site. */
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    environment: 'node',
    globalSetup: ['e2e/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 90_000,
  },
});
