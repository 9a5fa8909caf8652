// The report service in docker-compose: its start command, as docker-compose resolves it
// (alone, and with deploy/ha.env), run on the host over the files compose mounts (the
// notifier's config and the schedule, each merged with its compose overlays), the result
// loaded by the report service's own loader; its web config, image (Debian's Chromium to
// print PDFs), archive volume and the Grafana app's way to it.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadWebConfig } from '../../common/src/web-config.js';
import { loadScheduleConfig, type ScheduleConfig } from '../../reports/src/schedule-config.js';
import { compose, mount, ROOT, sandbox } from './container.js';

const service = compose.services.reports;

/** The report service's command as docker-compose resolves it, with an env file or none, in an environment free of the deployment's variables. */
function resolvedCommand(envFile?: string): string {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('USSDWATCH_') && !k.startsWith('COMPOSE_')));
  const r = spawnSync('docker-compose', ['-f', join(ROOT, 'docker-compose.yml'), ...(envFile ? ['--env-file', envFile] : []), 'config'], { cwd: ROOT, env, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return (parse(r.stdout) as { services: { reports: { command: string[] } } }).services.reports.command.join(' ');
}

/** The schedule the container starts with: its command's merges, run on the host, loaded by the real loader. */
function composeSchedule(envFile?: string): ScheduleConfig {
  const command = resolvedCommand(envFile);
  const merges = [...command.matchAll(/node (\S+merge-config\.mjs) (\S+) (\S+) (\S+)/g)];
  const config = /--config (\S+)/.exec(command)![1];
  expect(merges.length).toBe(3);
  const fs = sandbox('reports');
  try {
    for (const [, , base, overlay, out] of merges) execFileSync(process.execPath, [join(ROOT, 'deploy/notifier/merge-config.mjs'), fs.path(base), fs.path(overlay), fs.path(out)]);
    // The container's absolute paths (secrets, CA, the merged notifier config) inside the sandbox; the CA is the tls job's, a stand-in here.
    mkdirSync(fs.path('/etc/ussdwatch/tls'), { recursive: true });
    writeFileSync(fs.path('/etc/ussdwatch/tls/ca.crt'), 'stand-in CA\n');
    writeFileSync(fs.path(config), readFileSync(fs.path(config), 'utf8').replaceAll('/etc/ussdwatch/', `${fs.path('/etc/ussdwatch')}/`));
    const cfg = loadScheduleConfig(fs.path(config));
    return { ...cfg, archive: { ...cfg.archive, dir: cfg.archive.dir.replace(fs.path(''), '') } };
  } finally {
    fs.remove();
  }
}

describe('the report service in docker-compose', () => {
  it('starts with the shipped schedule, reading Prometheus and the notifier as compose names them, mailing through the notifier', () => {
    const cfg = composeSchedule();
    const shipped = loadScheduleConfig(join(ROOT, 'reports/config/schedule.yaml'));
    expect(cfg.prometheus.url).toBe('https://prometheus:9090');
    expect(cfg.prometheus.basicAuth).toEqual({ username: 'grafana', password: readFileSync(join(ROOT, 'deploy/secrets/grafana.password'), 'utf8').trim() });
    expect(cfg.prometheus.ca).toBe('stand-in CA');
    expect(cfg.notifier.url).toBe('https://notifier:9717');
    expect(cfg.notifier.bearerToken).toBe(readFileSync(join(ROOT, 'deploy/secrets/grafana.token'), 'utf8').trim());
    expect(cfg.listen).toEqual({ host: '0.0.0.0', port: 9720 });
    // The mail goes where the notifier's does in compose (Mailpit in the demo), to the same teams.
    expect([cfg.notifierConfig.email.host, cfg.notifierConfig.email.port]).toEqual(['mailpit', 1025]);
    expect(cfg.reports).toEqual(shipped.reports);
    // A single machine has no long-term store: every report reads Prometheus.
    expect(cfg.longterm).toBeNull();
    expect(cfg.reports.map((r) => r.source)).toEqual(cfg.reports.map(() => 'prometheus'));
    // The archive is the named volume, with its retention.
    expect(cfg.archive).toEqual({ dir: '/var/lib/ussdwatch-reports', retentionDays: 400 });
    expect(service.volumes).toContain('reports-archive:/var/lib/ussdwatch-reports');
    expect(compose.volumes).toHaveProperty(['reports-archive']);
    // Read-only container: the merged configs and Chromium's profile live in tmpfs.
    for (const t of ['/etc/ussdwatch/run/notifier', '/etc/ussdwatch/run/reports', '/tmp']) expect(service.tmpfs).toContain(t);
    expect(service.environment).toMatchObject({ HOME: '/tmp', NOTIFIER_SMTP_PASSWORD: '${NOTIFIER_SMTP_PASSWORD:-}' });
  });

  it('reads the monthly reports from the store in the HA profile (deploy/ha.env), as Grafana reads it', () => {
    const cfg = composeSchedule(join(ROOT, 'deploy/ha.env'));
    const { datasources } = parse(readFileSync(join(ROOT, 'provisioning/datasources/ussdwatch.yaml'), 'utf8')) as { datasources: Array<{ uid: string; url: string; basicAuthUser: string }> };
    const grafana = datasources.find((d) => d.uid === 'ussdwatch-longterm')!;
    // The same address, user and password as Grafana's long-term datasource, over TLS with the tls job's CA.
    expect(cfg.longterm).toEqual({
      url: grafana.url,
      bearerToken: undefined,
      basicAuth: { username: grafana.basicAuthUser, password: readFileSync(join(ROOT, 'deploy/secrets/grafana.password'), 'utf8').trim() },
      ca: 'stand-in CA',
    });
    expect(compose.services.victoriametrics.command!.join(' ')).toContain('-httpAuth.username=grafana');
    expect(compose.services.victoriametrics.command!.join(' ')).toContain('-tls ');
    expect(compose.services.victoriametrics.ports).toContain(`127.0.0.1:${new URL(grafana.url).port}:${new URL(grafana.url).port}`);
    // Months from the store, the rest from Prometheus, which is unchanged.
    const shipped = loadScheduleConfig(join(ROOT, 'reports/config/schedule.yaml')).reports;
    expect(cfg.reports.map((r) => [r.name, r.source])).toEqual(shipped.map((r) => [r.name, r.period === 'month' ? 'longterm' : 'prometheus']));
    expect(cfg.reports.some((r) => r.source === 'longterm')).toBe(true);
    expect(cfg.prometheus.url).toBe('https://prometheus:9090');
  });

  it('serves TLS to the Grafana app only, whose token may build reports there', () => {
    expect(service.command!.join(' ')).toContain('exec ussdwatch-report serve --config /etc/ussdwatch/run/reports/schedule.yaml --web.config.file /etc/ussdwatch/web/reports.yml');
    const dir = mkdtempSync(join(tmpdir(), 'ussdwatch-deploy-reports-'));
    try {
      execFileSync('sh', [join(ROOT, 'deploy/tls/make-certs.sh'), dir]);
      const file = join(dir, 'reports.yml');
      writeFileSync(file, readFileSync(join(ROOT, 'deploy/web/reports.yml'), 'utf8').replaceAll('/etc/ussdwatch/tls', dir).replaceAll('/etc/ussdwatch/secrets', join(ROOT, 'deploy/secrets')));
      const c = loadWebConfig(file);
      expect(c.tls).not.toBeNull();
      expect(c.users.size).toBe(0);
      expect(c.tokens.map((t) => [t.name, t.role])).toEqual([['grafana', 'act']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(service.volumes).toContain('tls:/etc/ussdwatch/tls:ro');
    expect((service as { depends_on?: unknown }).depends_on).toMatchObject({ tls: { condition: 'service_completed_successfully' } });
  });

  it('gives the Grafana app the reports URL and its token, as it does for the notifier', () => {
    const app = (parse(readFileSync(join(ROOT, 'provisioning/plugins/ussdwatch-app.yaml'), 'utf8')) as { apps: Array<{ jsonData: Record<string, string>; secureJsonData: Record<string, string> }> }).apps[0];
    expect(app.jsonData.reportsUrl).toBe('https://reports:9720');
    expect(service.ports).toContain('127.0.0.1:9720:9720');
    expect(app.secureJsonData.reportsToken).toBe('$USSDWATCH_REPORTS_TOKEN');
    // Grafana's entrypoint exports the three tokens from its grafana_token secret; run it with /run.sh replaced by `env`.
    const script = readFileSync(join(ROOT, 'deploy/grafana/start.sh'), 'utf8').replace('exec /run.sh "$@"', 'exec env');
    const env = execFileSync('sh', ['-c', script], { env: { PATH: process.env.PATH, USSDWATCH_GRAFANA_TOKEN_FILE: join(ROOT, 'deploy/secrets/grafana.token') }, encoding: 'utf8' });
    const token = readFileSync(join(ROOT, 'deploy/secrets/grafana.token'), 'utf8').trim();
    for (const v of ['USSDWATCH_EXPORTER_TOKEN', 'USSDWATCH_NOTIFIER_TOKEN', 'USSDWATCH_REPORTS_TOKEN']) expect(env).toContain(`${v}=${token}\n`);
    expect(compose.services.grafana.secrets).toContain('grafana_token');
  });

  it("builds an image that prints PDFs with Debian's Chromium and runs the report program", () => {
    const dockerfile = readFileSync(join(ROOT, service.build!.dockerfile!), 'utf8');
    expect(dockerfile).toMatch(/apt-get install -y --no-install-recommends chromium fonts-dejavu-core/);
    expect(dockerfile).toContain('ln -s /app/reports/bin/ussdwatch-report.js /usr/local/bin/ussdwatch-report');
    // The print path the report uses by default is where Debian's package puts Chromium.
    expect(readFileSync(join(ROOT, 'reports/src/pdf.ts'), 'utf8')).toContain("'/usr/bin/chromium'");
    expect(mount(service.volumes!.find((v) => v.startsWith('./reports/config'))!).mode).toBe('ro');
  });
});
