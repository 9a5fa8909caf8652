import { describe, expect, it } from 'vitest';
import { funnelRows } from '../src/data/funnel.js';
import { parseProposals } from '../src/data/proposals.js';
import { INSTANT, queryParams } from '../src/queries/promql.js';

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

  it('queries the exporter funnel metric of the chosen code over the range', () => {
    expect(INSTANT.codeFunnel(queryParams(0, 3600, '*710#', 'ok'))).toBe('sum by (depth, outcome) (increase(ussd_menu_dialogs_total{short_code="*710#"}[3600s]))');
  });
});

describe('status-map proposals', () => {
  it('reads the exporter answer, keeping lines only for proposed statuses', () => {
    const p = parseProposals({
      model: { file: '/m.json', min_confidence: 0.6, propose_after: 20 },
      statuses: [
        { source: 'gw01', status: 'NEW_ONE', dialogs: 30, last_seen: '2026-11-21T12:00:00.000Z', class: 'user', cause: 'abandoned', agreeing: 25, confidence: 0.9, proposed: true, yaml: 'statuses:\n  NEW_ONE: user/abandoned\n' },
        { source: 'gw01', status: 'ODD', dialogs: 3, last_seen: '2026-11-21T12:00:00.000Z', class: null, cause: null, agreeing: 0, confidence: null, proposed: false, yaml: null },
      ],
    });
    expect(p).toMatchObject({ model: true, minConfidence: 0.6, proposeAfter: 20 });
    expect(p.statuses[0]).toMatchObject({ guess: 'user/abandoned', proposed: true, yaml: 'statuses:\n  NEW_ONE: user/abandoned\n', lastSeen: Date.UTC(2026, 10, 21, 12) });
    expect(p.statuses[1]).toMatchObject({ guess: '', proposed: false, yaml: '' });
    expect(parseProposals({ model: null, statuses: [] })).toMatchObject({ model: false, statuses: [] });
  });

  it('refuses an answer without a list of statuses', () => {
    expect(() => parseProposals({ proposals: [] })).toThrow('did not answer with a list of statuses');
  });
});
