// Verifies the production build is a loadable Grafana plugin: plugin.json with the id and
// version filled in, an AMD module.js that leaves Grafana's shared libraries external.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';

/**
 * Loads module.js as Grafana's AMD loader would, with stand-ins for Grafana's libraries,
 * and checks it exports an AppPlugin with a root page and a config page.
 */
function loadProblems(js: string): string[] {
  class AppPlugin {
    root?: unknown;
    configPages: unknown[] = [];
    setRootPage(root: unknown) {
      this.root = root;
      return this;
    }
    addConfigPage(page: unknown) {
      this.configPages.push(page);
      return this;
    }
  }
  // Anything else the module touches while loading: callable, constructible, any property.
  const anything: object = new Proxy(function () {}, { get: (_t, key) => (key === 'AppPlugin' ? AppPlugin : anything), apply: () => anything, construct: () => anything });
  let exported: Record<string, unknown> | undefined;
  const define = (deps: string[], factory: (...mods: unknown[]) => Record<string, unknown>) => {
    exported = factory(...deps.map(() => anything));
  };
  try {
    runInNewContext(js, { define, window: {}, console });
  } catch (err) {
    return [`dist/module.js throws while loading: ${(err as Error).message}`];
  }
  const plugin = exported?.plugin;
  if (!(plugin instanceof AppPlugin)) return ['dist/module.js does not export `plugin` as an AppPlugin'];
  const out: string[] = [];
  if (typeof plugin.root !== 'function') out.push('dist/module.js: the AppPlugin has no root page');
  if (plugin.configPages.length !== 1) out.push('dist/module.js: the AppPlugin has no configuration page');
  return out;
}

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const problems: string[] = [];
const need = (file: string) => existsSync(join(dist, file)) || problems.push(`dist/${file} is missing`);

['plugin.json', 'module.js', 'README.md', 'img/logo.svg'].forEach(need);
if (existsSync(join(dist, 'plugin.json'))) {
  const pj = JSON.parse(readFileSync(join(dist, 'plugin.json'), 'utf8')) as { id: string; type: string; info: { version: string; updated: string }; routes?: unknown[] };
  if (pj.id !== 'djezzy-ussdwatch-app') problems.push(`dist/plugin.json: id is "${pj.id}", expected djezzy-ussdwatch-app`);
  if (pj.type !== 'app') problems.push(`dist/plugin.json: type is "${pj.type}", expected app`);
  if (pj.info.version.includes('%') || pj.info.updated.includes('%')) problems.push('dist/plugin.json: %VERSION%/%TODAY% placeholders were not replaced');
  if (!pj.routes?.length) problems.push('dist/plugin.json: the exporter/notifier proxy routes are missing');
}
if (existsSync(join(dist, 'module.js'))) {
  const js = readFileSync(join(dist, 'module.js'), 'utf8');
  if (!js.slice(0, 200).includes('define([')) problems.push('dist/module.js is not an AMD module (Grafana loads plugins with SystemJS/AMD)');
  for (const ext of ['react', '@grafana/ui', '@grafana/data', '@grafana/runtime']) {
    if (!js.includes(`"${ext}"`)) problems.push(`dist/module.js does not import ${ext} from Grafana: it would ship a second copy`);
  }
  problems.push(...loadProblems(js));
  const kb = Math.round(js.length / 1024);
  if (kb > 1024) problems.push(`dist/module.js is ${kb} KiB: a Grafana library was bundled instead of left external`);
  console.log(`check-dist: module.js ${kb} KiB`);
}
if (problems.length) {
  console.error(`check-dist: the build is not a valid plugin:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('check-dist: dist/ is a valid Grafana app plugin');
