// prometheus/rules/shortcode-health.yml: a health score per catalogue code, 0-100, the
// worst of four parts (errors, latency, anomaly, incident) recorded apart so a low score
// says why, and ShortCodeHealthLow, from slo.yaml's health section.
import { CODE_PAGE, perCode, SEVERITY } from './alerts.js';
import type { AlertingRule, RecordingRule, RuleFile } from './rule-file.js';
import type { Slo } from './slo.js';
import { percent } from './wording.js';

export const PARTS = ['errors', 'latency', 'anomaly', 'incident'] as const;

const PART = 'ussd_shortcode:health_part';
const SCORE = 'ussd_shortcode:health_score';
const CATALOGUE = 'max by (short_code) (ussd_shortcode_info)';

/**
 * Parts exist for catalogue codes only; a code without the data a part needs (no dialog in
 * the window: 0/0, no band yet, no notifier) scores 100 on it.
 */
const orFull = (expr: string) => `(${expr}) >= 0\n  and on (short_code) ${CATALOGUE}\nor 0 * ${CATALOGUE} + 100`;

/** 100 at a burn of 1 or less, 0 at `zero` or more, linear between. */
const fromBurn = (burn: string, zero: number) => `clamp_max(clamp_min((${zero} - ${burn}) / ${zero - 1}, 0), 1) * 100`;

export function healthRules(slo: Slo): RuleFile {
  const h = slo.health;
  const w = h.window.text;
  const latencyBudget = Number((1 - slo.latency.objective).toPrecision(12));
  const part = (name: (typeof PARTS)[number], expr: string, comment: string): RecordingRule => ({ comment, record: PART, expr: orFull(expr), labels: { part: name } });
  const incident = (state: string, value: number) => `0 * max by (short_code) (notifier_incidents_open{state="${state}"} > 0) + ${value}`;

  const rules: RecordingRule[] = [
    part(
      'errors',
      fromBurn(`ussd_shortcode:internal_error_ratio:rate${w} / ussd_shortcode:error_budget:ratio`, h.zeroAtBurn),
      `errors: the internal-error budget over the last ${w}: 100 while it burns at 1x or less, 0 at ${h.zeroAtBurn}x.`,
    ),
    part(
      'latency',
      fromBurn(`ussd_shortcode:app_response_slow_ratio:rate${w} / ${latencyBudget}`, h.zeroAtBurn),
      `latency: responses slower than the code's threshold over the last ${w}, against the ${percent(latencyBudget)} the latency objective allows; 0 at ${h.zeroAtBurn}x.`,
    ),
    part(
      'anomaly',
      `clamp_max(clamp_min((${h.anomalyZeroAt} - ussd_shortcode:anomaly_deviation:max) / ${h.anomalyZeroAt - 1}, 0), 1) * 100`,
      `anomaly: 100 inside every band, 0 at ${h.anomalyZeroAt} half-widths outside; 100 while the bands warm up.`,
    ),
    part(
      'incident',
      `\n    ${incident('open', h.incident.open)}\n  or ${incident('acknowledged', h.incident.acknowledged)}\n`,
      `incident: ${h.incident.open} while the notifier has an unacknowledged incident open on the code, ${h.incident.acknowledged} while acknowledged.\nnotifier_incidents_open may be absent (no notifier, or an older one): every code then scores 100.`,
    ),
    { comment: 'The score: the worst part.', record: SCORE, expr: `min by (short_code) (${PART})` },
  ];

  const partQuery = (p: string) =>
    `{{ with printf "${PART}{short_code=%q,part=\\"${p}\\"}" $labels.short_code | query }}{{ . | first | value | printf "%.0f" }}{{ end }}`;
  const alert: AlertingRule = {
    comment: `--- alert ---\nShortCodeHealthLow: a score under ${h.alert.below} for ${h.alert.for.text}.`,
    alert: 'ShortCodeHealthLow',
    expr: perCode(`    ${SCORE} < ${h.alert.below}`),
    for: h.alert.for.text,
    labels: { tier: String(h.alert.tier), severity: SEVERITY[h.alert.tier], alert_family: 'health' },
    annotations: {
      summary: '{{ $labels.short_code }}: health score {{ printf "%.0f" $value }} out of 100',
      description:
        `{{ $labels.short_code }}'s health score has stayed under ${h.alert.below} for ${h.alert.for.text}; it is {{ printf "%.0f" $value }}, the worst of ` +
        PARTS.map((p) => `${p} ${partQuery(p)}`).join(', ') +
        '. The lowest part says where to look.',
      dashboard_url: CODE_PAGE,
    },
  };

  return {
    path: 'prometheus/rules/shortcode-health.yml',
    about: [
      'Per catalogue code: a health score, 0-100, the worst of four parts recorded apart',
      '(ussd_shortcode:health_part{part="errors|latency|anomaly|incident"}), and ShortCodeHealthLow.',
    ].join('\n'),
    groups: [{ name: 'ussd-shortcode-health', rules: [...rules, alert] }],
  };
}
