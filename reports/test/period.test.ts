// Periods and due times in Africa/Algiers (UTC+01:00 all year): where a day, a week (ISO,
// or from Sunday) and a month start and end, and when each scheduled report is due.
import { describe, expect, it } from 'vitest';
import { dueMs, latestDue, nextDueMs } from '../src/due.js';
import { chartStepSeconds, evaluationMs, isoWeek, lastComplete, parseTime, periodOf, previousPeriod, resolvePeriod, SETTLE_MS } from '../src/period.js';

const iso = (ms: number) => new Date(ms).toISOString();
// Saturday 28 November 2026, 23:30 in Algiers.
const NOW = Date.parse('2026-11-28T22:30:00Z');

describe('periods', () => {
  it('starts a day at local midnight, 23:00 UTC the day before', () => {
    const d = periodOf('day', NOW);
    expect([iso(d.startMs), iso(d.endMs), d.id]).toEqual(['2026-11-27T23:00:00.000Z', '2026-11-28T23:00:00.000Z', '2026-11-28']);
    // 00:30 in Algiers is still 23:30 UTC the day before: the local day has changed.
    expect(periodOf('day', Date.parse('2026-11-28T23:30:00Z')).id).toBe('2026-11-29');
  });

  it('evaluates a period over at its end, one still running a settled moment ago', () => {
    const d = periodOf('day', NOW);
    expect(evaluationMs(d, d.endMs + 1)).toBe(d.endMs);
    expect(evaluationMs(d, d.endMs)).toBe(d.endMs);
    // A scrape in flight now would land between the report's queries.
    expect(evaluationMs(d, NOW)).toBe(NOW - SETTLE_MS);
    expect(SETTLE_MS).toBeGreaterThan(10_000);
  });

  it('runs a week from Monday (ISO) or from the day asked, and a month over its calendar days', () => {
    const w = periodOf('week', NOW);
    expect([iso(w.startMs), iso(w.endMs), w.id]).toEqual(['2026-11-22T23:00:00.000Z', '2026-11-29T23:00:00.000Z', '2026-W48']);
    const sunday = periodOf('week', NOW, 0);
    expect([iso(sunday.startMs), iso(sunday.endMs), sunday.id]).toEqual(['2026-11-21T23:00:00.000Z', '2026-11-28T23:00:00.000Z', 'week-2026-11-22']);
    expect(previousPeriod(sunday).id).toBe('week-2026-11-15');
    expect(previousPeriod(w).id).toBe('2026-W47');
    const m = periodOf('month', Date.parse('2026-12-31T22:59:59Z'));
    expect([iso(m.startMs), iso(m.endMs), m.id]).toEqual(['2026-11-30T23:00:00.000Z', '2026-12-31T23:00:00.000Z', '2026-12']);
    expect(previousPeriod(m).id).toBe('2026-11');
  });

  it('names ISO weeks across year boundaries, with week 53 only in the years that have one', () => {
    const weeks = (text: string) => {
      const p = isoWeek(text);
      return [text, iso(p.startMs), iso(p.endMs), p.id];
    };
    // 1 January 2026 is a Thursday: week 1 starts on Monday 29 December 2025, and 2026 has 53 weeks.
    expect(weeks('2026-W01')).toEqual(['2026-W01', '2025-12-28T23:00:00.000Z', '2026-01-04T23:00:00.000Z', '2026-W01']);
    expect(weeks('2026-W53')).toEqual(['2026-W53', '2026-12-27T23:00:00.000Z', '2027-01-03T23:00:00.000Z', '2026-W53']);
    expect(weeks('2026-W48').slice(1, 3)).toEqual(['2026-11-22T23:00:00.000Z', '2026-11-29T23:00:00.000Z']);
    // 2020 (a leap year starting on Wednesday) has a week 53, reaching into 2021.
    expect(weeks('2020-W53').slice(1, 3)).toEqual(['2020-12-27T23:00:00.000Z', '2021-01-03T23:00:00.000Z']);
    expect(() => isoWeek('2027-W53')).toThrow(/not an ISO week: give it like 2026-W48/);
    expect(() => isoWeek('2026-W00')).toThrow(/not an ISO week/);
    expect(() => isoWeek('2026-48')).toThrow(/not an ISO week/);
    // The days at the edges belong to the week of their Thursday's year.
    expect(periodOf('week', Date.parse('2024-12-30T12:00:00Z')).id).toBe('2025-W01');
    expect(periodOf('week', Date.parse('2021-01-03T12:00:00Z')).id).toBe('2020-W53');
    expect(periodOf('week', Date.parse('2027-01-03T22:59:59Z')).id).toBe('2026-W53');
    expect(periodOf('week', Date.parse('2027-01-03T23:00:00Z')).id).toBe('2027-W01');
    expect(previousPeriod(isoWeek('2027-W01')).id).toBe('2026-W53');
  });

  it('resolves the command line: the last complete period by default, a date, or a range', () => {
    expect(resolvePeriod({}, NOW).id).toBe('2026-11-27');
    expect(resolvePeriod({ period: 'week' }, NOW).id).toBe('2026-W47');
    expect(resolvePeriod({ period: 'week', 'week-start': 'sunday' }, NOW).id).toBe('week-2026-11-15');
    expect(resolvePeriod({ week: '2026-W48' }, NOW).id).toBe('2026-W48');
    expect(resolvePeriod({ period: 'week', date: '2026-W48' }, NOW).id).toBe('2026-W48');
    expect(resolvePeriod({ period: 'week', date: '2026-11-25' }, NOW).id).toBe('2026-W48');
    expect(() => resolvePeriod({ week: '2026-W48', date: '2026-11-25' }, NOW)).toThrow(/without --period and --date/);
    expect(() => resolvePeriod({ period: 'week', 'week-start': 'someday' }, NOW)).toThrow(/expected one of sunday, monday/);
    expect(resolvePeriod({ period: 'month', date: '2026-02' }, NOW).id).toBe('2026-02');
    expect(resolvePeriod({ date: 'today' }, NOW).id).toBe('2026-11-28');
    const r = resolvePeriod({ from: '2026-11-28T07:00', to: '2026-11-28T12:00' }, NOW);
    expect([iso(r.startMs), iso(r.endMs)]).toEqual(['2026-11-28T06:00:00.000Z', '2026-11-28T11:00:00.000Z']);
    expect(previousPeriod(r).endMs).toBe(r.startMs);
    expect(() => resolvePeriod({ period: 'year' }, NOW)).toThrow(/expected day, week or month/);
    expect(() => resolvePeriod({ from: '2026-11-28' }, NOW)).toThrow(/go together/);
    expect(() => parseTime('2026-02-30', '--date')).toThrow(/is not a time/);
    expect(parseTime('2026-11-28T07:00:00Z', '--from')).toBe(Date.parse('2026-11-28T07:00:00Z'));
  });

  it('draws about a hundred points per chart', () => {
    expect(chartStepSeconds(periodOf('day', NOW))).toBe(900);
    expect(chartStepSeconds(periodOf('week', NOW))).toBe(3600);
    expect(chartStepSeconds(periodOf('month', NOW))).toBe(6 * 3600);
  });
});

describe('due times', () => {
  const at7 = 7 * 60;
  it('sends a day at 07:00 the next day, and the day before until then', () => {
    expect(latestDue('day', at7, Date.parse('2026-11-28T06:00:00Z')).id).toBe('2026-11-27');
    expect(latestDue('day', at7, Date.parse('2026-11-28T05:59:59Z')).id).toBe('2026-11-26');
    expect(iso(dueMs(lastComplete('day', NOW), at7))).toBe('2026-11-28T06:00:00.000Z');
    expect(iso(nextDueMs('day', at7, NOW))).toBe('2026-11-29T06:00:00.000Z');
  });

  it('sends a week the day after its last (Sunday for a week from Sunday, Monday for an ISO week) and a month on the 1st', () => {
    // Sunday 29 November 07:00 Algiers: the week of 22-28 November is due.
    expect(latestDue('week', at7, Date.parse('2026-11-29T06:00:00Z'), 0).id).toBe('week-2026-11-22');
    expect(latestDue('week', at7, Date.parse('2026-11-29T05:00:00Z'), 0).id).toBe('week-2026-11-15');
    expect(iso(nextDueMs('week', at7, Date.parse('2026-11-29T06:00:00Z'), 0))).toBe('2026-12-06T06:00:00.000Z');
    // ISO weeks: the one ending on Sunday 29 November is due Monday 30 at 07:00, the last ISO week of 2026 on 4 January 2027.
    expect(latestDue('week', at7, Date.parse('2026-11-30T05:59:59Z')).id).toBe('2026-W47');
    expect(latestDue('week', at7, Date.parse('2026-11-30T06:00:00Z')).id).toBe('2026-W48');
    expect(latestDue('week', at7, Date.parse('2027-01-04T06:00:00Z')).id).toBe('2026-W53');
    expect(latestDue('month', at7, Date.parse('2026-12-01T06:00:00Z')).id).toBe('2026-11');
    expect(iso(nextDueMs('month', at7, Date.parse('2026-12-01T06:00:00Z')))).toBe('2027-01-01T06:00:00.000Z');
  });
});
