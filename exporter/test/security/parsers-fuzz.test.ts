// Property-based fuzzing of every line parser: whatever a gateway, a broken disk or an
// attacker writes, parsing never throws and always yields a dialog or a malformed reason;
// a line over 64 KiB is too_long. The DPSS CSV parser never throws either and only ever
// yields rows with finite numbers.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MALFORMED_REASONS, type ParseResult } from '../../src/core/types.js';
import { createLineParser } from '../../src/parsers/index.js';
import { DPSS_COLUMNS, parseDpssCsv } from '../../src/parsers/dpss-parser.js';
import { FIELD_NAMES } from '../../src/parsers/fields.js';
import { MAX_LINE_BYTES } from '../../src/parsers/line.js';

const VENDOR = String.raw`^(?<ts>\S+ \S+) (?<node>\w+) (?<msisdn>\d+) (?<ussd>[*#\d]+) (?<status>\w+) (?<app_ms>\d*)$`;
const PARSERS = {
  'ussd-cdr': createLineParser({ format: 'ussd-cdr', utcOffsetMinutes: 60 }),
  'ussd-json': createLineParser({ format: 'ussd-json', utcOffsetMinutes: 60 }),
  auto: createLineParser({ format: 'auto', utcOffsetMinutes: 60 }),
  regex: createLineParser({ format: 'regex', regex: VENDOR, timeFormat: 'dd/MM/yyyy HH:mm:ss', utcOffsetMinutes: 60 }),
};
const REASONS: readonly string[] = MALFORMED_REASONS;

function expectDialogOrReason(r: ParseResult): void {
  if (typeof r === 'string') {
    expect(REASONS).toContain(r);
    return;
  }
  expect(Number.isFinite(r.ts)).toBe(true);
  expect(r.ussd.trim()).not.toBe('');
  expect(r.status.trim()).not.toBe('');
  for (const n of [r.mapError, r.steps, r.appMs, r.dialogMs]) if (n !== null) expect(Number.isFinite(n) && n >= 0).toBe(true);
}

/** Text near what a parser accepts: digits, separators, timestamps, braces, quotes, control bytes. */
const shard = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('2026-11-21T13:45:02.123+01:00', '21/11/2026 13:45:02', '*710#', 'SUCCESS', '|', '{', '}', '"', ':', ',', ' ', '\r', '\t', '\uFEFF', '\u0000', '\uFFFD', '-1', '1e400', '9007199254740993', '2026-02-30T00:00:00Z'),
);
const nearLine = fc.array(shard, { maxLength: 30 }).map((parts) => parts.join(''));
const cdrLine = fc.array(fc.oneof(shard, fc.constant('')), { minLength: 10, maxLength: 14 }).map((f) => f.join('|'));
const jsonLine = fc
  .dictionary(fc.oneof(fc.constantFrom(...FIELD_NAMES), fc.string({ maxLength: 5 })), fc.oneof(fc.jsonValue({ maxDepth: 2 }), shard))
  .map((o) => JSON.stringify(o));
/** Bytes as the tailer decodes them: invalid UTF-8 becomes U+FFFD. */
const decodedBytes = fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('utf8'));
const anyLine = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), decodedBytes, nearLine, cdrLine, jsonLine);

describe('line parsers on arbitrary input', () => {
  for (const [name, parser] of Object.entries(PARSERS)) {
    it(`${name}: never throws, always a dialog or a malformed reason`, () => {
      fc.assert(
        fc.property(anyLine, (line) => expectDialogOrReason(parser.parse(line))),
        { numRuns: 3000 },
      );
    });

    it(`${name}: a line over 64 KiB of UTF-8 is too_long, whatever it holds`, () => {
      fc.assert(
        fc.property(anyLine, fc.constantFrom('a', 'é', '€', '😀', '|', '"'), fc.integer({ min: 1, max: 4096 }), (line, fill, extra) => {
          const padBytes = MAX_LINE_BYTES + extra - Buffer.byteLength(line);
          const long = line + fill.repeat(Math.max(1, Math.ceil(padBytes / Buffer.byteLength(fill))));
          expect(parser.parse(long)).toBe('too_long');
        }),
        { numRuns: 50 },
      );
    });
  }

  it('a line of exactly 64 KiB is not too_long (the limit is over 64 KiB)', () => {
    const frame = (menu: string) => `2026-11-21T13:45:02.123+01:00|gw01|s|213770123456|*710#|PULL|${menu}|SUCCESS||1|400|3000`;
    const line = frame('m'.repeat(MAX_LINE_BYTES - frame('').length));
    expect(Buffer.byteLength(line)).toBe(MAX_LINE_BYTES);
    expect(PARSERS['ussd-cdr'].parse(line)).toMatchObject({ ussd: '*710#', status: 'SUCCESS' });
    expect(PARSERS['ussd-cdr'].parse(line + 'm')).toBe('too_long');
  });
});

describe('DPSS CSV parser on arbitrary input', () => {
  const cell = fc.oneof(shard, fc.integer({ min: -5, max: 100_000 }).map(String), fc.constantFrom('2026-11-21T13:40:00+01:00', '300', '*710#', '"*7,10#"', '""'));
  const csvRow = fc.array(cell, { minLength: 7, maxLength: 11 }).map((c) => c.join(','));
  const header = fc.shuffledSubarray([...DPSS_COLUMNS], { minLength: 7 }).map((h) => h.join(','));
  const csv = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 400 }),
    fc.tuple(header, fc.array(csvRow, { maxLength: 6 }), fc.constantFrom('\n', '\r\n')).map(([h, rows, nl]) => [h, ...rows].join(nl)),
  );

  it('never throws; every row has a code and finite numbers, and something is always reported', () => {
    fc.assert(
      fc.property(csv, (text) => {
        const { rows, errors } = parseDpssCsv(text, 60);
        expect(rows.length + errors.length).toBeGreaterThan(0);
        for (const r of rows) {
          expect(r.shortCode).not.toBe('');
          for (const n of [r.periodStart, r.periodS, r.attempts, r.success, r.failures, r.rtAvgMs, r.rtP95Ms, r.rtMaxMs]) expect(Number.isFinite(n)).toBe(true);
          expect(r.periodS).toBeGreaterThan(0);
        }
        for (const e of errors) expect(e.line).toBeGreaterThan(0);
      }),
      { numRuns: 3000 },
    );
  });
});
