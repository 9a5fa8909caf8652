import { describe, expect, it } from 'vitest';
import { compileTimeFormat, parseIsoTimestamp } from '../../src/parsers/timestamp.js';

const iso = (s: string, offset = 60) => parseIsoTimestamp(s, 0, s.length, offset);
const T = Date.UTC(2026, 10, 21, 12, 45, 2);

describe('ISO 8601 timestamps', () => {
  it.each([
    ['2026-11-21T13:45:02+01:00', T],
    ['2026-11-21 13:45:02+01:00', T],
    ['2026-11-21t13:45:02+0100', T],
    ['2026-11-21T13:45:02+01', T],
    ['2026-11-21T12:45:02Z', T],
    ['2026-11-21T13:45:02', T], // no offset: the source's
    ['2026-11-21T13:45:02.1', T + 100],
    ['2026-11-21T13:45:02.123456+01:00', T + 123],
    ['2026-11-21T13:45:02,5', T + 500],
    ['2026-11-21T07:45:02-05:00', T],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
  ])('%s', (s, expected) => {
    expect(iso(s)).toBe(expected);
  });

  it.each([
    '2026-13-21T13:45:02',
    '2026-02-30T13:45:02',
    '2025-02-29T13:45:02',
    '2026-11-21T25:45:02',
    '2026-11-21T13:60:02',
    '2026-11-21T13:45:60',
    '2026-11-21T13:45',
    '2026-11-21X13:45:02',
    '2026-11-21T13:45:02+1',
    '2026-11-21T13:45:02+01:00x',
    '2026-11-21T13:45:02.',
    '21/11/2026 13:45:02',
    'yesterday',
    '',
  ])('%s is bad', (s) => {
    expect(iso(s)).toBeNaN();
  });
});

describe('vendor time formats', () => {
  it('dd/MM/yyyy HH:mm:ss with the source offset or an explicit one', () => {
    const p = compileTimeFormat('dd/MM/yyyy HH:mm:ss');
    const s = '21/11/2026 13:45:02';
    expect(p(s, 0, s.length, 60)).toBe(T);
    const z = '21/11/2026 12:45:02Z';
    expect(p(z, 0, z.length, 60)).toBe(T);
    const bad = '31/11/2026 13:45:02';
    expect(p(bad, 0, bad.length, 60)).toBeNaN();
  });

  it('milliseconds, epoch forms, iso', () => {
    const p = compileTimeFormat('yyyyMMddHHmmssSSS');
    expect(p('20261121134502123', 0, 17, 60)).toBe(T + 123);
    expect(compileTimeFormat('epoch_s')(String(T / 1000), 0, 10, 60)).toBe(T);
    expect(compileTimeFormat('epoch_ms')(String(T + 123), 0, 13, 60)).toBe(T + 123);
    expect(compileTimeFormat('epoch_ms')('soon', 0, 4, 60)).toBeNaN();
    expect(compileTimeFormat('iso')).toBe(parseIsoTimestamp);
  });

  it('a pattern lacking a date or time part is refused with the fix', () => {
    expect(() => compileTimeFormat('HH:mm:ss')).toThrow(/lacks yyyy, MM, dd; use iso, epoch_s, epoch_ms or a pattern like "dd\/MM\/yyyy HH:mm:ss"/);
  });
});
