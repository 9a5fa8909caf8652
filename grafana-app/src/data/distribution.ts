// Response-time distribution from cumulative histogram buckets, split at the code's
// slow threshold so "how many were too slow" is read off directly.

export interface Bucket {
  /** Lower and upper bound in seconds; upper is Infinity for the last bucket. */
  from: number;
  to: number;
  count: number;
  /** The whole bucket lies above the slow threshold. */
  slow: boolean;
}

/** `cumulative` maps the `le` label to the cumulative count. */
export function distribution(cumulative: Map<string, number>, slowSeconds: number | undefined): Bucket[] {
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
  return out;
}

export function bucketLabel(b: Bucket): string {
  const fmt = (s: number) => (s < 1 ? `${Math.round(s * 1000)} ms` : `${s} s`);
  return b.to === Infinity ? `> ${fmt(b.from)}` : `${fmt(b.from)} – ${fmt(b.to)}`;
}

/** Share of responses above the threshold, counting whole buckets only. */
export function slowShare(buckets: Bucket[]): number {
  let slow = 0;
  let all = 0;
  for (const b of buckets) {
    all += b.count;
    if (b.slow) slow += b.count;
  }
  return all > 0 ? slow / all : NaN;
}
