// The report service started from its command line with a web config: reading the archive
// needs the read role; building a report (a Chromium per request) and reloading the schedule
// (who gets the reports) need the act role; TLS only.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACT_TOKEN, basic, bearer, call, freePort, makeSecrets, READ_PASSWORD, READ_TOKEN, REPO, startService, type Service } from './helpers.js';

const secrets = makeSecrets();
const ca = readFileSync(secrets.cert);

describe('report service with a web config', () => {
  let reports: Service;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    const schedule = join(secrets.dir, 'schedule.yaml');
    writeFileSync(
      schedule,
      `prometheus: { url: "http://127.0.0.1:9" }
notifier: { config_file: ${join(REPO, 'notifier/config/notifier.yaml')}, url: "http://127.0.0.1:9" }
listen: { host: 127.0.0.1, port: ${port} }
web_config_file: ${secrets.webConfig}
archive: { dir: ${join(secrets.dir, 'reports-archive')} }
reports:
  - { name: daily, period: day, emails: [noc@djezzy.dz] }
`,
    );
    reports = await startService('reports', ['serve', '--config', schedule], `https://127.0.0.1:${port}`, { ca });
  });
  afterAll(async () => {
    await reports?.stop();
  });

  it('shows the archive to readers only: 401 without credentials', async () => {
    expect((await call(`${reports.url}/api/reports`, { ca })).status).toBe(401);
    for (const authorization of [basic('grafana', READ_PASSWORD), bearer(READ_TOKEN)]) {
      expect((await call(`${reports.url}/api/reports`, { authorization, ca })).status, authorization).toBe(200);
    }
  });

  it('builds and reloads for the act role only: 401 without credentials, 403 for readers', async () => {
    for (const path of ['/api/reports', '/-/reload']) {
      expect((await call(`${reports.url}${path}`, { method: 'POST', body: '{}', ca })).status, path).toBe(401);
      for (const authorization of [basic('grafana', READ_PASSWORD), bearer(READ_TOKEN)]) {
        const r = await call(`${reports.url}${path}`, { method: 'POST', body: '{}', authorization, ca });
        expect(r.status, `${path} ${authorization}`).toBe(403);
        expect(JSON.parse(r.body)).toMatchObject({ reason: 'forbidden' });
      }
    }
    const ok = await call(`${reports.url}/-/reload`, { method: 'POST', authorization: bearer(ACT_TOKEN), ca });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ status: 'reloaded' });
  });

  it('does not answer plain HTTP on its TLS port', async () => {
    const plain = await call(`http://127.0.0.1:${port}/api/reports`, {}).catch((err: Error) => err);
    if (!(plain instanceof Error)) expect(plain.status).toBeGreaterThanOrEqual(400);
  });
});
