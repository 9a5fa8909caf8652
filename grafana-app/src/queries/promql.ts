// Every PromQL expression the app sends, in one place so a test can run each against a
// real Prometheus. Names are those of shared/spec/metrics.md, or recorded by prometheus/rules.

export interface QueryParams {
  /** Catalogue short code, e.g. "*710#". */
  code: string;
  cause: string;
  /** The chosen time range as a PromQL duration ("3600s"): instant queries summarise it. */
  range: string;
  /** Rate window for range queries, a few steps wide so every point has samples. */
  window: string;
}

/** A PromQL string literal: short codes carry `*` and `#`, a pasted URL might carry worse. */
export function str(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

const code = (p: QueryParams) => `short_code=${str(p.code)}`;

/** The histogram's highest finite bound (metrics.md): a p95 at it means "this long or no answer at all". */
export const HISTOGRAM_TOP_S = 30;

// A dialog whose application never answered has no app time, so the histogram leaves it
// out and a code that no longer answers would look fast. Counted here as answered in the
// +Inf bucket (it waited at least the gateway's timeout): when more than 5% go unanswered,
// p95 reads as the histogram's top bound, never as the few fast answers left.
const NO_ANSWER = 'cause="app_timeout"';
const p95 = (matchers: string, by: string, w: string) =>
  `histogram_quantile(0.95, sum by (${by}le) (rate(ussd_app_response_seconds_bucket{${matchers}}[${w}]) or label_replace(rate(ussd_errors_total{${[NO_ANSWER, matchers].filter(Boolean).join(', ')}}[${w}]), "le", "+Inf", "", "")))`;
/** Share of dialogs the application never answered. */
const noAnswer = (matchers: string, by: string, over: string, fn: 'rate' | 'increase') =>
  `sum by (${by}) (${fn}(ussd_errors_total{${[NO_ANSWER, matchers].filter(Boolean).join(', ')}}[${over}])) / sum by (${by}) (${fn}(ussd_dialogs_total{${matchers}}[${over}]))`;

/**
 * A recorded series and its seasonal band (prometheus/rules/shortcode-anomaly.yml) for one
 * code, each labelled `series`: the band is absent until a week of history exists.
 */
export const BAND_PARTS = { now: 'rate5m', expected: 'expected', 'band lower': 'band_lower', 'band upper': 'band_upper' } as const;
const band = (metric: string, p: QueryParams) =>
  Object.entries(BAND_PARTS)
    .map(([name, op]) => `label_replace(ussd_shortcode:${metric}:${op}{${code(p)}}, "series", "${name}", "", "")`)
    .join(' or ');

/** Instant queries at the end of the range, summarising it. */
export const INSTANT = {
  dialogsPerSecond: (p: QueryParams) => `sum(rate(ussd_dialogs_total[${p.range}]))`,
  /** "Now": over the last rate window only, as the chart's last point. */
  dialogsPerSecondNow: (p: QueryParams) => `sum(rate(ussd_dialogs_total[${p.window}]))`,
  classSplit: (p: QueryParams) => `sum by (class) (increase(ussd_dialogs_total[${p.range}]))`,
  // Success is defined once, by the recording rules (prometheus/rules/shortcode-errors.yml):
  // good (ok) over valid (all but user errors) dialogs, summed over codes, averaged over the range.
  successRatio: (p: QueryParams) =>
    `sum(avg_over_time(ussd_shortcode:good_dialogs:rate5m[${p.range}])) / sum(avg_over_time(ussd_shortcode:valid_dialogs:rate5m[${p.range}]))`,
  p95Response: (p: QueryParams) => p95('', '', p.range),
  noAnswerRatio: (p: QueryParams) => noAnswer('', '', p.range, 'increase'),
  codeDialogs: (p: QueryParams) => `sum by (short_code) (increase(ussd_dialogs_total[${p.range}]))`,
  codeClassSplit: (p: QueryParams) => `sum by (short_code, class) (increase(ussd_dialogs_total[${p.range}]))`,
  codeP95: (p: QueryParams) => p95('', 'short_code, ', p.range),
  codeNoAnswerRatio: (p: QueryParams) => noAnswer('', 'short_code', p.range, 'increase'),
  codeNoAnswer: (p: QueryParams) => `sum(increase(ussd_errors_total{${NO_ANSWER}, ${code(p)}}[${p.range}]))`,
  // One entry per code while the exporters' catalogues disagree: the one the alerts name
  // (prometheus/rules/shortcode-errors.yml); the raw series for a code not recorded yet.
  catalogue: () => `ussd_shortcode:info:one or on (short_code) max by (short_code, name, team) (ussd_shortcode_info)`,
  // The health score and its parts (prometheus/rules/shortcode-health.yml), at the range's end.
  codeHealth: () => `ussd_shortcode:health_score`,
  codeHealthParts: (p: QueryParams) => `ussd_shortcode:health_part{${code(p)}}`,
  codeCauses: (p: QueryParams) => `sum by (class, cause) (increase(ussd_errors_total{${code(p)}}[${p.range}]))`,
  codeBuckets: (p: QueryParams) => `sum by (le) (increase(ussd_app_response_seconds_bucket{${code(p)}}[${p.range}]))`,
  codeSlowThreshold: (p: QueryParams) => `max(ussd_shortcode_slow_seconds{${code(p)}})`,
  /** The menu funnel (exporter's ussd_menu_dialogs_total): dialogs by the depth they ended at, and how. */
  codeFunnel: (p: QueryParams) => `sum by (depth, outcome) (increase(ussd_menu_dialogs_total{${code(p)}}[${p.range}]))`,
  codeTypos: (p: QueryParams) => `sum(increase(ussd_wrong_code_total{near_code=${str(p.code)}}[${p.range}]))`,
  causeByCode: (p: QueryParams) => `sum by (short_code) (increase(ussd_errors_total{cause=${str(p.cause)}}[${p.range}]))`,
  nodeByCause: (p: QueryParams) => `sum by (node) (increase(ussd_node_errors_total{cause=${str(p.cause)}}[${p.range}]))`,
  sourceLastLineAge: () => `time() - max by (source) (ussd_source_last_line_timestamp_seconds)`,
  sourceLines: (p: QueryParams) => `sum by (source, result) (increase(ussd_log_lines_total[${p.range}]))`,
  dpssAge: () => `time() - max by (short_code) (dpss_period_end_timestamp_seconds)`,
  dpssFiles: (p: QueryParams) => `sum by (result) (increase(dpss_files_total[${p.range}]))`,
} satisfies Record<string, (p: QueryParams) => string>;

/** Range queries over the chosen range. */
export const SERIES = {
  classRate: (p: QueryParams) => `sum by (class) (rate(ussd_dialogs_total[${p.window}]))`,
  codeInternalRatio: (p: QueryParams) =>
    `sum by (short_code) (rate(ussd_dialogs_total{class="internal"}[${p.window}])) / sum by (short_code) (rate(ussd_dialogs_total[${p.window}]))`,
  codeCauseRate: (p: QueryParams) => `sum by (class, cause) (rate(ussd_errors_total{${code(p)}}[${p.window}]))`,
  codeOkRate: (p: QueryParams) => `sum(rate(ussd_dialogs_total{${code(p)}, class="ok"}[${p.window}]))`,
  codeP95: (p: QueryParams) => p95(code(p), '', p.window),
  codeNoAnswerRatio: (p: QueryParams) => noAnswer(code(p), '', p.window, 'rate'),
  codeAvg: (p: QueryParams) =>
    `sum(rate(ussd_app_response_seconds_sum{${code(p)}}[${p.window}])) / sum(rate(ussd_app_response_seconds_count{${code(p)}}[${p.window}]))`,
  dpssResponse: (p: QueryParams) => `max by (stat) (dpss_response_time_seconds{${code(p)}, stat=~"avg|p95"})`,
  codeTrafficBand: (p: QueryParams) => band('dialogs', p),
  codeInternalRatioBand: (p: QueryParams) => band('internal_error_ratio', p),
  codeTypoRate: (p: QueryParams) => `sum(rate(ussd_wrong_code_total{near_code=${str(p.code)}}[${p.window}]))`,
  causeByCodeRate: (p: QueryParams) => `sum by (short_code) (rate(ussd_errors_total{cause=${str(p.cause)}}[${p.window}]))`,
  sourceMalformedRate: (p: QueryParams) => `sum by (source) (rate(ussd_log_lines_total{result="malformed"}[${p.window}]))`,
} satisfies Record<string, (p: QueryParams) => string>;

/** Range-query resolution: about 200 points, never finer than a typical 15 s scrape. */
export function stepFor(rangeSeconds: number): number {
  return Math.max(15, Math.ceil(rangeSeconds / 200 / 15) * 15);
}

/** Builds the parameters for a time range (epoch seconds). */
export function queryParams(fromS: number, toS: number, code = '', cause = ''): QueryParams {
  const rangeSeconds = Math.max(60, Math.round(toS - fromS));
  const step = stepFor(rangeSeconds);
  // rate() needs at least two samples per window: four steps, and a minute at least.
  return { code, cause, range: `${rangeSeconds}s`, window: `${Math.max(60, 4 * step)}s` };
}
