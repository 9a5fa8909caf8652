import { defineConfig } from 'vitest/config';

// `source`: the generator's imports from the exporter resolve to its TypeScript sources.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['*.test.ts', 'generate/*.test.ts', 'anomaly/*.test.ts'],
    // Prometheus has to start, scrape twice and evaluate the rules.
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
