// regex: a vendor's own line layout, described by one ECMAScript pattern whose named groups
// are called after the twelve fields. The pattern is the operator's; it runs once per line.
import type { LineParser, ParseResult } from '../core/types.js';
import { dialogFromValues, FIELD_NAMES, REQUIRED_FIELDS } from './fields.js';
import { contentEnd, contentStart, screenLine } from './line.js';
import { compileTimeFormat } from './timestamp.js';

/**
 * Compiles and checks a vendor pattern. Throws an Error whose message says what to fix:
 * invalid pattern, a required group (ts, ussd, status) missing, or a group with another name.
 */
export function compileVendorRegex(pattern: string): RegExp {
  let re: RegExp;
  try {
    re = new RegExp(pattern);
  } catch (err) {
    throw new Error(`not a valid regular expression (${(err as Error).message}); check the escaping (in YAML prefer single quotes)`);
  }
  const groups = new Set([...pattern.matchAll(/\(\?<([A-Za-z_$][\w$]*)>/g)].map((m) => m[1]));
  const missing = REQUIRED_FIELDS.filter((f) => !groups.has(f));
  if (missing.length > 0) throw new Error(`the pattern lacks the named group(s) ${missing.map((f) => `(?<${f}>...)`).join(', ')}; ts, ussd and status are required`);
  const unknown = [...groups].filter((g) => !(FIELD_NAMES as readonly string[]).includes(g));
  if (unknown.length > 0) throw new Error(`unknown group name(s) ${unknown.join(', ')}; name groups after the fields: ${FIELD_NAMES.join(', ')}`);
  return re;
}

export function createRegexParser(pattern: string, timeFormat: string, utcOffsetMinutes: number): LineParser {
  const re = compileVendorRegex(pattern);
  const parseTime = compileTimeFormat(timeFormat);
  return {
    parse(line: string): ParseResult {
      const start = contentStart(line);
      const end = contentEnd(line);
      const bad = screenLine(line, start, end);
      if (bad !== null) return bad;
      const m = re.exec(start === 0 && end === line.length ? line : line.slice(start, end));
      if (m === null) return 'no_match';
      return dialogFromValues(m.groups ?? {}, parseTime, utcOffsetMinutes);
    },
  };
}
