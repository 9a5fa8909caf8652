// Gathers a report's data: PromQL over the period, on the raw series the exporter and
// `ussdwatch backfill` both write (increase() for totals, so any period adds up exactly;
// the health score's and the anomaly bands' recording rules where Prometheus has them), the
// previous period for what changed, and the notifier's incidents. Fails (NoDataError,
// UnreachableError) rather than return a report with holes it does not own up to.
import { fetchIncidents } from './incidents.js';
import { anomalyQueries, anomalyRows, funnelRows, guessRows, type AnomalyAnswers } from './insight.js';
import type { Endpoint } from './http-client.js';
import { sourceAddress, type Metrics } from './metrics-source.js';
import { chartStepSeconds, evaluationMs, previousPeriod, type Period } from './period.js';
import { PromClient, type Sample } from './prometheus.js';
import { successRatio, type ClassCounts, type CodeRow, type NodeRow, type ReportData, type TimePoint } from './report-data.js';
import { codeMatcher, promString, type Scope } from './scope.js';

/** Nothing to report on: no dialog in the period for the scope (exit 3: a retry later may find data). */
export class NoDataError extends Error {
  override name = 'NoDataError';
}

export interface Sources {
  /** The PromQL API of every number: Prometheus or the long-term store. */
  metrics: Metrics;
  notifier: Endpoint;
}

const emptyCounts = (): ClassCounts => ({ dialogs: 0, ok: 0, user: 0, internal: 0, unclassified: 0 });

function addClass(c: ClassCounts, cls: string, v: number): void {
  c.dialogs += v;
  if (cls === 'ok' || cls === 'user' || cls === 'internal' || cls === 'unclassified') c[cls] += v;
}

const byLabel = (samples: Sample[], label: string) => new Map(samples.map((s) => [s.labels[label] ?? '', s.value]));
const round = (v: number) => Math.round(v * 1000) / 1000;

/** The codes of a team or the one code; null for every code. */
async function codesInScope(prom: PromClient, scope: Scope, atMs: number, range: string): Promise<string[] | null> {
  if (scope.kind === 'all') return null;
  if (scope.kind === 'code') return [scope.code];
  const info = await prom.instant(`max by (short_code) (last_over_time(ussd_shortcode_info{team=${promString(scope.team)}}[${range}]))`, atMs);
  if (info.length === 0) throw new NoDataError(`team ${scope.team} owns no short code in the catalogue (ussd_shortcode_info) during the period`);
  return info.map((s) => s.labels.short_code).sort();
}

export async function gatherReport(src: Sources, period: Period, scope: Scope, nowMs = Date.now()): Promise<ReportData> {
  const prom = new PromClient(src.metrics.endpoint);
  const metrics = { source: src.metrics.source, address: sourceAddress(src.metrics.endpoint) };
  const evaluatedMs = evaluationMs(period, nowMs);
  if (evaluatedMs <= period.startMs) throw new NoDataError(`the period ${period.id} has not started yet`);
  const rangeS = Math.round((evaluatedMs - period.startMs) / 1000);
  const R = `${rangeS}s`;
  const codes = await codesInScope(prom, scope, evaluatedMs, R);
  const M = codeMatcher('short_code', codes);
  const sel = (metric: string, extra = '') => `${metric}{${[M, extra].filter(Boolean).join(',')}}`;
  const at = (q: string) => prom.instant(q, evaluatedMs);
  const previous = previousPeriod(period);
  // The same span of the previous period: a day still running is compared with as much of the day before.
  const previousEvalMs = Math.min(previous.startMs + rangeS * 1000, previous.endMs);
  const stepS = chartStepSeconds(period);
  // Range points counted back from the evaluation instant, so the latest data is always in a point.
  const alignedStartMs = evaluatedMs - Math.floor((evaluatedMs - period.startMs) / 1000 / stepS) * stepS * 1000;

  const byCodeClass = `sum by (short_code, class) (increase(${sel('ussd_dialogs_total')}[${R}]))`;
  const quantile = (q: number) => `histogram_quantile(${q}, sum by (short_code, le) (increase(${sel('ussd_app_response_seconds_bucket')}[${R}])))`;
  const [
    codeClass, previousCodeClass, info, nodeClass, causes, p50, p95, slow, dpssP95, dpssAvg, objective, objectiveMet, health, wrong, volume, busy, presence, firstSeen, lastSeen,
  ] = await Promise.all([
    at(byCodeClass),
    prom.instant(byCodeClass, previousEvalMs),
    at(`max by (short_code, name, team) (last_over_time(${sel('ussd_shortcode_info')}[${R}]))`),
    codes === null ? at(`sum by (node, class) (increase(ussd_node_dialogs_total[${R}]))`) : Promise.resolve([]),
    at(`sum by (class, cause) (increase(${sel('ussd_errors_total')}[${R}]))`),
    at(quantile(0.5)),
    at(quantile(0.95)),
    at(`max by (short_code) (max_over_time(${sel('ussd_shortcode_slow_seconds')}[${R}]))`),
    at(`avg by (short_code) (avg_over_time(${sel('dpss_response_time_seconds', 'stat="p95"')}[${R}]))`),
    at(`avg by (short_code) (avg_over_time(${sel('dpss_response_time_seconds', 'stat="avg"')}[${R}]))`),
    at(`max by (short_code) (last_over_time(${sel('ussd_shortcode_objective_ratio')}[${R}]))`),
    // From the raw counters, not the recording rules: backfilled history (ussdwatch backfill) has no recorded series.
    at(
      `avg_over_time((sum by (short_code) (increase(${sel('ussd_dialogs_total', 'class="internal"')}[10m])) / sum by (short_code) (increase(${sel('ussd_dialogs_total')}[10m])) <= bool on (short_code) (1 - max by (short_code) (${sel('ussd_shortcode_objective_ratio')})))[${R}:5m])`,
    ),
    at(`avg by (short_code) (avg_over_time(${sel('ussd_shortcode:health_score')}[${R}]))`),
    at(`sum by (near_code) (increase(ussd_wrong_code_total{${codeMatcher('near_code', codes)}}[${R}]))`),
    prom.range(`sum by (class) (rate(${sel('ussd_dialogs_total')}[${stepS}s])) * 60`, Math.min(alignedStartMs + stepS * 1000, evaluatedMs), evaluatedMs, stepS),
    // Each point counts the hour before it; never an hour reaching back before the period.
    prom.range(`sum(increase(${sel('ussd_dialogs_total')}[${Math.min(3600, rangeS)}s]))`, Math.min(period.startMs + 3_600_000, evaluatedMs), evaluatedMs, 3600),
    prom.range(`count(${sel('ussd_dialogs_total')})`, alignedStartMs, evaluatedMs, stepS),
    at(`min_over_time(timestamp(count(${sel('ussd_dialogs_total')}))[${R}:1m])`),
    at(`max_over_time(timestamp(count(${sel('ussd_dialogs_total')}))[${R}:1m])`),
  ]);

  const anomalyQ = anomalyQueries(sel, R);
  const [funnel, guesses, ...anomaly] = await Promise.all([
    at(`sum by (short_code, depth, outcome) (increase(${sel('ussd_menu_dialogs_total')}[${R}]))`),
    at(`sum by (short_code, class, cause) (increase(${sel('ussd_unclassified_guesses_total')}[${R}]))`),
    ...Object.values(anomalyQ).map(at),
  ]);
  const anomalyAnswers = Object.fromEntries(Object.keys(anomalyQ).map((k, i) => [k, anomaly[i]])) as unknown as AnomalyAnswers;

  const totals = emptyCounts();
  const perCode = new Map<string, ClassCounts>();
  for (const s of codeClass) {
    const code = s.labels.short_code ?? '';
    addClass(totals, s.labels.class, s.value);
    if (!perCode.has(code)) perCode.set(code, emptyCounts());
    addClass(perCode.get(code)!, s.labels.class, s.value);
  }
  const presencePoints = presence.flatMap((s) => s.points);
  if (totals.dialogs <= 0 || presencePoints.length === 0) {
    throw new NoDataError(`no dialog recorded from ${new Date(period.startMs).toISOString()} to ${new Date(evaluatedMs).toISOString()} for scope ${scope.kind === 'all' ? 'all' : codes!.join(',')}: are the exporters' series in ${metrics.address}?`);
  }
  const previousTotals = emptyCounts();
  const previousPerCode = new Map<string, ClassCounts>();
  for (const s of previousCodeClass) {
    addClass(previousTotals, s.labels.class, s.value);
    const code = s.labels.short_code ?? '';
    if (!previousPerCode.has(code)) previousPerCode.set(code, emptyCounts());
    addClass(previousPerCode.get(code)!, s.labels.class, s.value);
  }

  const infoByCode = new Map(info.map((s) => [s.labels.short_code, s.labels]));
  const [p50m, p95m, slowm, dpssP95m, dpssAvgm, objectivem, metm, healthm] = [p50, p95, slow, dpssP95, dpssAvg, objective, objectiveMet, health].map((x) => byLabel(x, 'short_code'));
  const num = (m: Map<string, number>, code: string) => (m.has(code) && Number.isFinite(m.get(code)) ? m.get(code)! : null);
  const codeRows: CodeRow[] = [...perCode.entries()].map(([code, c]) => {
    const prev = previousPerCode.get(code);
    return {
      shortCode: code,
      name: infoByCode.get(code)?.name ?? '',
      team: infoByCode.get(code)?.team ?? '',
      ...c,
      successRatio: successRatio(c),
      p50S: num(p50m, code),
      p95S: num(p95m, code),
      slowS: num(slowm, code),
      dpssP95S: num(dpssP95m, code),
      dpssAvgS: num(dpssAvgm, code),
      objectiveMetShare: num(metm, code),
      objective: num(objectivem, code),
      healthScore: num(healthm, code),
      previous: prev ? { dialogs: prev.dialogs, successRatio: successRatio(prev) } : null,
    };
  });
  codeRows.sort((a, b) => b.dialogs - a.dialogs);

  const perNode = new Map<string, ClassCounts>();
  for (const s of nodeClass) {
    const node = s.labels.node ?? '';
    if (!perNode.has(node)) perNode.set(node, emptyCounts());
    addClass(perNode.get(node)!, s.labels.class, s.value);
  }
  // Every exporter exposes the `other` node (dialogs from a node outside its config) at zero:
  // a node row is news only when the node carried dialogs in the period.
  const nodeRows: NodeRow[] = [...perNode.entries()]
    .filter(([, c]) => c.dialogs > 0)
    .map(([node, c]) => ({ node, ...c, successRatio: successRatio(c) }))
    .sort((a, b) => a.node.localeCompare(b.node));

  const errorsTotal = causes.reduce((n, s) => n + s.value, 0);
  const causeRows = causes
    .filter((s) => s.value > 0)
    .map((s) => ({ cls: s.labels.class, cause: s.labels.cause, count: s.value, share: errorsTotal > 0 ? s.value / errorsTotal : 0 }))
    .sort((a, b) => b.count - a.count);

  const points = new Map<number, TimePoint>();
  for (const s of volume) {
    for (const [t, v] of s.points) {
      const p = points.get(t) ?? { tMs: t * 1000, ok: 0, user: 0, internal: 0 };
      const cls = s.labels.class;
      if (cls === 'ok' || cls === 'user' || cls === 'internal') p[cls] += v;
      points.set(t, p);
    }
  }
  const busiest = busy.flatMap((s) => s.points).reduce<[number, number] | null>((best, p) => (best === null || p[1] > best[1] ? p : best), null);
  const steps = Math.max(1, Math.floor((evaluatedMs - period.startMs) / 1000 / stepS) + 1);

  const incidents = await fetchIncidents(src.notifier, period.startMs, evaluatedMs);
  if (codes !== null) incidents.incidents = incidents.incidents.filter((i) => i.shortCode !== null && codes.includes(i.shortCode));
  const dpssLeadS: Record<string, number | null> = {};
  for (const inc of incidents.incidents.filter((i) => i.shortCode && i.firstNotifiedMs !== null).slice(0, 200)) {
    const until = Math.min(inc.startedMs + 2 * 3_600_000, nowMs);
    if (until <= inc.startedMs) continue;
    const series = await prom.range(`max(dpss_period_end_timestamp_seconds{short_code=${promString(inc.shortCode!)}})`, inc.startedMs, until, 15);
    const seen = series.flatMap((s) => s.points).find(([, v]) => v * 1000 >= inc.startedMs);
    dpssLeadS[inc.id] = seen ? round(seen[0] - inc.firstNotifiedMs! / 1000) : null;
  }

  return {
    period,
    previous,
    scope,
    codes,
    evaluatedMs,
    generatedMs: nowMs,
    metrics,
    totals: { ...totals, successRatio: successRatio(totals) },
    previousTotals: previousTotals.dialogs > 0 ? { ...previousTotals, successRatio: successRatio(previousTotals) } : null,
    busyHour: busiest ? { startMs: Math.max(period.startMs, busiest[0] * 1000 - 3_600_000), dialogs: busiest[1] } : null,
    volume: [...points.values()].sort((a, b) => a.tMs - b.tMs),
    stepS,
    coverage: {
      firstMs: (firstSeen[0]?.value ?? period.startMs / 1000) * 1000,
      lastMs: (lastSeen[0]?.value ?? evaluatedMs / 1000) * 1000,
      share: Math.min(1, presencePoints.length / steps),
    },
    codeRows,
    nodeRows,
    causes: causeRows,
    wrongCodes: wrong.filter((s) => s.value > 0).map((s) => ({ nearCode: s.labels.near_code, count: s.value })).sort((a, b) => b.count - a.count),
    incidents,
    dpssLeadS,
    hasHealthScore: health.length > 0,
    funnel: funnelRows(funnel),
    guesses: guessRows(guesses),
    anomaly: anomalyRows(anomalyAnswers, Math.floor(rangeS / 300)),
  };
}
