// prometheus/rules/shortcode-latency.yml: application response percentiles, the share
// slower than each code's threshold, and ShortCodeSlow, from slo.yaml's latency objective.
import { allOf, CODE_PAGE, perCode, SEVERITY } from './alerts.js';
import type { AlertingRule, RecordingRule, RuleFile } from './rule-file.js';
import { distinct, windows, type Duration, type LatencyTier, type Slo } from './slo.js';
import { atLeast, lastWindow, ordinal, percentile, times } from './wording.js';

/** The histogram buckets of the metric contract (shared/spec/metrics.md), +Inf aside. */
const BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30];

/** Percentiles the Grafana app and operators read, besides the objective's own. */
const KEPT_PERCENTILES = [50, 95, 99];

const WINDOW = windows('5m')[0];

/** `ussd_shortcode:app_response_seconds:p95_rate5m`. */
const percentileSeries = (p: number) => `ussd_shortcode:app_response_seconds:p${p}_rate${WINDOW.text}`;

const bucketSeries = (w: Duration) => `ussd_shortcode_le:app_response_seconds_bucket:rate${w.text}`;

const SLOW_COMMENT = [
  "Share of responses slower than the code's threshold: the latency SLO's error ratio. PromQL",
  'cannot compare a label (le) with a value, so each bucket bound of the metric contract gets a',
  'clause; a threshold between two bounds uses the lower one (it over-reports slowness, never',
  'hides it).',
].join('\n');

function slowRatio(w: Duration): RecordingRule {
  return {
    record: `ussd_shortcode:app_response_slow_ratio:rate${w.text}`,
    expr: [
      '1 - (',
      '  sum by (short_code) (',
      ...BUCKETS.map((b, i) => {
        const next = BUCKETS[i + 1];
        const range = next === undefined ? `>= ${b}` : `>= ${b} < ${next}`;
        return `${i === 0 ? '      ' : '    or '}${bucketSeries(w)}{le="${b}"} and on (short_code) (ussd_shortcode:slow_seconds:max ${range})`;
      }),
      '  )',
      `  / ussd_shortcode:app_responses:rate${w.text}`,
      ')',
    ].join('\n'),
  };
}

export function latencyRules(slo: Slo): RuleFile {
  const { objective, minResponses, tiers } = slo.latency;
  const buckets = bucketSeries(WINDOW);
  const percentiles = [...new Set([...KEPT_PERCENTILES, percentile(objective)])].sort((a, b) => a - b);
  // The health score reads the slow share over its own window.
  const slowWindows = distinct([WINDOW, slo.health.window]);
  const responseWindows = distinct([...slowWindows, minResponses.window]);

  const recorded: RecordingRule[] = [
    ...slowWindows.map((w) => ({ record: bucketSeries(w), expr: `sum by (short_code, le) (rate(ussd_app_response_seconds_bucket[${w.text}]))` })),
    ...responseWindows.map((w) => ({ record: `ussd_shortcode:app_responses:rate${w.text}`, expr: `sum by (short_code) (rate(ussd_app_response_seconds_count[${w.text}]))` })),
    ...percentiles.map((p) => ({ record: percentileSeries(p), expr: `histogram_quantile(${p / 100}, ${buckets})` })),
    {
      record: `ussd_shortcode:app_response_seconds:avg_rate${WINDOW.text}`,
      expr: `sum by (short_code) (rate(ussd_app_response_seconds_sum[${WINDOW.text}])) / ussd_shortcode:app_responses:rate${WINDOW.text}`,
    },
    {
      comment: 'DPSS periods arrive minutes late: 15m covers the period DPSS last reported.',
      record: 'ussd_shortcode:app_response_seconds:avg_rate15m',
      expr: 'sum by (short_code) (rate(ussd_app_response_seconds_sum[15m])) / sum by (short_code) (rate(ussd_app_response_seconds_count[15m]))',
    },
    { record: 'ussd_shortcode:slow_seconds:max', expr: 'max by (short_code) (ussd_shortcode_slow_seconds)' },
    ...slowWindows.map((w, i) => ({ ...slowRatio(w), ...(i === 0 ? { comment: SLOW_COMMENT } : {}) })),
  ];

  const alerts = tiers.map((t, i) => ({ ...slowAlert(t, slo), comment: `${i === 0 ? '--- alerts ---\n' : ''}${slowTierLine(t, slo)}` }));
  return {
    path: 'prometheus/rules/shortcode-latency.yml',
    about: [
      'Per short code: application response time (the slowest app response of each dialog)',
      "against the code's own slow threshold (ussd_shortcode_slow_seconds, from the catalogue).",
    ].join('\n'),
    groups: [{ name: 'ussd-shortcode-latency', rules: [...recorded, ...alerts] }],
  };
}

/** "tier 1: p95 over 5m above the code's threshold for 2m (at least 20 responses in 5m)". */
function slowTierLine(t: LatencyTier, slo: Slo): string {
  const above = t.above === 1 ? "the code's threshold" : `${t.above} times the code's threshold`;
  return `tier ${t.tier}: p${percentile(slo.latency.objective)} over ${WINDOW.text} above ${above} for ${t.for.text} (${atLeast(slo.latency.minResponses, 'responses')})`;
}

function slowAlert(t: LatencyTier, slo: Slo): AlertingRule {
  const { objective, minResponses, tiers } = slo.latency;
  const p = percentile(objective);
  const threshold = t.above === 1 ? 'ussd_shortcode:slow_seconds:max' : `${t.above} * ussd_shortcode:slow_seconds:max`;
  const query = (name: string, format: string) =>
    `{{ with printf "${name}{short_code=%q}" $labels.short_code | query }}{{ . | first | value | ${format} }}{{ end }}`;
  return {
    alert: 'ShortCodeSlow',
    expr: perCode(
      allOf([
        `${percentileSeries(p)} > on (short_code) ${threshold}`,
        `ussd_shortcode:app_responses:rate${minResponses.window.text} * ${minResponses.window.seconds} >= ${minResponses.count}`,
      ]),
    ),
    for: t.for.text,
    labels: { tier: String(t.tier), severity: SEVERITY[t.tier], alert_family: 'latency', class: 'internal', cause: 'slow_response' },
    annotations: {
      summary: `{{ $labels.short_code }}: p${p} application response {{ $value | humanizeDuration }}`,
      description:
        `The ${ordinal(p)} percentile of {{ $labels.short_code }}'s application response over the last ${lastWindow(WINDOW)} is {{ $value | humanizeDuration }}; ` +
        `the code's slow threshold is ${query('ussd_shortcode:slow_seconds:max', 'humanizeDuration')} ` +
        `(${tiers.map((o) => `tier ${o.tier} above ${times(o.above)}`).join(', ')}) and ` +
        `${query(`ussd_shortcode:app_response_slow_ratio:rate${WINDOW.text}`, 'humanizePercentage')} of responses are slower than it.`,
      dashboard_url: CODE_PAGE,
    },
  };
}
