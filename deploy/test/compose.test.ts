// docker-compose.yml, checked without a Docker engine: Debian's docker-compose validates
// it (plain and with the demo profile), and the YAML is read to check what an engine would
// only find out at `up`: every mounted or built path exists, images are pinned, volumes
// are declared, every service has a healthcheck, and the files it mounts are valid for the
// programs that read them (exporter and notifier loaders, amtool).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig as loadExporterConfig } from '../../exporter/src/config/config.js';
import { loadConfig as loadNotifierConfig } from '../../notifier/src/config.js';
import { compose, isBind, mount, ROOT } from './container.js';
import { composeNotifierConfig, notifierCommand } from './notifier-config.js';

const COMPOSE_FILE = join(ROOT, 'docker-compose.yml');
const services = Object.entries(compose.services);
const temp: string[] = [];
afterAll(() => temp.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** docker-compose with an environment free of the deployment's overrides. */
function dockerCompose(args: string[], env: Record<string, string> = {}) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('USSDWATCH_HOST_')));
  return spawnSync('docker-compose', ['-f', COMPOSE_FILE, ...args], { cwd: ROOT, env: { ...clean, ...env }, encoding: 'utf8' });
}

/** The value a `${VAR:-default}` takes when VAR is unset. */
const unsetValue = (s: string) => s.replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1');

/** An image reference with an explicit version: not `latest`, not bare. */
function pinned(image: string): boolean {
  const tag = image.split('/').pop()!.split(':')[1];
  return tag !== undefined && tag !== 'latest' && /\d/.test(tag);
}

/** The images a Dockerfile starts from (ARG defaults applied), not its own build stages. */
function baseImages(dockerfile: string): string[] {
  const text = readFileSync(dockerfile, 'utf8');
  const args = Object.fromEntries([...text.matchAll(/^ARG (\w+)=(\S+)/gm)].map((m) => [m[1], m[2]]));
  const froms = [...text.matchAll(/^FROM (\S+)(?: AS (\S+))?/gim)];
  const stages = new Set(froms.map((m) => m[2]).filter(Boolean));
  return froms.map((m) => m[1].replace(/\$\{(\w+)\}/g, (_, a: string) => args[a] ?? '')).filter((image) => !stages.has(image));
}

describe('docker-compose.yml', () => {
  it('is valid for docker-compose, plain and with the demo profile', () => {
    for (const args of [['config', '-q'], ['--profile', 'demo', 'config', '-q']]) {
      const r = dockerCompose(args);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    }
    // With real host folders, the same services mount them (read-only for the exporter).
    const r = dockerCompose(['config'], { USSDWATCH_HOST_LOG_DIR: '/srv/ussd/logs', USSDWATCH_HOST_DPSS_DIR: '/srv/dpss' });
    expect(r.status).toBe(0);
    const resolved = parse(r.stdout) as { services: Record<string, { volumes: Array<string | { source: string; target: string; read_only?: boolean }> }> };
    const exporterMounts = resolved.services.exporter.volumes.map((v) => (typeof v === 'string' ? mount(v) : { source: v.source, target: v.target, mode: v.read_only ? 'ro' : 'rw' }));
    expect(exporterMounts).toContainEqual({ source: '/srv/ussd/logs', target: '/var/log/ussd', mode: 'ro' });
    expect(exporterMounts).toContainEqual({ source: '/srv/dpss', target: '/var/spool/dpss', mode: 'ro' });
  });

  it('has the services of the issue, the demo ones in the demo profile only', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['alertmanager', 'alertmanager-b', 'exporter', 'grafana', 'kannel', 'mailpit', 'notifier', 'prometheus', 'prometheus-b', 'reports', 'simulator', 'tls', 'victoriametrics']);
    const demo = services.filter(([, s]) => s.profiles?.includes('demo')).map(([n]) => n).sort();
    expect(demo).toEqual(['kannel', 'mailpit', 'simulator']);
    expect(compose.services.simulator.image).not.toBe(compose.services.exporter.image);
    expect(compose.services.simulator).toMatchObject({ volumes: expect.arrayContaining([expect.stringMatching(/:\/var\/log\/ussd$/)]) });
  });

  it.each(services)('%s: pinned images, existing build files, a healthcheck, ports on loopback', (_name, s) => {
    expect(s.image, 'every service names a versioned image').toBeDefined();
    expect(pinned(s.image!), s.image).toBe(true);
    if (s.build) {
      const context = resolve(ROOT, s.build.context);
      const dockerfile = resolve(context, s.build.dockerfile ?? 'Dockerfile');
      expect(statSync(context).isDirectory()).toBe(true);
      expect(existsSync(dockerfile), dockerfile).toBe(true);
      for (const from of baseImages(dockerfile)) expect(pinned(from), `${dockerfile}: FROM ${from}`).toBe(true);
      // Every COPY source (not from a build stage) exists in the context.
      for (const m of readFileSync(dockerfile, 'utf8').matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
        for (const src of m[1].split(/\s+/)) expect(existsSync(join(context, src)), `${dockerfile}: COPY ${src}`).toBe(true);
      }
      // The images built here run as a non-root user.
      const users = [...readFileSync(dockerfile, 'utf8').matchAll(/^USER (\S+)/gm)].map((u) => u[1]);
      if (!baseImages(dockerfile).some((i) => i.startsWith('grafana/'))) {
        expect(users.length, `${dockerfile} sets USER`).toBeGreaterThan(0);
        expect(users[users.length - 1]).not.toMatch(/^(root|0)$/);
      }
    }
    // A one-shot job (the TLS certificate) finishes: the services wait for its success instead.
    if (s.restart !== 'no') expect(s.healthcheck?.test?.length, 'healthcheck').toBeGreaterThan(1);
    for (const p of s.ports ?? []) expect(p).toMatch(/^127\.0\.0\.1:/);
  });

  it('mounts only paths that exist, and named volumes that are declared', () => {
    const missing: string[] = [];
    for (const [name, s] of services) {
      for (const v of s.volumes ?? []) {
        const { source } = mount(unsetValue(v));
        if (isBind(source)) {
          if (!existsSync(resolve(ROOT, source))) missing.push(`${name}: ${source}`);
        } else {
          expect(compose.volumes, `${name}: volume ${source}`).toHaveProperty([source]);
        }
      }
    }
    for (const [name, sec] of Object.entries(compose.secrets)) if (!existsSync(resolve(ROOT, sec.file))) missing.push(`secret ${name}: ${sec.file}`);
    expect(missing).toEqual([]);
    for (const v of ['prometheus-data', 'alertmanager-data', 'notifier-journal', 'exporter-state']) expect(compose.volumes).toHaveProperty([v]);
  });

  it('mounts the gateway logs and DPSS spool read-only into the exporter', () => {
    const mounts = compose.services.exporter.volumes!.map((v) => mount(unsetValue(v)));
    for (const target of ['/var/log/ussd', '/var/spool/dpss']) expect(mounts.find((m) => m.target === target)?.mode).toBe('ro');
  });

  it('uses the files the other checks test: Prometheus config and rules, Alertmanager config, provisioning', () => {
    const bindSources = services.flatMap(([, s]) => (s.volumes ?? []).map((v) => mount(unsetValue(v)).source)).filter(isBind);
    for (const p of ['./deploy/prometheus/prometheus.yml', './prometheus/rules', './alertmanager', './provisioning']) expect(bindSources).toContain(p);
  });
});

describe('the files docker-compose mounts', () => {
  it('deploy/exporter/ussdwatch.yaml is a valid exporter config reading the mounted folders', () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('USSDWATCH_')));
    const cfg = loadExporterConfig(join(ROOT, 'deploy/exporter/ussdwatch.yaml'), env);
    expect(cfg.listen).toEqual({ host: '0.0.0.0', port: 9716 });
    expect(cfg.sources.map((s) => s.path)).toEqual(['gw01', 'gw02', 'gw03', 'gw04'].map((n) => `/var/log/ussd/${n}.log`));
    expect(cfg.dpss?.spool).toBe('/var/spool/dpss');
    expect(cfg.stateDir).toBe('/var/lib/ussdwatch');
  });

  it('the notifier container gets the shipped config with the container addresses merged in', () => {
    const cmd = notifierCommand();
    expect(cmd.config).toBe(cmd.merges.at(-1)!.out);
    for (const m of cmd.merges) expect(compose.services.notifier.tmpfs).toContain(m.out.slice(0, m.out.lastIndexOf('/')));
    const deployed = composeNotifierConfig();
    const shipped = loadNotifierConfig(join(ROOT, 'notifier/config/notifier.yaml'), {});
    expect(deployed.listen).toEqual({ host: '0.0.0.0', port: 9717 });
    expect(new URL(deployed.sms.sendsmsUrl).host).toBe('kannel:13013');
    expect([deployed.email.host, deployed.email.port]).toEqual(['mailpit', 1025]);
    expect(deployed.journal.dir).toBe('/var/lib/ussdwatch-notifier');
    expect(compose.services.notifier.volumes).toContain('notifier-journal:/var/lib/ussdwatch-notifier');
    // Everything else, the teams first, is the shipped file's.
    expect([...deployed.teams.entries()]).toEqual([...shipped.teams.entries()]);
    // The same people and chains; what compose does not wire yet is off (deploy/notifier/compose.yaml).
    expect([...deployed.oncall!.people.values()]).toEqual([...shipped.oncall!.people.values()]);
    expect(deployed.oncall!.chains).toEqual(shipped.oncall!.chains);
    expect([deployed.callback, deployed.services.size]).toEqual([undefined, 0]);
    const rest = (c: typeof shipped) => ({
      ...c, file: '', tokenSource: '', listen: null, journal: { ...c.journal, dir: '' }, sms: { ...c.sms, sendsmsUrl: '' }, email: { ...c.email, host: '', port: 0 },
      oncall: null, services: null, callback: null, alertmanager: null, links: null,
    });
    expect(rest(deployed)).toEqual(rest(shipped));
  });

  it('the notifier silences acknowledged incidents on the compose Alertmanager, both peers in the HA profile, as Alertmanager\'s web config asks', () => {
    const { basic_auth_users: users } = parse(readFileSync(join(ROOT, 'deploy/web/alertmanager.yml'), 'utf8')) as { basic_auth_users: Record<string, string> };
    const single = composeNotifierConfig();
    const ha = composeNotifierConfig(join(ROOT, 'deploy/ha.env'));
    expect(single.alertmanager.urls).toEqual(['https://alertmanager:9093']);
    expect(ha.alertmanager.urls).toEqual(['https://alertmanager:9093', 'https://alertmanager-b:9093']);
    for (const c of [single, ha]) {
      // A user of Alertmanager's web config, with the password its hash was made of.
      expect(bcrypt.compareSync(c.alertmanager.basicAuth!.password, users[c.alertmanager.basicAuth!.username])).toBe(true);
      // Every peer is a compose service on that port, and its certificate names it.
      for (const u of c.alertmanager.urls) {
        const { hostname, port } = new URL(u);
        expect(Object.keys(compose.services)).toContain(hostname);
        expect(readFileSync(join(ROOT, 'deploy/tls/make-certs.sh'), 'utf8')).toMatch(new RegExp(`^names=".*\\b${hostname}\\b`, 'm'));
        expect(compose.services[hostname].ports!.some((p) => p.endsWith(`:${port}`))).toBe(true);
      }
    }
    // The tls job's CA checks Alertmanager's certificate (Node's fetch trusts NODE_EXTRA_CA_CERTS).
    expect(compose.services.notifier.environment).toMatchObject({ NODE_EXTRA_CA_CERTS: '/etc/ussdwatch/tls/ca.crt' });
    expect(compose.services.notifier.volumes).toContain('tls:/etc/ussdwatch/tls:ro');
  });

  it('Kannel accepts the notifier: same sendsms user, password and port', () => {
    const conf = readFileSync(join(ROOT, 'deploy/kannel/kannel.conf'), 'utf8');
    const value = (key: string) => new RegExp(`^${key} = (.+)$`, 'm').exec(conf)?.[1];
    const sms = composeNotifierConfig().sms;
    expect(value('username')).toBe(sms.user);
    expect(value('password')).toBe(sms.password);
    expect(value('sendsms-port')).toBe(new URL(sms.sendsmsUrl).port);
  });

  it('the Alertmanager start script points the shipped config at the notifier service, and amtool accepts it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ussdwatch-am-'));
    temp.push(dir);
    const run = spawnSync('sh', [join(ROOT, 'deploy/alertmanager/start.sh')], {
      env: { ...process.env, ...compose.services.alertmanager.environment, USSDWATCH_AM_SOURCE: join(ROOT, 'alertmanager'), USSDWATCH_AM_CONFIG_DIR: dir, ALERTMANAGER_BIN: 'true' },
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const config = readFileSync(join(dir, 'alertmanager.yml'), 'utf8');
    expect(config).not.toContain('127.0.0.1:9717');
    for (const tier of [1, 2, 3]) expect(config).toContain(`url: https://notifier:9717/webhook/tier${tier}`);
    // The notifier's certificate is checked against the tls job's CA, beside the token.
    expect(config).toMatch(/^( +)tls_config: \{ ca_file: \/etc\/ussdwatch\/tls\/ca\.crt \}\n\1authorization:/m);
    const check = spawnSync('amtool', ['check-config', join(dir, 'alertmanager.yml')], { encoding: 'utf8' });
    expect(check.stdout + check.stderr).toContain('SUCCESS');
    expect(check.status).toBe(0);
  });

  it('every address in the compose-side configs is a compose service on its port', () => {
    const hosts: string[] = [];
    for (const f of ['ussdwatch-exporter.yml', 'ussdwatch-notifier.yml', 'alertmanager.yml']) {
      const groups = parse(readFileSync(join(ROOT, 'prometheus/targets-compose', f), 'utf8')) as Array<{ targets: string[] }>;
      hosts.push(...groups.flatMap((g) => g.targets));
    }
    const ds = parse(readFileSync(join(ROOT, 'provisioning/datasources/ussdwatch.yaml'), 'utf8')) as { datasources: Array<{ url: string }> };
    const app = parse(readFileSync(join(ROOT, 'provisioning/plugins/ussdwatch-app.yaml'), 'utf8')) as { apps: Array<{ jsonData: Record<string, string> }> };
    const urls = [...ds.datasources.map((d) => d.url), app.apps[0].jsonData.exporterUrl, app.apps[0].jsonData.notifierUrl, app.apps[0].jsonData.reportsUrl];
    hosts.push(...urls.map((u) => new URL(u).host));
    const published = (name: string) => (compose.services[name]?.ports ?? []).map((p) => p.split(':')[2]);
    for (const h of hosts) {
      const [name, port] = h.split(':');
      expect(Object.keys(compose.services), h).toContain(name);
      expect(published(name), h).toContain(port);
    }
  });
});
