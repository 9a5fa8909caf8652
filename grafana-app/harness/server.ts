// The harness server: serves the app outside Grafana and answers the URLs Grafana would,
// proxying to real backends:
//   /api/datasources/proxy/uid/<prometheus uid>/...   -> Prometheus
//   /api/datasources/proxy/uid/<alertmanager uid>/... -> Alertmanager
//   /api/plugin-proxy/djezzy-ussdwatch-app/exporter/... -> exporter (+ bearer token)
//   /api/plugin-proxy/djezzy-ussdwatch-app/notifier/... -> notifier (+ bearer token)
//   /api/plugin-proxy/djezzy-ussdwatch-app/reports/...  -> report service (+ bearer token)
//     only where plugin.json has a route for that path prefix and method, as Grafana does
//   /api/plugins/djezzy-ussdwatch-app/settings          -> the app's settings (GET, and POST from the config page)
//   /healthz                                            -> "ok", open
// Proxied requests carry the signed-in user's login as X-Grafana-User, as Grafana does with
// [dataproxy] send_user_header = true (the notifier records who acknowledged from it).
// Protected as every ussdwatch surface (common/web-security): with --web.config.file, TLS
// and credentials, nobody anonymous; without one, 127.0.0.1 only. Showing reads; what
// changes something acts: saving the settings, a datasource call other than GET (silences),
// a plugin route whose reqRole is above Viewer. A browser page from another site never acts.
// Saved upstream URLs are checked (settings-update.ts): the proxy cannot be sent elsewhere.
// A malformed request is answered 400 (never a crash), and no CORS header is sent (the app
// is served from the harness itself; a backend's `Access-Control-Allow-Origin: *`, which
// Alertmanager sends, would let any web page read through it).
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, Server as HttpsServer, request as httpsRequest } from 'node:https';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { HttpError, type Request } from '@ussdwatch/common/http.js';
import { callerOf } from '@ussdwatch/common/web-auth.js';
import { webSecurity } from '@ussdwatch/common/web-security.js';
import { DEFAULT_ALERTMANAGER_UID, DEFAULT_PROMETHEUS_UID, PLUGIN_ID } from '../src/constants.js';
import type { AppJsonData, AppSecureJsonData } from '../src/settings.js';
import { allowedHosts, parseSettingsUpdate, SettingsError, upstreamProblem } from './settings-update.js';

/** plugin.json's proxy routes: a path prefix (`exporter/api/events`), a method and the Grafana role they need. */
const PLUGIN_ROUTES = (JSON.parse(readFileSync(fileURLToPath(new URL('../src/plugin.json', import.meta.url)), 'utf8')) as { routes: Array<{ path: string; method?: string; reqRole?: string }> }).routes;
const SAFE_METHODS = new Set(['GET', 'HEAD']);
/** Grafana's header naming the signed-in user to the backends it proxies to. */
const USER_HEADER = 'x-grafana-user';
/** Largest settings body read (the config page sends a few hundred bytes). */
const MAX_SETTINGS_BYTES = 64 * 1024;

export interface HarnessConfig {
  /** Where to listen (default 127.0.0.1); another address needs a web config. */
  host?: string;
  port: number;
  /** TLS and credentials (SECURITY.md); none: loopback only, anyone on the host acts. */
  webConfigFile?: string;
  /** Hosts (host:port) the settings may point the exporter and notifier routes at, beside the backends'. */
  allowUpstreams?: string[];
  prometheusUrl: string;
  alertmanagerUrl: string;
  exporterUrl: string;
  notifierUrl: string;
  exporterToken?: string;
  notifierToken?: string;
  /** The report service (`ussdwatch report serve`); without one the Reports page says it is not configured. */
  reportsUrl?: string;
  reportsToken?: string;
}

interface Target {
  base: string;
  token?: string;
}

const BUNDLE_DIR = fileURLToPath(new URL('../.harness-dist/', import.meta.url));
// @grafana/ui's icons, which Grafana serves under public/build/img/icons.
const ICON_DIR = join(dirname(createRequire(import.meta.url).resolve('@grafana/ui')), '../public/img/');
// Grafana's fonts (public/fonts/), from the same typefaces' Fontsource packages: without them
// every page logs font-decoding warnings and the screenshots show a fallback face.
const fontFile = (pkg: string, file: string) => join(dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`)), 'files', file);
const FONTS: Record<string, string> = {
  'inter/Inter-Regular.woff2': fontFile('@fontsource/inter', 'inter-latin-400-normal.woff2'),
  'inter/Inter-Medium.woff2': fontFile('@fontsource/inter', 'inter-latin-500-normal.woff2'),
  'inter/Inter-Italic.woff2': fontFile('@fontsource/inter', 'inter-latin-400-italic.woff2'),
  'inter/Inter-MediumItalic.woff2': fontFile('@fontsource/inter', 'inter-latin-500-italic.woff2'),
};
const ROBOTO_MONO = fontFile('@fontsource/roboto-mono', 'roboto-mono-latin-400-normal.woff2');
const STATIC: Array<[prefix: string, dir: string]> = [
  ['/public/build/img/', ICON_DIR],
  ['/public/', BUNDLE_DIR],
];
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.svg': 'image/svg+xml', '.css': 'text/css', '.woff2': 'font/woff2' };

/** The page; `?theme=light` picks Grafana's light theme, as it does in Grafana. */
function indexHtml(theme: 'light' | 'dark'): string {
  // Boot data first: @grafana/runtime reads it when its config module loads.
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ussdwatch harness</title>
<script>window.__grafana_public_path__ = '/public/';
window.grafanaBootData = { settings: { appSubUrl: '', buildInfo: { version: '13.1.1', edition: 'harness' }, featureToggles: {} }, user: { timezone: 'browser', theme: '${theme}', orgRole: 'Viewer' }, navTree: [] };</script>
</head><body><div id="root"></div><script src="/public/harness.js"></script></body></html>`;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** A file as it is, or a 404 JSON: a folder or a file gone meanwhile must not throw out of the server. */
function sendFile(res: ServerResponse, file: string, type: string, headers: Record<string, string> = {}): void {
  if (!statSync(file, { throwIfNoEntry: false })?.isFile()) return json(res, 404, { message: 'not found' });
  createReadStream(file)
    .once('open', () => res.writeHead(200, { 'content-type': type, ...headers }))
    .once('error', () => (res.headersSent ? res.destroy() : json(res, 404, { message: 'not found' })))
    .pipe(res);
}

const withoutCors = (headers: IncomingMessage['headers']) => Object.fromEntries(Object.entries(headers).filter(([name]) => !name.startsWith('access-control-')));

function proxy(req: IncomingMessage, res: ServerResponse, target: Target, rest: string): void {
  const url = new URL(target.base.replace(/\/$/, '') + rest);
  const headers: Record<string, string | string[] | undefined> = { ...req.headers, host: url.host };
  // The viewer's own credentials for the harness never travel upstream (Grafana's proxy drops them too): only the route's token does.
  delete headers.cookie;
  delete headers.authorization;
  if (target.token) headers.authorization = `Bearer ${target.token}`;
  // As Grafana with [dataproxy] send_user_header: the signed-in user's login, never what the browser claims.
  delete headers[USER_HEADER];
  const login = callerOf(req as Request);
  if (login) headers[USER_HEADER] = login;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const out = send(url, { method: req.method, headers }, (up) => {
    res.writeHead(up.statusCode ?? 502, withoutCors(up.headers));
    up.pipe(res);
  });
  // As Grafana's proxy does: an unreachable backend is a 502 with a message.
  out.on('error', (err) => {
    if (!res.headersSent) json(res, 502, { message: `Bad Gateway: ${url.origin} unreachable (${err.message})` });
    else res.destroy();
  });
  req.pipe(out);
}

/** Reads a request body up to `max` bytes; an HttpError 413 past it. */
async function readBody(req: IncomingMessage, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) throw new HttpError(413, 'too_large', `body over the ${max}-byte limit`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A page of another site may make the browser send a request with the user's credentials: it never acts (CSRF). */
function refuseCrossSite(req: IncomingMessage): void {
  const origin = req.headers.origin;
  if (origin === undefined) return;
  let host: string | null = null;
  try {
    host = new URL(origin).host;
  } catch {
    // `null` (a sandboxed page) or garbage: not this site.
  }
  if (host !== req.headers.host) throw new HttpError(403, 'cross_site', `a request from ${origin} may not change anything here`);
}

/** The harness; throws the start-up refusals of common/web-security (UnsafeStartError, ConfigError). */
export function createHarness(cfg: HarnessConfig, env: NodeJS.ProcessEnv = process.env): Server {
  const security = webSecurity({ service: 'grafana app harness', host: cfg.host ?? '127.0.0.1', webConfigFile: cfg.webConfigFile, setting: '--web.config.file', open: 'act', env });
  const upstreams = allowedHosts([cfg.prometheusUrl, cfg.alertmanagerUrl, cfg.exporterUrl, cfg.notifierUrl, ...(cfg.reportsUrl ? [cfg.reportsUrl] : [])], cfg.allowUpstreams);
  const datasources: Record<string, Target> = {
    [DEFAULT_PROMETHEUS_UID]: { base: cfg.prometheusUrl },
    [DEFAULT_ALERTMANAGER_UID]: { base: cfg.alertmanagerUrl },
  };
  // The app's settings as Grafana keeps them: the config page may change them, and the
  // proxy routes read them per request, as plugin.json's {{ .JsonData.x }} templates do.
  const jsonData: AppJsonData = { prometheusUid: DEFAULT_PROMETHEUS_UID, alertmanagerUid: DEFAULT_ALERTMANAGER_UID, exporterUrl: cfg.exporterUrl, notifierUrl: cfg.notifierUrl, reportsUrl: cfg.reportsUrl };
  const secrets: AppSecureJsonData = { exporterToken: cfg.exporterToken, notifierToken: cfg.notifierToken, reportsToken: cfg.reportsToken };
  const services = (): Record<string, Target | undefined> => ({
    exporter: jsonData.exporterUrl ? { base: jsonData.exporterUrl, token: secrets.exporterToken } : undefined,
    notifier: jsonData.notifierUrl ? { base: jsonData.notifierUrl, token: secrets.notifierToken } : undefined,
    reports: jsonData.reportsUrl ? { base: jsonData.reportsUrl, token: secrets.reportsToken } : undefined,
  });
  const settings = () => ({
    id: PLUGIN_ID,
    type: 'app',
    name: 'USSDWatch',
    enabled: true,
    pinned: true,
    jsonData,
    secureJsonFields: { exporterToken: Boolean(secrets.exporterToken), notifierToken: Boolean(secrets.notifierToken), reportsToken: Boolean(secrets.reportsToken) },
  });
  const save = async (req: IncomingMessage, res: ServerResponse) => {
    const update = parseSettingsUpdate(await readBody(req, MAX_SETTINGS_BYTES), upstreams);
    Object.assign(jsonData, update.jsonData);
    // As Grafana: a secret left empty keeps the stored one; reset happens by saving a new one.
    for (const [k, v] of Object.entries(update.secureJsonData)) if (v) secrets[k as keyof AppSecureJsonData] = v;
    json(res, 200, { message: 'Plugin settings updated' });
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    const method = req.method ?? 'GET';
    if (path.split('?')[0] === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      return void res.end('ok\n');
    }
    const plugin = /^\/api\/plugin-proxy\/([^/]+)\/([^?]*)(.*)$/.exec(path);
    // Dot segments (also as %2e) resolved before matching, as the backend would resolve
    // them: `exporter/api/events/../../metrics` is `exporter/metrics`, which no route allows.
    const routePath = plugin ? new URL(`http://harness/${plugin[2]}`).pathname.slice(1) : '';
    // The plugin.json route this method and path go through, as Grafana matches them.
    const route = plugin?.[1] === PLUGIN_ID ? PLUGIN_ROUTES.find((r) => routePath.startsWith(r.path) && (!r.method || r.method === method)) : undefined;
    const acts = !SAFE_METHODS.has(method) || (route?.reqRole !== undefined && route.reqRole !== 'Viewer');
    // The guard reads only the request's headers.
    await security.guard(req as Request, acts ? 'act' : 'read');
    if (acts) refuseCrossSite(req);

    const ds = /^\/api\/datasources\/proxy\/uid\/([^/]+)(\/.*)$/.exec(path);
    if (ds) {
      const target = datasources[decodeURIComponent(ds[1])];
      return target ? proxy(req, res, target, ds[2]) : json(res, 404, { message: 'Unable to find datasource' });
    }
    if (plugin) {
      const target = route && services()[route.path.split('/')[0]];
      return target ? proxy(req, res, target, routePath.slice(routePath.indexOf('/')) + plugin[3]) : json(res, 404, { message: 'Plugin route not found' });
    }
    if (path.startsWith(`/api/plugins/${PLUGIN_ID}/settings`)) return method === 'POST' ? save(req, res) : json(res, 200, settings());
    if (path.startsWith('/api/')) return json(res, 404, { message: 'Not found' });
    if (path.startsWith('/public/fonts/')) {
      const name = path.slice('/public/fonts/'.length).split('?')[0];
      const file = FONTS[name] ?? (name.startsWith('roboto/') ? ROBOTO_MONO : undefined);
      if (!file) return json(res, 404, { message: `${path} not found` });
      return sendFile(res, file, TYPES['.woff2'], { 'cache-control': 'max-age=86400' });
    }
    const served = STATIC.find(([prefix]) => path.startsWith(prefix));
    if (served) {
      const [prefix, dir] = served;
      const file = join(dir, path.slice(prefix.length).split('?')[0]);
      if (dir === ICON_DIR && !existsSync(file)) {
        // @grafana/ui ships a subset of Grafana's icons: a blank one beats a 404 in the console.
        res.writeHead(200, { 'content-type': TYPES['.svg'] });
        return void res.end('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"/>');
      }
      if (!file.startsWith(dir) || !existsSync(file)) return json(res, 404, { message: `${path} not found${dir === BUNDLE_DIR ? ': build the harness first (npm run build:harness -w grafana-app)' : ''}` });
      return sendFile(res, file, TYPES[extname(file)] ?? 'application/octet-stream');
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(indexHtml(new URL(`http://harness/${path}`).searchParams.get('theme') === 'light' ? 'light' : 'dark'));
  };
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    for (const [name, value] of Object.entries(security.headers)) res.setHeader(name, value);
    // What fails here is the request's own fault: a refused credential or settings, a
    // target no URL parser takes (`//[`), bad percent-encoding in a datasource uid.
    const refuse = (err: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (err instanceof HttpError) {
        for (const [name, value] of Object.entries(err.extra.headers ?? {})) res.setHeader(name, value);
        return json(res, err.status, { message: err.message, reason: err.reason });
      }
      json(res, 400, { message: `${err instanceof SettingsError ? 'settings not saved' : 'bad request'}: ${(err as Error).message}` });
    };
    try {
      handle(req, res).catch(refuse);
    } catch (err) {
      refuse(err);
    }
  };
  return security.tls ? createHttpsServer(security.tls, onRequest) : createServer(onRequest);
}

export function listen(server: Server, port: number, host = '127.0.0.1'): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
}

const USAGE = `usage: tsx harness/server.ts [--host H] [--port N] [--prometheus URL] [--alertmanager URL] [--exporter URL] [--notifier URL] [--reports URL]
                             [--web.config.file FILE] [--allow-upstream HOST:PORT]...
each also from the environment: USSDWATCH_HARNESS_PORT, USSDWATCH_PROMETHEUS_URL, USSDWATCH_ALERTMANAGER_URL,
USSDWATCH_EXPORTER_URL, USSDWATCH_NOTIFIER_URL, USSDWATCH_REPORTS_URL; tokens only from USSDWATCH_EXPORTER_TOKEN, USSDWATCH_NOTIFIER_TOKEN, USSDWATCH_REPORTS_TOKEN.
--host other than 127.0.0.1 needs --web.config.file (TLS and credentials, SECURITY.md), as USSDWATCH_PRODUCTION=1 does.
The settings page may point the exporter and notifier at the hosts of these URLs, and at each --allow-upstream.`;

export function configFrom(argv: string[], env: NodeJS.ProcessEnv): HarnessConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      prometheus: { type: 'string' },
      alertmanager: { type: 'string' },
      exporter: { type: 'string' },
      notifier: { type: 'string' },
      reports: { type: 'string' },
      'web.config.file': { type: 'string' },
      'allow-upstream': { type: 'string', multiple: true },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const rawPort = values.port ?? env.USSDWATCH_HARNESS_PORT ?? '9719';
  const port = Number(rawPort);
  if (!/^\d+$/.test(rawPort) || port > 65535) throw new Error(`--port/USSDWATCH_HARNESS_PORT "${rawPort}": expected a TCP port number\n${USAGE}`);
  const url = (flag: string, v: string | undefined, fallback: string) => {
    const s = v || fallback;
    let host: string;
    try {
      host = new URL(s).host;
    } catch {
      throw new Error(`--${flag} "${s}": expected a URL such as ${fallback}\n${USAGE}`);
    }
    const problem = upstreamProblem(s, new Set([host]));
    if (problem) throw new Error(`--${flag} "${s}" ${problem}\n${USAGE}`);
    return s;
  };
  for (const h of values['allow-upstream'] ?? []) {
    if (!/^[^/@?#\s]+:\d+$/.test(h)) throw new Error(`--allow-upstream "${h}": expected HOST:PORT, e.g. exporter:9716\n${USAGE}`);
  }
  return {
    host: values.host ?? '127.0.0.1',
    port,
    webConfigFile: values['web.config.file'] && resolve(values['web.config.file']),
    allowUpstreams: values['allow-upstream'] ?? [],
    prometheusUrl: url('prometheus', values.prometheus ?? env.USSDWATCH_PROMETHEUS_URL, 'http://127.0.0.1:9090'),
    alertmanagerUrl: url('alertmanager', values.alertmanager ?? env.USSDWATCH_ALERTMANAGER_URL, 'http://127.0.0.1:9093'),
    exporterUrl: url('exporter', values.exporter ?? env.USSDWATCH_EXPORTER_URL, 'http://127.0.0.1:9716'),
    notifierUrl: url('notifier', values.notifier ?? env.USSDWATCH_NOTIFIER_URL, 'http://127.0.0.1:9717'),
    exporterToken: env.USSDWATCH_EXPORTER_TOKEN || undefined,
    notifierToken: env.USSDWATCH_NOTIFIER_TOKEN || undefined,
    reportsUrl: url('reports', values.reports ?? env.USSDWATCH_REPORTS_URL, 'http://127.0.0.1:9720'),
    reportsToken: env.USSDWATCH_REPORTS_TOKEN || undefined,
  };
}

/** Runs the harness until SIGINT or SIGTERM: 0 then, 2 when it cannot start (bad option, web config, unsafe start). */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let server: Server;
  let cfg: HarnessConfig;
  try {
    cfg = configFrom(argv, env);
    server = createHarness(cfg, env);
    await listen(server, cfg.port, cfg.host);
  } catch (err) {
    console.error(`harness: ${(err as Error).message}`);
    return 2;
  }
  const scheme = server instanceof HttpsServer ? 'https' : 'http';
  console.log(`harness: ${scheme}://${cfg.host}:${cfg.port}/a/${PLUGIN_ID}/overview (Prometheus ${cfg.prometheusUrl}, Alertmanager ${cfg.alertmanagerUrl}, exporter ${cfg.exporterUrl}, notifier ${cfg.notifierUrl}, reports ${cfg.reportsUrl})`);
  await new Promise<void>((done) => {
    const stop = () => server.close(() => done());
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = await main(process.argv.slice(2));
