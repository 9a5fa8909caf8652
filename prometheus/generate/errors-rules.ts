// prometheus/rules/shortcode-errors.yml: per-code dialog rates, error ratios, success, the
// error budget and its burn, and the alerts on internal errors, from slo.yaml.
import { allOf, CODE_PAGE, indent, perCode, SEVERITY } from './alerts.js';
import { catalogueEntryRule } from './catalogue.js';
import type { AlertingRule, RecordingRule, Rule, RuleFile } from './rule-file.js';
import { distinct, windows, type BurnTier, type Cause, type CauseAlert, type Conditions, type Duration, type Slo } from './slo.js';
import { anyOf, atLeast, conditions, factor, lastWindow, percent } from './wording.js';

/** The window an internal-error alert reports in its value and text: DPSS's period. */
export const REPORTED = windows('5m')[0];

/**
 * Windows recorded whatever slo.yaml says, for the other rule files and the dashboards:
 * 10m judges quiet codes' traffic (shortcode-traffic.yml), 1h the hourly ratios.
 */
const KEPT_DIALOG_WINDOWS = windows('1m', '5m', '10m', '1h');
const KEPT_RATIO_WINDOWS = windows('5m', '1h');

const burn = (w: Duration) => `ussd_shortcode:internal_error_burn:rate${w.text}`;
const internalErrors = (w: Duration) => `ussd_shortcode_class:dialogs:rate${w.text}{class="internal"}`;
const causeRatio = (cause: Cause, w: Duration) => `ussd_shortcode_cause:error_ratio:rate${w.text}{cause="${cause}"}`;
const causeErrors = (cause: Cause, w: Duration) => `ussd_shortcode_cause:errors:rate${w.text}{cause="${cause}"}`;

/** How each cause alert speaks; the thresholds come from slo.yaml. */
const CAUSE_ALERTS: Record<Cause, { alert: string; family: string; errors: string; summary: string; description: (a: CauseAlert, threshold: string) => string }> = {
  app_timeout: {
    alert: 'ShortCodeAppTimeouts',
    family: 'latency',
    errors: 'timeouts',
    summary: '{{ $labels.short_code }}: application timeouts at {{ $value | humanizePercentage }} of dialogs',
    description: (a, threshold) =>
      `{{ $value | humanizePercentage }} of {{ $labels.short_code }} dialogs ended in FAILED_APP_TIMEOUT over the last ${lastWindow(a.ratio[0].window)} (${threshold}): the application behind the code is not answering the gateway.`,
  },
  routing: {
    alert: 'ShortCodeRoutingBroken',
    family: 'routing',
    errors: 'routing failures',
    summary: '{{ $labels.short_code }}: routing broken, {{ $value | humanizePercentage }} of dialogs get NO_ROUTING_RULE',
    description: (a, threshold) =>
      `{{ $value | humanizePercentage }} of {{ $labels.short_code }} dialogs over the last ${lastWindow(a.ratio[0].window)} ended in NO_ROUTING_RULE although the code is in the catalogue (${threshold}): the gateway has no route to the application.`,
  },
};

/** Every window a tier burns over, and the reported one. */
export function burnWindows(slo: Slo): Duration[] {
  return distinct([REPORTED, ...slo.internalErrors.tiers.flatMap((t) => t.burn.flat().map((c) => c.window))]);
}

export function errorRules(slo: Slo): RuleFile {
  const { tiers } = slo.internalErrors;
  const causes = Object.values(slo.causes);
  const burned = burnWindows(slo);
  const causeWindows = distinct([REPORTED, ...causes.flatMap((a) => [...a.ratio.map((c) => c.window), a.minErrors.window])]);
  // The health score reads the internal-error ratio over its own window.
  const ratioWindows = distinct([...burned, ...KEPT_RATIO_WINDOWS, slo.health.window]);
  const dialogWindows = distinct([...KEPT_DIALOG_WINDOWS, ...ratioWindows, ...tiers.map((t) => t.minErrors.window), ...causeWindows]);

  const rules: Rule[] = [
    catalogueEntryRule,
    ...section('--- dialog rates per code and class, over every window a rule needs ---', [
      ...dialogWindows.map((w) => rec(`ussd_shortcode_class:dialogs:rate${w.text}`, `sum by (short_code, class) (rate(ussd_dialogs_total[${w.text}]))`)),
      ...dialogWindows.map((w) => rec(`ussd_shortcode:dialogs:rate${w.text}`, `sum without (class) (ussd_shortcode_class:dialogs:rate${w.text})`)),
    ]),
    ...section('--- share of all dialogs (unclassified included) that failed on each side ---', [
      ...ratioWindows.map((w) => rec(`ussd_shortcode:internal_error_ratio:rate${w.text}`, `${internalErrors(w)} / ignoring (class) ussd_shortcode:dialogs:rate${w.text}`)),
      ...KEPT_RATIO_WINDOWS.map((w) =>
        rec(`ussd_shortcode:user_error_ratio:rate${w.text}`, `ussd_shortcode_class:dialogs:rate${w.text}{class="user"} / ignoring (class) ussd_shortcode:dialogs:rate${w.text}`),
      ),
    ]),
    ...section(
      [
        'Success, defined here once for the rules, the Grafana app and the dashboards: of the',
        "dialogs the subscriber did their part of, the share that ended ok. A user error leaves",
        'both sides (the subscriber spoiled it); internal and unclassified dialogs count against',
        'success (a status nobody mapped is not assumed good). Good and valid dialogs are recorded',
        'apart so that codes add up and a range averages by traffic.',
      ].join('\n'),
      KEPT_RATIO_WINDOWS.flatMap((w) => [
        rec(`ussd_shortcode:good_dialogs:rate${w.text}`, `sum without (class) (ussd_shortcode_class:dialogs:rate${w.text}{class="ok"})`),
        rec(`ussd_shortcode:valid_dialogs:rate${w.text}`, `sum without (class) (ussd_shortcode_class:dialogs:rate${w.text}{class!="user"})`),
        rec(`ussd_shortcode:success_ratio:rate${w.text}`, `ussd_shortcode:good_dialogs:rate${w.text} / ussd_shortcode:valid_dialogs:rate${w.text}`),
      ]),
    ),
    ...section("--- errors by cause, as a share of all the code's dialogs ---", [
      ...causeWindows.map((w) => rec(`ussd_shortcode_cause:errors:rate${w.text}`, `sum by (short_code, class, cause) (rate(ussd_errors_total[${w.text}]))`)),
      ...causeWindows.map((w) =>
        rec(`ussd_shortcode_cause:error_ratio:rate${w.text}`, `ussd_shortcode_cause:errors:rate${w.text} / on (short_code) group_left () ussd_shortcode:dialogs:rate${w.text}`),
      ),
      rec('ussd_cause:error_ratio:rate5m', 'sum by (class, cause) (ussd_shortcode_cause:errors:rate5m) / scalar(sum(ussd_shortcode:dialogs:rate5m))'),
    ]),
    ...section(
      [
        "--- error budget and burn rate against each code's objective ---",
        'The exporter publishes the catalogue\'s objective; codes it does not cover (an older',
        `exporter) get slo.yaml's default_objective, ${slo.internalErrors.defaultObjective}.`,
      ].join('\n'),
      [
        rec(
          'ussd_shortcode:error_budget:ratio',
          `1 - max by (short_code) (ussd_shortcode_objective_ratio)\nor on (short_code) 0 * max by (short_code) (ussd_shortcode_info) + ${budget(slo.internalErrors.defaultObjective)}`,
        ),
        ...burned.map((w) => rec(burn(w), `ussd_shortcode:internal_error_ratio:rate${w.text} / ussd_shortcode:error_budget:ratio`)),
      ],
    ),
    ...tiers.map((t, i) => ({ ...internalErrorAlert(t, tiers), comment: `${i === 0 ? '--- alerts ---\n' : ''}${tierLine(t)}` })),
    ...Object.entries(slo.causes).map(([cause, a]) => causeAlert(cause as Cause, a)),
  ];

  return {
    path: 'prometheus/rules/shortcode-errors.yml',
    about: [
      "Per short code: dialog rates, user/internal ratios, success, causes, error-budget burn, and",
      'the alerts on internal errors. Only class="internal" ever feeds an internal-error alert:',
      'user errors (typos, invalid input, walk-aways) change the denominator, never the numerator.',
      'The burn-rate design (windows, thresholds, why) is explained in prometheus/README.md.',
    ].join('\n'),
    groups: [{ name: 'ussd-shortcode-errors', rules }],
  };
}

function rec(record: string, expr: string): RecordingRule {
  return { record, expr };
}

/** Rules under one comment. */
function section(comment: string, rules: Rule[]): Rule[] {
  return rules.map((r, i) => (i === 0 ? { ...r, comment } : r));
}

/** 1 - 0.99, without the float noise. */
const budget = (objective: number) => Number((1 - objective).toPrecision(12));

/** "tier 3 = 14.4x over 1m and 6x over 5m for 45s (at least 10 internal errors in 5m)". */
function tierLine(t: BurnTier): string {
  const alternatives = anyOf(t.burn, factor);
  return `tier ${t.tier} = ${alternatives}${t.burn.length > 1 ? ',' : ''} for ${t.for.text} (${atLeast(t.minErrors, 'internal errors')})`;
}

function internalErrorAlert(t: BurnTier, all: BurnTier[]): AlertingRule {
  const cond = (conds: Conditions) => conds.map((c) => `${burn(c.window)} > ${c.threshold}`);
  const alternatives =
    t.burn.length === 1 ? indent(allOf(cond(t.burn[0])), 2) : t.burn.map((a) => indent(allOf(cond(a)), 4)).join('\n    or\n');
  // The reported burn is the alert's value whichever alternative holds.
  const expr = perCode(
    [
      `    ${burn(REPORTED)}`,
      `  and on (short_code) (\n${alternatives}\n  )`,
      `  and on (short_code) ${internalErrors(t.minErrors.window)} * ${t.minErrors.window.seconds} >= ${t.minErrors.count}`,
    ].join('\n'),
  );
  const ratioOf = (name: string) => `{{ with printf "${name}{short_code=%q}" $labels.short_code | query }}{{ . | first | value | humanizePercentage }}{{ end }}`;
  return {
    alert: 'ShortCodeInternalErrors',
    expr,
    for: t.for.text,
    labels: { tier: String(t.tier), severity: SEVERITY[t.tier], alert_family: 'internal_errors', class: 'internal' },
    annotations: {
      summary: '{{ $labels.short_code }}: operator-side failures burning the error budget {{ printf "%.1f" $value }}x',
      description:
        `${ratioOf(`ussd_shortcode:internal_error_ratio:rate${REPORTED.text}`)} of {{ $labels.short_code }} dialogs failed on the operator side over the last ${lastWindow(REPORTED)} ` +
        `(error budget ${ratioOf('ussd_shortcode:error_budget:ratio')}): burn rate {{ printf "%.1f" $value }}x over ${REPORTED.text}. ` +
        `Thresholds: ${all.map(tierLine).join('; ')}. User errors are excluded.`,
      dashboard_url: CODE_PAGE,
    },
  };
}

function causeAlert(cause: Cause, a: CauseAlert): AlertingRule {
  const says = CAUSE_ALERTS[cause];
  const threshold = `threshold ${conditions(a.ratio, percent)}, ${atLeast(a.minErrors, says.errors)}`;
  return {
    comment: `${says.alert}: ${threshold}, held ${a.for.text}.`,
    alert: says.alert,
    expr: perCode(
      allOf([
        ...a.ratio.map((c) => `${causeRatio(cause, c.window)} > ${c.threshold}`),
        `${causeErrors(cause, a.minErrors.window)} * ${a.minErrors.window.seconds} >= ${a.minErrors.count}`,
      ]),
    ),
    for: a.for.text,
    labels: { tier: String(a.tier), severity: SEVERITY[a.tier], alert_family: says.family, class: 'internal', cause },
    annotations: { summary: says.summary, description: says.description(a, threshold), dashboard_url: CODE_PAGE },
  };
}
