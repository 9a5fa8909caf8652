import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['*.test.ts'],
    // Prometheus has to start, scrape twice and evaluate the rules.
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
