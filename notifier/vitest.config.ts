import { configDefaults, defineConfig } from 'vitest/config';

// `source`: workspace packages resolve to their TypeScript sources, so tests need no build.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['test/**/*.test.ts'],
    // The attacks run in the security suite (security/vitest.config.ts).
    exclude: [...configDefaults.exclude, 'test/security/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
