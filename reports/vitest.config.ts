import { defineConfig } from 'vitest/config';

// `source`: workspace packages resolve to their TypeScript sources, so tests need no build.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
