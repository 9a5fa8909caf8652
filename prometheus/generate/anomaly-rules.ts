// prometheus/rules/shortcode-anomaly.yml: seasonal bands on each code's traffic and error
// ratios (median and median absolute deviation of the same hour of past weeks), and the
// traffic alerts judged against them, from slo.yaml's anomaly section.
//
// Only functions Prometheus 2.42 and VictoriaMetrics both implement (avg_over_time,
// quantile, count, abs, sqrt, clamp_min, label_replace, offset): no holt_winters /
// double_exponential_smoothing, no subquery (their steps are aligned to the epoch, not to
// "the same hour"). `npm run anomaly:functions` checks the rules' functions against both.
import { CODE_PAGE, perCode, SEVERITY } from './alerts.js';
import type { AlertingRule, RecordingRule, RuleFile } from './rule-file.js';
import { windows, type Anomaly, type Band, type Slo, type Tier } from './slo.js';
import { lastWindow, percent } from './wording.js';

/** The window judged against the band: the recorded 5-minute rates and ratios. */
export const JUDGED = windows('5m')[0];

/** 1.4826 x MAD estimates a standard deviation for normally distributed data. */
const MAD_TO_SD = 1.4826;

const WEEK_S = 7 * 86400;

interface Signal {
  /** The middle of the recorded names: ussd_shortcode:<metric>:rate5m. */
  metric: string;
  /** Deviations that count against health: a drop of errors is no anomaly. */
  sided: 'both' | 'up';
}

/** Traffic first: its series are also the traffic alerts'. */
export const SIGNALS: readonly Signal[] = [
  { metric: 'dialogs', sided: 'both' },
  { metric: 'internal_error_ratio', sided: 'up' },
  { metric: 'user_error_ratio', sided: 'up' },
];

export const series = (metric: string, op: string) => `ussd_shortcode:${metric}:${op}`;
const lagged = (s: Signal, a: Anomaly) => `ussd_shortcode_weeks_ago:${s.metric}:avg${a.window.text}`;
const current = (s: Signal) => series(s.metric, `rate${JUDGED.text}`);

/** 167h30m: Prometheus and VictoriaMetrics both read compound durations. */
function offset(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
}

function signalRules(s: Signal, a: Anomaly): RecordingRule[] {
  const L = lagged(s, a);
  const expected = series(s.metric, 'expected');
  const halfWidth = series(s.metric, 'band_half_width');
  const traffic = s.metric === 'dialogs';
  const band: Band = traffic ? a.trafficBand : a.errorRatioBand;
  const judged = JUDGED.seconds;
  const term = (expr: string, name: string) => `label_replace(${expr}, "term", "${name}", "", "")`;
  const noise = traffic
    ? // Poisson: the count of a judged window has variance equal to its mean (at least one dialog).
      `${band.noise} * sqrt(clamp_min(${expected}, 1 / ${judged}) / ${judged})`
    : // Binomial: a ratio of n dialogs has variance p (1 - p) / n.
      `${band.noise} * sqrt(${expected} * (1 - ${expected}) / on (short_code) (${current(SIGNALS[0])} * ${judged}))`;
  const floor = traffic ? `${band.floor} * ${expected}` : `0 * ${expected} + ${band.floor}`;
  // A week back only counts once the whole window has data: the first minutes of an install
  // alone would give an hour's mean of a few samples.
  const lags: RecordingRule[] = Array.from({ length: a.weeks }, (_, i) => ({
    record: L,
    expr:
      `avg_over_time(${current(s)}[${a.window.text}] offset ${offset((i + 1) * WEEK_S - a.window.seconds / 2)})\n` +
      `and on (short_code) ${current(s)} offset ${offset((i + 1) * WEEK_S + a.window.seconds / 2)}`,
    labels: { weeks_ago: String(i + 1) },
  }));
  lags[0] = {
    ...lags[0],
    comment: [
      `--- ${traffic ? 'traffic (dialogs/s)' : s.metric.replaceAll('_', ' ')} ---`,
      `The same weekday and hour, 1 to ${a.weeks} weeks back: the mean over the ${a.window.text} centred on that moment,`,
      'once data reaches back to the start of that window.',
    ].join('\n'),
  };
  return [
    ...lags,
    {
      comment: `The median of the weeks there are, once there are at least ${a.minWeeks} (warm-up: no band before).`,
      record: expected,
      expr: `quantile by (short_code) (0.5, ${L})\nand on (short_code) count by (short_code) (${L}) >= ${a.minWeeks}`,
    },
    { record: series(s.metric, 'expected_mad'), expr: `quantile by (short_code) (0.5, abs(${L} - on (short_code) group_left () ${expected}))` },
    {
      comment: traffic
        ? `Half-width: ${band.mads} robust standard deviations of the weeks, ${percent(band.floor)} of the expected rate, or ${band.noise} of Poisson noise over ${JUDGED.text}, whichever is widest.`
        : `Half-width: ${band.mads} robust standard deviations of the weeks, ${percent(band.floor)} of the dialogs, or ${band.noise} of binomial noise over ${JUDGED.text}'s dialogs, whichever is widest.`,
      record: halfWidth,
      expr: [
        'max by (short_code) (',
        `    ${term(`${band.mads} * ${MAD_TO_SD} * ${series(s.metric, 'expected_mad')}`, 'weeks')}`,
        `  or ${term(floor, 'floor')}`,
        `  or ${term(noise, 'noise')}`,
        ')',
      ].join('\n'),
    },
    { record: series(s.metric, 'band_upper'), expr: `${expected} + ${halfWidth}` },
    { record: series(s.metric, 'band_lower'), expr: `clamp_min(${expected} - ${halfWidth}, 0)` },
    {
      comment: 'How far outside the band, in half-widths: within [-1, 1] inside it.',
      record: series(s.metric, 'deviation'),
      expr: `(${current(s)} - ${expected}) / ${halfWidth}`,
    },
  ];
}

/** Every signal's deviation that counts against health, the worst one per code. */
function worstDeviation(): RecordingRule {
  const terms = SIGNALS.map((s) => {
    const dev = series(s.metric, 'deviation');
    return `label_replace(${s.sided === 'both' ? `abs(${dev})` : `clamp_min(${dev}, 0)`}, "signal", "${s.metric}", "", "")`;
  });
  return {
    comment: '--- the worst deviation per code (traffic either way, error ratios upwards), for the health score ---',
    record: 'ussd_shortcode:anomaly_deviation:max',
    expr: ['max by (short_code) (', ...terms.map((t, i) => `  ${i ? 'or ' : '   '}${t}`), ')'].join('\n'),
  };
}

const bandQuery = (name: string) =>
  `{{ with printf "${name}{short_code=%q}" $labels.short_code | query }}{{ . | first | value | printf "%.2f" }}{{ end }}`;

/** A traffic alert outside the band: the words of one side, the thresholds from slo.yaml. */
function bandAlert(a: Anomaly, side: { alert: string; tier: Tier; for: string; condition: string; moved: string; where: string; advice: string; comment: string }): AlertingRule {
  const q = (op: string) => bandQuery(series('dialogs', op));
  return {
    comment: side.comment,
    alert: side.alert,
    expr: perCode(side.condition),
    for: side.for,
    labels: { tier: String(side.tier), severity: SEVERITY[side.tier], alert_family: 'traffic' },
    annotations: {
      summary: `{{ $labels.short_code }}: traffic ${side.moved} to {{ printf "%.2f" $value }} dialogs/s`,
      description:
        `{{ $labels.short_code }} handled {{ printf "%.2f" $value }} dialogs/s over the last ${lastWindow(JUDGED)}, ${side.where} its band: ` +
        `${q('band_lower')} to ${q('band_upper')} dialogs/s around ${q('expected')} expected (the median of the same hour of the past ${a.weeks} weeks)${side.advice}.`,
      dashboard_url: CODE_PAGE,
    },
  };
}

function trafficAlerts(a: Anomaly): AlertingRule[] {
  const rate = current(SIGNALS[0]);
  return [
    bandAlert(a, {
      comment: `--- alerts ---\nShortCodeTrafficDrop: under the band for ${a.drop.for.text}, on codes expected to carry at least ${a.drop.minExpected} dialogs/s.`,
      alert: 'ShortCodeTrafficDrop',
      tier: a.drop.tier,
      for: a.drop.for.text,
      // Not while an exporter is down: every code then loses that node's share, which
      // UssdwatchExporterMissing names once instead of a drop per code.
      condition: [
        `    ${rate} < ${series('dialogs', 'band_lower')}`,
        `  and on (short_code) ${series('dialogs', 'expected')} >= ${a.drop.minExpected}`,
        '  unless on () group(up{job="ussdwatch-exporter"} == 0)',
      ].join('\n'),
      moved: 'dropped',
      where: 'below',
      advice: '',
    }),
    bandAlert(a, {
      comment: `ShortCodeTrafficSpike: over the band for ${a.spike.for.text}, at least ${a.spike.minRate} dialogs/s.`,
      alert: 'ShortCodeTrafficSpike',
      tier: a.spike.tier,
      for: a.spike.for.text,
      condition: `    ${rate} > ${series('dialogs', 'band_upper')}\n  and on (short_code) ${rate} >= ${a.spike.minRate}`,
      moved: 'spiked',
      where: 'above',
      advice: ': a campaign, a retry storm or a looping client; watch latency and overload',
    }),
  ];
}

export function anomalyRules(slo: Slo): RuleFile {
  const a = slo.anomaly;
  return {
    path: 'prometheus/rules/shortcode-anomaly.yml',
    about: [
      'Per short code: seasonal bands on traffic and error ratios (the median and median absolute',
      'deviation of the same hour of past weeks), and the traffic drop and spike alerts judged',
      'against them. See docs/anomaly.md for the design and the measured false pages.',
    ].join('\n'),
    groups: [{ name: 'ussd-shortcode-anomaly', rules: [...SIGNALS.flatMap((s) => signalRules(s, a)), worstDeviation(), ...trafficAlerts(a)] }],
  };
}
