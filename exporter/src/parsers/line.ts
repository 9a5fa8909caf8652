// What every line format shares: screening a raw line for the malformed kinds that do
// not depend on the format, reading a number field, and building the Dialog.
import type { Dialog, MalformedReason } from '../core/types.js';

export const MAX_LINE_BYTES = 64 * 1024;

/**
 * Where the line's content starts: after a UTF-8 byte order mark, which Windows tools put
 * at the start of a file (and `cat` of such files puts at the start of a line).
 */
export function contentStart(line: string): number {
  return line.charCodeAt(0) === 0xfeff ? 1 : 0;
}

/** The line's end without a trailing `\r` (CRLF files). */
export function contentEnd(line: string): number {
  const n = line.length;
  return n > 0 && line.charCodeAt(n - 1) === 13 ? n - 1 : n;
}

/**
 * NUL and other control bytes (tab aside, and the `\r` of a CRLF ending), C1 controls, and
 * U+FFFD left by invalid UTF-8. One character class scanned natively: no backtracking,
 * and several times faster per line than a charCodeAt loop.
 */
// eslint-disable-next-line no-control-regex -- finding control bytes is the purpose
const BINARY = /[\x00-\x08\x0a-\x0c\x0e-\x1f\x7f-\x9f\ufffd]/;

/** The same set as BINARY, for parsers that scan a line character by character anyway. */
export function isBinaryChar(c: number): boolean {
  return c < 32 ? c !== 9 : c >= 0x7f && (c <= 0x9f || c === 0xfffd);
}

export function hasBinaryIn(line: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (isBinaryChar(line.charCodeAt(i))) return true;
  return false;
}

export function hasBinary(line: string, end: number): boolean {
  const cr = line.indexOf('\r');
  return (cr >= 0 && cr < end) || BINARY.test(line);
}

/**
 * Whether the line's content (its `\r` aside) is over 64 KiB of UTF-8; the byte count is
 * taken only when it could be.
 */
export function isTooLong(line: string, end: number): boolean {
  return end * 3 > MAX_LINE_BYTES && Buffer.byteLength(line) - (line.length - end) > MAX_LINE_BYTES;
}

export function isBlank(line: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isSpace(line.charCodeAt(i))) return false;
  return true;
}

/** too_long, binary or empty, or null for a line worth parsing (content in [start, end)). */
export function screenLine(line: string, start: number, end: number): MalformedReason | null {
  if (isTooLong(line, end)) return 'too_long';
  if (hasBinary(line, end)) return 'binary';
  return isBlank(line, start, end) ? 'empty' : null;
}

export function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

/**
 * The number written in s[start, end) (spaces around allowed): null when empty, NaN when
 * not a plain non-negative decimal (digits, optionally `.` and digits) or too large to be
 * exact (over 2^53: no duration or count in a log is, so it is garbage).
 */
export function numberField(s: string, start: number, end: number): number | null {
  while (start < end && isSpace(s.charCodeAt(start))) start++;
  while (end > start && isSpace(s.charCodeAt(end - 1))) end--;
  if (start === end) return null;
  let v = 0;
  let i = start;
  for (; i < end; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    v = v * 10 + c;
  }
  if (i === start) return NaN;
  if (i < end) {
    if (s.charCodeAt(i) !== 46 || i + 1 === end) return NaN;
    for (let k = i + 1; k < end; k++) {
      const c = s.charCodeAt(k) - 48;
      if (c < 0 || c > 9) return NaN;
    }
    // A fraction: rare enough to leave the rounding to Number().
    v = Number(s.slice(start, end));
  }
  return v <= Number.MAX_SAFE_INTEGER ? v : NaN;
}

export function dialog(
  ts: number,
  node: string,
  session: string,
  msisdn: string,
  ussd: string,
  type: string,
  menu: string,
  status: string,
  mapError: number | null,
  steps: number | null,
  appMs: number | null,
  dialogMs: number | null,
): Dialog {
  // One literal shape for every format keeps the Dialog objects monomorphic downstream.
  return { ts, node, session, msisdn, ussd, type, menu, status, mapError, steps, appMs, dialogMs };
}
