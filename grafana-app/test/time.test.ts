// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { intervalMs, shifted, timeRangeOf, urlEdges } from '../src/state/time.js';

describe('time range from the URL', () => {
  const now = Date.parse('2026-11-21T13:00:00Z');

  it('evaluates relative ranges against now, defaulting to the last hour', () => {
    const r = timeRangeOf({}, now);
    expect(r.to.valueOf()).toBe(now);
    expect(r.from.valueOf()).toBe(now - 3_600_000);
    expect(timeRangeOf({ from: 'now-6h', to: 'now' }, now).from.valueOf()).toBe(now - 6 * 3_600_000);
  });

  it('reads epoch-ms edges and keeps relative edges relative when written back', () => {
    const r = timeRangeOf({ from: String(now - 60_000), to: String(now) }, now);
    expect(r.from.valueOf()).toBe(now - 60_000);
    expect(urlEdges(timeRangeOf({ from: 'now-1h', to: 'now' }, now))).toEqual({ from: 'now-1h', to: 'now' });
    expect(shifted(r, -1)).toEqual({ from: String(now - 120_000), to: String(now - 60_000) });
  });

  it('ignores garbage in the URL rather than failing', () => {
    expect(timeRangeOf({ from: 'yesterday-ish' }, now).from.valueOf()).toBe(now - 3_600_000);
  });

  it('parses refresh intervals', () => {
    expect(intervalMs('30s')).toBe(30_000);
    expect(intervalMs('1m')).toBe(60_000);
    expect(intervalMs('')).toBeUndefined();
    expect(intervalMs('5x')).toBeUndefined();
  });
});
