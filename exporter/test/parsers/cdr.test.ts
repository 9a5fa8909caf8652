import { describe, expect, it } from 'vitest';
import { createLineParser } from '../../src/parsers/index.js';
import { dialog } from '../core/fixtures.js';

const cdr = createLineParser({ format: 'ussd-cdr', utcOffsetMinutes: 60 });
const SPEC_LINE = '2026-11-21T13:45:02.123+01:00|gw01|7f3a9c2e|213770123456|*710#|PULL|1|SUCCESS||1|842|6120';

describe('ussd-cdr', () => {
  it('reads the log-formats.md example', () => {
    expect(cdr.parse(SPEC_LINE)).toEqual(dialog());
  });

  it('second example, with its menu, map_error and app_ms empty (spec example has one | too many: see report)', () => {
    const d = cdr.parse('2026-11-21 13:45:03.981|gw02|7f3a9c31|213791234567|*719#|PULL||NO_ROUTING_RULE||0||410');
    expect(d).toMatchObject({ ts: Date.UTC(2026, 10, 21, 12, 45, 3, 981), menu: '', mapError: null, steps: 0, appMs: null, dialogMs: 410 });
    expect(cdr.parse('2026-11-21 13:45:03.981|gw02|7f3a9c31|213791234567|*719#|PULL||NO_ROUTING_RULE|||0||410')).toBe('field_count');
  });

  it('CRLF and surrounding spaces', () => {
    const d = cdr.parse(' 2026-11-21T13:45:02.123+01:00 | gw01 |7f3a9c2e| 213770123456 | *710# |PULL| 1 | SUCCESS | 34 |1| 842 |6120 \r');
    expect(d).toMatchObject({ node: 'gw01', ussd: '*710#', menu: '1', status: 'SUCCESS', mapError: 34, appMs: 842, dialogMs: 6120 });
    expect(cdr.parse(SPEC_LINE + '\r')).toEqual(cdr.parse(SPEC_LINE));
  });

  it.each([
    ['', 'empty'],
    ['   \t ', 'empty'],
    ['\r', 'empty'],
    ['a|b', 'field_count'],
    [SPEC_LINE + '|', 'field_count'],
    [SPEC_LINE.replace('|6120', ''), 'field_count'],
    [SPEC_LINE.replace('gw01', 'g\u0000w'), 'binary'],
    [SPEC_LINE.replace('gw01', 'g\u001bw'), 'binary'],
    [SPEC_LINE.replace('gw01', 'g\ufffdw'), 'binary'],
    [SPEC_LINE.replace('gw01', 'g\rw'), 'binary'],
    // Binary in the timestamp field wins over what else is wrong with the line.
    [SPEC_LINE.replace('13:45', '13\u0000:45'), 'binary'],
    [SPEC_LINE.replace('+01:00', '+01:00\u0007'), 'binary'],
    [SPEC_LINE.replace('13:45', '13\u0000:45').replace('|6120', ''), 'binary'],
    [SPEC_LINE.replace('13:45', '13\u0000:45').replace('*710#', ''), 'binary'],
    [SPEC_LINE.replace('13:45', '13\u0000:45').replace('842', 'x'), 'binary'],
    ['no separator \u0000 at all', 'binary'],
    ['\ufffd|', 'binary'],
    [SPEC_LINE.replace('2026-11-21T13', '2026-13-21T13'), 'bad_timestamp'],
    [SPEC_LINE.replace('842', '8x2'), 'bad_number'],
    [SPEC_LINE.replace('|1|842', '|-1|842'), 'bad_number'],
    [SPEC_LINE.replace('842', '1e3'), 'bad_number'],
    [SPEC_LINE.replace('842', '1.5e3'), 'bad_number'], // exponents are not how a gateway writes ms
    [SPEC_LINE.replace('842', '.5'), 'bad_number'],
    [SPEC_LINE.replace('842', '9'.repeat(400)), 'bad_number'], // Infinity, not a duration
    [SPEC_LINE.replace('842', '9007199254740993'), 'bad_number'], // over 2^53: not exact
    [SPEC_LINE.replace('|PULL|', '|PU|LL|'), 'field_count'], // a | inside a field
    ['﻿', 'empty'],
    [SPEC_LINE.replace('SUCCESS||', '||'), 'missing_field'],
    [SPEC_LINE.replace('*710#', ' '), 'missing_field'],
    [SPEC_LINE.replace('2026-11-21T13:45:02.123+01:00', '  '), 'missing_field'], // as an absent ts in ussd-json
    [SPEC_LINE + 'x'.repeat(70_000), 'too_long'],
    [SPEC_LINE.replace('gw01', 'x'.repeat(65_536 - SPEC_LINE.length + 5)), 'too_long'], // 65,537 bytes
    [SPEC_LINE.replace('gw01', 'é'.repeat(33_000)), 'too_long'], // 66,000 bytes in 33,000 characters
  ])('%#: malformed %s', (line, reason) => {
    expect(cdr.parse(line)).toBe(reason);
  });

  it('exactly 64 KiB is not over 64 KiB, with or without a CRLF ending', () => {
    const max = SPEC_LINE.replace('gw01', 'x'.repeat(65_536 - SPEC_LINE.length + 4));
    expect(Buffer.byteLength(max)).toBe(65_536);
    expect(cdr.parse(max)).toMatchObject({ ussd: '*710#' });
    expect(cdr.parse(`${max}\r`)).toMatchObject({ ussd: '*710#' });
  });

  it('a byte order mark at the start of a line (first line of a Windows file) is not part of the timestamp', () => {
    expect(cdr.parse(`\uFEFF${SPEC_LINE}`)).toEqual(cdr.parse(SPEC_LINE));
    expect(cdr.parse(`\uFEFF ${SPEC_LINE}\r`)).toEqual(cdr.parse(SPEC_LINE));
  });

  it('a tab inside a field is not binary; fractions are allowed in numbers', () => {
    expect(cdr.parse(SPEC_LINE.replace('|1|SUCCESS', '|1\t2|SUCCESS'))).toMatchObject({ menu: '1\t2' });
    expect(cdr.parse(SPEC_LINE.replace('842', '842.5'))).toMatchObject({ appMs: 842.5 });
  });
});

describe('auto', () => {
  const auto = createLineParser({ format: 'auto', utcOffsetMinutes: 60 });
  it('a line starting with { (after spaces) is JSON, others are CDR', () => {
    expect(auto.parse(SPEC_LINE)).toMatchObject({ ussd: '*710#' });
    expect(auto.parse('  {"ts":"2026-11-21T13:45:04+01:00","ussd":"*720#","status":"SUCCESS"}')).toMatchObject({ ussd: '*720#' });
    expect(auto.parse('\uFEFF {"ts":"2026-11-21T13:45:04+01:00","ussd":"*720#","status":"SUCCESS"}')).toMatchObject({ ussd: '*720#' });
    expect(auto.parse('{broken')).toBe('bad_json');
    expect(auto.parse('')).toBe('empty');
  });
});
