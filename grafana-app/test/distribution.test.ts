import { describe, expect, it } from 'vitest';
import { bucketLabel, distribution, noAnswerShare, slowShare } from '../src/data/distribution.js';

describe('response-time distribution', () => {
  const cumulative = new Map([
    ['+Inf', 100],
    ['0.5', 50],
    ['1', 70],
    ['2', 90],
    ['3', 95],
  ]);

  it('turns cumulative buckets into per-bucket counts and marks those above the threshold', () => {
    const d = distribution(cumulative, 2);
    expect(d.map((b) => [b.from, b.to, b.count, b.slow])).toEqual([
      [0, 0.5, 50, false],
      [0.5, 1, 20, false],
      [1, 2, 20, false],
      [2, 3, 5, true],
      [3, Infinity, 5, true],
      [Infinity, Infinity, 0, true],
    ]);
    expect(slowShare(d)).toBeCloseTo(0.1);
    expect(noAnswerShare(d)).toBe(0);
    expect(bucketLabel(d[0])).toBe('0 ms – 500 ms');
    expect(bucketLabel(d[4])).toBe('> 3 s');
  });

  it('never shows a negative count after a counter reset', () => {
    const d = distribution(new Map([['1', 10], ['2', 8], ['+Inf', 12]]), undefined);
    expect(d.map((b) => b.count)).toEqual([10, 0, 2, 0]);
    expect(d.filter((b) => !b.noAnswer).every((b) => !b.slow)).toBe(true);
  });

  it('shows the dialogs that got no answer as their own bar, slow, so an outage is not a fast code', () => {
    const d = distribution(new Map([['0.5', 2], ['+Inf', 2]]), 2, 98);
    const last = d[d.length - 1];
    expect([bucketLabel(last), last.count, last.slow]).toEqual(['no answer (app_timeout)', 98, true]);
    expect(noAnswerShare(d)).toBeCloseTo(0.98);
    expect(slowShare(d)).toBeCloseTo(0.98);
    expect(distribution(new Map(), 2, 5)).toEqual([]);
  });
});
