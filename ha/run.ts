// The HA proof (docs/ha.md): the HA topology on loopback with the real binaries; during
// an application fault, one Prometheus replica, then the Alertmanager peer that would
// notify, then the notifier (SIGKILL, restarted) die. The SMS must still reach every
// person once, the store must have no gap in ussd_dialogs_total and no doubled series, and
// the report of the run built from the store must match the one from the surviving replica.
// The incident is then acknowledged with the first Alertmanager of the notifier's list dead:
// its silence must hold on every surviving peer, and the incident must page nobody again.
// Progress goes to stderr; stdout gets the one `ha: ...` line; the exit code says whether all held.
import { join } from 'node:path';
import { loadConfig } from '@ussdwatch/notifier/config.js';
import { REPO_ROOT, waitFor } from '@ussdwatch/testkit';
import { startHaStack, type HaStack, type Member } from '@ussdwatch/testkit/ha-stack';
import { durationMs } from '@ussdwatch/testkit/wiring';
import { smsNotice } from '../e2e/messages.js';
import { recipientsFor } from '../e2e/recipients.js';
import { doubledSeries, largestGapS, pagesAfter, samplesPerInterval, silenceProblems, smsPerPerson, type ExportedSeries, type PeerAlert, type PeerSilence } from './checks.js';
import { query } from './promql.js';
import { reportProof } from './report-proof.js';

// ShortCodeAppTimeouts (tier 3: SMS to the critical list) on the most dialed code.
const FAULT = { scenario: 'app_down', target: '*710#' };
const ALERT = 'ShortCodeAppTimeouts';
const SCRAPE = '2s';
const PEERS = 3;
// --cluster.peer-timeout (15 s by default, shortened like the other timings): peer N waits N
// times this before sending what the peers before it have not. Duplicates from a late
// peer come within PEERS of these.
const PEER_TIMEOUT_MS = 5000;

const t0 = Date.now();
const log = (m: string) => process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s] ha: ${m}\n`);

const alertSelector = `ALERTS{alertname="${ALERT}",short_code="${FAULT.target}"}`;

/** A gauge or counter of a process's own /metrics, summed over its series matching `line`. */
async function selfMetric(url: string, name: string, line: RegExp = /.*/): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text.split('\n').filter((l) => l.startsWith(name) && line.test(l)).reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

/** The peer Alertmanager's gossip puts first: it sends, the others wait and check the shared log. */
async function notifyingPeer(peers: Member[]): Promise<Member> {
  for (const p of peers) if ((await selfMetric(p.url, 'alertmanager_peer_position')) === 0) return p;
  throw new Error('no Alertmanager peer says it is at position 0');
}

/** The fault's alert as one peer holds it, silenced or not (API v2 lists both by default). */
async function amAlerts(url: string): Promise<PeerAlert[]> {
  const alerts = (await (await fetch(`${url}/api/v2/alerts?filter=alertname%3D%22${ALERT}%22`)).json()) as PeerAlert[];
  return alerts.filter((a) => a.labels.short_code === FAULT.target);
}

/**
 * Acknowledges the incident as the Grafana app does, once the first Alertmanager of the
 * notifier's alertmanager.urls (the stack lists them in its order) is dead: the notifier must
 * make the silence in the next one, and gossip must carry it to every other survivor, where
 * it mutes the alert. Returns when it held, and what failed.
 */
async function acknowledgeWithFirstPeerDead(stack: HaStack, incident: number): Promise<{ at: number; failures: string[] }> {
  const first = stack.alertmanagers[0];
  if (!first.exited()) {
    first.kill('SIGKILL');
    await waitFor(() => first.exited(), { timeoutMs: 10_000, what: `${first.name} to exit` });
    log(`${first.name} (alertmanager.urls[0] of the notifier) killed`);
  }
  const auth = { authorization: `Bearer ${stack.notifierToken}` };
  const { incidents } = (await (await fetch(`${stack.urls.notifier}/api/incidents`, { headers: auth })).json()) as { incidents: Array<{ id: number; state: string; short_code: string | null }> };
  const listed = incidents.find((i) => i.id === incident);
  if (listed?.state !== 'open' || listed.short_code !== FAULT.target) return { at: Date.now(), failures: [`incident #${incident} of the SMS is not open on ${FAULT.target} in the notifier: ${JSON.stringify(listed ?? null)}`] };
  const at = Date.now();
  const res = await fetch(`${stack.urls.notifier}/api/incidents/${incident}/ack`, { method: 'POST', headers: auth });
  const body = (await res.json()) as { result?: string; incident?: { silence: { id: string } | null } };
  const silenceId = body.incident?.silence?.id;
  if (res.status !== 200 || body.result !== 'ack') return { at, failures: [`acknowledging incident #${incident}: HTTP ${res.status} ${JSON.stringify(body)}`] };
  if (!silenceId) return { at, failures: [`incident #${incident} acknowledged with ${first.name} dead, but no silence made in the other peers (see the notifier's log)`] };

  const survivors = stack.alertmanagers.filter((p) => !p.exited());
  const held = async () => {
    const problems = await Promise.all(survivors.map(async (p) => silenceProblems(p.name, silenceId, (await (await fetch(`${p.url}/api/v2/silences`)).json()) as PeerSilence[], await amAlerts(p.url))));
    if (problems.flat().length) throw new Error(problems.flat().join('; '));
    return true;
  };
  const what = `silence ${silenceId} active and ${ALERT} suppressed on ${survivors.map((p) => p.name).join(', ')}`;
  try {
    await waitFor(held, { timeoutMs: 10_000, intervalMs: 200, what });
  } catch (err) {
    return { at, failures: [(err as Error).message] };
  }
  log(`incident #${incident} acknowledged with ${first.name} dead: ${what} after ${((Date.now() - at) / 1000).toFixed(1)} s`);
  return { at, failures: [] };
}

async function exportSeries(store: string, from: number, to: number): Promise<ExportedSeries[]> {
  const res = await fetch(`${store}/api/v1/export?match[]=ussd_dialogs_total&start=${Math.floor(from / 1000)}&end=${Math.ceil(to / 1000)}`);
  if (!res.ok) throw new Error(`store export: HTTP ${res.status} ${await res.text()}`);
  return (await res.text()).split('\n').filter(Boolean).map((l) => JSON.parse(l) as ExportedSeries);
}

const PIPELINE_ALERTS = 'ALERTS{alert_family=~"prometheus_replica|alertmanager_cluster|remote_write|alert_delivery|rule_evaluation"}';

/** Waits until the surviving replica's pipeline rules have seen a part die (pending is enough: their holds are minutes). */
async function awaitPipelineAlert(survivor: Member, alertname: string, labels: string): Promise<void> {
  const alert = `${alertname}{${labels}}`;
  await waitFor(async () => (await query(survivor.url, `ALERTS{alertname="${alertname}",${labels}}`)).length > 0, { timeoutMs: 30_000, intervalMs: 500, what: `${alert} on ${survivor.name}` });
  log(`${alert} raised on ${survivor.name}`);
}

async function run(stack: HaStack, failures: string[]): Promise<string> {
  const [promA, promB] = stack.prometheus;
  const want = recipientsFor(loadConfig(join(REPO_ROOT, 'notifier/config/notifier.yaml'), {}))('3', 'technical').sms;

  log('warm-up: both replicas scraping every exporter and writing to the store');
  const exporters = Object.keys(stack.urls.exporters).length;
  for (const url of stack.urls.prometheus) {
    await waitFor(async () => (await query(url, 'sum(up{job="ussdwatch-exporter"})'))[0]?.value[1] === String(exporters), { timeoutMs: 60_000, intervalMs: 500, what: `${url} scraping ${exporters} exporters` });
  }
  await waitFor(async () => (await query(stack.urls.store, 'count(ussd_dialogs_total)')).length > 0, { timeoutMs: 60_000, intervalMs: 500, what: 'ussd_dialogs_total in the store' });
  // The reports compared at the end count increase() over [measureFrom, end]. A series whose
  // first sample falls inside that window is counted from 0 by MetricsQL (its first value is
  // small next to its steps) and from its first sample by Prometheus: one engine then has the
  // dialogs of the exporter's first seconds, the other not (11-13 % on a node, 2 runs in 5).
  // So the window opens once every series of both engines has a sample two intervals old.
  const aged = `{__name__=~"ussd_dialogs_total|ussd_node_dialogs_total"}`;
  const ageS = (2 * durationMs(SCRAPE)) / 1000;
  for (const url of [stack.urls.store, promB.url]) {
    const count = async (q: string) => Number((await query(url, `count(${q})`))[0]?.value[1] ?? 0);
    await waitFor(async () => (await count(`${aged} offset ${ageS}s`)) === (await count(aged)), { timeoutMs: 30_000, intervalMs: 250, what: `every series in ${url} with a sample ${ageS} s old` });
  }
  const measureFrom = Date.now();
  // The pipeline watching itself (prometheus/rules/monitoring-pipeline.yml): not even pending while every part is up.
  for (const url of stack.urls.prometheus) {
    const noisy = await query(url, PIPELINE_ALERTS);
    if (noisy.length) failures.push(`pipeline alerts in a healthy topology on ${url}: ${noisy.map((a) => `${a.metric.alertname} (${a.metric.alertstate})`).join(', ')}`);
  }

  const fault = await stack.faults.start(FAULT);
  log(`fault ${fault.id}: ${FAULT.scenario} on ${FAULT.target}`);
  await waitFor(async () => (await query(promA.url, alertSelector)).length > 0 && (await query(promB.url, alertSelector)).length > 0, { timeoutMs: 120_000, intervalMs: 500, what: `${ALERT} pending on both replicas` });
  promA.kill('SIGKILL');
  log(`${ALERT} pending on both replicas: ${promA.name} killed`);
  await awaitPipelineAlert(promB, 'PrometheusReplicaDown', `replica="${promA.name.replace(/^prometheus-/, '')}"`);

  await waitFor(async () => (await query(promB.url, `${alertSelector.slice(0, -1)},alertstate="firing"}`)).length > 0, { timeoutMs: 120_000, intervalMs: 500, what: `${ALERT} firing on ${promB.name}` });
  const sender = await notifyingPeer(stack.alertmanagers);
  await waitFor(async () => (await amAlerts(sender.url)).length > 0, { timeoutMs: 30_000, intervalMs: 200, what: `${ALERT} in ${sender.name}` });
  sender.kill('SIGKILL');
  stack.notifier.kill('SIGKILL');
  log(`${ALERT} firing, in ${sender.name} (the peer that notifies first): it and the notifier killed`);
  await awaitPipelineAlert(promB, 'AlertmanagerPeerDown', `peer="${sender.name}"`);

  const survivors = stack.alertmanagers.filter((p) => p !== sender);
  const requests = (name: string) => Promise.all(survivors.map((p) => selfMetric(p.url, name, /integration="webhook"/)));
  // The fault's page, not the watchdog's heartbeat (which fails too, and sooner): each failed attempt is logged with its receiver.
  const pageFailed = () => survivors.some((p) => /receiver=tier3-critical .*msg="Notify attempt failed/.test(stack.logs()[p.name] ?? ''));
  await waitFor(pageFailed, { timeoutMs: 90_000, intervalMs: 500, what: 'a surviving peer trying to page through the dead notifier' });
  await stack.notifier.restart();
  log('a surviving peer found the notifier dead: notifier restarted (same journal)');

  // The incident's tier-3 page (its SMS names the code and tier, not the rule).
  const firing = () => stack.sms().map(smsNotice).filter((n) => n && n.status === 'firing' && n.tier === '3' && n.shortCode === FAULT.target);
  await waitFor(() => want.every((to) => firing().some((n) => n!.to.includes(to))), { timeoutMs: 120_000, intervalMs: 250, what: `${ALERT} SMS to ${want.join(', ')}` });
  log(`${ALERT} SMS reached ${want.join(', ')}; watching ${(PEERS * PEER_TIMEOUT_MS) / 1000} s for a second one (a late peer)`);
  const watchUntil = Date.now() + PEERS * PEER_TIMEOUT_MS;
  await waitFor(() => Date.now() >= watchUntil || firing().length > want.length, { timeoutMs: PEERS * PEER_TIMEOUT_MS + 5000, intervalMs: 250, what: 'the watch window' });
  const perPerson = smsPerPerson(firing().map((n) => n!.to[0]), want);
  if (perPerson.some((p) => p.count !== 1)) failures.push(`SMS per person: ${perPerson.map((p) => `${p.to}=${p.count}`).join(', ')}`);
  // Two peers delivering the same notification is what the notifier's deduplication is for.
  const [tried, failed] = [await requests('alertmanager_notification_requests_total'), await requests('alertmanager_notification_requests_failed_total')];
  log(`webhook requests delivered by the surviving peers: ${survivors.map((p, i) => `${p.name}=${tried[i] - failed[i]} (+${failed[i]} refused while the notifier was down; heartbeats included)`).join(', ')}`);

  // After the watch window, so the silence mutes no late peer the window is there to catch.
  const incident = firing()[0]!.incident!;
  const ack = await acknowledgeWithFirstPeerDead(stack, incident).catch((err: Error) => ({ at: Date.now(), failures: [`acknowledgement: ${err.message}`] }));
  failures.push(...ack.failures);
  await stack.faults.stop(fault.id);

  // The store: both replicas wrote until one died, the other all along.
  const series = await exportSeries(stack.urls.store, measureFrom, Date.now());
  const gap = largestGapS(series);
  const doubled = doubledSeries(series);
  const density = samplesPerInterval(series, durationMs(SCRAPE));
  log(`store: ${series.length} series of ussd_dialogs_total, at most ${density.toFixed(2)} samples per scrape interval`);
  const limitS = (2 * durationMs(SCRAPE)) / 1000 + 1;
  if (!series.length) failures.push('no ussd_dialogs_total in the store');
  if (gap > limitS) failures.push(`a gap of ${gap.toFixed(1)} s in ussd_dialogs_total in the store (at most ${limitS} s expected with a ${SCRAPE} scrape)`);
  if (doubled.length) failures.push(`doubled series in the store: ${doubled.slice(0, 3).join('; ')}`);
  if (density > 1.5) failures.push(`the store kept both replicas' samples: ${density.toFixed(2)} per scrape interval`);

  // The period of the run, reported from the store and from the surviving replica; a
  // failure here is one more FAIL line, the measured line above stays.
  const proof = await reportProof({
    store: stack.urls.store,
    prometheus: { name: promB.name, url: promB.url },
    notifier: stack.urls.notifier,
    nodes: Object.keys(stack.urls.exporters).sort(),
    fromMs: measureFrom,
    toMs: Date.now(),
    scrapeS: durationMs(SCRAPE) / 1000,
    log,
  }).catch((err: Error) => ({ failures: [`reports: ${err.message}`], observed: null, tolerance: null }));
  if (proof.observed !== null) log(`reports: the store and ${promB.name} ${(proof.observed * 100).toFixed(2)}% apart at most (tolerance ${(proof.tolerance * 100).toFixed(2)}%)`);
  failures.push(...proof.failures);
  // Checked last: the store and reports phases above are the time a page could slip through.
  const again = pagesAfter(stack.sms().map(smsNotice).filter((n) => n !== null), incident, ack.at);
  if (again.length) failures.push(`incident #${incident} paged again after its acknowledgement: ${again.map((n) => `${n.to[0]} at +${((n.seenAt - ack.at) / 1000).toFixed(1)} s`).join(', ')}`);
  const worst = perPerson.every((p) => p.count === 1) ? 1 : Math.max(...perPerson.map((p) => p.count), 0);
  return `ha: prometheus_replicas=${stack.prometheus.length} alertmanager_peers=${stack.alertmanagers.length} sms_per_person=${worst} store_gap_s=${gap.toFixed(1)} duplicate_series=${doubled.length}`;
}

async function main(): Promise<number> {
  const stack = await startHaStack({
    alertmanagerPeers: PEERS,
    simulator: { rate: 200, flat: true },
    prometheus: { scrapeInterval: SCRAPE, evaluationInterval: SCRAPE },
    alertmanager: { maxGroupWait: '5s', maxGroupInterval: '30s', peerTimeout: `${PEER_TIMEOUT_MS / 1000}s` },
    onProgress: log,
  });
  const failures: string[] = [];
  let line = `ha: prometheus_replicas=2 alertmanager_peers=${PEERS} sms_per_person=0 store_gap_s=na duplicate_series=na`;
  try {
    line = await run(stack, failures);
  } catch (err) {
    failures.push((err as Error).message);
    const logs = stack.logs();
    for (const name of ['notifier', 'prometheus-b', 'alertmanager-2']) if (logs[name]) process.stderr.write(`--- ${name} ---\n${logs[name].slice(-2000)}\n`);
  } finally {
    await stack.stop().catch((err: Error) => failures.push(err.message));
  }
  for (const f of failures) log(`FAIL ${f}`);
  log(`${failures.length ? 'FAILED' : 'passed'} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  process.stdout.write(`${line}\n`);
  return failures.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    log(`FAIL ${err.message}`);
    process.stdout.write(`ha: prometheus_replicas=0 alertmanager_peers=0 sms_per_person=0 store_gap_s=na duplicate_series=na\n`);
    process.exit(1);
  },
);
