import { defineConfig } from 'vitest/config';

// The browser test against the real stack: one file, minutes at most.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    testTimeout: 240_000,
    hookTimeout: 240_000,
    fileParallelism: false,
    reporters: ['default', './e2e/summary-reporter.ts'],
  },
});
