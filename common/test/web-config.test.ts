// The web config reader, the guard it builds and the start-up policy, against files on
// disk, a certificate made by openssl for the test, and a real listening server.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, describe, expect, it } from 'vitest';
import { createService, HttpError, listen, type Listening, type Request, type Route } from '../src/http.js';
import type { Logger } from '../src/log.js';
import { authGuard, VerifiedCache } from '../src/web-auth.js';
import { loadWebConfig } from '../src/web-config.js';
import { isLoopback, UnsafeStartError, webSecurity } from '../src/web-security.js';

const dir = mkdtempSync(join(tmpdir(), 'ussdwatch-webcfg-'));
const started: Listening[] = [];
afterAll(async () => {
  await Promise.all(started.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});
const logger: Logger = { log: () => {} };

const KEY = join(dir, 'key.pem');
const CERT = join(dir, 'cert.pem');
execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', KEY, '-out', CERT, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
const ACT_TOKEN = 'a'.repeat(40);
writeFileSync(join(dir, 'act.token'), `${ACT_TOKEN}\n`);
writeFileSync(join(dir, 'short.token'), 'short\n');
const HASH = bcrypt.hashSync('s3cret', 4);

let n = 0;
function webConfig(text: string): string {
  const f = join(dir, `web-${++n}.yml`);
  writeFileSync(f, text);
  return f;
}

const GOOD = `tls_server_config:
  cert_file: cert.pem
  key_file: key.pem
  min_version: TLS13
http_server_config:
  headers:
    X-Frame-Options: deny
    X-Content-Type-Options: nosniff
basic_auth_users:
  grafana: ${HASH}
  ops: ${HASH}
roles:
  ops: act
bearer_tokens:
  - name: alertmanager
    token_file: act.token
    role: act
`;

describe('loadWebConfig', () => {
  it('reads the exporter-toolkit keys and the ussdwatch ones', () => {
    const c = loadWebConfig(webConfig(GOOD));
    expect(c.tls).toMatchObject({ minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' });
    expect(c.headers).toEqual({ 'X-Frame-Options': 'deny', 'X-Content-Type-Options': 'nosniff' });
    expect([...c.users].map(([u, v]) => [u, v.role])).toEqual([['grafana', 'read'], ['ops', 'act']]);
    expect(c.tokens).toEqual([{ name: 'alertmanager', source: join(dir, 'act.token'), token: ACT_TOKEN, role: 'act' }]);
  });

  it.each([
    ['a password in clear', `basic_auth_users:\n  grafana: s3cret\n`, /:2: basic_auth_users\.grafana: not a bcrypt hash; make one with `htpasswd -nBC 10/],
    ['a role for nobody', `basic_auth_users:\n  grafana: ${HASH}\nroles:\n  graphana: read\n`, /:4: roles\.graphana: no user "graphana" under basic_auth_users/],
    ['an unknown role', `basic_auth_users:\n  grafana: ${HASH}\nroles:\n  grafana: admin\n`, /:4: roles\.grafana: .*read.*act/],
    ['a missing token file', `bearer_tokens:\n  - name: am\n    token_file: nope.token\n    role: act\n`, /:3: bearer_tokens\[0\]\.token_file: cannot read .*nope\.token \(ENOENT\)/],
    ['no credentials at all', `tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n`, /: \(top level\): no basic_auth_users nor bearer_tokens: anyone who reaches the port could act/],
    ['an insecure client auth', `tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n  client_auth_type: RequestClientCert\n`, /:4: tls_server_config\.client_auth_type: .*RequireAndVerifyClientCert/],
    ['a key without its certificate', `tls_server_config:\n  key_file: key.pem\n`, /tls_server_config\.cert_file: missing/],
    ['a key that is not one', `tls_server_config:\n  cert_file: cert.pem\n  key_file: cert.pem\nbearer_tokens: []\n`, /:1: tls_server_config: the certificate or key cannot be used/],
    ['a header it cannot set', `http_server_config:\n  headers:\n    X-Frame-Options: allow\n`, /:3: http_server_config\.headers\.X-Frame-Options: must be one of deny, sameorigin/],
    ['a key it does not know', `rate_limit:\n  burst: 3\n`, /:1: rate_limit: /],
  ])('refuses %s with file and line', (_what, text, message) => {
    const f = webConfig(text);
    expect(() => loadWebConfig(f)).toThrow(message);
    expect(() => loadWebConfig(f)).toThrow(f);
  });
});

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const ROUTES: Route[] = [
  { method: 'GET', path: '/healthz', access: 'read', handle: (_req, res) => void res.json({ ok: true }) },
  { method: 'GET', path: '/alive', access: 'open', handle: (_req, res) => void res.json({ ok: true }) },
  { method: 'POST', path: '/act', access: 'act', handle: (_req, res) => void res.json({ acted: true }) },
];

describe('authGuard', () => {
  const c = loadWebConfig(webConfig(GOOD.replace(/tls_server_config:[\s\S]*?(?=http_server_config)/, '')));
  const guard = authGuard({ service: 'test', users: c.users, tokens: c.tokens, anonymous: null });
  const refusal = async (authorization: string | undefined, access: 'read' | 'act') => {
    try {
      await guard({ headers: authorization ? { authorization } : {} } as Request, access);
      return null;
    } catch (err) {
      return err as HttpError;
    }
  };

  it('lets read users read, act users and tokens act, and nobody else in', async () => {
    expect(await refusal(basic('grafana', 's3cret'), 'read')).toBeNull();
    expect(await refusal(basic('ops', 's3cret'), 'act')).toBeNull();
    expect(await refusal(`Bearer ${ACT_TOKEN}`, 'act')).toBeNull();
    expect(await refusal(`bearer  ${ACT_TOKEN} `, 'read')).toBeNull();
    expect(await refusal(basic('grafana', 's3cret'), 'act')).toMatchObject({ status: 403, reason: 'forbidden' });
    for (const wrong of [undefined, basic('grafana', 'wrong'), basic('nobody', 's3cret'), 'Bearer nope', 'Digest x', basic('grafana', '') + 'x']) {
      const e = await refusal(wrong, 'read');
      expect(e, String(wrong)).toMatchObject({ status: 401, reason: 'unauthorized' });
      expect(e!.extra.headers!['www-authenticate']).toBe('Basic realm="ussdwatch test", charset="UTF-8", Bearer realm="ussdwatch test"');
    }
  });

  it('lets anonymous callers do what `anonymous` says, and no more', async () => {
    const readOpen = authGuard({ service: 'test', users: new Map(), tokens: c.tokens, anonymous: 'read' });
    await expect(readOpen({ headers: {} } as Request, 'read')).resolves.toBeUndefined();
    await expect(readOpen({ headers: {} } as Request, 'act')).rejects.toMatchObject({ status: 401 });
  });
});

describe('VerifiedCache', () => {
  it('keeps at most its size, oldest out, and never the password', () => {
    const cache = new VerifiedCache(2);
    const keys = ['one', 'two', 'three'].map((p) => cache.keyOf('u', p, HASH));
    keys.forEach((k) => cache.add(k));
    expect(cache.length).toBe(2);
    expect(cache.has(keys[0])).toBe(false);
    expect(cache.has(keys[2])).toBe(true);
    expect(keys.join()).not.toMatch(/one|two|three/);
    // Another process (another key) cannot recompute the entries.
    expect(new VerifiedCache(2).keyOf('u', 'one', HASH)).not.toBe(keys[0]);
  });
});

describe('webSecurity', () => {
  const base = { service: 'test', setting: '--web.config.file', open: 'act' as const, env: {} };

  it('refuses a non-loopback address or production without a web config, saying how to fix it', () => {
    expect(() => webSecurity({ ...base, host: '0.0.0.0' })).toThrow(UnsafeStartError);
    expect(() => webSecurity({ ...base, host: '0.0.0.0' })).toThrow(/refuses to listen on 0\.0\.0\.0 without a web config.*--web\.config\.file.*or listen on 127\.0\.0\.1/);
    expect(() => webSecurity({ ...base, host: '127.0.0.1', env: { USSDWATCH_PRODUCTION: '1' } })).toThrow(/USSDWATCH_PRODUCTION is set but the test has no web config/);
    expect(webSecurity({ ...base, host: '127.0.0.1' }).webConfig).toBeNull();
  });

  it('refuses in production the demo token of the repository and short tokens', () => {
    const demo = readFileSync(new URL('../../alertmanager/secrets/notifier.token', import.meta.url), 'utf8').trim();
    const file = webConfig(GOOD);
    const prod = { ...base, host: '0.0.0.0', webConfigFile: file, env: { USSDWATCH_PRODUCTION: 'true' } };
    expect(() => webSecurity({ ...prod, tokens: [{ name: 'alertmanager', source: 'secrets/notifier.token', token: demo, role: 'act' }] })).toThrow(
      /refuses to start: token "alertmanager" \(secrets\/notifier\.token\) is the demo token shipped in the ussdwatch repository.*openssl rand -hex 32/,
    );
    expect(() => webSecurity({ ...prod, tokens: [{ name: 'am', source: 'short.token', token: 'short', role: 'act' }] })).toThrow(/token "am" \(short\.token\) has 5 characters, fewer than 32/);
    expect(webSecurity(prod).tls).toBeDefined();
    // The same demo token outside production: the demo keeps working.
    expect(() => webSecurity({ ...base, host: '127.0.0.1', tokens: [{ name: 'am', source: 'x', token: demo, role: 'act' }] })).not.toThrow();
  });

  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['::1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['10.0.0.5', false],
    ['exporter', false],
  ])('%s is loopback: %s', (host, loopback) => expect(isLoopback(host)).toBe(loopback));

  it('serves HTTPS with the headers, and answers 401 with a challenge before a body is read', async () => {
    const sec = webSecurity({ ...base, host: '127.0.0.1', webConfigFile: webConfig(GOOD) });
    const s = await listen(createService({ name: 'test', logger, routes: ROUTES, guard: sec.guard, headers: sec.headers }), { host: '127.0.0.1', port: 0, tls: sec.tls });
    started.push(s);
    const get = (path: string, init: { method?: string; headers?: Record<string, string> } = {}) =>
      new Promise<{ status: number; headers: Record<string, unknown> }>((resolve, reject) => {
        httpsRequest(`${s.url}${path}`, { ca: readFileSync(CERT), ...init }, (res) => {
          res.resume().on('end', () => resolve({ status: res.statusCode!, headers: res.headers }));
        })
          .on('error', reject)
          .end();
      });
    const no = await get('/healthz');
    expect(no.status).toBe(401);
    expect(no.headers['x-frame-options']).toBe('deny');
    expect(no.headers['www-authenticate']).toMatch(/^Basic realm="ussdwatch test"/);
    expect((await get('/healthz', { headers: { authorization: basic('grafana', 's3cret') } })).status).toBe(200);
    // An open route never meets the guard.
    expect((await get('/alive')).status).toBe(200);
    expect((await get('/act', { method: 'POST', headers: { authorization: basic('grafana', 's3cret') } })).status).toBe(403);
    expect((await get('/act', { method: 'POST', headers: { authorization: `Bearer ${ACT_TOKEN}` } })).status).toBe(200);
  });
});
