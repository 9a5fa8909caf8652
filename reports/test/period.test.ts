// Periods and due times in Africa/Algiers (UTC+01:00 all year): where a day, a week
// (Sunday to Saturday) and a month start and end, and when each scheduled report is due.
import { describe, expect, it } from 'vitest';
import { dueMs, latestDue, nextDueMs } from '../src/due.js';
import { chartStepSeconds, lastComplete, parseTime, periodOf, previousPeriod, resolvePeriod } from '../src/period.js';

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

  it('runs a week from Sunday to Saturday and a month over its calendar days', () => {
    const w = periodOf('week', NOW);
    expect([iso(w.startMs), iso(w.endMs), w.id]).toEqual(['2026-11-21T23:00:00.000Z', '2026-11-28T23:00:00.000Z', 'week-2026-11-22']);
    const m = periodOf('month', Date.parse('2026-12-31T22:59:59Z'));
    expect([iso(m.startMs), iso(m.endMs), m.id]).toEqual(['2026-11-30T23:00:00.000Z', '2026-12-31T23:00:00.000Z', '2026-12']);
    expect(previousPeriod(m).id).toBe('2026-11');
  });

  it('resolves the command line: the last complete period by default, a date, or a range', () => {
    expect(resolvePeriod({}, NOW).id).toBe('2026-11-27');
    expect(resolvePeriod({ period: 'week' }, NOW).id).toBe('week-2026-11-15');
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

  it('sends a week on Sunday and a month on the 1st', () => {
    // Sunday 29 November 07:00 Algiers: the week of 22-28 November is due.
    expect(latestDue('week', at7, Date.parse('2026-11-29T06:00:00Z')).id).toBe('week-2026-11-22');
    expect(latestDue('week', at7, Date.parse('2026-11-29T05:00:00Z')).id).toBe('week-2026-11-15');
    expect(latestDue('month', at7, Date.parse('2026-12-01T06:00:00Z')).id).toBe('2026-11');
    expect(iso(nextDueMs('month', at7, Date.parse('2026-12-01T06:00:00Z')))).toBe('2027-01-01T06:00:00.000Z');
  });
});
