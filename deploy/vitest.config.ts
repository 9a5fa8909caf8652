import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The deployment checks: `npx vitest run --root deploy` (or --config deploy/vitest.config.ts).
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
