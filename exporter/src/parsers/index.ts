// The line parsers, chosen per source by configuration (log-formats.md).
import type { LineFormat } from '../config/types.js';
import type { LineParser } from '../core/types.js';
import { createCdrParser } from './cdr.js';
import { createJsonParser } from './json.js';
import { contentStart, isSpace } from './line.js';
import { createRegexParser } from './regex.js';

export interface LineParserOptions {
  format: LineFormat;
  /** format regex: the vendor pattern (named groups after the twelve fields). */
  regex?: string;
  /** format regex: how `ts` is written; `iso` (default), `epoch_s`, `epoch_ms` or a pattern like `dd/MM/yyyy HH:mm:ss`. */
  timeFormat?: string;
  /** Minutes east of UTC for timestamps written without an offset. */
  utcOffsetMinutes: number;
}

/** Throws an Error for a regex source whose pattern or time format is unusable (config validates first). */
export function createLineParser(opts: LineParserOptions): LineParser {
  const offset = opts.utcOffsetMinutes;
  switch (opts.format) {
    case 'ussd-cdr':
      return createCdrParser(offset);
    case 'ussd-json':
      return createJsonParser(offset);
    case 'regex':
      if (opts.regex === undefined) throw new Error('format regex needs a regex');
      return createRegexParser(opts.regex, opts.timeFormat ?? 'iso', offset);
    case 'auto': {
      const cdr = createCdrParser(offset);
      const json = createJsonParser(offset);
      return {
        parse(line) {
          let i = contentStart(line);
          while (isSpace(line.charCodeAt(i))) i++;
          return line.charCodeAt(i) === 123 ? json.parse(line) : cdr.parse(line);
        },
      };
    }
  }
}
