// Structured logging for the long-running services: one JSON object per line on stderr,
// so journald, docker and Loki can parse it without a grok pattern.

export type Level = 'debug' | 'info' | 'warn' | 'error';
export type Fields = Record<string, unknown>;

export interface Logger {
  log(level: Level, msg: string, fields?: Fields): void;
}

export function jsonLogger(write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  return {
    log(level, msg, fields) {
      write(JSON.stringify({ ts: new Date().toISOString(), level, msg, ...fields }) + '\n');
    },
  };
}

/**
 * Logs a recurring problem at most once per interval and key (e.g. malformed lines of one
 * source): a garbage file must not flood the log, yet the first occurrence is seen at once
 * and the next message says how many were left out.
 */
export class RateLimitedLog {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly intervalMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  log(key: string, level: Level, msg: string, fields?: Fields): void {
    const t = this.now();
    const seen = this.last.get(key);
    if (seen && t - seen.at < this.intervalMs) {
      seen.suppressed++;
      return;
    }
    const suppressed = seen?.suppressed ?? 0;
    this.last.set(key, { at: t, suppressed: 0 });
    this.logger.log(level, msg, suppressed > 0 ? { ...fields, suppressed_since_last: suppressed } : fields);
  }
}
