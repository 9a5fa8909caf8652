// Prometheus and Alertmanager as deploy/ ships them (their web configs: TLS and bcrypt users),
// run as the real Debian binaries on loopback: a forged alert without credentials is
// refused, the shipped demo credentials work, and Prometheus' API answers nobody anonymous.
// Only the certificate paths change (the compose `tls` job makes those files): users and
// hashes are the shipped ones, read from the shipped files.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { REPO, basic, call, freePort, makeSecrets, startWithWebConfig, type Secrets, type Started } from './helpers.js';

const password = (name: string) => readFileSync(join(REPO, 'deploy/secrets', `${name}.password`), 'utf8').trim();
const forgedAlert = JSON.stringify([{ labels: { alertname: 'ForgedOutage', severity: 'critical', tier: '3' }, annotations: { summary: 'forged' } }]);

/** The shipped web config with the test's certificate in place of the compose one. */
function shippedWebConfig(name: 'prometheus' | 'alertmanager', secrets: Secrets, dir: string): string {
  const config = parseYaml(readFileSync(join(REPO, 'deploy/web', `${name}.yml`), 'utf8')) as { tls_server_config: Record<string, unknown> };
  config.tls_server_config = { ...config.tls_server_config, cert_file: secrets.cert, key_file: secrets.key };
  const file = join(dir, `${name}-web.yml`);
  writeFileSync(file, stringifyYaml(config));
  return file;
}

describe('Prometheus and Alertmanager with the web configs deploy/ ships', () => {
  const secrets = makeSecrets();
  const ca = readFileSync(secrets.cert);
  const dir = mkdtempSync(join(tmpdir(), 'ussdwatch-deploy-web-'));
  let alertmanager: Started;
  let prometheus: Started;

  beforeAll(async () => {
    writeFileSync(join(dir, 'alertmanager.yml'), 'route: { receiver: none }\nreceivers: [{ name: none }]\n');
    writeFileSync(join(dir, 'prometheus.yml'), 'global: { scrape_interval: 1m }\n');
    const amWeb = shippedWebConfig('alertmanager', secrets, dir);
    const promWeb = shippedWebConfig('prometheus', secrets, dir);
    const [amPort, promPort] = [await freePort(), await freePort()];
    [alertmanager, prometheus] = await Promise.all([
      startWithWebConfig(
        'prometheus-alertmanager',
        [`--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'am-data')}`, `--web.listen-address=127.0.0.1:${amPort}`, '--cluster.listen-address=', `--web.config.file=${amWeb}`, '--log.level=warn'],
        amPort,
        basic('prometheus', password('prometheus')),
        ca,
      ),
      startWithWebConfig(
        'prometheus',
        [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'prom-data')}`, `--web.listen-address=127.0.0.1:${promPort}`, `--web.config.file=${promWeb}`],
        promPort,
        basic('grafana', password('grafana')),
        ca,
      ),
    ]);
  });
  afterAll(async () => {
    await Promise.all([alertmanager?.proc.stop(), prometheus?.proc.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('Alertmanager refuses a forged alert without credentials, or with a wrong password, and pages no one', async () => {
    for (const authorization of [undefined, basic('prometheus', 'guess'), basic('admin', password('prometheus'))]) {
      const r = await call(`${alertmanager.url}/api/v2/alerts`, { method: 'POST', body: forgedAlert, authorization, ca });
      expect(r.status, `POST with ${authorization ?? 'no credentials'}`).toBe(401);
    }
    const alerts = await call(`${alertmanager.url}/api/v2/alerts`, { authorization: basic('grafana', password('grafana')), ca });
    expect(alerts.status).toBe(200);
    expect(JSON.parse(alerts.body)).toEqual([]);
  });

  it('Alertmanager takes an alert from Prometheus with the shipped demo credentials', async () => {
    const r = await call(`${alertmanager.url}/api/v2/alerts`, { method: 'POST', body: forgedAlert, authorization: basic('prometheus', password('prometheus')), ca });
    expect(r.status).toBe(200);
    const alerts = await call(`${alertmanager.url}/api/v2/alerts`, { authorization: basic('grafana', password('grafana')), ca });
    expect((JSON.parse(alerts.body) as { labels: { alertname: string } }[]).map((a) => a.labels.alertname)).toEqual(['ForgedOutage']);
  });

  it('Alertmanager speaks only TLS', async () => {
    await expect(call(alertmanager.url.replace('https:', 'http:') + '/api/v2/status')).resolves.toMatchObject({ status: 400 });
  });

  it("Prometheus' API answers no one without the shipped user's password", async () => {
    for (const path of ['/api/v1/query?query=up', '/api/v1/status/config', '/api/v1/targets', '/metrics']) {
      expect((await call(`${prometheus.url}${path}`, { ca })).status, path).toBe(401);
      expect((await call(`${prometheus.url}${path}`, { authorization: basic('grafana', 'guess'), ca })).status, path).toBe(401);
    }
    const r = await call(`${prometheus.url}/api/v1/query?query=up`, { authorization: basic('grafana', password('grafana')), ca });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ status: 'success' });
  });
});
