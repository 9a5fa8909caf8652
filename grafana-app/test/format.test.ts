// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { age, clock, count, DASH, pct, perSecond, responseTime, secs, stamp } from '../src/components/format.js';

describe('formats', () => {
  it('shows a dash where there is nothing to judge', () => {
    for (const f of [pct, secs, count, perSecond, age, clock]) expect(f(NaN)).toBe(DASH);
    expect(stamp(NaN, Date.now())).toBe(DASH);
  });

  it('keeps small ratios readable', () => {
    expect(pct(0.004)).toBe('0.40%');
    expect(pct(0.5)).toBe('50.0%');
    expect(pct(0)).toBe('0.0%');
  });

  it('uses ms below a second, and a readable unit for ages', () => {
    expect(secs(0.2504)).toBe('250 ms');
    expect(secs(2)).toBe('2.00 s');
    expect(responseTime(2)).toBe('2.00 s');
    expect(responseTime(30)).toBe('≥ 30 s or no answer');
    expect(age(30)).toBe('30 s');
    expect(age(600)).toBe('10 min');
    expect(age(7200)).toBe('2.0 h');
    expect(perSecond(4.961)).toBe('4.96/s');
    expect(count(12345.4)).toBe('12,345');
  });

  it('formats times in the given zone (Algeria: UTC+1)', () => {
    expect(clock(Date.parse('2026-11-21T12:45:02Z'), 'Africa/Algiers')).toBe('2026-11-21 13:45:02');
    expect(clock(Date.parse('2026-11-21T12:45:02Z'), 'utc')).toBe('2026-11-21 12:45:02');
  });

  it('stamps a time with its zone and its age', () => {
    const at = Date.parse('2026-11-21T12:45:02Z');
    expect(stamp(at, at + 4 * 60_000, 'Africa/Algiers')).toBe('2026-11-21 13:45:02 CET, 4 min ago');
    expect(stamp(at, at + 30_000, 'utc')).toBe('2026-11-21 12:45:02 UTC, 30 s ago');
  });
});
