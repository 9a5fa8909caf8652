// Applies DPSS KPI rows to the dpss_* gauges: only catalogue codes (bounded labels) and
// only a period newer than the one already held for the code (files may arrive late or
// out of order; the gauges must never go back in time).
import type { DpssRow } from '../core/types.js';
import type { DpssRowResult, UssdMetrics } from './ussd-metrics.js';

export class DpssLatest {
  private readonly held = new Map<string, DpssRow>();

  constructor(private readonly metrics: UssdMetrics) {}

  apply(row: DpssRow): DpssRowResult {
    const result = this.hold(row);
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

  /** Restores persisted rows without counting them as read again. */
  restore(rows: readonly DpssRow[]): void {
    for (const row of rows) this.hold(row);
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
