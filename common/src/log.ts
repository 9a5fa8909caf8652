// Structured logging for the long-running services: one JSON object per line on stderr,
// so journald, docker and Loki can parse it without a grok pattern.
import { maskMsisdns } from './mask.js';

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
 * A text the service itself checked holds no personal data, though it has long digit runs
 * (a DPSS file name: dpss_kpi_ and a date): maskingLogger writes it as is.
 */
export class NotPersonal {
  constructor(readonly text: string) {}

  toJSON(): string {
    return this.text;
  }
}

/**
 * Masks every subscriber number in the message and in string fields, however nested (a
 * file name, a rejected cell, a line excerpt): log lines leave the machine (journald, Loki).
 * Numeric fields are counts and offsets, never a subscriber number, and are kept.
 */
export function maskingLogger(inner: Logger): Logger {
  return {
    log(level, msg, fields) {
      inner.log(level, maskMsisdns(msg), fields === undefined ? undefined : (maskStrings(fields) as Fields));
    },
  };
}

function maskStrings(v: unknown): unknown {
  if (typeof v === 'string') return maskMsisdns(v);
  if (v instanceof NotPersonal) return v.text;
  if (Array.isArray(v)) return v.map(maskStrings);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, maskStrings(x)]));
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
