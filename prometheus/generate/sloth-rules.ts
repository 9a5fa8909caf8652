// prometheus/rules/slo.yml: the same objectives under sloth's names and labels
// (slo:sli_error:ratio_rate5m{sloth_id, sloth_service, sloth_slo, sloth_window}, slo:objective:ratio,
// slo:error_budget:ratio, slo:current_burn_rate:ratio, slo:period_*, sloth_slo_info; see
// sloth's pkg/common/conventions), so sloth's Grafana dashboards and UI show every short code.
// Each code is a sloth service; its SLOs are `internal-errors` and `latency`.
import { burnWindows, REPORTED } from './errors-rules.js';
import type { RecordingRule, RuleFile } from './rule-file.js';
import type { Duration, Slo } from './slo.js';

interface SlothSlo {
  name: string;
  /** Per-code objective, labelled by short_code only. */
  objective: string;
  /** Per-code error ratio over a window, labelled by short_code only. */
  errorRatio: (w: Duration) => string;
  windows: Duration[];
}

export function slothRules(slo: Slo): RuleFile {
  const slos: SlothSlo[] = [
    {
      name: 'internal-errors',
      objective: '1 - ussd_shortcode:error_budget:ratio',
      errorRatio: (w) => `ussd_shortcode:internal_error_ratio:rate${w.text}`,
      windows: burnWindows(slo),
    },
    {
      name: 'latency',
      objective: `0 * ussd_shortcode:slow_seconds:max + ${slo.latency.objective}`,
      errorRatio: (w) => `ussd_shortcode:app_response_slow_ratio:rate${w.text}`,
      windows: [REPORTED],
    },
  ];
  return {
    path: 'prometheus/rules/slo.yml',
    about: [
      "The short codes' objectives (prometheus/slo.yaml) under sloth's names and labels, so that",
      "sloth's dashboards and UI work on them: each short code is a sloth_service, with the SLOs",
      'internal-errors and latency. ussdwatch\'s own alerts and pages use the ussd_shortcode:* series.',
    ].join('\n'),
    groups: [
      {
        name: 'ussd-slo',
        // The period ratio reads the period's samples of this group: at 1m, 16 times fewer
        // samples read per minute than at the 15s of the alerting rules.
        interval: '1m',
        rules: slos.flatMap((s) => sloRules(s, slo.period)),
      },
    ],
  };
}

function sloRules(s: SlothSlo, period: Duration): RecordingRule[] {
  const ids = (expr: string) =>
    `label_replace(label_replace(${expr}, "sloth_service", "$1", "short_code", "(.*)"), "sloth_id", "$1-${s.name}", "short_code", "(.*)")`;
  const mine = (name: string) => `${name}{sloth_slo="${s.name}"}`;
  const labels = (more: Record<string, string> = {}) => ({ sloth_slo: s.name, ...more });
  const perWindow = (name: string) => `${mine(name)} / on (sloth_id, sloth_slo, sloth_service) group_left ${mine('slo:error_budget:ratio')}`;
  const current = mine(`slo:sli_error:ratio_rate${REPORTED.text}`);
  return [
    { comment: `--- ${s.name} ---`, record: 'slo:objective:ratio', expr: ids(s.objective), labels: labels() },
    // A window without dialogs has no ratio (0/0): left out, so the period mean stays a number.
    ...s.windows.map((w) => ({
      record: `slo:sli_error:ratio_rate${w.text}`,
      expr: `${ids(`${s.errorRatio(w)} >= 0`)}\nand on (sloth_id) ${mine('slo:objective:ratio')}`,
      labels: labels({ sloth_window: w.text }),
    })),
    { record: 'slo:error_budget:ratio', expr: `1 - ${mine('slo:objective:ratio')}`, labels: labels() },
    { record: 'slo:time_period:days', expr: `0 * ${mine('slo:objective:ratio')} + ${period.seconds / 86400}`, labels: labels() },
    { record: 'slo:current_burn_rate:ratio', expr: perWindow(`slo:sli_error:ratio_rate${REPORTED.text}`), labels: labels() },
    {
      record: `slo:sli_error:ratio_rate${period.text}`,
      expr: `sum_over_time(${current}[${period.text}])\n/ ignoring (sloth_window)\ncount_over_time(${current}[${period.text}])`,
      labels: labels({ sloth_window: period.text }),
    },
    { record: 'slo:period_burn_rate:ratio', expr: perWindow(`slo:sli_error:ratio_rate${period.text}`), labels: labels() },
    { record: 'slo:period_error_budget_remaining:ratio', expr: `1 - ${mine('slo:period_burn_rate:ratio')}`, labels: labels() },
    {
      // sloth's UI reads the objective (in percent) from a label: count_values turns the
      // per-code objective into one.
      record: 'sloth_slo_info',
      expr: `count_values by (short_code, sloth_id, sloth_service, sloth_slo) ("sloth_objective", round(${mine('slo:objective:ratio')} * 10000) / 100)`,
      labels: labels(),
    },
  ];
}
