// /api/events, routing errors and /ready over HTTP against the real server.
import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { startServer } from '../../src/serve/server.js';
import { captureLogger } from './capture-logger.js';
import { cdr, getJson, removeTempDirsAfterAll, startInProcess, waitForMetric, writeSetup, type TestServer } from './helpers.js';

removeTempDirsAfterAll();

type Ev = Record<string, unknown>;

describe('/api/events', { timeout: 30_000 }, () => {
  let server: TestServer;
  beforeAll(async () => {
    const s = await writeSetup();
    server = await startInProcess(s.configFile);
    const log = path.join(s.logs, 'gw01.log');
    const rows = [
      cdr({ ts: '2026-11-21T13:00:00+01:00', msisdn: '213770123456', ussd: '*719#', status: 'NO_ROUTING_RULE', app: '' }),
      cdr({ ts: '2026-11-21T13:00:01+01:00', status: 'SUCCESS', app: '3400', menu: '1*2' }),
      cdr({ ts: '2026-11-21T13:00:02+01:00', ussd: '*720#', status: 'FAILED_APP_TIMEOUT', app: '' }),
    ];
    // Ten successes in a row: only events_per_key (5) are kept for (*710#, ok).
    for (let i = 0; i < 10; i++) rows.push(cdr({ ts: `2026-11-21T13:01:${String(i).padStart(2, '0')}+01:00` }));
    appendFileSync(log, rows.join('\n') + '\n');
    await waitForMetric(server.url, 'ussd_log_lines_total{source="cdr",result="parsed"}', 13);
  }, 30_000);
  afterAll(() => server.stop());

  const events = async (q: string) => {
    const r = await getJson(`${server.url}/api/events${q}`);
    expect(r.status).toBe(200);
    return r.body.events as Ev[];
  };

  it('serves a wrong code with the masked number, the near code and the reason', async () => {
    const [e] = await events('?short_code=unknown');
    expect(e).toMatchObject({
      ts: '2026-11-21T12:00:00.000Z',
      node: 'gw01',
      msisdn: '2137*****456',
      ussd: '*719#',
      status: 'NO_ROUTING_RULE',
      map_error: null,
      app_ms: null,
      dialog_ms: 3000,
      class: 'user',
      cause: 'wrong_code',
      short_code: 'unknown',
      near_code: '*710#',
      source: 'cdr',
      reason: 'NO_ROUTING_RULE for *719#, not in the catalogue (one edit from *710#)',
    });
    expect(JSON.stringify(await events(''))).not.toContain('213770123456');
  });

  it('filters by class and cause and explains a slow success', async () => {
    const slow = await events('?class=internal&cause=slow_response');
    expect(slow).toHaveLength(1);
    expect(slow[0]).toMatchObject({ short_code: '*710#', app_ms: 3400, menu: '1*2' });
    expect(slow[0].reason).toBe('SUCCESS but app response 3400 ms > slow threshold 2000 ms for *710#');
    const internal = await events('?class=internal');
    expect(internal.map((e) => e.cause)).toEqual(['app_timeout', 'slow_response']);
  });

  it('keeps events_per_key per (short_code, class), newest first, and honours limit', async () => {
    const ok = await events('?short_code=*710%23&class=ok');
    expect(ok.map((e) => e.ts)).toEqual(['2026-11-21T12:01:09.000Z', '2026-11-21T12:01:08.000Z', '2026-11-21T12:01:07.000Z', '2026-11-21T12:01:06.000Z', '2026-11-21T12:01:05.000Z']);
    expect(await events('?class=ok&limit=2')).toHaveLength(2);
    expect(await events('')).toHaveLength(5 + 3);
  });

  it('rejects bad parameters with a JSON error naming the parameter', async () => {
    const cases: Array<[string, string]> = [
      ['?class=fatal', 'class'],
      ['?cause=typo', 'cause'],
      ['?short_code=*719%23', 'short_code'],
      ['?limit=0', 'limit'],
      ['?limit=1001', 'limit'],
      ['?limit=ten', 'limit'],
      ['?shortcode=*710%23', 'shortcode'],
    ];
    for (const [q, param] of cases) {
      const r = await getJson(`${server.url}/api/events${q}`);
      expect([q, r.status, r.body.param]).toEqual([q, 400, param]);
      expect(typeof r.body.error).toBe('string');
    }
    const r = await getJson(`${server.url}/api/events?class=fatal`);
    expect(r.body.allowed).toEqual(['ok', 'user', 'internal', 'unclassified']);
  });

  it('answers JSON 404 for unknown routes and 405 for other methods', async () => {
    const nf = await getJson(`${server.url}/nope`);
    expect(nf.status).toBe(404);
    expect(nf.body.error).toContain('/nope');
    const res = await fetch(`${server.url}/api/events`, { method: 'POST' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    expect((await getJson(`${server.url}/healthz`)).status).toBe(200);
    expect(await getJson(`${server.url}/ready`)).toEqual({ status: 200, body: { status: 'ready' } });
  });
});

describe('/ready', { timeout: 30_000 }, () => {
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  it('stays 503 with the reason when start-up fails, while /healthz answers', async () => {
    const s = await writeSetup();
    writeFileSync(path.join(s.dir, 'state'), 'a file where the state folder should be');
    const server = await startServer(loadConfig(s.configFile), { logger: captureLogger() });
    stop = () => server.stop();
    await expect(server.ready).rejects.toThrow();
    const r = await getJson(`${server.url}/ready`);
    expect(r.status).toBe(503);
    expect(r.body.reason).toMatch(/^start-up failed: .*state/);
    expect((await getJson(`${server.url}/healthz`)).status).toBe(200);
  });

  it('turns 503 once stopping', async () => {
    const s = await writeSetup();
    const server = await startServer(loadConfig(s.configFile), { logger: captureLogger() });
    await server.ready;
    expect((await getJson(`${server.url}/ready`)).status).toBe(200);
    const stopping = server.stop();
    const r = await getJson(`${server.url}/ready`).catch(() => ({ status: 503 }));
    expect(r.status).toBe(503);
    await stopping;
  });
});
