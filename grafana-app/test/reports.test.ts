import { describe, expect, it } from 'vitest';
import { fileSize, parseArchive } from '../src/data/reports.js';

const file = (name: string, bytes: number, modified: string) => ({ file: name, bytes, modified });

describe('the report archive', () => {
  it('pairs each report\'s PDF and workbook, reads period, scope and language from the names, newest first', () => {
    const a = parseArchive({
      reports: [
        file('ussdwatch-2026-11-27-all-fr.pdf', 210_000, '2026-11-28T06:00:40.000Z'),
        file('ussdwatch-2026-11-27-all-fr.xlsx', 48_000, '2026-11-28T06:00:41.000Z'),
        file('ussdwatch-week-2026-11-22-team-offers-en.pdf', 300_000, '2026-11-29T06:30:00.000Z'),
        file('ussdwatch-2026-11-code-s710h-fr.xlsx', 9_000, '2026-11-01T06:00:00.000Z'),
        file('ussdwatch-20261129T0100-20261129T0115-all-en.pdf', 60_000, '2026-10-01T00:00:00.000Z'),
        file('sent-state.json', 10, '2026-11-29T06:30:00.000Z'),
      ],
      schedule: [],
    });
    expect(a.reports.map((r) => [r.period, r.scope, r.lang, r.pdf?.file, r.xlsx?.file])).toEqual([
      ['week-2026-11-22', 'team offers', 'en', 'ussdwatch-week-2026-11-22-team-offers-en.pdf', undefined],
      ['2026-11-27', 'all', 'fr', 'ussdwatch-2026-11-27-all-fr.pdf', 'ussdwatch-2026-11-27-all-fr.xlsx'],
      ['2026-11', 'code *710#', 'fr', undefined, 'ussdwatch-2026-11-code-s710h-fr.xlsx'],
      ['2026-11-29 01:00 – 2026-11-29 01:15', 'all', 'en', 'ussdwatch-20261129T0100-20261129T0115-all-en.pdf', undefined],
    ]);
    expect(a.reports[1].builtAt).toBe(Date.parse('2026-11-28T06:00:41.000Z'));
  });

  it('keeps the scheduled reports that failed, with their error and next attempt', () => {
    const a = parseArchive({
      reports: [],
      schedule: [
        { name: 'daily-noc', period: '2026-11-28', last_error: 'no dialog for the period', retry_at: '2026-11-29T07:10:00.000Z' },
        { name: 'weekly', period: 'week-2026-11-22', last_error: null, retry_at: null },
      ],
    });
    expect(a.problems).toEqual([{ name: 'daily-noc', period: '2026-11-28', error: 'no dialog for the period', retryAt: '2026-11-29T07:10:00.000Z' }]);
  });

  it('refuses an answer that is not the archive', () => {
    expect(() => parseArchive({ entries: [] })).toThrow(/\{reports: \[\.\.\.\]\}/);
    expect(() => parseArchive(null)).toThrow();
  });

  it('writes sizes as people read them', () => {
    expect([fileSize(512), fileSize(48_213), fileSize(2_345_678)]).toEqual(['512 B', '48 kB', '2.3 MB']);
  });
});
