import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The security suite: `npm test -- security` (or `npx vitest run --root security`). It runs
// the attacks on every service: the web-config ones here, and the hostile-input ones kept
// beside each service's code (exporter/test/security, notifier/test/security), which the
// services' own suites leave to this one.
// `source`: the services run from their TypeScript sources, so no build is needed.
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const sourceConditions = { resolve: { conditions: ['source'] }, ssr: { resolve: { conditions: ['source'] } } };

export default defineConfig({
  test: {
    projects: [
      { ...sourceConditions, test: { name: 'web', root: here('.'), include: ['test/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 } },
      { ...sourceConditions, test: { name: 'exporter', root: here('../exporter'), include: ['test/security/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 } },
      { ...sourceConditions, test: { name: 'notifier', root: here('../notifier'), include: ['test/security/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 } },
    ],
  },
});
