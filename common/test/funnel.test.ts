import { describe, expect, it } from 'vitest';
import { funnelRows } from '../src/funnel.js';

describe('menu funnel', () => {
  const rows = funnelRows(
    new Map([
      ['0', new Map([['completed', 50], ['abandoned', 10], ['internal_error', 0]])],
      ['1', new Map([['completed', 20], ['abandoned', 5], ['user_error', 4], ['internal_error', 1]])],
      ['2', new Map([['completed', 8], ['abandoned', 2], ['unclassified', 1]])],
      ['3', new Map([['completed', 0]])],
      ['6+', new Map([['completed', 0]])],
    ]),
  );

  it('counts as reaching a depth every dialog that ended there or deeper', () => {
    expect(rows.map((r) => [r.depth, r.reached])).toEqual([
      ['0', 101],
      ['1', 41],
      ['2', 11],
    ]);
  });

  it('gives what became of the dialogs at each depth, as counts and shares of those that reached it', () => {
    expect(rows[1]).toMatchObject({ completed: 20, abandoned: 5, userErrors: 4, internalErrors: 1, unclassified: 0 });
    expect(rows[1].abandonShare).toBeCloseTo(5 / 41);
    expect(rows[1].failShare).toBeCloseTo(5 / 41);
    expect(rows[2]).toMatchObject({ unclassified: 1, failShare: 0 });
  });

  it('is empty when no dialog ended anywhere, and stops at the deepest depth reached', () => {
    expect(funnelRows(new Map([['0', new Map([['completed', 0]])]]))).toEqual([]);
    expect(funnelRows(new Map([['6+', new Map([['abandoned', 3]])]])).map((r) => [r.depth, r.reached])).toEqual(
      ['0', '1', '2', '3', '4', '5', '6+'].map((d) => [d, 3]),
    );
  });
});
