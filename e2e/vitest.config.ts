import { defineConfig } from 'vitest/config';

// The e2e's own pure parts and the stack's config derivations; the chain itself runs in run.ts.
export default defineConfig({
  test: {
    include: ['*.test.ts'],
    testTimeout: 20_000,
  },
});
