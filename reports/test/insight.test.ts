// The funnel from the exporter's counts by the depth a dialog ended at: a dialog that ended
// at depth d passed every depth before it; the anomaly section's shares per code.
import { describe, expect, it } from 'vitest';
import { anomalyRows, funnelRows } from '../src/insight.js';

const s = (labels: Record<string, string>, value: number) => ({ labels, value });

describe('the menu funnel', () => {
  it('counts as reaching a depth every dialog that ended there or deeper, down to the deepest end', () => {
    const rows = funnelRows([
      s({ short_code: '*710#', depth: '0', outcome: 'abandoned' }, 5),
      s({ short_code: '*710#', depth: '0', outcome: 'completed' }, 10),
      s({ short_code: '*710#', depth: '2', outcome: 'completed' }, 20),
      s({ short_code: '*710#', depth: '2', outcome: 'internal_error' }, 4),
      s({ short_code: '*710#', depth: '6+', outcome: 'completed' }, 0),
      s({ short_code: '*710#', depth: '9', outcome: 'completed' }, 100),
      s({ short_code: '*100#', depth: '0', outcome: 'user_error' }, 1),
    ]);
    expect(rows.map((r) => [r.shortCode, r.depth, r.reached, r.completed, r.abandoned, r.internalErrors, r.userErrors])).toEqual([
      ['*100#', '0', 1, 0, 0, 0, 1],
      ['*710#', '0', 39, 10, 5, 0, 0],
      ['*710#', '1', 24, 0, 0, 0, 0],
      ['*710#', '2', 24, 20, 0, 4, 0],
    ]);
  });
});

describe('time outside the seasonal bands', () => {
  it('keeps the codes that had a band, worst first, with the share of the period banded', () => {
    const rows = anomalyRows(
      {
        banded: [s({ short_code: 'a' }, 144), s({ short_code: 'b' }, 288), s({ short_code: 'c' }, 0)],
        outside: [s({ short_code: 'a' }, 0.1), s({ short_code: 'b' }, 0.5)],
        trafficBelow: [s({ short_code: 'b' }, 0.5)],
        trafficAbove: [],
        internalAbove: [],
        userAbove: [],
      },
      288,
    );
    expect(rows.map((r) => [r.shortCode, r.bandShare, r.outside, r.trafficBelow])).toEqual([
      ['b', 1, 0.5, 0.5],
      ['a', 0.5, 0.1, null],
    ]);
  });
});
