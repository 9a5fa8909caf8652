// The HTTP layer against a real listening server: hostile requests are answered in JSON
// and the server keeps serving.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { connect, createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { bodyText, createService, HttpError, listen, ListenError, searchParams, sendText, type Listening, type Route, type ServiceOptions } from '../src/http.js';
import type { Fields, Level } from '../src/log.js';

const logged: Array<{ level: Level; msg: string } & Fields> = [];
const logger = { log: (level: Level, msg: string, fields?: Fields) => void logged.push({ level, msg, ...fields }) };

let release: () => void = () => {};
const ROUTES: Route[] = [
  { method: 'GET', path: '/metrics', access: 'read', handle: (_req, res) => sendText(res, 'text/plain; version=0.0.4; charset=utf-8', 'up 1\n') },
  { method: 'GET', path: '/echo', access: 'read', handle: (req, res) => void res.json({ q: Object.fromEntries(searchParams(req)) }) },
  { method: 'GET', path: '/faults', access: 'read', handle: (_req, res) => void res.json({ faults: [] }) },
  { method: 'POST', path: '/faults', access: 'act', handle: (req, res) => void res.status(201).json({ got: bodyText(req).length }) },
  { method: 'DELETE', path: '/faults/:id', access: 'act', handle: (req, res) => void res.json({ stopped: req.params.id }) },
  {
    method: 'GET',
    path: '/throws',
    access: 'read',
    handle: () => {
      throw new Error('secret detail');
    },
  },
  { method: 'GET', path: '/rejects', access: 'read', handle: async () => Promise.reject(new Error('async secret')) },
  {
    method: 'GET',
    path: '/refuses',
    access: 'read',
    handle: () => {
      throw new HttpError(422, 'unlikely', 'refused on purpose', { body: { param: 'x' } });
    },
  },
  {
    method: 'GET',
    path: '/slow',
    access: 'read',
    handle: (_req, res) => new Promise<void>((done) => (release = () => done(void res.json({ slow: true })))),
  },
];

// A handler that goes on after its client left (the notifier journals after delivering).
const work = { started: false, finish: () => {}, finished: false };
ROUTES.push({
  method: 'POST',
  path: '/work',
  access: 'act',
  handle: async (_req, res) => {
    work.started = true;
    await new Promise<void>((done) => (work.finish = done));
    work.finished = true;
    res.json({ done: true });
  },
});

const refused: Array<[string, number, string]> = [];
const started: Listening[] = [];
async function start(extra: Partial<ServiceOptions> = {}): Promise<Listening> {
  const app = createService({
    name: 'test',
    logger,
    routes: ROUTES,
    bodyLimit: { bytes: 1024, setting: 'limits.max_body_bytes' },
    onError: (req, e) => void refused.push([req.method, e.status, e.reason]),
    ...extra,
  });
  const l = await listen(app, { host: '127.0.0.1', port: 0 });
  started.push(l);
  return l;
}
afterAll(async () => {
  await Promise.all(started.map((l) => l.close()));
});

/** Sends bytes as they are (fetch would normalise a malformed target) and returns the status and body. */
function raw(port: number, text: string): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(text));
    let data = '';
    socket.setEncoding('utf8').on('data', (d: string) => (data += d));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head, ...rest] = data.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body: rest.join('\r\n\r\n') });
    });
  });
}
const get = (target: string) => `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`;

describe('a service on the HTTP layer', () => {
  let s: Listening;
  beforeAll(async () => {
    s = await start();
  });

  it('answers GET and HEAD, with cache-control: no-store and no framework banner', async () => {
    const res = await fetch(`${s.url}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('up 1\n');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(res.headers.get('etag')).toBeNull();
    const head = await fetch(`${s.url}/metrics`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it.each([
    ['//[', 404, 'not_found'],
    ['//[/metrics', 404, 'not_found'],
    ['/%', 404, 'not_found'],
    ['/faults/%E0%A4%A', 400, 'bad_request'],
    ['http://[/metrics', 400, 'bad_request'],
    ['http://x:99999/%/metrics', 404, 'not_found'],
  ])('answers the malformed target GET %s in JSON (%i) and keeps serving', async (target, status, reason) => {
    const r = await raw(s.port, get(target));
    expect(r.status).toBe(status);
    expect(r.headers).toContain('application/json');
    expect(JSON.parse(r.body)).toMatchObject({ reason });
    expect((await fetch(`${s.url}/metrics`)).status).toBe(200);
  });

  it('answers 400 for a route parameter with bad percent-encoding', async () => {
    const r = await raw(s.port, `DELETE /faults/%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body)).toMatchObject({ reason: 'bad_request', error: expect.stringContaining('%E0%A4%A') });
    const ok = await fetch(`${s.url}/faults/${encodeURIComponent('f1 é')}`, { method: 'DELETE' });
    expect(await ok.json()).toEqual({ stopped: 'f1 é' });
  });

  it('reads a query string with bad percent-encoding without throwing', async () => {
    const r = await raw(s.port, get('/echo?a=%E0%A4%A&b=%zz&c=1&c=2'));
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).q).toMatchObject({ b: '%zz', c: '2' });
  });

  it('answers a throwing handler, sync or async, with a 500 that hides the detail, and logs it', async () => {
    for (const path of ['/throws', '/rejects']) {
      const res = await fetch(`${s.url}${path}`);
      expect(res.status).toBe(500);
      const body = await res.json();
      expect(body).toEqual({ error: 'internal error; see the test log', reason: 'internal' });
    }
    expect(logged.filter((l) => l.msg === 'request failed').map((l) => [l.path, String(l.error).split('\n')[0]])).toEqual([
      ['/throws', 'Error: secret detail'],
      ['/rejects', 'Error: async secret'],
    ]);
    expect((await fetch(`${s.url}/metrics`)).status).toBe(200);
  });

  it("passes a handler's HttpError on as it is", async () => {
    const res = await fetch(`${s.url}/refuses`);
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({ error: 'refused on purpose', reason: 'unlikely', param: 'x' });
  });

  it('refuses a body over the limit, declared or streamed, and names the setting', async () => {
    const declared = await fetch(`${s.url}/faults`, { method: 'POST', body: 'x'.repeat(5000) });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toEqual({ error: 'body of 5000 bytes is over the 1024-byte limit (limits.max_body_bytes)', reason: 'too_large' });
    const chunked = await raw(s.port, `POST /faults HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${'400\r\n' + 'y'.repeat(1024) + '\r\n'}${'400\r\n' + 'y'.repeat(1024) + '\r\n'}0\r\n\r\n`);
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body)).toMatchObject({ reason: 'too_large', error: expect.stringContaining('over the 1024-byte limit') });
    const fits = await fetch(`${s.url}/faults`, { method: 'POST', body: 'z'.repeat(1024), headers: { 'content-type': 'application/x-whatever' } });
    expect(await fits.json()).toEqual({ got: 1024 });
    expect((await fetch(`${s.url}/faults`, { method: 'POST' })).status).toBe(201);
  });

  it('answers 405 with allow for a known path and 404 with the routes for an unknown one', async () => {
    const put = await fetch(`${s.url}/faults`, { method: 'PUT', body: '{}' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, HEAD, POST');
    expect(await put.json()).toEqual({ error: 'PUT is not allowed on /faults; use GET, HEAD, POST', reason: 'method_not_allowed' });
    expect((await fetch(`${s.url}/metrics`, { method: 'POST' })).headers.get('allow')).toBe('GET, HEAD');
    const nf = await fetch(`${s.url}/nope`);
    expect(nf.status).toBe(404);
    expect(nf.headers.get('cache-control')).toBe('no-store');
    expect(await nf.json()).toMatchObject({ error: 'no route /nope', reason: 'not_found', routes: expect.arrayContaining(['/metrics', '/faults/:id']) });
  });

  it('tells onError of every error answer', async () => {
    refused.length = 0;
    await fetch(`${s.url}/nope`);
    await fetch(`${s.url}/throws`);
    expect(refused).toEqual([
      ['GET', 404, 'not_found'],
      ['GET', 500, 'internal'],
    ]);
  });
});

describe('the guard (where authentication goes)', () => {
  it('runs before the body is read, knowing whether the route reads or acts', async () => {
    const seen: string[] = [];
    const s = await start({
      guard: (req, access) => {
        seen.push(`${req.method} ${access}`);
        if (access === 'act' && req.headers.authorization !== 'Bearer ok') throw new HttpError(401, 'unauthorized', 'act needs a token', { headers: { 'www-authenticate': 'Bearer' } });
      },
    });
    expect((await fetch(`${s.url}/faults`)).status).toBe(200);
    // Over the body limit, yet refused for the token: the body was never read.
    const no = await fetch(`${s.url}/faults`, { method: 'POST', body: 'x'.repeat(5000) });
    expect(no.status).toBe(401);
    expect(no.headers.get('www-authenticate')).toBe('Bearer');
    expect(await no.json()).toEqual({ error: 'act needs a token', reason: 'unauthorized' });
    const yes = await fetch(`${s.url}/faults`, { method: 'POST', body: '{}', headers: { authorization: 'Bearer ok' } });
    expect(yes.status).toBe(201);
    expect(seen).toEqual(['GET read', 'POST act', 'POST act']);
  });

  it('an async guard that fails is a 500, not a crash', async () => {
    const s = await start({ guard: async () => Promise.reject(new Error('token file gone')) });
    expect((await fetch(`${s.url}/metrics`)).status).toBe(500);
  });
});

describe('listen and close', () => {
  let blocker: TcpServer | undefined;
  afterEach(() => blocker?.close());

  it('turns a port in use into a message naming the fix', async () => {
    blocker = createTcpServer();
    const port = await new Promise<number>((r) => blocker!.listen(0, '127.0.0.1', () => r((blocker!.address() as { port: number }).port)));
    const app = createService({ name: 'test', logger, routes: ROUTES });
    const err = await listen(app, { host: '127.0.0.1', port, setting: '--control' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ListenError);
    expect((err as Error).message).toBe(`cannot listen on 127.0.0.1:${port}: the port is already in use (another ussdwatch?); stop it or set --control to a free port`);
  });

  it('lets a request in flight finish before closing', async () => {
    const s = await start();
    const slow = fetch(`${s.url}/slow`);
    // The handler is running once release is set by it.
    const before = release;
    for (let i = 0; i < 200 && release === before; i++) await new Promise((r) => setImmediate(r));
    const closed = s.close();
    release();
    expect(await (await slow).json()).toEqual({ slow: true });
    await closed;
    await expect(fetch(`${s.url}/metrics`)).rejects.toThrow();
  });
});

describe('close', () => {
  it('waits for a handler whose client went away before closing', async () => {
    const s = await start();
    const client = new AbortController();
    const request = fetch(`${s.url}/work`, { method: 'POST', body: '{}', signal: client.signal }).catch(() => 'aborted');
    await vi.waitFor(() => expect(work.started).toBe(true));
    client.abort();
    expect(await request).toBe('aborted');
    let closed = false;
    const closing = s.close().then(() => (closed = true));
    // Not a synchronisation: the window in which a close that does not wait would have ended.
    await new Promise((r) => setTimeout(r, 50));
    expect(closed).toBe(false);
    work.finish();
    await closing;
    expect(work.finished).toBe(true);
  });
});

describe('tls', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ussdwatch-tls-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the same routes over HTTPS when given a certificate', async () => {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const app = createService({ name: 'test', logger, routes: ROUTES });
    const s = await listen(app, { host: '127.0.0.1', port: 0, tls: { key: readFileSync(key), cert: readFileSync(cert) } });
    started.push(s);
    expect(s.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const body = await new Promise<string>((resolve, reject) => {
      httpsRequest(`${s.url}/metrics`, { ca: readFileSync(cert) }, (res) => {
        let b = '';
        res.setEncoding('utf8').on('data', (d: string) => (b += d)).on('end', () => resolve(b));
      })
        .on('error', reject)
        .end();
    });
    expect(body).toBe('up 1\n');
  });
});
