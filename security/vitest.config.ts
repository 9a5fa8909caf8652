import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The security suite: `npm test -- security` (or `npx vitest run --root security`).
// `source`: the services run from their TypeScript sources, so no build is needed.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
