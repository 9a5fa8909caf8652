// ussd-cdr: twelve `|`-separated fields (log-formats.md section 1), read by scanning.
import type { LineParser, MalformedReason, ParseResult } from '../core/types.js';
import { contentEnd, contentStart, dialog, hasBinaryIn, isBinaryChar, isSpace, isTooLong, numberField, screenLine } from './line.js';
import { parseIsoTimestamp } from './timestamp.js';

const FIELDS = 12;
const PIPE = 124;

export function createCdrParser(utcOffsetMinutes: number): LineParser {
  const cuts = new Int32Array(FIELDS + 1);
  // Bounds of the field last trimmed: kept here so that no object is returned per field.
  let a = 0;
  let b = 0;
  const trim = (line: string, f: number): void => {
    a = cuts[f] + 1;
    b = cuts[f + 1];
    while (a < b && isSpace(line.charCodeAt(a))) a++;
    while (b > a && isSpace(line.charCodeAt(b - 1))) b--;
  };
  const text = (line: string, f: number): string => {
    trim(line, f);
    return line.slice(a, b);
  };
  const num = (line: string, f: number) => numberField(line, cuts[f] + 1, cuts[f + 1]);
  return {
    parse(line: string): ParseResult {
      const start = contentStart(line);
      const end = contentEnd(line);
      if (isTooLong(line, end)) return 'too_long';
      // The first field is found natively and not screened in the scan below: the timestamp
      // parser accepts only digits and punctuation, and every malformed verdict rechecks the
      // field for binary, which takes precedence (as in screenLine).
      const first = line.indexOf('|', start);
      if (first < 0 || first >= end) return screenLine(line, start, end) ?? 'field_count';
      const verdict = (reason: MalformedReason): MalformedReason => (hasBinaryIn(line, start, first) ? 'binary' : reason);
      // One pass finds the other separators and screens the other fields for binary.
      // cuts[f] is the separator before field f (just before the content for the first), cuts[12] the end.
      cuts[0] = start - 1;
      cuts[1] = first;
      let seps = 1;
      for (let i = first + 1; i < end; i++) {
        const c = line.charCodeAt(i);
        if (c === PIPE) {
          if (++seps < FIELDS) cuts[seps] = i;
        } else if (isBinaryChar(c)) {
          return 'binary';
        }
      }
      if (seps !== FIELDS - 1) return verdict('field_count');
      cuts[FIELDS] = end;

      const ussd = text(line, 4);
      const status = text(line, 7);
      trim(line, 0);
      if (a === b || ussd === '' || status === '') return verdict('missing_field');
      const ts = parseIsoTimestamp(line, a, b, utcOffsetMinutes);
      if (Number.isNaN(ts)) return verdict('bad_timestamp');
      const mapError = num(line, 8);
      const steps = num(line, 9);
      const appMs = num(line, 10);
      const dialogMs = num(line, 11);
      if (Number.isNaN(mapError) || Number.isNaN(steps) || Number.isNaN(appMs) || Number.isNaN(dialogMs)) return 'bad_number';
      return dialog(ts, text(line, 1), text(line, 2), text(line, 3), ussd, text(line, 5), text(line, 6), status, mapError, steps, appMs, dialogMs);
    },
  };
}
