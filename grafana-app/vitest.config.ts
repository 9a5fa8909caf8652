import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Unit tests and the PromQL check (a real Prometheus, seconds). The browser test has its own config.
export default defineConfig({
  // `source` first: workspace packages (@ussdwatch/common) resolve to their TypeScript
  // sources, so tests need no build; every other package resolves as vite's defaults say.
  resolve: { conditions: ['source', ...defaultClientConditions] },
  ssr: { resolve: { conditions: ['source', ...defaultServerConditions] } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // @grafana/data's ESM build imports CommonJS (moment-timezone) by named export, which
    // only a bundler tolerates: let Vite transform it instead of Node loading it.
    server: { deps: { inline: [/@grafana\/data/] } },
  },
});
