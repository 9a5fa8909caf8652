// What DPSS reports for one period: per short code, attempts, successes, failures and
// the application response time (average, 95th percentile, maximum of app_ms). Pure:
// the simulator feeds it the dialogs it generated and writes the CSV it returns.
import { isoLocalSeconds } from './algiers-time.js';

export const DPSS_HEADER = 'period_start,period_s,short_code,attempts,success,failures,rt_avg_ms,rt_p95_ms,rt_max_ms';

// Response times are whole milliseconds: a count per millisecond gives exact percentiles
// in constant memory, whatever the rate. Longer responses count in the last slot.
const RT_SLOTS = 1 << 16;

class CodeStats {
  attempts = 0;
  success = 0;
  timed = 0;
  sumMs = 0;
  maxMs = 0;
  private hist: Uint32Array | null = null;

  add(success: boolean, appMs: number | null): void {
    this.attempts++;
    if (success) this.success++;
    if (appMs === null) return;
    this.timed++;
    this.sumMs += appMs;
    if (appMs > this.maxMs) this.maxMs = appMs;
    (this.hist ??= new Uint32Array(RT_SLOTS))[Math.min(appMs, RT_SLOTS - 1)]++;
  }

  /** Nearest-rank 95th percentile: the smallest value at or above 95% of the responses. */
  p95(): number {
    if (!this.hist) return 0;
    const rank = Math.ceil(this.timed * 0.95);
    let seen = 0;
    for (let ms = 0; ms < RT_SLOTS; ms++) {
      seen += this.hist[ms];
      if (seen >= rank) return ms;
    }
    return this.maxMs;
  }
}

export class DpssPeriod {
  private readonly stats: CodeStats[];

  constructor(readonly startMs: number, readonly periodMs: number, private readonly codes: readonly string[]) {
    this.stats = codes.map(() => new CodeStats());
  }

  get endMs(): number {
    return this.startMs + this.periodMs;
  }

  add(codeIndex: number, success: boolean, appMs: number | null): void {
    this.stats[codeIndex].add(success, appMs);
  }

  /**
   * The file DPSS would write: a row for every catalogue code, zeros where nothing
   * happened, except the codes (indexes) it left out.
   */
  toCsv(omitted: readonly number[] = []): string {
    const start = isoLocalSeconds(this.startMs);
    const periodS = this.periodMs / 1000;
    const rows: string[] = [];
    this.stats.forEach((s, i) => {
      if (omitted.includes(i)) return;
      const avg = s.timed === 0 ? 0 : Math.round(s.sumMs / s.timed);
      rows.push(`${start},${periodS},${this.codes[i]},${s.attempts},${s.success},${s.attempts - s.success},${avg},${s.p95()},${s.maxMs}`);
    });
    return [DPSS_HEADER, ...rows].join('\n') + '\n';
  }
}
