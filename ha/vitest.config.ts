import { defineConfig } from 'vitest/config';

// The HA proof's pure parts; the topology itself runs in run.ts.
export default defineConfig({
  test: {
    include: ['*.test.ts'],
  },
});
