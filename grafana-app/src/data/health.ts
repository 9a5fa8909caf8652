// The health score of a code and its parts (prometheus/rules/shortcode-health.yml), as the
// short-code page shows them: a low score says which part pulled it down, and why.
import type { Series } from './prom-result.js';

export const HEALTH_PARTS = ['errors', 'latency', 'anomaly', 'incident'] as const;
export type HealthPart = (typeof HEALTH_PARTS)[number];

/** What each part measures, in the words of prometheus/slo.yaml's health section. */
export const PART_WORDS: Readonly<Record<HealthPart, { label: string; hint: string }>> = {
  errors: { label: 'Error budget', hint: 'internal errors over the last hour against the objective: 100 at 1x burn or less' },
  latency: { label: 'Latency budget', hint: "responses slower than the code's threshold over the last hour against the 95% objective" },
  anomaly: { label: 'Seasonal bands', hint: 'traffic and error ratios against the same hour of past weeks: 100 inside the bands (and while they warm up)' },
  incident: { label: 'Incidents', hint: 'lowered while the notifier has an incident open on the code' },
};

export interface HealthView {
  /** NaN without the health rules (or before their first evaluation). */
  score: number;
  parts: Array<{ part: HealthPart; value: number }>;
  /** The lowest part, when the score is below 100. */
  worst?: HealthPart;
}

export function healthView(score: number | undefined, parts: Map<string, number>): HealthView {
  const list = HEALTH_PARTS.map((part) => ({ part, value: parts.get(part) ?? NaN }));
  const known = list.filter((p) => Number.isFinite(p.value));
  const lowest = known.reduce<(typeof list)[number] | undefined>((w, p) => (!w || p.value < w.value ? p : w), undefined);
  const value = score ?? NaN;
  return { score: value, parts: list, worst: lowest && value < 100 ? lowest.part : undefined };
}

/** Orders scores for a sortable column: a code without a score sorts below every score. */
export function compareHealth(a: number, b: number): number {
  return (Number.isFinite(a) ? a : -1) - (Number.isFinite(b) ? b : -1);
}

/** Whether a band query returned the band itself, not only the series it surrounds. */
export function hasBand(series: Series[]): boolean {
  return series.some((s) => s.labels.series === 'expected');
}
