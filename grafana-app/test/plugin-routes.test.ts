// Grafana's plugin proxy routes (plugin.json `routes`) give the app's users the services'
// credentials: each route is limited by method and role. Viewers may only GET what the app
// reads; anything that acts would need Editor; the notifier's webhook (it pages people) and
// the simulator's faults are not reachable through the app at all.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

interface PluginRoute {
  path: string;
  method?: string;
  url: string;
  reqRole?: string;
}

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const { routes } = JSON.parse(readFileSync(join(SRC, 'plugin.json'), 'utf8')) as { routes: PluginRoute[] };
const READS = new Set(['GET', 'HEAD']);

/** Every `${EXPORTER_ROUTE}/path`, `${NOTIFIER_ROUTE}/path` or `${REPORTS_ROUTE}/path` the app's sources call. */
function calledPaths(): string[] {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((f) => /\.tsx?$/.test(f) && !f.includes('.test.'));
  // Up to a path parameter: `/api/incidents/${id}/ack` goes through the `notifier/api/incidents` prefix.
  const found = files.flatMap((f) => [...readFileSync(join(SRC, f), 'utf8').matchAll(/\$\{(EXPORTER|NOTIFIER|REPORTS)_ROUTE\}(\/[\w/-]+?)\/?(?=\$|`)/g)].map((m) => `${m[1].toLowerCase()}${m[2]}`));
  return [...new Set(found)].sort();
}

describe('plugin.json routes', () => {
  it.each(routes.map((r) => [r.path, r] as const))('%s names one method and the role it needs', (_path, r) => {
    expect(r.method, 'a route without method lets every method through').toBeDefined();
    expect(r.reqRole).toBe(READS.has(r.method!.toUpperCase()) ? 'Viewer' : 'Editor');
  });

  it('never reaches an acting endpoint (webhook, faults)', () => {
    for (const r of routes) expect(`${r.path} ${r.url}`).not.toMatch(/webhook|faults/);
    // A route's path is a prefix: one that stops at a service would expose all of it.
    for (const r of routes) expect(r.path).toMatch(/^(exporter|notifier|reports)\/api\/\w+$/);
  });

  it('has one route per method and path', () => {
    const keys = routes.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('covers exactly what the app calls', () => {
    const called = calledPaths();
    expect(called.length).toBeGreaterThan(0);
    expect([...new Set(routes.map((r) => r.path))].sort()).toEqual(called);
    for (const r of routes) expect(r.url.endsWith(r.path.slice(r.path.indexOf('/')))).toBe(true);
  });
});
