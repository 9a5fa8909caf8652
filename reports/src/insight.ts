// What issue 15 adds to a report, from Prometheus alone: the menu funnel (where in the menu
// subscribers abandon or fail), the learned model's guesses on the dialogs the status map
// leaves unclassified, and the time each code spent outside its seasonal anomaly bands.
// The exporter's status-map proposals (its /api/proposals) are not here: a report reads
// Prometheus and the notifier, not the exporters (one per node); the app's Sources page
// shows them.
import { funnelRows as codeFunnelRows, type FunnelRow as CodeFunnelRow } from '@ussdwatch/common/funnel.js';
import type { Sample } from './prometheus.js';

/** A code's funnel row: what became of the dialogs at one menu depth. */
export interface FunnelRow extends CodeFunnelRow {
  shortCode: string;
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

/** Per code, a row per depth down to the deepest any dialog ended at; `reached` counts the dialogs that ended there or deeper. */
export function funnelRows(samples: Sample[]): FunnelRow[] {
  const byCode = new Map<string, Map<string, Map<string, number>>>();
  for (const s of samples) {
    const code = s.labels.short_code ?? '';
    const byDepth = byCode.get(code) ?? byCode.set(code, new Map()).get(code)!;
    const outcomes = byDepth.get(s.labels.depth ?? '') ?? byDepth.set(s.labels.depth ?? '', new Map()).get(s.labels.depth ?? '')!;
    outcomes.set(s.labels.outcome ?? '', (outcomes.get(s.labels.outcome ?? '') ?? 0) + s.value);
  }
  return [...byCode.keys()].sort().flatMap((code) => codeFunnelRows(byCode.get(code)!).map((r) => ({ shortCode: code, ...r })));
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
