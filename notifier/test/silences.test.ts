// The silences of acknowledged incidents against a real Alertmanager cluster of two peers,
// through a list of addresses whose first is dead: each call falls through to the next
// peer, and what it did there is gossiped to the other. And against an Alertmanager asking
// for the users of docker-compose's web config, as the notifier's compose config reaches it.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startAlertmanager, startProcess, waitFor, type RunningAlertmanager, type RunningProcess } from '@ussdwatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotifierConfig } from '../src/config.js';
import type { Incident } from '../src/incidents.js';
import { AlertmanagerClient } from '../src/silences.js';
import { REPO } from './helpers.js';

const CONFIG = 'route: { receiver: none }\nreceivers: [{ name: none }]\n';

let am1: RunningAlertmanager;
let am2: RunningAlertmanager;
let dead: string;

beforeAll(async () => {
  am1 = await startAlertmanager({ config: CONFIG, peers: [] });
  am2 = await startAlertmanager({ config: CONFIG, peers: [am1.clusterAddress!] });
  // A loopback port nothing listens on: connection refused, as for a peer that is down.
  dead = `http://127.0.0.1:${await freePort()}`;
});

afterAll(async () => {
  await Promise.all([am1?.stop(), am2?.stop()]);
});

const client = (...urls: string[]) => new AlertmanagerClient((): NotifierConfig['alertmanager'] => ({ urls, silenceMinutes: 60 }));
const basicAuth = (username: string, password: string) => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

interface Silence {
  status: { state: string };
  matchers: Array<{ name: string; value: string }>;
  createdBy: string;
}
const silenceOn = async (am: RunningAlertmanager, id: string): Promise<Silence | undefined> => {
  const res = await fetch(`${am.url}/api/v2/silence/${id}`);
  return res.ok ? ((await res.json()) as Silence) : undefined;
};

function incident(fingerprint: string): Incident {
  const at = new Date().toISOString();
  return {
    id: 7, key: 'short_code=*710#', short_code: '*710#', node: null, source: null, team: 'billing', tier: 2, tier_since: at,
    state: 'acknowledged', started_at: at, resolved_at: null, acknowledged_at: at, acknowledged_by: 'ana', closed: false,
    alerts: [{ fingerprint, alertname: 'UssdAppTimeouts', tier: 2, team: 'billing', starts_at: at, ends_at: null }],
    notified: [], escalations: [], silence: null,
  };
}

describe('AlertmanagerClient over a cluster whose first address is dead', () => {
  it('creates the silence on the next peer, which gossips it; reads the alerts and expires it the same way', async () => {
    // Prometheus sends every alert to every peer.
    const alert = { labels: { alertname: 'UssdAppTimeouts', short_code: '*710#', tier: '2' } };
    await Promise.all([am1.postAlerts([alert]), am2.postAlerts([alert])]);
    const [{ fingerprint }] = await waitFor(async () => {
      const alerts = (await (await fetch(`${am2.url}/api/v2/alerts`)).json()) as Array<{ fingerprint: string }>;
      return alerts.length === 1 && alerts;
    }, { what: 'the alert at the second peer' });
    const inc = incident(fingerprint);

    const id = await client(dead, am2.url).silence(inc, Date.now() + 3_600_000, 'ana');
    expect(await silenceOn(am2, id)).toMatchObject({ status: { state: 'active' }, createdBy: 'ussdwatch-notifier (ana)', matchers: [{ name: 'short_code', value: '*710#' }, { name: 'alertname', value: 'UssdAppTimeouts' }] });
    // The first peer never heard from the notifier: it has the silence by gossip, and applies it.
    await waitFor(async () => (await silenceOn(am1, id))?.status.state === 'active', { what: 'the silence gossiped to the first peer' });
    await waitFor(async () => {
      const alerts = (await (await fetch(`${am1.url}/api/v2/alerts?silenced=true`)).json()) as Array<{ status: { silencedBy: string[] } }>;
      return alerts[0]?.status.silencedBy.includes(id);
    }, { what: 'the alert silenced at the first peer' });

    expect(await client(dead, am2.url).activeFingerprints(inc)).toEqual(new Set([fingerprint]));

    await client(dead, am1.url).expire(id);
    await waitFor(async () => (await silenceOn(am2, id))?.status.state === 'expired', { what: 'the expiry gossiped to the second peer' });
  });

  it('fails with the last address\'s error when no peer answers', async () => {
    await expect(client(dead, dead.replace(/\d+$/, String(await freePort()))).activeFingerprints(incident('f'))).rejects.toThrow(/^http:\/\/127\.0\.0\.1:\d+\/api\/v2\/alerts\?.*: fetch failed$/);
  });
});

describe("AlertmanagerClient and docker-compose's Alertmanager web config", () => {
  let dir: string;
  let am: RunningProcess;
  let url: string;
  let password: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ussdwatch-am-web-'));
    password = (await readFile(join(REPO, 'deploy/secrets/grafana.password'), 'utf8')).trim();
    // Its users as shipped; TLS left out (the compose certificate is made at deploy time).
    const web = (await readFile(join(REPO, 'deploy/web/alertmanager.yml'), 'utf8')).replace(/^tls_server_config:\n(?: .*\n)+/m, '');
    await writeFile(join(dir, 'web.yml'), web);
    await writeFile(join(dir, 'alertmanager.yml'), CONFIG);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    am = await startProcess('prometheus-alertmanager', [
      `--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`,
      `--web.config.file=${join(dir, 'web.yml')}`, '--cluster.listen-address=', '--log.level=warn',
    ], { name: 'alertmanager' });
    await waitFor(async () => (await fetch(`${url}/-/ready`, { headers: { authorization: basicAuth('grafana', password) } }).catch(() => null))?.ok, { timeoutMs: 20_000, what: 'Alertmanager with its web config' });
  });
  afterAll(async () => {
    await am?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('silences with the configured user, and is refused without it', async () => {
    const inc = incident('f');
    const as = (auth?: NotifierConfig['alertmanager']['basicAuth']) => new AlertmanagerClient(() => ({ urls: [url], silenceMinutes: 60, basicAuth: auth }));
    const id = await as({ username: 'grafana', password }).silence(inc, Date.now() + 3_600_000, 'ana');
    const res = await fetch(`${url}/api/v2/silence/${id}`, { headers: { authorization: basicAuth('grafana', password) } });
    expect(((await res.json()) as Silence).status.state).toBe('active');
    await expect(as().silence(inc, Date.now() + 3_600_000, 'ana')).rejects.toThrow(/^Alertmanager refused the silence: 401/);
    await expect(as({ username: 'grafana', password: 'wrong' }).silence(inc, Date.now() + 3_600_000, 'ana')).rejects.toThrow(/^Alertmanager refused the silence: 401/);
  });
});
