// Response-time distribution from cumulative histogram buckets, split at the code's
// slow threshold so "how many were too slow" is read off directly. Dialogs the application
// never answered have no response time: they come last, as their own bar, and count as slow.

export interface Bucket {
  /** Lower and upper bound in seconds; upper is Infinity for the last bucket. */
  from: number;
  to: number;
  count: number;
  /** The whole bucket lies above the slow threshold. */
  slow: boolean;
  /** The dialogs that got no answer at all (app_timeout). */
  noAnswer?: boolean;
}

/** `cumulative` maps the `le` label to the cumulative count; `unanswered` counts the dialogs with no answer. */
export function distribution(cumulative: Map<string, number>, slowSeconds: number | undefined, unanswered = 0): Bucket[] {
  const bounds = [...cumulative.entries()]
    .map(([le, count]) => ({ le: le === '+Inf' ? Infinity : Number(le), count }))
    .filter((b) => !Number.isNaN(b.le))
    .sort((a, b) => a.le - b.le);
  const out: Bucket[] = [];
  let prevLe = 0;
  let prevCount = 0;
  for (const b of bounds) {
    // Counter resets inside the range can make increase() per bucket non-monotonic.
    const count = Math.max(0, b.count - prevCount);
    out.push({ from: prevLe, to: b.le, count, slow: slowSeconds !== undefined && prevLe >= slowSeconds });
    prevLe = b.le;
    prevCount = Math.max(prevCount, b.count);
  }
  if (out.length > 0) out.push({ from: Infinity, to: Infinity, count: Math.max(0, unanswered), slow: true, noAnswer: true });
  return out;
}

export function bucketLabel(b: Bucket): string {
  const fmt = (s: number) => (s < 1 ? `${Math.round(s * 1000)} ms` : `${s} s`);
  if (b.noAnswer) return 'no answer (app_timeout)';
  return b.to === Infinity ? `> ${fmt(b.from)}` : `${fmt(b.from)} – ${fmt(b.to)}`;
}

/** Share of dialogs slower than the threshold or never answered, counting whole buckets only. */
export function slowShare(buckets: Bucket[]): number {
  let slow = 0;
  let all = 0;
  for (const b of buckets) {
    all += b.count;
    if (b.slow) slow += b.count;
  }
  return all > 0 ? slow / all : NaN;
}

/** Share of dialogs with an app time or a timeout that got no answer. */
export function noAnswerShare(buckets: Bucket[]): number {
  const all = buckets.reduce((a, b) => a + b.count, 0);
  return all > 0 ? (buckets.find((b) => b.noAnswer)?.count ?? 0) / all : NaN;
}
