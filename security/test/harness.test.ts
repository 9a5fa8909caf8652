// The Grafana app's harness (grafana-app/harness/server.ts) is an HTTP surface too. Run as
// `npm start` runs it (no web config): a malformed request must not crash it, it sends no
// CORS header (not even the `*` the real Alertmanager sends), it listens on loopback only,
// its plugin proxy forwards, with the app's token, only what plugin.json's routes allow, and
// its settings cannot send the proxy and that token to another host. With a web config: TLS,
// nobody anonymous, acting needs the act role; and the start-up refusals of every service.
// Only the API and proxy paths are attacked: no browser bundle is needed.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { freePort, startAlertmanager, startProcess, type RunningAlertmanager, type RunningProcess } from '@ussdwatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACT_TOKEN, REPO, READ_PASSWORD, basic, bearer, call, demoTokenWebConfig, exchange, makeSecrets, refusedStart, startService, type Service } from './helpers.js';

const TOKEN = 'harness-notifier-token-0123456789abcdef';
const PROXY = '/api/plugin-proxy/djezzy-ussdwatch-app';
const SETTINGS = '/api/plugins/djezzy-ussdwatch-app/settings';

/** A server that records what reaches it: method, path, token. */
async function recorder(): Promise<{ url: string; reached: string[]; close(): Promise<void> }> {
  const reached: string[] = [];
  const server = createServer((req, res) => {
    reached.push(`${req.method} ${req.url} ${req.headers.authorization ?? '-'}`);
    res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
    res.end('[]');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, reached, close: () => new Promise((done) => server.close(() => done())) };
}

describe('the Grafana app harness', () => {
  let backend: Awaited<ReturnType<typeof recorder>>;
  let evil: Awaited<ReturnType<typeof recorder>>;
  let reached: string[];
  let alertmanager: RunningAlertmanager;
  let harness: RunningProcess;
  let port: number;
  let url: string;

  beforeAll(async () => {
    // The exporter's and notifier's place, and a host of the attacker's.
    [backend, evil] = await Promise.all([recorder(), recorder()]);
    reached = backend.reached;
    const backendUrl = backend.url;
    alertmanager = await startAlertmanager({ config: readFileSync(join(REPO, 'alertmanager/alertmanager.yml'), 'utf8'), baseDir: join(REPO, 'alertmanager') });
    port = await freePort();
    url = `http://127.0.0.1:${port}`;
    harness = await startProcess(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', join(REPO, 'grafana-app/harness/server.ts'), '--port', String(port), '--prometheus', backendUrl, '--alertmanager', alertmanager.url, '--exporter', backendUrl, '--notifier', backendUrl],
      { name: 'harness', cwd: REPO, env: { ...process.env, USSDWATCH_NOTIFIER_TOKEN: TOKEN }, readyUrl: `${url}/` },
    );
  });
  afterAll(async () => {
    await Promise.all([harness?.stop(), alertmanager?.stop(), backend?.close(), evil?.close()]);
  });

  it('answers malformed requests (the page or a 4xx, never a 5xx) and stays up', async () => {
    const attacks = [
      'GET //[ HTTP/1.1',
      'GET //[/api/x HTTP/1.1',
      'GET /?theme=%E0%A4%A HTTP/1.1',
      'GET /api/datasources/proxy/uid/%E0%A4%A/api/v1/query HTTP/1.1',
      'GET /api/datasources/proxy/uid/%/x HTTP/1.1',
      `GET ${PROXY}/%E0%A4%A HTTP/1.1`,
      `GET ${PROXY}//[ HTTP/1.1`,
      'GET /public/build/img/ HTTP/1.1',
      'GET /public/build/img/.. HTTP/1.1',
      'GET /public/ HTTP/1.1',
      'GET /public/../../../../etc/passwd HTTP/1.1',
      'GET http://[ HTTP/1.1',
      'POST /api/plugins/djezzy-ussdwatch-app/settings HTTP/1.1\r\ncontent-length: 5\r\n\r\n{{{{{',
    ];
    for (const attack of attacks) {
      const answer = await exchange(port, Buffer.from(`${attack}${attack.includes('\r\n') ? '' : '\r\nhost: x\r\n\r\n'}`, 'latin1'));
      expect(answer, attack).toMatch(/^HTTP\/1\.1 [24]\d\d /);
      expect(answer, attack).not.toContain('root:');
      expect(harness.exited(), `${attack} stopped the harness:\n${harness.output()}`).toBe(false);
    }
    expect((await call(`${url}/`)).status).toBe(200);
  });

  it('sends no Access-Control-Allow-Origin header, not even the real Alertmanager\'s', async () => {
    const direct = await fetch(`${alertmanager.url}/api/v2/status`, { headers: { origin: 'http://evil.example' } });
    // The header the harness must drop is really there.
    expect(direct.headers.get('access-control-allow-origin')).toBe('*');
    for (const path of ['/api/datasources/proxy/uid/ussdwatch-alertmanager/api/v2/status', `${PROXY}/notifier/api/journal`, '/', '/api/plugins/djezzy-ussdwatch-app/settings']) {
      const r = await fetch(`${url}${path}`, { headers: { origin: 'http://evil.example' } });
      expect(r.status, path).toBe(200);
      expect([...r.headers.keys()].filter((h) => h.startsWith('access-control-')), path).toEqual([]);
    }
  });

  it('listens on loopback only', () => {
    // LISTEN sockets of this port in the kernel's tables: the local address must be 127.0.0.1.
    const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
    const listening = ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .slice(1)
        .map((l) => l.trim().split(/\s+/))
        .filter((c) => c[1]?.endsWith(`:${hexPort}`) && c[3] === '0A')
        .map((c) => c[1]),
    );
    expect(listening).toEqual([`0100007F:${hexPort}`]);
  });

  it('forwards, with the token, only the methods and paths plugin.json routes allow', async () => {
    reached.length = 0;
    const allowed = await call(`${url}${PROXY}/notifier/api/journal?limit=5`);
    expect(allowed.status).toBe(200);
    expect(reached).toEqual([`GET /api/journal?limit=5 Bearer ${TOKEN}`]);

    reached.length = 0;
    const refused: Array<[string, string]> = [
      ['POST', '/notifier/webhook/tier3'],
      ['GET', '/notifier/webhook/tier3'],
      ['POST', '/notifier/api/journal'],
      ['DELETE', '/notifier/api/journal'],
      ['GET', '/notifier/metrics'],
      ['GET', '/notifier/api/journal/../../webhook/tier3'],
      ['GET', '/notifier/api/journal/%2e%2e/%2e%2e/metrics'],
      ['GET', '/notifier/api/journal/..%2f..%2fmetrics'],
      ['GET', '/notifier/api/journal/.%2e/.%2e/webhook/tier1'],
      ['GET', '/exporter/api/events/../../metrics'],
      ['GET', '/simulator/faults'],
      ['POST', '/simulator/faults'],
    ];
    for (const [method, path] of refused) {
      const answer = await exchange(port, Buffer.from(`${method} ${PROXY}${path} HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\n{}`, 'latin1'));
      // `..%2f` is no separator (for URL nor express): such a path may go through, as one
      // segment under the route's prefix, however the backend resolves it.
      for (const r of reached.splice(0)) {
        const [m, target] = r.split(' ');
        expect(`${m} ${new URL(target, 'http://backend').pathname}`, `${method} ${path}`).toMatch(/^GET \/api\/(journal|events)\/[^/]+$/);
      }
      if (!/%2f/i.test(path)) expect(answer, `${method} ${path}`).toMatch(/^HTTP\/1\.1 404 /);
    }
  });

  it('cannot be made to send the proxy, and the token it adds, to another host through its settings', async () => {
    const save = (jsonData: Record<string, string>, headers: Record<string, string> = {}) =>
      fetch(`${url}${SETTINGS}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ jsonData }) });
    for (const target of [evil.url, `${evil.url}/`, `http://x:y@${new URL(backend.url).host}`, 'file:///etc/passwd', `gopher://${new URL(evil.url).host}`]) {
      const r = await save({ exporterUrl: target, notifierUrl: target });
      expect(r.status, target).toBe(400);
    }
    // A page of another site, in the browser of someone on this host, cannot save either.
    expect((await save({ notifierUrl: backend.url }, { origin: 'http://evil.example' })).status).toBe(403);
    reached.length = 0;
    expect((await call(`${url}${PROXY}/notifier/api/journal`)).status).toBe(200);
    expect((await call(`${url}${PROXY}/exporter/api/events`)).status).toBe(200);
    expect(evil.reached).toEqual([]);
    expect(reached).toEqual([`GET /api/journal ${'Bearer ' + TOKEN}`, 'GET /api/events -']);
  });
});

describe('the Grafana app harness with a web config', () => {
  const secrets = makeSecrets();
  const ca = readFileSync(secrets.cert);
  let backend: Awaited<ReturnType<typeof recorder>>;
  let harness: Service;
  let port: number;
  const args = (port: number, backendUrl: string) => ['--port', String(port), '--prometheus', backendUrl, '--alertmanager', backendUrl, '--exporter', backendUrl, '--notifier', backendUrl];

  beforeAll(async () => {
    backend = await recorder();
    port = await freePort();
    harness = await startService('harness', [...args(port, backend.url), '--web.config.file', secrets.webConfig], `https://127.0.0.1:${port}`, { ca, env: { USSDWATCH_NOTIFIER_TOKEN: TOKEN } });
  });
  afterAll(async () => {
    await Promise.all([harness?.stop(), backend?.close()]);
  });

  it('answers nobody without credentials (but /healthz), over TLS only', async () => {
    for (const path of ['/', '/a/djezzy-ussdwatch-app/overview', SETTINGS, `${PROXY}/notifier/api/journal`, '/api/datasources/proxy/uid/ussdwatch-prometheus/api/v1/query?query=up']) {
      for (const authorization of [undefined, basic('grafana', 'wrong'), bearer('nope')]) {
        const r = await call(`${harness.url}${path}`, { authorization, ca });
        expect(r.status, `${path} ${authorization}`).toBe(401);
        expect(r.headers['www-authenticate'], path).toMatch(/^Basic realm="ussdwatch grafana app harness"/);
      }
    }
    expect(backend.reached).toEqual([]);
    expect((await call(`${harness.url}/healthz`, { ca })).status).toBe(200);
    const plain = await call(`http://127.0.0.1:${port}/`, { authorization: basic('grafana', READ_PASSWORD) }).catch((err: Error) => err);
    if (!(plain instanceof Error)) expect(plain.status).toBeGreaterThanOrEqual(400);
  });

  it('lets a read credential see the page, the settings and the proxied reads, with the configured headers', async () => {
    const read = basic('grafana', READ_PASSWORD);
    for (const path of ['/a/djezzy-ussdwatch-app/overview', SETTINGS, `${PROXY}/notifier/api/journal`]) {
      const r = await call(`${harness.url}${path}`, { authorization: read, ca });
      expect(r.status, path).toBe(200);
      expect(r.headers['x-content-type-options'], path).toBe('nosniff');
    }
    expect(backend.reached).toEqual([`GET /api/journal Bearer ${TOKEN}`]);
  });

  it('lets only the act role change the settings or call a datasource with another method than GET', async () => {
    backend.reached.length = 0;
    const body = JSON.stringify({ jsonData: { notifierUrl: `${backend.url}/elsewhere` } });
    const silence = JSON.stringify({ matchers: [{ name: 'alertname', value: '.+', isRegex: true }], startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 3_600_000).toISOString(), createdBy: 'x', comment: 'x' });
    for (const [path, payload] of [[SETTINGS, body], ['/api/datasources/proxy/uid/ussdwatch-alertmanager/api/v2/silences', silence]]) {
      expect((await call(`${harness.url}${path}`, { method: 'POST', body: payload, ca })).status, path).toBe(401);
      expect((await call(`${harness.url}${path}`, { method: 'POST', body: payload, authorization: basic('grafana', READ_PASSWORD), ca })).status, path).toBe(403);
    }
    expect(backend.reached).toEqual([]);
    const evil = JSON.stringify({ jsonData: { notifierUrl: 'https://attacker.example:8443' } });
    const refused = await call(`${harness.url}${SETTINGS}`, { method: 'POST', body: evil, authorization: bearer(ACT_TOKEN), ca });
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body).message).toMatch(/attacker\.example:8443, which is not an upstream the harness was started with/);
    expect((await call(`${harness.url}${SETTINGS}`, { method: 'POST', body, authorization: bearer(ACT_TOKEN), ca })).status).toBe(200);
    await call(`${harness.url}${PROXY}/notifier/api/journal`, { authorization: bearer(ACT_TOKEN), ca });
    expect(backend.reached).toEqual([`GET /elsewhere/api/journal Bearer ${TOKEN}`]);
  });

  it('refuses to start on another address without a web config, and in production without one or with a demo secret', async () => {
    const open = await refusedStart('harness', [...args(await freePort(), backend.url), '--host', '0.0.0.0']);
    expect(open.code).toBe(2);
    expect(open.output).toMatch(/the grafana app harness refuses to listen on 0\.0\.0\.0 without a web config.*--web\.config\.file/);
    const none = await refusedStart('harness', args(await freePort(), backend.url), { USSDWATCH_PRODUCTION: '1' });
    expect(none.code).toBe(2);
    expect(none.output).toMatch(/USSDWATCH_PRODUCTION is set but the grafana app harness has no web config/);
    const demo = await refusedStart('harness', [...args(await freePort(), backend.url), '--web.config.file', demoTokenWebConfig(secrets)], { USSDWATCH_PRODUCTION: '1' });
    expect(demo.code).toBe(2);
    expect(demo.output).toMatch(/is the demo token shipped in the ussdwatch repository/);
  });
});
