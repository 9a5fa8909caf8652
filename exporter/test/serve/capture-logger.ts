import type { Logger } from '@ussdwatch/common/log.js';

export interface CapturedLog extends Logger {
  lines: Array<{ level: string; msg: string; [k: string]: unknown }>;
}

/** A logger that keeps what it is told, so tests can assert what an operator would read. */
export function captureLogger(): CapturedLog {
  const lines: CapturedLog['lines'] = [];
  return { lines, log: (level, msg, fields) => lines.push({ level, msg, ...fields }) };
}
