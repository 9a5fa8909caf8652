// What issue 15 adds to a report, from Prometheus alone: the menu funnel (where in the menu
// subscribers abandon or fail), the learned model's guesses on the dialogs the status map
// leaves unclassified, and the time each code spent outside its seasonal anomaly bands.
// The exporter's status-map proposals (its /api/proposals) are not here: a report reads
// Prometheus and the notifier, not the exporters (one per node); the app's Sources page
// shows them.
import type { Sample } from './prometheus.js';

/** The exporter's menu depth labels, shallowest first (exporter/src/core/menu-depth.ts). */
export const MENU_DEPTHS = ['0', '1', '2', '3', '4', '5', '6+'] as const;

export interface FunnelRow {
  shortCode: string;
  depth: string;
  /** Dialogs that got this deep: ended here or deeper. */
  reached: number;
  completed: number;
  abandoned: number;
  /** User errors other than walking away (invalid input, subscriber state). */
  userErrors: number;
  internalErrors: number;
  unclassified: number;
}

export interface GuessRow {
  shortCode: string;
  cls: string;
  cause: string;
  count: number;
}

export interface AnomalyRow {
  shortCode: string;
  /** Share of the period a band existed (no band while the history is shorter than the warm-up). */
  bandShare: number;
  /** Shares of the banded time: outside any band (traffic either way, error ratios upwards), then each signal. */
  outside: number | null;
  trafficBelow: number | null;
  trafficAbove: number | null;
  internalAbove: number | null;
  userAbove: number | null;
}

const OUTCOME_FIELD = { completed: 'completed', abandoned: 'abandoned', user_error: 'userErrors', internal_error: 'internalErrors', unclassified: 'unclassified' } as const;

/** Per code, a row per depth down to the deepest any dialog ended at; `reached` counts the dialogs that ended there or deeper. */
export function funnelRows(samples: Sample[]): FunnelRow[] {
  const byCode = new Map<string, FunnelRow[]>();
  for (const s of samples) {
    const code = s.labels.short_code ?? '';
    const depth = MENU_DEPTHS.indexOf(s.labels.depth as (typeof MENU_DEPTHS)[number]);
    const field = OUTCOME_FIELD[s.labels.outcome as keyof typeof OUTCOME_FIELD];
    if (depth < 0 || field === undefined) continue;
    if (!byCode.has(code)) {
      byCode.set(code, MENU_DEPTHS.map((d) => ({ shortCode: code, depth: d, reached: 0, completed: 0, abandoned: 0, userErrors: 0, internalErrors: 0, unclassified: 0 })));
    }
    const row = byCode.get(code)![depth];
    row[field] += s.value;
    row.reached += s.value;
  }
  const out: FunnelRow[] = [];
  for (const code of [...byCode.keys()].sort()) {
    const rows = byCode.get(code)!;
    // Until now `reached` held the dialogs that ended at each depth: accumulate from the deepest.
    for (let i = rows.length - 2; i >= 0; i--) rows[i].reached += rows[i + 1].reached;
    // Depths no dialog reached (deeper than the deepest end) have nothing to say.
    out.push(...rows.filter((r) => r.reached > 0));
  }
  return out;
}

/** Guesses of at least one dialog, most first. */
export const guessRows = (samples: Sample[]): GuessRow[] =>
  samples
    .filter((s) => s.value > 0)
    .map((s) => ({ shortCode: s.labels.short_code ?? '', cls: s.labels.class ?? '', cause: s.labels.cause ?? '', count: s.value }))
    .sort((a, b) => b.count - a.count || a.shortCode.localeCompare(b.shortCode));

export interface AnomalyAnswers {
  /** 5-minute steps with a band, per code. */
  banded: Sample[];
  outside: Sample[];
  trafficBelow: Sample[];
  trafficAbove: Sample[];
  internalAbove: Sample[];
  userAbove: Sample[];
}

/** Codes that had a band at some point of the period, worst first. */
export function anomalyRows(a: AnomalyAnswers, steps: number): AnomalyRow[] {
  const by = (xs: Sample[]) => new Map(xs.map((s) => [s.labels.short_code ?? '', s.value]));
  const [outside, below, above, internal, user] = [a.outside, a.trafficBelow, a.trafficAbove, a.internalAbove, a.userAbove].map(by);
  return a.banded
    .filter((s) => s.value > 0)
    .map((s) => {
      const code = s.labels.short_code ?? '';
      return {
        shortCode: code,
        bandShare: Math.min(1, s.value / Math.max(1, steps)),
        outside: outside.get(code) ?? null,
        trafficBelow: below.get(code) ?? null,
        trafficAbove: above.get(code) ?? null,
        internalAbove: internal.get(code) ?? null,
        userAbove: user.get(code) ?? null,
      };
    })
    .sort((x, y) => (y.outside ?? 0) - (x.outside ?? 0) || x.shortCode.localeCompare(y.shortCode));
}

/** The PromQL of the anomaly section: 5-minute steps over the period, as the rules record them (prometheus/rules/shortcode-anomaly.yml). */
export function anomalyQueries(sel: (metric: string) => string, range: string): Record<keyof AnomalyAnswers, string> {
  const steps = (q: string) => `avg_over_time((${q})[${range}:5m])`;
  const perCode = (metric: string) => `max by (short_code) (${sel(metric)})`;
  return {
    banded: `count_over_time(${perCode('ussd_shortcode:anomaly_deviation:max')}[${range}:5m])`,
    outside: steps(`${perCode('ussd_shortcode:anomaly_deviation:max')} > bool 1`),
    trafficBelow: steps(`${perCode('ussd_shortcode:dialogs:deviation')} < bool -1`),
    trafficAbove: steps(`${perCode('ussd_shortcode:dialogs:deviation')} > bool 1`),
    internalAbove: steps(`${perCode('ussd_shortcode:internal_error_ratio:deviation')} > bool 1`),
    userAbove: steps(`${perCode('ussd_shortcode:user_error_ratio:deviation')} > bool 1`),
  };
}
