// Property-based fuzzing of the HTTP layer every service stands on (common/src/http.ts): a
// real service (createService + listen, behind the real authGuard) takes arbitrary request
// targets, methods, headers and bodies as raw bytes on a TCP socket. What must hold:
// - no answer is 5xx, except the one route whose handler throws, answered 500 in JSON;
// - nothing escapes to the process (an uncaught exception or rejection fails the test);
// - after each batch, a normal request is still answered.
import { createService, HttpError, listen, sendText, type Listening, type Request, type Route } from '@ussdwatch/common/http.js';
import { authGuard } from '@ussdwatch/common/web-auth.js';
import bcrypt from 'bcryptjs';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ACT_TOKEN, basic, bearer, call, exchange } from './helpers.js';

const PASSWORD = 'fuzz-password';
/** Requests whose handler threw on purpose: only these may be answered 500. */
const thrown = new WeakSet<object>();
interface Seen {
  method: string | undefined;
  url: string | undefined;
  status: number;
  contentType: unknown;
  thrown: boolean;
}
const seen: Seen[] = [];
const escaped: unknown[] = [];
const onEscape = (err: unknown) => escaped.push(err);

const routes: Route[] = [
  { method: 'GET', path: '/metrics', access: 'read', handle: (_req, res) => sendText(res, 'text/plain; version=0.0.4; charset=utf-8', 'up 1\n') },
  { method: 'GET', path: '/healthz', access: 'open', handle: (_req, res) => void res.json({ ok: true }) },
  { method: 'GET', path: '/items/:id', access: 'read', handle: (req, res) => void res.json({ id: req.params.id }) },
  { method: 'POST', path: '/webhook', access: 'act', handle: (req: Request, res) => void res.json({ bytes: String(req.body).length }) },
  { method: 'PUT', path: '/refuse', access: 'act', handle: () => { throw new HttpError(409, 'conflict', 'refused on purpose'); } },
  {
    method: 'GET',
    path: '/boom',
    access: 'read',
    handle: (req) => {
      thrown.add(req);
      throw new Error('a handler failing on its own');
    },
  },
];

// Pieces an attacker assembles targets from: what broke express or node before (`//[`, bad
// percent-encoding), absolute and authority forms, dot segments, NUL and non-ASCII.
const targetPiece = fc.oneof(
  fc.constantFrom('/', '//', '[', ']', '%', '%zz', '%00', '%C0%AF', '%E0%A4%A', '..', '.', '?', '#', '*', ':', '@', 'http://', 'http://[', '\\', ';', '&', '=', 'metrics', 'items', 'webhook', 'boom', 'healthz', 'refuse', '\u0000', '\u00e9', '\uffff', '\t'),
  fc.string({ maxLength: 8 }),
  fc.webPath(),
);
const target = fc.oneof(
  fc.array(targetPiece, { maxLength: 12 }).map((p) => p.join('')),
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);
const method = fc.oneof(fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'CONNECT', 'PRI', 'get', 'M-SEARCH'), fc.string({ minLength: 1, maxLength: 10 }));
const headerName = fc.oneof(
  fc.constantFrom('host', 'authorization', 'content-type', 'content-length', 'transfer-encoding', 'content-encoding', 'expect', 'connection', 'upgrade', 'accept', 'x-forwarded-for', 'cookie'),
  fc.string({ minLength: 1, maxLength: 20 }),
);
const headerValue = fc.oneof(
  fc.constantFrom('', 'chunked', 'gzip', 'deflate', '100-continue', 'close', 'upgrade', 'websocket', '-1', '99999999999999999999', 'application/json', 'text/plain; charset=utf-16', 'text/plain; charset=nope', '127.0.0.1', '[', basic('ops', PASSWORD), bearer(ACT_TOKEN), 'Basic', 'Basic !!!', 'Bearer', 'Bearer  ', `Basic ${Buffer.from('ops').toString('base64')}`),
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
);
const headers = fc.array(fc.tuple(headerName, headerValue), { maxLength: 8 });
const body = fc.oneof(fc.constant(''), fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 }), fc.json(), fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')));

interface Raw {
  method: string;
  target: string;
  version: string;
  headers: [string, string][];
  body: string;
  /** The body's length as announced: exact, absent, or a lie. */
  length: 'exact' | 'none' | 'short' | 'long';
}

const raw = fc.record<Raw>({
  method,
  target,
  version: fc.constantFrom('HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/9.9', 'HTTP/1', ''),
  headers,
  body,
  length: fc.constantFrom('exact', 'exact', 'none', 'short', 'long'),
});

function bytesOf(r: Raw): Buffer {
  const payload = Buffer.from(r.body, 'utf8');
  const lines = [`${r.method} ${r.target} ${r.version}`.trimEnd(), 'host: 127.0.0.1', ...r.headers.map(([n, v]) => `${n}: ${v}`)];
  const announced = { exact: payload.length, none: null, short: Math.max(0, payload.length - 3), long: payload.length + 5 }[r.length];
  if (announced !== null) lines.push(`content-length: ${announced}`);
  return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'utf8'), payload]);
}

describe('the HTTP layer under fuzzed raw requests', () => {
  let server: Listening;

  beforeAll(async () => {
    process.on('uncaughtException', onEscape);
    process.on('unhandledRejection', onEscape);
    const service = createService({
      name: 'fuzz',
      logger: { log: () => {} },
      routes,
      guard: authGuard({ service: 'fuzz', users: new Map([['ops', { hash: bcrypt.hashSync(PASSWORD, 4), role: 'act' }]]), tokens: [{ name: 'ops', source: 'test', token: ACT_TOKEN, role: 'act' }], anonymous: 'read' }),
      bodyLimit: { bytes: 256 },
      headers: { 'x-content-type-options': 'nosniff' },
    });
    // Every answer the service gives, seen from the server side (a client may be gone before it arrives).
    const observed = Object.assign(
      (req: Parameters<typeof service>[0], res: Parameters<typeof service>[1]) => {
        res.once('finish', () => seen.push({ method: req.method, url: req.url, status: res.statusCode, contentType: res.getHeader('content-type'), thrown: thrown.has(req) }));
        service(req, res);
      },
      { settled: service.settled },
    );
    server = await listen(observed, { host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await server?.close();
    process.off('uncaughtException', onEscape);
    process.off('unhandledRejection', onEscape);
  });
  afterEach(async () => {
    // Taken out first, so that one failing batch does not fail the next.
    const batch = seen.splice(0);
    expect(escaped.splice(0), 'nothing may escape to the process').toEqual([]);
    const failures = batch.filter((s) => s.status >= 500 && !(s.status === 500 && s.thrown && String(s.contentType).startsWith('application/json')));
    expect(failures, 'no 5xx but the throwing handler, in JSON').toEqual([]);
    // Still serving.
    expect((await call(`${server.url}/metrics`)).status).toBe(200);
    expect((await call(`${server.url}/webhook`, { method: 'POST', body: '{}', authorization: bearer(ACT_TOKEN) })).status).toBe(200);
    seen.length = 0;
  });

  const firstStatusOk = (answer: string) => {
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(answer);
    // No answer at all (the connection closed) is a refusal too; an answer must not be 5xx,
    // save the throwing handler's 500, which the server-side record checks.
    if (m && Number(m[1]) >= 500) expect(answer).toMatch(/^HTTP\/1\.[01] 500 [^]*"reason":"internal"/);
  };

  it('survives arbitrary requests: methods, targets, headers, bodies and lying lengths', async () => {
    await fc.assert(
      fc.asyncProperty(raw, async (r) => firstStatusOk(await exchange(server.port, bytesOf(r)))),
      { numRuns: 400 },
    );
  });

  it('survives arbitrary request targets on the routes that exist', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE'), target, async (m, t) => {
        const answer = await exchange(server.port, Buffer.from(`${m} ${t} HTTP/1.1\r\nhost: x\r\nauthorization: ${bearer(ACT_TOKEN)}\r\ncontent-length: 0\r\n\r\n`, 'latin1'));
        firstStatusOk(answer);
      }),
      { numRuns: 400 },
    );
  });

  it('survives arbitrary bodies and headers sent by an authorised caller', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/webhook', '/refuse', '/boom', '/metrics'), headers, body, async (path, hs, b) => {
        const r: Raw = { method: path === '/refuse' ? 'PUT' : path === '/webhook' ? 'POST' : 'GET', target: path, version: 'HTTP/1.1', headers: [['authorization', bearer(ACT_TOKEN)], ...hs], body: b, length: 'exact' };
        firstStatusOk(await exchange(server.port, bytesOf(r)));
      }),
      { numRuns: 400 },
    );
  });

  it('answers the throwing handler 500 in JSON, without its message', async () => {
    const answer = await exchange(server.port, Buffer.from('GET /boom HTTP/1.1\r\nhost: x\r\n\r\n'));
    expect(answer).toMatch(/^HTTP\/1\.1 500 /);
    expect(answer).toContain('"reason":"internal"');
    expect(answer).not.toContain('a handler failing on its own');
    expect(seen.map((s) => [s.status, s.thrown])).toEqual([[500, true]]);
  });
});
