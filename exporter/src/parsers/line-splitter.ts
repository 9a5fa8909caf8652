// Splits a stream of text chunks into lines with bounded memory: a line longer than the
// limit is not accumulated but dropped and reported as null (the caller counts it as
// too_long), so a multi-gigabyte file without newlines cannot exhaust memory.
import { MAX_LINE_BYTES } from './line.js';

/** Receives each line without its `\n` (a `\r` may remain), or null for a dropped over-long line. */
export type OnLine = (line: string | null) => void;

export class LineSplitter {
  private carry = '';
  private dropping = false;

  /**
   * A line held longer than this many UTF-16 units is certainly over the limit: each is at
   * least one byte of UTF-8, and one more is allowed for the `\r` of a CRLF ending.
   */
  constructor(private readonly maxChars = MAX_LINE_BYTES + 1) {}

  push(chunk: string, onLine: OnLine): void {
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', start)) {
      if (this.dropping) {
        this.dropping = false;
        onLine(null);
      } else if (this.carry !== '') {
        const line = this.carry + chunk.slice(start, nl);
        this.carry = '';
        onLine(line);
      } else {
        onLine(chunk.slice(start, nl));
      }
      start = nl + 1;
    }
    if (this.dropping || start === chunk.length) return;
    this.carry += chunk.slice(start);
    if (this.carry.length > this.maxChars) {
      this.carry = '';
      this.dropping = true;
    }
  }

  /** The input ended: an unterminated last line is still a line. */
  end(onLine: OnLine): void {
    if (this.dropping) onLine(null);
    else if (this.carry !== '') onLine(this.carry);
    this.carry = '';
    this.dropping = false;
  }
}
