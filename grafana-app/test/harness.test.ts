// The harness server answers Grafana's URL shapes: datasource proxy by uid, plugin proxy
// routes with the bearer token added server-side, settings, and 502/404 as Grafana does.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@ussdwatch/testkit';
import { configFrom, createHarness, listen } from '../harness/server.js';

let upstream: Server;
let harness: Server;
let base: string;
const seen: Array<{ url: string; headers: IncomingHttpHeaders }> = [];

const portOf = (s: Server) => (s.address() as AddressInfo).port;

beforeAll(async () => {
  upstream = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true }));
  });
  await listen(upstream, 0);
  const up = `http://127.0.0.1:${portOf(upstream)}`;
  const dead = `http://127.0.0.1:${await freePort()}`;
  harness = createHarness({ port: 0, prometheusUrl: up, alertmanagerUrl: dead, exporterUrl: up, notifierUrl: `${up}/notifier-base`, notifierToken: 'n-token' });
  await listen(harness, 0);
  base = `http://127.0.0.1:${portOf(harness)}`;
});

afterAll(async () => {
  await Promise.all([harness, upstream].map((s) => new Promise((done) => s.close(done))));
});

describe('harness server', () => {
  it('serves Grafana\'s fonts as real WOFF2 files', async () => {
    for (const font of ['inter/Inter-Regular.woff2', 'inter/Inter-MediumItalic.woff2', 'roboto/L0xTDF4xlVMF-BfR8bXMIhJHg45mwgGEFl0_3vrtSM1J-gEPT5Ese6hmHSh0mQ.woff2']) {
      const res = await fetch(`${base}/public/fonts/${font}`);
      expect(res.headers.get('content-type'), font).toBe('font/woff2');
      expect(Buffer.from(await res.arrayBuffer()).subarray(0, 4).toString('latin1'), font).toBe('wOF2');
    }
    expect((await fetch(`${base}/public/fonts/inter/Nope.woff2`)).status).toBe(404);
  });

  it('boots the page in the theme the URL asks for, dark by default', async () => {
    expect(await (await fetch(`${base}/a/djezzy-ussdwatch-app/overview?theme=light`)).text()).toContain("theme: 'light'");
    expect(await (await fetch(`${base}/a/djezzy-ussdwatch-app/overview`)).text()).toContain("theme: 'dark'");
  });

  it('proxies a datasource uid to its backend, path and query intact', async () => {
    const res = await fetch(`${base}/api/datasources/proxy/uid/ussdwatch-prometheus/api/v1/query?query=up`);
    expect(res.status).toBe(200);
    expect(seen.at(-1)?.url).toBe('/api/v1/query?query=up');
  });

  it('adds the route token server-side, as plugin.json routes do, and only where configured', async () => {
    await fetch(`${base}/api/plugin-proxy/djezzy-ussdwatch-app/notifier/api/journal?limit=5`);
    expect(seen.at(-1)).toMatchObject({ url: '/notifier-base/api/journal?limit=5', headers: { authorization: 'Bearer n-token' } });
    await fetch(`${base}/api/plugin-proxy/djezzy-ussdwatch-app/exporter/api/events`);
    expect(seen.at(-1)?.headers.authorization).toBeUndefined();
  });

  it('names the signed-in user to the backend as X-Grafana-User, as Grafana does, never the one the browser claims', async () => {
    // Anonymous (no web config): nobody to name, and the browser's own header is dropped.
    await fetch(`${base}/api/plugin-proxy/djezzy-ussdwatch-app/notifier/api/journal`, { headers: { 'x-grafana-user': 'admin' } });
    expect(seen.at(-1)?.headers['x-grafana-user']).toBeUndefined();
    const dir = await mkdtemp(join(tmpdir(), 'ussdwatch-harness-user-'));
    const webConfig = join(dir, 'web.yml');
    await writeFile(webConfig, `basic_auth_users:\n  amina: ${bcrypt.hashSync('pw', 4)}\nroles:\n  amina: act\n`);
    const up = `http://127.0.0.1:${portOf(upstream)}`;
    const signed = createHarness({ port: 0, webConfigFile: webConfig, prometheusUrl: up, alertmanagerUrl: up, exporterUrl: up, notifierUrl: up, notifierToken: 'n-token' });
    await listen(signed, 0);
    try {
      const auth = `Basic ${Buffer.from('amina:pw').toString('base64')}`;
      await fetch(`http://127.0.0.1:${portOf(signed)}/api/plugin-proxy/djezzy-ussdwatch-app/notifier/api/incidents/3/ack`, { method: 'POST', headers: { authorization: auth, 'x-grafana-user': 'admin' } });
      expect(seen.at(-1)).toMatchObject({ url: '/api/incidents/3/ack', headers: { 'x-grafana-user': 'amina', authorization: 'Bearer n-token' } });
      await fetch(`http://127.0.0.1:${portOf(signed)}/api/datasources/proxy/uid/ussdwatch-prometheus/api/v1/query?query=up`, { headers: { authorization: auth } });
      expect(seen.at(-1)?.headers['x-grafana-user']).toBe('amina');
    } finally {
      await new Promise((done) => signed.close(done));
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('answers like Grafana for an unknown uid, an unknown route and a dead backend', async () => {
    expect((await fetch(`${base}/api/datasources/proxy/uid/nope/api/v1/query`)).status).toBe(404);
    expect((await fetch(`${base}/api/plugin-proxy/djezzy-ussdwatch-app/nope/x`)).status).toBe(404);
    // Only what plugin.json routes: no webhook, no other method, nothing beside the APIs.
    const before = seen.length;
    expect((await fetch(`${base}/api/plugin-proxy/djezzy-ussdwatch-app/notifier/webhook/tier3`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(`${base}/api/plugin-proxy/djezzy-ussdwatch-app/notifier/api/journal`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(`${base}/api/plugin-proxy/djezzy-ussdwatch-app/exporter/metrics`)).status).toBe(404);
    expect(seen.length).toBe(before);
    const down = await fetch(`${base}/api/datasources/proxy/uid/ussdwatch-alertmanager/api/v2/alerts`);
    expect(down.status).toBe(502);
    expect(((await down.json()) as { message: string }).message).toContain('unreachable');
  });

  it('serves the settings without the secrets, and saves new ones', async () => {
    const settings = (await (await fetch(`${base}/api/plugins/djezzy-ussdwatch-app/settings`)).json()) as Record<string, unknown>;
    expect(settings).toMatchObject({ enabled: true, secureJsonFields: { notifierToken: true, exporterToken: false } });
    expect(JSON.stringify(settings)).not.toContain('n-token');
    await fetch(`${base}/api/plugins/djezzy-ussdwatch-app/settings`, { method: 'POST', body: JSON.stringify({ secureJsonData: { exporterToken: 'e-token' } }) });
    await fetch(`${base}/api/plugin-proxy/djezzy-ussdwatch-app/exporter/api/events`);
    expect(seen.at(-1)?.headers.authorization).toBe('Bearer e-token');
  });

  it('saves upstream URLs only for the hosts it was started with: http(s), no credentials', async () => {
    const save = (jsonData: Record<string, unknown>) => fetch(`${base}/api/plugins/djezzy-ussdwatch-app/settings`, { method: 'POST', body: JSON.stringify({ jsonData }) });
    const refused: Array<[Record<string, unknown>, RegExp]> = [
      [{ exporterUrl: 'http://evil.example:8080' }, /names evil\.example:8080, which is not an upstream.*--allow-upstream evil\.example:8080/],
      [{ exporterUrl: 'http://127.0.0.1:1' }, /not an upstream/],
      [{ notifierUrl: `http://user:pw@127.0.0.1:${portOf(upstream)}` }, /carries credentials/],
      [{ notifierUrl: 'file:///etc/passwd' }, /scheme file:/],
      [{ exporterUrl: 42 }, /jsonData\.exporterUrl must be a string/],
      [{ ['__proto__']: 'x' }, /not a setting name/],
    ];
    for (const [jsonData, message] of refused) {
      const res = await save(jsonData);
      expect(res.status, JSON.stringify(jsonData)).toBe(400);
      expect(((await res.json()) as { message: string }).message).toMatch(message);
    }
    expect((await save({ exporterUrl: `http://127.0.0.1:${portOf(upstream)}/moved` })).status).toBe(200);
    await fetch(`${base}/api/plugin-proxy/djezzy-ussdwatch-app/exporter/api/events`);
    expect(seen.at(-1)?.url).toBe('/moved/api/events');
  });

  it('serves the app page for any app URL', async () => {
    const res = await fetch(`${base}/a/djezzy-ussdwatch-app/code?code=%2A710%23`);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('/public/harness.js');
  });
});

describe('harness command line', () => {
  it('takes flags over the environment, tokens only from the environment', () => {
    const cfg = configFrom(['--port', '9800', '--prometheus', 'http://p:9090'], { USSDWATCH_PROMETHEUS_URL: 'http://env:1', USSDWATCH_NOTIFIER_URL: 'http://n:9717', USSDWATCH_NOTIFIER_TOKEN: 't' });
    expect(cfg).toMatchObject({ port: 9800, prometheusUrl: 'http://p:9090', notifierUrl: 'http://n:9717', notifierToken: 't', alertmanagerUrl: 'http://127.0.0.1:9093' });
  });

  it('names the flag and the expected form on bad input', () => {
    expect(() => configFrom(['--exporter', 'exporter 9716'], {})).toThrow(/--exporter "exporter 9716": expected a URL/);
    expect(() => configFrom([], { USSDWATCH_HARNESS_PORT: '70000' })).toThrow('"70000"');
    expect(() => configFrom(['--port', 'x'], {})).toThrow(/--port\/USSDWATCH_HARNESS_PORT "x": expected a TCP port number/);
    expect(() => configFrom(['--prometheus', 'http://admin:secret@p:9090'], {})).toThrow(/--prometheus ".*" carries credentials/);
    expect(() => configFrom(['--exporter', 'ftp://e:21'], {})).toThrow(/--exporter ".*" has scheme ftp:/);
    expect(() => configFrom(['--allow-upstream', 'http://x:1'], {})).toThrow(/--allow-upstream "http:\/\/x:1": expected HOST:PORT/);
  });
});
