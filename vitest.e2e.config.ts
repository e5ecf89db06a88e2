import { defineConfig } from 'vitest/config';

/**
 * End-to-end tests against the built site: real Chromium (Debian's /usr/bin/chromium), and a
 * smoke run in Debian's /usr/bin/firefox-esr (e2e/firefox.e2e.ts).
 */
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
