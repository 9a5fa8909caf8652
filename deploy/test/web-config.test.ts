// TLS and credentials in docker-compose, checked with the real programs: the tls job's own
// script makes a certificate, promtool accepts Prometheus' and Alertmanager's web configs
// and the compose Prometheus config with it, the services' web config loads with their
// loader, every password matches the hash its peer checks, and the compose Prometheus
// config is the shipped one plus TLS and credentials only.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadWebConfig } from '../../common/src/web-config.js';
import { compose, ROOT } from './container.js';

const dir = mkdtempSync(join(tmpdir(), 'ussdwatch-deploy-web-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const TLS = join(dir, 'tls');
const SECRETS = join(ROOT, 'deploy/secrets');

/** A copy of a deploy file with the container paths of the certificate and secrets moved here. */
function onHost(file: string, name = file.split('/').pop()!): string {
  const text = readFileSync(join(ROOT, file), 'utf8').replaceAll('/etc/ussdwatch/tls', TLS).replaceAll('/etc/ussdwatch/secrets', SECRETS);
  const out = join(dir, name);
  writeFileSync(out, text);
  return out;
}

describe('TLS and credentials in docker-compose', () => {
  it("the tls job's script makes a certificate for every service name, and keeps it on the next run", () => {
    execFileSync('mkdir', ['-p', TLS]);
    expect(execFileSync('sh', [join(ROOT, 'deploy/tls/make-certs.sh'), TLS], { encoding: 'utf8' })).toMatch(/made .*server\.crt/);
    const text = execFileSync('openssl', ['x509', '-in', join(TLS, 'server.crt'), '-noout', '-ext', 'subjectAltName'], { encoding: 'utf8' });
    for (const name of ['exporter', 'notifier', 'reports', 'prometheus', 'alertmanager', 'prometheus-b', 'alertmanager-b', 'victoriametrics']) expect(text).toContain(`DNS:${name}`);
    execFileSync('openssl', ['verify', '-CAfile', join(TLS, 'ca.crt'), join(TLS, 'server.crt')]);
    expect(execFileSync('sh', [join(ROOT, 'deploy/tls/make-certs.sh'), TLS], { encoding: 'utf8' })).toMatch(/keeping/);
  });

  it.each(['prometheus', 'alertmanager'])('promtool check web-config accepts deploy/web/%s.yml', (name) => {
    const r = spawnSync('promtool', ['check', 'web-config', onHost(`deploy/web/${name}.yml`)], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });

  it('the exporter and notifier web config loads; its users and tokens read, nobody else acts', () => {
    const c = loadWebConfig(onHost('deploy/web/ussdwatch.yml'));
    expect(c.tls).not.toBeNull();
    expect([...c.users].map(([u, v]) => [u, v.role])).toEqual([['prometheus', 'read']]);
    expect(c.tokens.map((t) => [t.name, t.role])).toEqual([['grafana', 'read']]);
  });

  it('every password matches the hash its peer checks', () => {
    const password = (who: string) => readFileSync(join(SECRETS, `${who}.password`), 'utf8').trim();
    const users = (f: string) => (parse(readFileSync(join(ROOT, 'deploy/web', f), 'utf8')) as { basic_auth_users: Record<string, string> }).basic_auth_users;
    const checks: Array<[string, string]> = [['prometheus.yml', 'grafana'], ['alertmanager.yml', 'prometheus'], ['alertmanager.yml', 'grafana'], ['ussdwatch.yml', 'prometheus']];
    for (const [f, who] of checks) expect(bcrypt.compareSync(password(who), users(f)[who]), `${who} in ${f}`).toBe(true);
  });

  it('the compose Prometheus config passes promtool and differs from the shipped one only by TLS and credentials', () => {
    const prom = join(dir, 'prometheus');
    cpSync(join(ROOT, 'prometheus/rules'), join(prom, 'rules'), { recursive: true });
    cpSync(join(ROOT, 'prometheus/targets-compose'), join(prom, 'targets'), { recursive: true });
    const config = onHost('deploy/prometheus/prometheus.yml', 'prometheus/prometheus.yml');
    const r = spawnSync('promtool', ['check', 'config', config], { encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const strip = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(strip) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).filter(([k]) => !['scheme', 'tls_config', 'basic_auth'].includes(k)).map(([k, x]) => [k, strip(x)])) : v;
    const read = (f: string) => parse(readFileSync(join(ROOT, f), 'utf8'), { merge: true }) as Record<string, unknown>;
    expect(strip(read('deploy/prometheus/prometheus.yml'))).toEqual(strip(read('prometheus/prometheus.yml')));
  });

  it('runs every HTTP service with its web config, and the one-shot tls job before them', () => {
    const s = compose.services;
    expect(s.exporter.command).toEqual(expect.arrayContaining(['--web.config.file', '/etc/ussdwatch/web/ussdwatch.yml']));
    expect(s.notifier.command!.join(' ')).toContain('--web.config.file /etc/ussdwatch/web/ussdwatch.yml');
    expect(s.prometheus.command).toContain('--web.config.file=/etc/ussdwatch/web/prometheus.yml');
    expect(s.alertmanager.command).toContain('--web.config.file=/etc/ussdwatch/web/alertmanager.yml');
    for (const name of ['exporter', 'notifier', 'prometheus', 'alertmanager', 'grafana']) {
      expect(s[name].volumes, name).toContain('tls:/etc/ussdwatch/tls:ro');
      expect((s[name] as { depends_on?: Record<string, unknown> }).depends_on, name).toMatchObject({ tls: { condition: 'service_completed_successfully' } });
    }
    // The simulator's control stays on its container's loopback, where it needs no web config.
    expect(s.simulator.command).toContain('127.0.0.1:9718');
  });
});
