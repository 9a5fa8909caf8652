import { describe, expect, it } from 'vitest';
import { parseProposals } from '../src/data/proposals.js';
import { INSTANT, queryParams } from '../src/queries/promql.js';

describe('menu funnel query', () => {
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
