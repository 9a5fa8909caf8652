// regex: a vendor's own line layout, described by one ECMAScript pattern whose named groups
// are called after the twelve fields. The pattern is the operator's; it runs once per line.
// V8's engine backtracks: a pattern with nested or overlapping quantifiers, such as
// ^(a+)+$, takes time exponential (or polynomial) in the line's length and would block every
// source, /metrics and /healthz. Such a pattern is refused at start-up, proven by recheck's
// static analysis, rather than run through a slower linear engine on every line.
import { checkSync } from 'recheck';
import type { LineParser, ParseResult } from '../core/types.js';
import { dialogFromValues, FIELD_NAMES, REQUIRED_FIELDS } from './fields.js';
import { contentEnd, contentStart, screenLine } from './line.js';
import { compileTimeFormat } from './timestamp.js';

/** Analysing a pattern takes up to a second; config validation and the parser both ask. */
const provenLinear = new Set<string>();
/**
 * The limit is wall-clock time: on a saturated machine a safe pattern's analysis can pass
 * the first, so a timeout is retried once with the second before the pattern is refused.
 */
const ANALYSIS_TIMEOUTS_MS = [10_000, 60_000];

/**
 * Compiles and checks a vendor pattern. Throws an Error whose message says what to fix:
 * invalid pattern, a required group (ts, ussd, status) missing, a group with another name,
 * or a pattern whose matching time can grow faster than the line.
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
  refuseBacktracking(pattern);
  return re;
}

function refuseBacktracking(pattern: string): void {
  if (provenLinear.has(pattern)) return;
  // recheck's default backend starts its native binary as a child process that then lives
  // as long as the exporter (27 MB); its pure-JS backend analyses here, once per pattern.
  process.env.RECHECK_SYNC_BACKEND ??= 'pure';
  let d = checkSync(pattern, '', { timeout: ANALYSIS_TIMEOUTS_MS[0] });
  if (d.status === 'unknown' && d.error.kind === 'timeout') d = checkSync(pattern, '', { timeout: ANALYSIS_TIMEOUTS_MS[1] });
  if (d.status === 'vulnerable') {
    const growth = d.complexity.type === 'exponential' ? 'exponentially' : `as the line's length to the power ${d.complexity.degree}`;
    const spots = d.hotspot.filter((h) => h.temperature === 'heat').map((h) => `${JSON.stringify(pattern.slice(h.start, h.end))} (character ${h.start + 1})`);
    throw new Error(
      `the pattern can backtrack catastrophically: its matching time grows ${growth} on a line like ${d.attack.pattern}, blocking every source; ` +
        `the parts ${spots.join(', ')} can match the same text in several ways: make them exclusive (a field as \\S+ or [^ ]* rather than .*, no quantified group that itself ends in a quantifier)`,
    );
  }
  if (d.status === 'unknown') {
    throw new Error(
      `the pattern could not be proven to match in linear time (${d.error.kind}); simplify it (no back-references or look-arounds, fields as \\S+ or [^ ]*)`,
    );
  }
  provenLinear.add(pattern);
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
