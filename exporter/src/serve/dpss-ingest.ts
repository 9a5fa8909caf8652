// Applies DPSS KPI rows to the dpss_* gauges: only catalogue codes (bounded labels) and
// only a period newer than the one already held for the code (files may arrive late or
// out of order; the gauges must never go back in time). Because a newer period wins, one row
// dated 2999 would make every real row after it stale and silence the staleness alert for
// good: a row must be for its file's period (the file is named after it), and no period may
// start further ahead of the wall clock than clocks plausibly disagree.
import type { DpssRow } from '../core/types.js';
import type { DpssRowResult, UssdMetrics } from './ussd-metrics.js';

/** Clock disagreement tolerated between the DPSS platform and the exporter. */
export const MAX_PERIOD_AHEAD_MS = 24 * 3600_000;

/** Why a row's period cannot be believed, or null: pure, for the spool and the restored state. */
export function periodProblem(row: DpssRow, filePeriodStart: number | null, now: number): string | null {
  if (filePeriodStart !== null && row.periodStart !== filePeriodStart) return `period_start ${new Date(row.periodStart).toISOString()} is not the file's period ${new Date(filePeriodStart).toISOString()}`;
  if (row.periodStart > now + MAX_PERIOD_AHEAD_MS) return `period_start ${new Date(row.periodStart).toISOString()} is more than a day ahead of this clock`;
  return null;
}

export class DpssLatest {
  private readonly held = new Map<string, DpssRow>();

  constructor(private readonly metrics: UssdMetrics) {}

  /** Applies a row read from the file of the period starting at filePeriodStart. */
  apply(row: DpssRow, filePeriodStart: number, now: number): DpssRowResult {
    const result = periodProblem(row, filePeriodStart, now) === null ? this.hold(row) : 'wrong_period';
    this.metrics.dpssRow(result).inc();
    return result;
  }

  badRows(n: number): void {
    this.metrics.dpssRow('bad').inc(n);
  }

  /** The rows currently held, to persist them: after a restart the gauges come back at once. */
  snapshot(): DpssRow[] {
    return [...this.held.values()];
  }

  /** Forgets the rows of codes a reload removed from the catalogue. */
  retainCodes(codes: ReadonlySet<string>): void {
    for (const code of this.held.keys()) if (!codes.has(code)) this.held.delete(code);
  }

  /** Restores persisted rows without counting them as read again; returns the rows refused (saved by an older version). */
  restore(rows: readonly DpssRow[], now: number): DpssRow[] {
    const refused = rows.filter((row) => periodProblem(row, null, now) !== null);
    for (const row of rows) if (!refused.includes(row)) this.hold(row);
    return refused;
  }

  private hold(row: DpssRow): DpssRowResult {
    if (!this.metrics.isCatalogued(row.shortCode)) return 'unknown_code';
    const prev = this.held.get(row.shortCode);
    if (prev && prev.periodStart >= row.periodStart) return 'stale';
    this.held.set(row.shortCode, row);
    const s = this.metrics.dpssFor(row.shortCode);
    s.avg.set(row.rtAvgMs / 1000);
    s.p95.set(row.rtP95Ms / 1000);
    s.max.set(row.rtMaxMs / 1000);
    s.attempts.set(row.attempts);
    s.failures.set(row.failures);
    s.periodEnd.set((row.periodStart + row.periodS * 1000) / 1000);
    return 'ok';
  }
}
