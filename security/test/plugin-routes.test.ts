// Grafana's plugin proxy adds the app's token to every request it forwards, so
// plugin.json's routes decide what a Grafana user can do with that token: each route names
// its method, one that only reads (GET) needs Viewer at least, any other needs Editor or
// Admin, and none reaches what pages people or injects faults. The harness enforces the
// same roles (harness.test.ts); this keeps the file Grafana reads honest.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './helpers.js';

interface PluginRoute {
  path: string;
  method?: string;
  url: string;
  reqRole?: string;
  headers?: Array<{ name: string; content: string }>;
}

const routes = (JSON.parse(readFileSync(join(REPO, 'grafana-app/src/plugin.json'), 'utf8')) as { routes: PluginRoute[] }).routes;
const ROLES = ['Viewer', 'Editor', 'Admin'];

describe("plugin.json's proxy routes", () => {
  it.each(routes.map((r) => [`${r.method ?? '(any method)'} ${r.path}`, r] as const))('%s names its method and the role it needs', (_name, r) => {
    expect(r.method, 'a route without a method forwards every method').toMatch(/^(GET|POST|PUT|PATCH|DELETE)$/);
    expect(ROLES, 'reqRole').toContain(r.reqRole);
    if (r.method !== 'GET') expect(['Editor', 'Admin'], `${r.method} acts: reqRole Editor or Admin`).toContain(r.reqRole);
  });

  it('forward only to the exporter, the notifier and the report service, with the token from the secure settings', () => {
    for (const r of routes) {
      expect(r.url, r.path).toMatch(/^\{\{ \.JsonData\.(exporterUrl|notifierUrl|reportsUrl) \}\}\//);
      for (const h of r.headers ?? []) expect(h.content, `${r.path}: ${h.name}`).not.toMatch(/^Bearer (?!\{\{ \.SecureJsonData\.\w+ \}\}$)/);
    }
  });

  it('never reach what pages people, injects faults or exposes the raw metrics', () => {
    for (const r of routes) {
      const target = r.url.replace(/^\{\{[^}]+\}\}/, '');
      expect(target, r.path).not.toMatch(/\/webhook|\/faults|^\/metrics/);
      expect(r.path, r.path).not.toMatch(/webhook|faults|simulator|\/metrics$/);
    }
  });
});
