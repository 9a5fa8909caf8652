// docker-compose's chain over TLS and credentials, run on the host with the real programs
// and the files deploy/ ships: the tls job's script makes the CA and certificate; the
// exporter and the notifier serve with deploy/web/ussdwatch.yml; the real Prometheus runs
// deploy/prometheus/prometheus.yml behind deploy/web/prometheus.yml and must scrape both
// (and itself) with the shipped credentials, checking their certificate; the real
// Alertmanager, started by deploy/alertmanager/start.sh on the shipped alertmanager.yml
// behind deploy/web/alertmanager.yml, must deliver to the notifier with the token it reads
// from its credentials_file. Only container paths (/etc/ussdwatch/tls, /etc/ussdwatch/secrets,
// the targets' addresses) and ports are rewritten.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@ussdwatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, basic, call, freePort, refusedStart, notifierYaml, startService, startWithWebConfig, type Service, type Started } from './helpers.js';

const SECRETS = join(REPO, 'deploy/secrets');
const password = (name: string) => readFileSync(join(SECRETS, `${name}.password`), 'utf8').trim();
const dir = mkdtempSync(join(tmpdir(), 'ussdwatch-deploy-chain-'));
const TLS = join(dir, 'tls');

/** A deploy/ file with the container paths of the certificate and the secrets moved to this host. */
function onHost(file: string, out: string, replace: Array<[string, string]> = []): string {
  let text = readFileSync(join(REPO, file), 'utf8').replaceAll('/etc/ussdwatch/tls', TLS).replaceAll('/etc/ussdwatch/secrets', SECRETS);
  for (const [from, to] of replace) {
    expect(text, `${file} has ${from}`).toContain(from);
    text = text.replaceAll(from, to);
  }
  const path = join(dir, out);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

describe('the compose chain over TLS with the shipped configs and credentials', () => {
  let ca: Buffer;
  let exporter: Service;
  let notifier: Service;
  let prometheus: Started;
  let alertmanager: Started;
  let web: string;
  const asGrafana = basic('grafana', password('grafana'));
  const asPrometheus = basic('prometheus', password('prometheus'));

  beforeAll(async () => {
    mkdirSync(TLS);
    execFileSync('sh', [join(REPO, 'deploy/tls/make-certs.sh'), TLS]);
    ca = readFileSync(join(TLS, 'ca.crt'));
    web = onHost('deploy/web/ussdwatch.yml', 'web/ussdwatch.yml');
    const [exporterPort, notifierPort, promPort, amPort] = [await freePort(), await freePort(), await freePort(), await freePort()];

    writeFileSync(join(dir, 'exporter.yaml'), `listen: "127.0.0.1:${exporterPort}"\nstate_dir: ./exporter-state\nsources: []\n`);
    // The notifier's Alertmanager token is the shipped one, the file Alertmanager's config names.
    writeFileSync(join(dir, 'notifier.yaml'), notifierYaml(notifierPort, join(REPO, 'alertmanager/secrets/notifier.token')));

    // Prometheus: the compose config, its file_sd targets and self-scrape on this host.
    const promDir = join(dir, 'prometheus');
    cpSync(join(REPO, 'prometheus/rules'), join(promDir, 'rules'), { recursive: true });
    const targets = { 'ussdwatch-exporter': exporterPort, 'ussdwatch-notifier': notifierPort, alertmanager: amPort, prometheus: promPort };
    mkdirSync(join(promDir, 'targets'));
    for (const [job, port] of Object.entries(targets)) writeFileSync(join(promDir, 'targets', `${job}.yml`), `- targets: ["127.0.0.1:${port}"]\n`);
    const promConfig = onHost('deploy/prometheus/prometheus.yml', 'prometheus/prometheus.yml');
    const amSource = join(dir, 'alertmanager');
    cpSync(join(REPO, 'alertmanager'), amSource, { recursive: true });

    // The targets first: Prometheus' first scrape of each must find it serving.
    [exporter, notifier] = await Promise.all([
      startService('exporter', ['--config', join(dir, 'exporter.yaml'), '--web.config.file', web], `https://127.0.0.1:${exporterPort}`, { ca }),
      startService('notifier', ['--config', join(dir, 'notifier.yaml'), '--web.config.file', web], `https://127.0.0.1:${notifierPort}`, { ca }),
    ]);
    [prometheus, alertmanager] = await Promise.all([
      startWithWebConfig(
        'prometheus',
        [`--config.file=${promConfig}`, `--storage.tsdb.path=${join(promDir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`, `--web.config.file=${onHost('deploy/web/prometheus.yml', 'web/prometheus.yml')}`],
        promPort,
        asGrafana,
        ca,
      ),
      // As compose runs it: the start script rewrites the notifier's address and adds the CA.
      startWithWebConfig(
        'sh',
        [join(REPO, 'deploy/alertmanager/start.sh'), `--web.config.file=${onHost('deploy/web/alertmanager.yml', 'web/alertmanager.yml')}`, `--web.listen-address=127.0.0.1:${amPort}`, '--cluster.listen-address=', '--log.level=warn'],
        amPort,
        asPrometheus,
        ca,
        {
          USSDWATCH_AM_SOURCE: amSource,
          USSDWATCH_AM_CONFIG_DIR: join(dir, 'alertmanager-run'),
          USSDWATCH_AM_STORAGE: join(dir, 'alertmanager-data'),
          ALERTMANAGER_BIN: 'prometheus-alertmanager',
          USSDWATCH_NOTIFIER_URL: `https://127.0.0.1:${notifierPort}`,
          USSDWATCH_NOTIFIER_CA: join(TLS, 'ca.crt'),
        },
      ),
    ]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([exporter?.stop(), notifier?.stop(), prometheus?.proc.stop(), alertmanager?.proc.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('Prometheus scrapes the exporter, the notifier, Alertmanager and itself over TLS with the shipped credentials: up == 1', async () => {
    const query = `${prometheus.url}/api/v1/query?query=${encodeURIComponent('up')}`;
    expect((await call(query, { ca })).status).toBe(401);
    // The first scrape of each target comes within one scrape_interval (15 s as shipped).
    const up = await waitFor(
      async () => {
        const r = await call(query, { authorization: asGrafana, ca });
        const series = (JSON.parse(r.body) as { data: { result: Array<{ metric: { job: string }; value: [number, string] }> } }).data.result;
        return series.length === 4 ? Object.fromEntries(series.map((s) => [s.metric.job, s.value[1]])) : undefined;
      },
      { timeoutMs: 40_000, intervalMs: 1000, what: 'a scrape of every target' },
    );
    expect(up).toEqual({ 'ussdwatch-exporter': '1', 'ussdwatch-notifier': '1', prometheus: '1', alertmanager: '1' });
    // Prometheus also reaches Alertmanager (https, the CA, its password) for its alerts.
    const ams = JSON.parse((await call(`${prometheus.url}/api/v1/alertmanagers`, { authorization: asGrafana, ca })).body) as { data: { activeAlertmanagers: Array<{ url: string }> } };
    expect(ams.data.activeAlertmanagers.map((a) => a.url)).toEqual([`https://127.0.0.1:${new URL(alertmanager.url).port}/api/v2/alerts`]);
  }, 60_000);

  it("Alertmanager delivers an alert to the notifier's webhook with the token from its credentials_file, over TLS", async () => {
    const alert = [{ labels: { alertname: 'DeployChainCheck', tier: '3', team: 'technical', severity: 'critical', short_code: '*710#' }, annotations: { summary: 'deploy chain check' } }];
    const posted = await call(`${alertmanager.url}/api/v2/alerts`, { method: 'POST', body: JSON.stringify(alert), authorization: asPrometheus, ca });
    expect(posted.status).toBe(200);
    // Tier 3 waits group_wait (10 s as shipped) before the webhook.
    const received = await waitFor(
      async () => {
        const r = await call(`${notifier.url}/api/journal?tier=3`, { authorization: asPrometheus, ca });
        const entries = (JSON.parse(r.body) as { entries: Array<{ kind: string; receiver?: string; alerts?: Array<{ alertname: string }> }> }).entries;
        return entries.find((e) => e.kind === 'received' && e.alerts?.some((a) => a.alertname === 'DeployChainCheck'));
      },
      { timeoutMs: 40_000, intervalMs: 1000, what: 'the alert in the notifier journal' },
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n--- alertmanager ---\n${alertmanager.proc.output().slice(-3000)}\n--- notifier ---\n${notifier.output().slice(-3000)}`);
    });
    expect(received.receiver).toBe('tier3-critical');
    // Nothing was refused on the way: the token and the certificate were the right ones.
    const metrics = await call(`${notifier.url}/metrics`, { authorization: asPrometheus, ca });
    expect(metrics.body).not.toMatch(/^notifier_requests_refused_total\{[^}]*\} [1-9]/m);
  }, 60_000);

  it('refuses a production start with the shipped web config, naming its demo password and token', async () => {
    writeFileSync(join(dir, 'exporter-production.yaml'), `listen: "127.0.0.1:${await freePort()}"\nstate_dir: ./exporter-state-production\nsources: []\n`);
    const r = await refusedStart('exporter', ['--config', join(dir, 'exporter-production.yaml'), '--web.config.file', web], { USSDWATCH_PRODUCTION: '1' });
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/token \\?"grafana\\?" \(.*deploy\/secrets\/grafana\.token\) is the demo token shipped/);
    expect(r.output).toMatch(/user \\?"prometheus\\?" in .* has the demo password shipped/);
  });
});
