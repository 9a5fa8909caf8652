import { defineConfig } from 'vitest/config';

// The e2e's own pure parts and the stack's config derivations; the chain itself runs in run.ts.
// `source`: workspace packages (the notifier's rules for who is paged) from their TypeScript.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['*.test.ts'],
    testTimeout: 20_000,
  },
});
