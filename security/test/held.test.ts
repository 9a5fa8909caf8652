// What held when issue 10's attacks were tried, kept holding against the real exporter and
// notifier started from their command lines as the demo runs them (no web config, loopback):
// path traversal in the request target, a DPSS file over the 16 MiB cap, a webhook body
// over the notifier's limit from the token holder.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '@ussdwatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACT_TOKEN, bearer, call, exchange, freePort, makeSecrets, notifierYaml, startService, type Service } from './helpers.js';

const secrets = makeSecrets();
const dir = secrets.dir;

describe('what held keeps holding', () => {
  let exporter: Service;
  let notifier: Service;

  beforeAll(async () => {
    // A DPSS file over the cap waits in the spool before the exporter starts.
    mkdirSync(join(dir, 'dpss'));
    writeFileSync(join(dir, 'dpss', 'dpss_kpi_202611211340.csv'), 'period_start,short_code,attempts\n' + '2026-11-21T13:40:00+01:00,*710#,1\n'.repeat(500_000));
    const [exporterPort, notifierPort] = [await freePort(), await freePort()];
    writeFileSync(join(dir, 'exporter.yaml'), `listen: "127.0.0.1:${exporterPort}"\nstate_dir: ./exporter-state\nsources: []\ndpss: { spool: ./dpss }\n`);
    writeFileSync(join(dir, 'notifier.yaml'), notifierYaml(notifierPort, secrets.actTokenFile));
    [exporter, notifier] = await Promise.all([
      startService('exporter', ['--config', join(dir, 'exporter.yaml')], `http://127.0.0.1:${exporterPort}`),
      startService('notifier', ['--config', join(dir, 'notifier.yaml')], `http://127.0.0.1:${notifierPort}`),
    ]);
  });
  afterAll(async () => {
    await Promise.all([exporter?.stop(), notifier?.stop()]);
  });

  it('answers path traversal in the request target 4xx, never with a file', async () => {
    const targets = [
      '/../../../../etc/passwd',
      '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      '/api/events/..%2f..%2f..%2fetc%2fpasswd',
      '/api/journal/../../../../etc/passwd',
      '//etc/passwd',
      '/..%5c..%5c..%5cetc%5cpasswd',
      '/metrics/%2e%2e/%2e%2e/etc/passwd',
    ];
    for (const service of [exporter, notifier]) {
      const port = Number(new URL(service.url).port);
      for (const target of targets) {
        const answer = await exchange(port, Buffer.from(`GET ${target} HTTP/1.1\r\nhost: x\r\n\r\n`, 'latin1'));
        expect(answer, `${service.url} ${target}`).toMatch(/^HTTP\/1\.1 4\d\d /);
        expect(answer, `${service.url} ${target}`).not.toContain('root:');
      }
    }
  });

  it('skips a DPSS file over 16 MiB as malformed, and keeps serving', async () => {
    const m = await waitFor(
      async () => {
        const body = (await call(`${exporter.url}/metrics`)).body;
        return /^dpss_files_total\{result="malformed"\} 1$/m.test(body) ? body : undefined;
      },
      { timeoutMs: 20_000, what: 'the DPSS file counted as malformed' },
    );
    expect(m).toMatch(/^dpss_files_total\{result="malformed"\} 1$/m);
    expect(m).not.toMatch(/^dpss_attempts\{/m);
    expect((await call(`${exporter.url}/healthz`)).status).toBe(200);
    expect(exporter.output()).toMatch(/malformed DPSS file skipped.*larger than 16777216 bytes/);
  });

  it("refuses a webhook body over the notifier's limit, even from the token holder: 413, and keeps serving", async () => {
    const r = await call(`${notifier.url}/webhook/tier3`, { method: 'POST', body: JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }), authorization: bearer(ACT_TOKEN) });
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body)).toMatchObject({ reason: 'too_large' });
    expect((await call(`${notifier.url}/healthz`)).status).toBe(200);
  });
});
