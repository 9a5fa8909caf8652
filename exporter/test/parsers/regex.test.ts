import { describe, expect, it } from 'vitest';
import { createLineParser } from '../../src/parsers/index.js';
import { compileVendorRegex } from '../../src/parsers/regex.js';

const PATTERN = String.raw`^(?<ts>\S+ \S+) (?<node>\w+) (?<msisdn>\d+) (?<ussd>[*#\d]+) (?<status>\w+) (?<app_ms>\d*)$`;

describe('regex format', () => {
  const parser = createLineParser({ format: 'regex', regex: PATTERN, timeFormat: 'dd/MM/yyyy HH:mm:ss', utcOffsetMinutes: 60 });

  it('maps named groups to the fields', () => {
    expect(parser.parse('21/11/2026 13:45:02 gw07 213770123456 *710# OK 950\r')).toEqual({
      ts: Date.UTC(2026, 10, 21, 12, 45, 2),
      node: 'gw07',
      session: '',
      msisdn: '213770123456',
      ussd: '*710#',
      type: '',
      menu: '',
      status: 'OK',
      mapError: null,
      steps: null,
      appMs: 950,
      dialogMs: null,
    });
  });

  it('a byte order mark is not matched against the pattern', () => {
    expect(parser.parse('\uFEFF21/11/2026 13:45:02 gw07 213770123456 *710# OK 950')).toMatchObject({ node: 'gw07', appMs: 950 });
  });

  it.each([
    ['garbage', 'no_match'],
    ['32/11/2026 13:45:02 gw07 213770123456 *710# OK 950', 'bad_timestamp'],
    ['', 'empty'],
    ['\u0000', 'binary'],
  ])('%j -> %s', (line, reason) => {
    expect(parser.parse(line)).toBe(reason);
  });

  it('a required group that did not take part is missing_field', () => {
    const p = createLineParser({ format: 'regex', regex: String.raw`^(?<ts>\S+) (?<ussd>\S+)(?: (?<status>\S+))?$`, utcOffsetMinutes: 60 });
    expect(p.parse('2026-11-21T13:45:02 *710#')).toBe('missing_field');
    expect(p.parse('2026-11-21T13:45:02 *710# SUCCESS')).toMatchObject({ ussd: '*710#', status: 'SUCCESS' });
  });

  it('refuses unusable patterns with the fix', () => {
    expect(() => compileVendorRegex('(?<ts>x) (?<ussd>y)')).toThrow(/lacks the named group\(s\) \(\?<status>\.\.\.\); ts, ussd and status are required/);
    expect(() => compileVendorRegex('(?<ts>x)(?<ussd>y)(?<status>z)(?<stauts>w)')).toThrow(/unknown group name\(s\) stauts; name groups after the fields/);
    expect(() => compileVendorRegex('(?<ts>x')).toThrow(/not a valid regular expression/);
  });
});
