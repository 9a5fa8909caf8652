// What the HA proof measures, from what the store and fakesmsc returned. Pure.

/** One series as VictoriaMetrics' /api/v1/export writes it (a JSON line). */
export interface ExportedSeries {
  metric: Record<string, string>;
  values: number[];
  /** Milliseconds. */
  timestamps: number[];
}

/** The largest time between two consecutive samples of any one series, in seconds (0 without two samples). */
export function largestGapS(series: readonly ExportedSeries[]): number {
  let worst = 0;
  for (const s of series) {
    const ts = [...s.timestamps].sort((a, b) => a - b);
    for (let i = 1; i < ts.length; i++) worst = Math.max(worst, ts[i] - ts[i - 1]);
  }
  return worst / 1000;
}

/**
 * The most samples any series holds per interval over its span: about 1 once the store
 * deduplicates the two replicas, about 2 if it keeps both copies.
 */
export function samplesPerInterval(series: readonly ExportedSeries[], intervalMs: number): number {
  let worst = 0;
  for (const s of series) {
    if (s.timestamps.length < 2) continue;
    const span = Math.max(...s.timestamps) - Math.min(...s.timestamps);
    worst = Math.max(worst, s.timestamps.length / (span / intervalMs + 1));
  }
  return worst;
}

/**
 * Series the store keeps twice: the same labels but for the replica label (the store did
 * not drop it), or one series listed twice. Each is named by its labels.
 */
export function doubledSeries(series: readonly ExportedSeries[], replicaLabel = 'replica'): string[] {
  const seen = new Map<string, number>();
  for (const s of series) {
    const { [replicaLabel]: _replica, ...rest } = s.metric;
    const key = JSON.stringify(Object.entries(rest).sort(([a], [b]) => a.localeCompare(b)));
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([key]) => key);
}

/** How many SMS each expected person got (every expected person listed, 0 included). */
export function smsPerPerson(recipients: readonly string[], expected: readonly string[]): Array<{ to: string; count: number }> {
  return expected.map((to) => ({ to, count: recipients.filter((r) => r === to).length }));
}
