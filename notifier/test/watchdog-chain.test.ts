// The dead man's switch end to end, with the real engines: the shipped Watchdog rule in a real
// Prometheus, the shipped alertmanager.yml in a real Alertmanager (waits capped to seconds by
// the testkit's wiring), the shipped notifier.yaml and on-call file (only the watchdog timeout
// shortened to 10 s) with real Kannel and SMTP. Prometheus is SIGKILLed: the ussdwatch
// on-call gets one "silent" SMS; it comes back on the same port: one "back" SMS.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startAlertmanager, startKannel, startPrometheus, startSmtp, waitFor, type KannelGateway, type PrometheusOptions, type RunningAlertmanager, type RunningPrometheus, type SmtpSink } from '@ussdwatch/testkit';
import { alertmanagerConfig, notifierConfig } from '@ussdwatch/testkit/wiring';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { loadConfig } from '../src/config.js';
import { startNotifier, type RunningNotifier } from '../src/service.js';
import { journal, metric, REPO } from './helpers.js';

const TIMEOUT_S = 10;
/** ines: the shipped ussdwatch team's on-call (first step of its chain), who reads English. */
const ONCALL = '213770000801';
const TEAM_MAIL = 'ussdwatch-admins@djezzy.dz';

let dir: string;
let kannel: KannelGateway;
let smtp: SmtpSink;
let notifier: RunningNotifier;
let am: RunningAlertmanager;
let prom: RunningPrometheus;
let promOpts: PrometheusOptions;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ussdwatch-watchdog-'));
  [kannel, smtp] = await Promise.all([startKannel(), startSmtp()]);
  const port = await freePort();
  const wired = parseYaml(notifierConfig(await readFile(join(REPO, 'notifier/config/notifier.yaml'), 'utf8'), {
    baseDir: join(REPO, 'notifier/config'), port, journalDir: join(dir, 'journal'),
    sendsms: { url: kannel.sendsmsUrl, user: kannel.user, password: kannel.password }, smtp: { host: '127.0.0.1', port: smtp.port }, alertmanagerUrls: [],
  })) as Record<string, Record<string, unknown>>;
  wired.watchdog.timeout = `${TIMEOUT_S}s`;
  await writeFile(join(dir, 'notifier.yaml'), stringifyYaml(wired));
  // The notifier last: its timeout counts from its start, and Prometheus hands Alertmanager
  // to its sender only on a 5 s discovery tick; started first, the first heartbeat came 6-7 s
  // into the 10 s, a loaded machine away from a false "silent" page.
  const amDir = join(REPO, 'alertmanager');
  am = await startAlertmanager({
    config: alertmanagerConfig(await readFile(join(amDir, 'alertmanager.yml'), 'utf8'), { webhookBase: `http://127.0.0.1:${port}`, maxGroupWait: '0s', maxGroupInterval: '1s', maxRepeatInterval: '1s' }),
    baseDir: amDir,
  });
  // A 1 s resend delay makes the alerts of a dead Prometheus end in Alertmanager 4 s later (4 minutes as shipped).
  promOpts = {
    targets: {}, ruleFiles: [join(REPO, 'prometheus/rules/watchdog.yml')], evaluationInterval: '1s', scrapeInterval: '1s', resendDelay: '1s',
    alertmanagers: [new URL(am.url).host], port: await freePort(),
  };
  prom = await startPrometheus(promOpts);
  notifier = await startNotifier(loadConfig(join(dir, 'notifier.yaml'), {}), { tickMs: 250 });
}, 60_000);

afterAll(async () => {
  await Promise.all([prom?.stop(), am?.stop()]);
  await notifier?.stop();
  await Promise.all([kannel?.stop(), smtp?.stop()]);
  await rm(dir, { recursive: true, force: true });
});

describe('watchdog: Prometheus -> Alertmanager -> notifier heartbeat', () => {
  it('stays quiet while heartbeats come, pages the on-call once when Prometheus dies, once when it is back', async () => {
    const started = Date.now();
    const sms = () => kannel.received().filter((m) => m.to.endsWith(ONCALL)).map((m) => m.text);
    const silent = () => metric(notifier.url, 'notifier_watchdog_silent');
    const lastHeartbeatMs = async () => ((await metric(notifier.url, 'notifier_watchdog_last_heartbeat_timestamp_seconds')) ?? 0) * 1000;

    // Longer than the timeout since the notifier started, heartbeats still fresh: nothing is sent.
    await waitFor(async () => Date.now() - started > (TIMEOUT_S + 2) * 1000 && (await lastHeartbeatMs()) > Date.now() - 3000, { timeoutMs: 40_000, intervalMs: 250, what: `heartbeats for over ${TIMEOUT_S + 2} s` });
    expect(await silent()).toBe(0);
    expect(kannel.received()).toEqual([]);
    expect(smtp.received()).toEqual([]);

    prom.process.kill('SIGKILL');
    const killedAt = Date.now();
    await waitFor(() => sms().length > 0, { timeoutMs: 30_000, intervalMs: 200, what: 'the "silent" SMS to the ussdwatch on-call' });
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(TIMEOUT_S * 1000);
    expect(sms()[0]).toMatch(/^ussdwatch: no heartbeat from Prometheus\/Alertmanager since \d\d:\d\d \(Africa\/Algiers\): alerts cannot reach you; check/);
    await waitFor(() => smtp.received().find((m) => m.to.includes(TEAM_MAIL) && m.subject.startsWith('[ussdwatch] pipeline silent')), { what: 'the "silent" mail to the team' });
    expect(await silent()).toBe(1);

    await prom.stop();
    prom = await startPrometheus(promOpts);
    await waitFor(() => sms().length > 1, { timeoutMs: 30_000, intervalMs: 200, what: 'the "back" SMS' });
    expect(sms()[1]).toMatch(/^ussdwatch: heartbeat from Prometheus\/Alertmanager back at \d\d:\d\d \(silent since \d\d:\d\d\): alerts reach you again$/);
    await waitFor(() => smtp.received().find((m) => m.to.includes(TEAM_MAIL) && m.subject.startsWith('[ussdwatch] pipeline back')), { what: 'the "back" mail to the team' });
    expect(await silent()).toBe(0);

    // Once each: the silence was not paged again while it lasted, nobody else was paged,
    // and the journal holds the two state changes, no heartbeat and no incident.
    expect(kannel.received().map((m) => m.to.slice(-ONCALL.length))).toEqual([ONCALL, ONCALL]);
    const entries = await journal(notifier.url, '?limit=5000');
    expect(entries.filter((e) => e.kind === 'watchdog').map((e) => e.state).reverse()).toEqual(['silent', 'back']);
    expect(entries.filter((e) => e.kind === 'received' || e.kind === 'incident')).toEqual([]);
    const incidents = (await (await fetch(`${notifier.url}/api/incidents`)).json()) as { incidents: unknown[] };
    expect(incidents.incidents).toEqual([]);
  }, 90_000);
});
