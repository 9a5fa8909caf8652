// A code's errors by cause, and by class: user and internal errors are never added together
// (one is the subscribers', the other ours).
import { causeInfo } from '../queries/causes.js';

export interface CauseCount {
  cause: string;
  cls: string;
  count: number;
}

/** cause -> class -> count (from `sum by (class, cause)`) into one count per cause, most first. */
export function causeCounts(byCause: Map<string, Map<string, number>>): CauseCount[] {
  return [...byCause.entries()]
    .map(([cause, m]) => ({ cause, cls: [...m.keys()][0] ?? causeInfo(cause).cls, count: [...m.values()].reduce((a, b) => a + b, 0) }))
    .sort((a, b) => b.count - a.count);
}

/** Errors of one class. */
export function errorsOf(counts: CauseCount[], cls: 'user' | 'internal'): number {
  return counts.filter((c) => c.cls === cls).reduce((a, c) => a + c.count, 0);
}
