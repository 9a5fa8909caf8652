// Timestamps are read by position, digit by digit: no Date.parse (too lenient: it accepts
// 2026-02-30) and no regex per line. Every function returns NaN for a bad timestamp.

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A parser for the text s[start, end): epoch ms, or NaN. */
export type TimeParser = (s: string, start: number, end: number, defaultOffsetMinutes: number) => number;

/** Value of the digits s[i, i+n), or -1 when any is not a digit. */
function digits(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = i; k < i + n; k++) {
    const c = s.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * Value of the two digits at s[i] and s[i + 1], or -1: the fixed-width parts of an ISO
 * timestamp, without the loop of digits() (a measurable share of the per-line time).
 */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

// Consecutive log lines nearly always share their date: the last valid day is remembered
// so that the calendar check and Date.UTC run once per day, not once per line.
let lastDay = -1;
let lastDayMs = 0;

/** Epoch ms of a local date-time, or NaN when any part is out of range. */
export function epochMs(y: number, mo: number, d: number, h: number, mi: number, sec: number, ms: number, offsetMinutes: number): number {
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59 || ms < 0) return NaN;
  const day = y * 10_000 + mo * 100 + d;
  if (day !== lastDay) {
    if (y < 1970 || mo < 1 || mo > 12 || d < 1) return NaN;
    const leap = mo === 2 && ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0);
    if (d > DAYS_IN_MONTH[mo - 1] + (leap ? 1 : 0)) return NaN;
    lastDay = day;
    lastDayMs = Date.UTC(y, mo - 1, d);
  }
  return lastDayMs + ((h * 60 + mi - offsetMinutes) * 60 + sec) * 1000 + ms;
}

/** Milliseconds of a fraction of a second written in s[i, end) (any number of digits), or -1. */
function fractionMs(s: string, i: number, end: number): number {
  if (i >= end) return -1;
  let ms = 0;
  for (let k = i; k < end; k++) {
    const c = s.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return -1;
    if (k - i < 3) ms = ms * 10 + c;
  }
  for (let k = end - i; k < 3; k++) ms *= 10;
  return ms;
}

/**
 * ISO 8601 as log-formats.md allows it: `YYYY-MM-DD`, `T` or a space, `HH:MM:SS`, an
 * optional fraction of any length, an optional `Z`, `±HH:MM`, `±HHMM` or `±HH`
 * (without one: the source's offset).
 */
export const parseIsoTimestamp: TimeParser = (s, start, end, defaultOffsetMinutes) => {
  if (end - start < 19) return NaN;
  const sep = s.charCodeAt(start + 10);
  if (s.charCodeAt(start + 4) !== 45 || s.charCodeAt(start + 7) !== 45 || (sep !== 84 && sep !== 32 && sep !== 116)) return NaN;
  if (s.charCodeAt(start + 13) !== 58 || s.charCodeAt(start + 16) !== 58) return NaN;
  const century = twoDigits(s, start);
  const year = twoDigits(s, start + 2);
  const mo = twoDigits(s, start + 5);
  const d = twoDigits(s, start + 8);
  const h = twoDigits(s, start + 11);
  const mi = twoDigits(s, start + 14);
  const sec = twoDigits(s, start + 17);
  if ((century | year | mo | d | h | mi | sec) < 0) return NaN;
  const y = century * 100 + year;
  let i = start + 19;
  let ms = 0;
  if (i < end && (s.charCodeAt(i) === 46 || s.charCodeAt(i) === 44)) {
    let j = i + 1;
    while (j < end && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) j++;
    ms = fractionMs(s, i + 1, j);
    if (ms < 0) return NaN;
    i = j;
  }
  const offset = i === end ? defaultOffsetMinutes : parseOffset(s, i, end);
  return Number.isNaN(offset) ? NaN : epochMs(y, mo, d, h, mi, sec, ms, offset);
};

/** `Z`, `±HH:MM`, `±HHMM` or `±HH` filling s[i, end): minutes east of UTC, or NaN. */
function parseOffset(s: string, i: number, end: number): number {
  const c = s.charCodeAt(i);
  if ((c === 90 || c === 122) && end - i === 1) return 0;
  if (c !== 43 && c !== 45) return NaN;
  const n = end - i - 1;
  const h = digits(s, i + 1, 2);
  let m = 0;
  if (n === 5 && s.charCodeAt(i + 3) === 58) m = digits(s, i + 4, 2);
  else if (n === 4) m = digits(s, i + 3, 2);
  else if (n !== 2) return NaN;
  if (h < 0 || m < 0 || h > 14 || m > 59) return NaN;
  return (c === 45 ? -1 : 1) * (h * 60 + m);
}

const TOKENS = ['yyyy', 'MM', 'dd', 'HH', 'mm', 'ss', 'SSS'] as const;
type Token = (typeof TOKENS)[number];

/**
 * A vendor's time format. `iso` (the default), `epoch_s`, `epoch_ms`, or a pattern of
 * yyyy MM dd HH mm ss SSS (milliseconds) and literal characters, e.g. `dd/MM/yyyy HH:mm:ss`.
 * A pattern may be followed by an offset in the text (`Z`, `+01:00`) or not (source offset).
 * Throws an Error describing the problem for a pattern without yyyy MM dd HH mm.
 */
export function compileTimeFormat(format: string): TimeParser {
  if (format === 'iso') return parseIsoTimestamp;
  if (format === 'epoch_s' || format === 'epoch_ms') {
    const scale = format === 'epoch_s' ? 1000 : 1;
    return (s, start, end) => {
      const v = Number(s.slice(start, end));
      return end > start && Number.isFinite(v) && v >= 0 ? Math.round(v * scale) : NaN;
    };
  }
  const parts: Array<{ token: Token; at: number } | { literal: number; at: number }> = [];
  let at = 0;
  while (at < format.length) {
    const token = TOKENS.find((t) => format.startsWith(t, at));
    if (token) {
      parts.push({ token, at });
      at += token.length;
    } else {
      parts.push({ literal: format.charCodeAt(at), at });
      at++;
    }
  }
  const missing = TOKENS.filter((t) => t !== 'ss' && t !== 'SSS' && !parts.some((p) => 'token' in p && p.token === t));
  if (missing.length > 0) throw new Error(`time format "${format}" lacks ${missing.join(', ')}; use iso, epoch_s, epoch_ms or a pattern like "dd/MM/yyyy HH:mm:ss"`);
  const length = format.length;
  return (s, start, end, defaultOffsetMinutes) => {
    if (end - start < length) return NaN;
    const v: Record<Token, number> = { yyyy: 0, MM: 0, dd: 0, HH: 0, mm: 0, ss: 0, SSS: 0 };
    for (const p of parts) {
      if ('literal' in p) {
        if (s.charCodeAt(start + p.at) !== p.literal) return NaN;
      } else {
        const n = digits(s, start + p.at, p.token.length);
        if (n < 0) return NaN;
        v[p.token] = n;
      }
    }
    const offset = start + length === end ? defaultOffsetMinutes : parseOffset(s, start + length, end);
    return Number.isNaN(offset) ? NaN : epochMs(v.yyyy, v.MM, v.dd, v.HH, v.mm, v.ss, v.SSS, offset);
  };
}
