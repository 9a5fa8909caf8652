// ussd-json: one JSON object per line with the twelve field names (log-formats.md section 2).
import type { LineParser, ParseResult } from '../core/types.js';
import { dialogFromValues } from './fields.js';
import { contentEnd, contentStart, screenLine } from './line.js';
import { parseIsoTimestamp } from './timestamp.js';

export function createJsonParser(utcOffsetMinutes: number): LineParser {
  return {
    parse(line: string): ParseResult {
      const start = contentStart(line);
      const bad = screenLine(line, start, contentEnd(line));
      if (bad !== null) return bad;
      let v: unknown;
      try {
        v = JSON.parse(start === 0 ? line : line.slice(start));
      } catch {
        return 'bad_json';
      }
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'bad_json';
      return dialogFromValues(v as Record<string, unknown>, parseIsoTimestamp, utcOffsetMinutes);
    },
  };
}
