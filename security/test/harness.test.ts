// The Grafana app's harness (grafana-app/harness/server.ts) is an HTTP surface too, run as
// `npm start` runs it: a malformed request must not crash it, it sends no CORS header (not
// even the `*` the real Alertmanager sends), it listens on loopback only, and its plugin
// proxy forwards, with the app's token, only what plugin.json's routes allow.
// Only the API and proxy paths are attacked: no browser bundle is needed.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { freePort, startAlertmanager, startProcess, type RunningAlertmanager, type RunningProcess } from '@ussdwatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, call, exchange } from './helpers.js';

const TOKEN = 'harness-notifier-token-0123456789abcdef';
const PROXY = '/api/plugin-proxy/djezzy-ussdwatch-app';

describe('the Grafana app harness', () => {
  /** What reached the exporter's and notifier's place: method, path, token. */
  const reached: string[] = [];
  let backend: Server;
  let alertmanager: RunningAlertmanager;
  let harness: RunningProcess;
  let port: number;
  let url: string;

  beforeAll(async () => {
    backend = createServer((req, res) => {
      reached.push(`${req.method} ${req.url} ${req.headers.authorization ?? '-'}`);
      res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
      res.end('[]');
    });
    await new Promise<void>((done) => backend.listen(0, '127.0.0.1', done));
    const backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
    alertmanager = await startAlertmanager({ config: readFileSync(join(REPO, 'alertmanager/alertmanager.yml'), 'utf8'), baseDir: join(REPO, 'alertmanager') });
    port = await freePort();
    url = `http://127.0.0.1:${port}`;
    harness = await startProcess(
      process.execPath,
      ['--import', 'tsx', join(REPO, 'grafana-app/harness/server.ts'), '--port', String(port), '--prometheus', backendUrl, '--alertmanager', alertmanager.url, '--exporter', backendUrl, '--notifier', backendUrl],
      { name: 'harness', cwd: REPO, env: { ...process.env, USSDWATCH_NOTIFIER_TOKEN: TOKEN }, readyUrl: `${url}/` },
    );
  });
  afterAll(async () => {
    await Promise.all([harness?.stop(), alertmanager?.stop(), new Promise((done) => backend?.close(done))]);
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
});
