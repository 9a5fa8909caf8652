// docker-compose's HA topology (docs/ha.md), checked without a Docker engine: Debian's
// docker-compose validates it with deploy/ha.env, the Prometheus pair's config passes
// promtool and is the compose config plus the HA settings only, the store drops the
// replica label as the tested local topology does, and the peers find each other.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { replicaRelabelConfig } from '../../testkit/src/victoria.js';
import { compose, mount, ROOT } from './container.js';

const HA_ENV = join(ROOT, 'deploy/ha.env');
const dir = mkdtempSync(join(tmpdir(), 'ussdwatch-deploy-ha-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function dockerCompose(args: string[]) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('USSDWATCH_') && !k.startsWith('COMPOSE_')));
  return spawnSync('docker-compose', ['-f', join(ROOT, 'docker-compose.yml'), ...args], { cwd: ROOT, env: clean, encoding: 'utf8' });
}

const read = (f: string) => parse(readFileSync(join(ROOT, f), 'utf8'), { merge: true }) as Record<string, unknown>;
type Resolved = { services: Record<string, { volumes: string[]; environment?: Record<string, string>; command?: string[] }> };
/** Where the resolved service mounts its Prometheus config from. */
const promConfig = (s: Resolved['services'][string]) => s.volumes.map(mount).find((m) => m.target === '/etc/prometheus/prometheus.yml')?.source;

describe('docker-compose HA profile', () => {
  it('is valid with deploy/ha.env (and with the demo too), which turns the profile on', () => {
    for (const args of [['--env-file', HA_ENV, 'config', '-q'], ['--env-file', HA_ENV, '--profile', 'ha', '--profile', 'demo', 'config', '-q']]) {
      const r = dockerCompose(args);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    }
    expect(readFileSync(HA_ENV, 'utf8')).toMatch(/^COMPOSE_PROFILES=ha$/m);
  });

  it('adds the second replica, a second peer and the store in the ha profile only', () => {
    const ha = Object.entries(compose.services).filter(([, s]) => s.profiles?.includes('ha')).map(([n]) => n).sort();
    expect(ha).toEqual(['alertmanager-b', 'prometheus-b', 'victoriametrics']);
    expect(compose.volumes).toHaveProperty(['victoria-data']);
    expect(compose.services['alertmanager-b'].command).toContain('--cluster.peer=alertmanager:9094');
  });

  it('makes both replicas run the HA config, each with its own replica label', () => {
    const r = dockerCompose(['--env-file', HA_ENV, 'config']);
    expect(r.status).toBe(0);
    const s = (parse(r.stdout) as Resolved).services;
    for (const [name, replica] of [['prometheus', 'a'], ['prometheus-b', 'b']]) {
      expect(promConfig(s[name]), name).toBe(join(ROOT, 'deploy/prometheus/prometheus-ha.yml'));
      expect(s[name].environment?.USSDWATCH_REPLICA).toBe(replica);
      expect(s[name].command).toContain('--enable-feature=expand-external-labels');
    }
    // Without it, the single-machine config as before.
    const single = (parse(dockerCompose(['config']).stdout) as Resolved).services.prometheus;
    expect(promConfig(single)).toBe(join(ROOT, 'deploy/prometheus/prometheus.yml'));
  });

  it('the pair config passes promtool and is the compose config plus the HA settings only', () => {
    const prom = join(dir, 'prometheus');
    cpSync(join(ROOT, 'prometheus/rules'), join(prom, 'rules'), { recursive: true });
    cpSync(join(ROOT, 'prometheus/targets-compose'), join(prom, 'targets'), { recursive: true });
    const file = join(prom, 'prometheus.yml');
    writeFileSync(file, readFileSync(join(ROOT, 'deploy/prometheus/prometheus-ha.yml'), 'utf8').replaceAll('/etc/ussdwatch/tls', dir).replaceAll('/etc/ussdwatch/secrets', join(ROOT, 'deploy/secrets')));
    writeFileSync(join(dir, 'ca.crt'), '');
    const r = spawnSync('promtool', ['check', 'config', '--syntax-only', file], { encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);

    const ha = read('deploy/prometheus/prometheus-ha.yml') as { global: { external_labels: Record<string, string> }; alerting: Record<string, unknown>; remote_write: Array<{ url: string }> };
    expect(ha.global.external_labels).toMatchObject({ cluster: 'ussdwatch', replica: '${USSDWATCH_REPLICA}' });
    expect(ha.alerting.alert_relabel_configs).toEqual([{ action: 'labeldrop', regex: 'replica' }]);
    expect(ha.remote_write.map((w) => new URL(w.url).host)).toEqual(['victoriametrics:8428']);
    const targets = (f: string) => parse(readFileSync(join(ROOT, 'prometheus/targets-compose', f), 'utf8')) as Array<{ targets: string[]; labels?: Record<string, string> }>;
    expect(targets('alertmanager-ha.yml').flatMap((g) => g.targets)).toEqual(['alertmanager:9093', 'alertmanager-b:9093']);
    // Each replica scrapes both, labelled as the compose services name them (USSDWATCH_REPLICA).
    expect(targets('prometheus-ha.yml').map((g) => [g.targets, g.labels?.replica])).toEqual([[['prometheus:9090'], 'a'], [['prometheus-b:9090'], 'b']]);

    const { remote_write: _rw, ...rest } = ha as Record<string, unknown>;
    // The pair's targets files (every Alertmanager peer, both replicas) are the single ones named `-ha`.
    const withoutHa = JSON.parse(JSON.stringify(rest).replaceAll('-ha.yml', '.yml')) as { global: { external_labels: Record<string, string> }; alerting: { alert_relabel_configs?: unknown } };
    delete withoutHa.global.external_labels.cluster;
    delete withoutHa.global.external_labels.replica;
    delete withoutHa.alerting.alert_relabel_configs;
    expect(withoutHa).toEqual(read('deploy/prometheus/prometheus.yml'));
  });

  it('the store drops the replica label exactly as the tested local topology does', () => {
    expect(read('deploy/victoria/relabel.yml')).toEqual(JSON.parse(replicaRelabelConfig(['replica'])));
    const cmd = compose.services.victoriametrics.command!.join(' ');
    expect(cmd).toContain('-relabelConfig=/etc/ussdwatch/victoria/relabel.yml');
    // One sample per scrape interval: the pair's (deploy/prometheus/prometheus-ha.yml).
    const { global } = read('deploy/prometheus/prometheus-ha.yml') as { global: { scrape_interval: string } };
    expect(cmd).toContain(`-dedup.minScrapeInterval=${global.scrape_interval}`);
  });

  it("gives Grafana the HA profile's datasources with deploy/ha.env only", () => {
    type Datasources = { apiVersion: number; prune?: boolean; datasources?: Array<{ uid: string; url: string; type: string }> };
    const target = '/etc/grafana/provisioning/datasources/ussdwatch-ha.yaml';
    const grafanaMount = (args: string[]) => {
      const r = dockerCompose([...args, 'config']);
      expect(r.status, r.stderr).toBe(0);
      return (parse(r.stdout) as Resolved).services.grafana.volumes.map(mount).find((m) => m.target === target)?.source;
    };
    // The mount point lies inside the read-only provisioning mount: it must exist there.
    const placeholder = join(ROOT, 'provisioning/datasources/ussdwatch-ha.yaml');
    expect(grafanaMount([])).toBe(placeholder);
    // A single machine provisions none of them, and deletes the long-term store earlier versions provisioned everywhere.
    const single = read('provisioning/datasources/ussdwatch-ha.yaml') as Datasources & { deleteDatasources?: Array<{ name: string }> };
    expect(single.datasources).toBeUndefined();
    const longterm = (read('provisioning/ha/datasources.yaml') as { datasources: Array<{ uid: string; name: string }> }).datasources.find((d) => d.uid === 'ussdwatch-longterm');
    expect(single.deleteDatasources?.map((d) => d.name)).toEqual([longterm?.name]);

    expect(grafanaMount(['--env-file', HA_ENV])).toBe(join(ROOT, 'provisioning/ha/datasources.yaml'));
    const ha = read('provisioning/ha/datasources.yaml') as Datasources;
    // Turning the profile off again removes them (Grafana prunes what a file no longer lists).
    expect(ha.prune).toBe(true);
    const byUid = Object.fromEntries(ha.datasources!.map((d) => [d.uid, d]));
    expect(byUid['ussdwatch-longterm']).toMatchObject({ type: 'prometheus', url: 'https://victoriametrics:8428' });
    expect(byUid['ussdwatch-prometheus-b']).toMatchObject({ type: 'prometheus', url: 'https://prometheus-b:9090' });
    expect(byUid['ussdwatch-alertmanager-b']).toMatchObject({ type: 'alertmanager', url: 'https://alertmanager-b:9093' });
    // Every service they name runs in the ha profile, on that port.
    for (const d of ha.datasources!) {
      const { hostname, port } = new URL(d.url);
      expect(compose.services[hostname]?.profiles, d.uid).toContain('ha');
      expect(compose.services[hostname].ports?.map((p) => p.split(':')[2]), d.uid).toContain(port);
    }
  });
});
