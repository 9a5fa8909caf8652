// The exporter started from its command line with a web config: nothing is read without
// credentials, only over TLS; it refuses an open non-loopback address and demo secrets in
// production. Its one route that acts, POST /-/reload, wants the act role.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACT_TOKEN, basic, bearer, call, demoTokenWebConfig, freePort, makeSecrets, READ_PASSWORD, READ_TOKEN, refusedStart, startService, type Service } from './helpers.js';

const secrets = makeSecrets();
const ca = readFileSync(secrets.cert);

function exporterConfig(listen: string, webConfig?: string): string {
  const f = join(secrets.dir, `exporter-${listen.replace(/\W/g, '_')}.yaml`);
  writeFileSync(f, `listen: "${listen}"\nstate_dir: ./exporter-state\nsources: []\n${webConfig ? `web_config_file: ${webConfig}\n` : ''}`);
  return f;
}

describe('exporter with a web config', () => {
  let exporter: Service;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    exporter = await startService('exporter', ['--config', exporterConfig(`127.0.0.1:${port}`, secrets.webConfig)], `https://127.0.0.1:${port}`, { ca });
  });
  afterAll(() => exporter?.stop());

  it.each(['/metrics', '/api/events', '/api/malformed', '/api/proposals', '/ready', '/'])('%s: 401 with a challenge without credentials or with wrong ones', async (path) => {
    for (const authorization of [undefined, basic('grafana', 'wrong'), basic('admin', 'admin'), bearer('nope')]) {
      const r = await call(`${exporter.url}${path}`, { authorization, ca });
      expect(r.status, String(authorization)).toBe(401);
      expect(r.headers['www-authenticate']).toMatch(/^Basic realm="ussdwatch exporter"/);
      expect(r.body).not.toMatch(/ussd_/);
    }
  });

  it('serves /metrics to a read user and a read token, with the configured headers', async () => {
    for (const authorization of [basic('grafana', READ_PASSWORD), bearer(READ_TOKEN)]) {
      const r = await call(`${exporter.url}/metrics`, { authorization, ca });
      expect(r.status).toBe(200);
      expect(r.body).toMatch(/^# HELP ussd_/m);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('reloads its configuration only for the act role: 401 without credentials, 403 for readers', async () => {
    const reload = (authorization?: string) => call(`${exporter.url}/-/reload`, { method: 'POST', authorization, ca });
    expect((await reload()).status).toBe(401);
    for (const authorization of [basic('grafana', READ_PASSWORD), bearer(READ_TOKEN)]) expect((await reload(authorization)).status).toBe(403);
    const ok = await reload(bearer(ACT_TOKEN));
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ status: 'reloaded' });
  });

  it('leaves /healthz open (it says only "alive")', async () => {
    expect((await call(`${exporter.url}/healthz`, { ca })).status).toBe(200);
  });

  it('does not answer plain HTTP on its TLS port', async () => {
    const plain = await call(`http://127.0.0.1:${port}/metrics`, { authorization: basic('grafana', READ_PASSWORD) }).catch((err: Error) => err);
    if (!(plain instanceof Error)) {
      expect(plain.status).toBeGreaterThanOrEqual(400);
      expect(plain.body).not.toMatch(/ussd_/);
    }
  });
});

describe('exporter start-up refusals', () => {
  it('refuses to listen on every interface without a web config, naming the fix', async () => {
    const r = await refusedStart('exporter', ['--config', exporterConfig(`0.0.0.0:${await freePort()}`)]);
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/refuses to listen on 0\.0\.0\.0 without a web config.*web_config_file: in the exporter config or --web\.config\.file/);
  });

  it('refuses in production without a web config, and with the demo token of the repository', async () => {
    const config = exporterConfig(`127.0.0.1:${await freePort()}`);
    const none = await refusedStart('exporter', ['--config', config], { USSDWATCH_PRODUCTION: '1' });
    expect(none.code).toBe(2);
    expect(none.output).toMatch(/USSDWATCH_PRODUCTION is set but the exporter has no web config/);
    const demo = await refusedStart('exporter', ['--config', config, '--web.config.file', demoTokenWebConfig(secrets)], { USSDWATCH_PRODUCTION: '1' });
    expect(demo.code).toBe(2);
    expect(demo.output).toMatch(/token \\?"alertmanager\\?" \(.*alertmanager\/secrets\/notifier\.token\) is the demo token shipped in the ussdwatch repository/);
  });

  it('names the file and line of a mistake in the web config', async () => {
    const bad = join(secrets.dir, 'web-bad.yml');
    writeFileSync(bad, 'basic_auth_users:\n  grafana: clear-text-password\n');
    const r = await refusedStart('exporter', ['--config', exporterConfig(`127.0.0.1:${await freePort()}`), '--web.config.file', bad]);
    expect(r.code).toBe(2);
    expect(r.output).toContain(`${bad}:2: basic_auth_users.grafana: not a bcrypt hash`);
  });
});
