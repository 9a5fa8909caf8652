// The notifier started from its command line with a web config: the webhook pages people
// and a reload changes who gets paged, so both need the act role; a read user may see the
// journal but never post; TLS only; and a production start with the repository's demo
// token is refused.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSmtp, type SmtpSink } from '@ussdwatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payload } from '../../notifier/test/helpers.js';
import { ACT_TOKEN, basic, bearer, call, DEMO_TOKEN_FILE, freePort, makeSecrets, READ_PASSWORD, READ_TOKEN, refusedStart, startService, type Service } from './helpers.js';

const secrets = makeSecrets();
const ca = readFileSync(secrets.cert);

/** A notifier.yaml whose Alertmanager token is `tokenFile` (the act token unless told). */
function notifierConfig(port: number, smtpPort: number, opts: { tokenFile?: string; webConfig?: string; host?: string } = {}): string {
  const f = join(secrets.dir, `notifier-${port}.yaml`);
  writeFileSync(
    f,
    `listen: { host: ${opts.host ?? '127.0.0.1'}, port: ${port} }
auth: { token_file: ${opts.tokenFile ?? secrets.actTokenFile} }
${opts.webConfig ? `web_config_file: ${opts.webConfig}\n` : ''}journal: { dir: ./journal-${port} }
sms: { sendsms_url: "http://127.0.0.1:9/cgi-bin/sendsms", retry: { attempts: 1 } }
email: { host: 127.0.0.1, port: ${smtpPort}, secure: false, retry: { attempts: 1 } }
critical_team: technical
teams:
  billing: { emails: [noc-billing@djezzy.dz], oncall_sms: ["213770000101"] }
  technical: { emails: [noc-technical@djezzy.dz], oncall_sms: ["213770000901"], critical_sms: ["213770000902"] }
`,
  );
  return f;
}

const tier1 = JSON.stringify(payload({ tier: '1', team: 'billing' }));

describe('notifier with a web config', () => {
  let notifier: Service;
  let smtp: SmtpSink;
  let port: number;
  beforeAll(async () => {
    smtp = await startSmtp();
    port = await freePort();
    notifier = await startService('notifier', ['--config', notifierConfig(port, smtp.port, { webConfig: secrets.webConfig })], `https://127.0.0.1:${port}`, { ca });
  });
  afterAll(async () => {
    await notifier?.stop();
    await smtp?.stop();
  });

  it('refuses the webhook without credentials or with a wrong token: 401 with a challenge', async () => {
    for (const authorization of [undefined, bearer('nope'), bearer(ACT_TOKEN.slice(0, -1)), basic('grafana', 'wrong')]) {
      const r = await call(`${notifier.url}/webhook/tier1`, { method: 'POST', body: tier1, authorization, ca });
      expect(r.status, String(authorization)).toBe(401);
      expect(r.headers['www-authenticate']).toContain('Bearer realm="ussdwatch notifier"');
    }
  });

  it('refuses the webhook to a user who may only read: 403', async () => {
    const r = await call(`${notifier.url}/webhook/tier1`, { method: 'POST', body: tier1, authorization: basic('grafana', READ_PASSWORD), ca });
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body)).toMatchObject({ reason: 'forbidden' });
  });

  it("accepts the webhook with Alertmanager's token (act) over TLS", async () => {
    const r = await call(`${notifier.url}/webhook/tier1`, { method: 'POST', body: tier1, authorization: bearer(ACT_TOKEN), ca });
    expect(r.status).toBe(200);
  });

  it('takes a heartbeat on /webhook/watchdog only from the act role, refuses any other body with a 4xx, and stays up', async () => {
    const heartbeat = JSON.stringify(payload({ alertname: 'Watchdog' }));
    const post = (body: string, authorization?: string) => call(`${notifier.url}/webhook/watchdog`, { method: 'POST', body, authorization, ca });
    for (const authorization of [undefined, bearer('nope'), basic('grafana', 'wrong')]) expect((await post(heartbeat, authorization)).status, String(authorization)).toBe(401);
    expect((await post(heartbeat, basic('grafana', READ_PASSWORD))).status).toBe(403);
    const lastHeartbeat = async () => /^notifier_watchdog_last_heartbeat_timestamp_seconds (\S+)$/m.exec((await call(`${notifier.url}/metrics`, { authorization: basic('grafana', READ_PASSWORD), ca })).body)?.[1];
    expect(await lastHeartbeat()).toBe('0');
    // Not JSON, truncated, no alerts, a tier alert (not the heartbeat), the heartbeat resolved, a label of the wrong type.
    const resolved = payload({ alertname: 'Watchdog', status: 'resolved' });
    const badLabel = payload({ alertname: 'Watchdog' }) as unknown as { alerts: Array<{ labels: Record<string, unknown> }> };
    badLabel.alerts[0].labels.alertname = { nested: true };
    for (const body of ['not json', heartbeat.slice(0, 40), JSON.stringify({ ...payload(), alerts: [] }), tier1, JSON.stringify(resolved), JSON.stringify(badLabel), '\u0000'.repeat(100)]) {
      const r = await post(body, bearer(ACT_TOKEN));
      expect(r.status, body.slice(0, 60)).toBe(400);
    }
    expect(await lastHeartbeat()).toBe('0');
    expect((await post(heartbeat, bearer(ACT_TOKEN))).status).toBe(200);
    expect(Number(await lastHeartbeat())).toBeGreaterThan(Date.now() / 1000 - 60);
    expect((await call(`${notifier.url}/healthz`, { ca })).status).toBe(200);
  });

  it('shows the journal and metrics to a read user only', async () => {
    for (const path of ['/api/journal', '/metrics']) {
      expect((await call(`${notifier.url}${path}`, { ca })).status).toBe(401);
      expect((await call(`${notifier.url}${path}`, { authorization: basic('grafana', READ_PASSWORD), ca })).status).toBe(200);
    }
  });

  it('reloads its configuration only for the act role: 401 without credentials, 403 for readers', async () => {
    const reload = (authorization?: string) => call(`${notifier.url}/-/reload`, { method: 'POST', authorization, ca });
    expect((await reload()).status).toBe(401);
    for (const authorization of [basic('grafana', READ_PASSWORD), bearer(READ_TOKEN)]) {
      const r = await reload(authorization);
      expect(r.status, authorization).toBe(403);
      expect(JSON.parse(r.body)).toMatchObject({ reason: 'forbidden' });
    }
    const ok = await reload(bearer(ACT_TOKEN));
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ status: 'reloaded' });
  });

  it('does not answer plain HTTP on its TLS port', async () => {
    const plain = await call(`http://127.0.0.1:${port}/webhook/tier1`, { method: 'POST', body: tier1, authorization: bearer(ACT_TOKEN) }).catch((err: Error) => err);
    if (!(plain instanceof Error)) expect(plain.status).toBeGreaterThanOrEqual(400);
  });
});

describe('notifier start-up refusals', () => {
  it("refuses in production with the repository's demo token, naming the file and the fix", async () => {
    const config = notifierConfig(await freePort(), 9, { tokenFile: DEMO_TOKEN_FILE, webConfig: secrets.webConfig });
    const r = await refusedStart('notifier', ['--config', config], { USSDWATCH_PRODUCTION: '1' });
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/alertmanager\/secrets\/notifier\.token\) is the demo token shipped in the ussdwatch repository.*openssl rand -hex 32/);
  });

  it('refuses in production a token shorter than 32 characters', async () => {
    const short = join(secrets.dir, 'short.token');
    writeFileSync(short, 'only-twenty-chars-x\n');
    const r = await refusedStart('notifier', ['--config', notifierConfig(await freePort(), 9, { tokenFile: short }), '--web.config.file', secrets.webConfig], { USSDWATCH_PRODUCTION: '1' });
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/short\.token\) has 19 characters, fewer than 32/);
  });

  it('refuses every interface without a web config', async () => {
    const r = await refusedStart('notifier', ['--config', notifierConfig(await freePort(), 9, { host: '0.0.0.0' })]);
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/refuses to listen on 0\.0\.0\.0 without a web config/);
  });
});
