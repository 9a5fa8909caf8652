import { describe, expect, it } from 'vitest';
import { classTotals, codeRows } from '../src/data/overview.js';

describe('overview rows', () => {
  const catalogue = new Map([
    ['*710#', { name: 'Solde', team: 'billing' }],
    ['*720#', { name: 'Forfaits', team: 'offers' }],
    ['*730#', { name: 'Quiet', team: 'offers' }],
  ]);
  const split = new Map([
    ['*710#', new Map([['ok', 80], ['internal', 20]])],
    ['*720#', new Map([['ok', 95], ['user', 5]])],
    ['unknown', new Map([['user', 40]])],
  ]);

  it('sorts by internal-error ratio, codes without traffic last, and joins alerts and names', () => {
    const rows = codeRows({ catalogue, classSplit: split, p95: new Map([['*710#', 2.5]]), noAnswer: new Map([['*710#', 0.1]]), trends: [], alerting: new Map([['*710#', { tier: 3, since: 0 }]]), health: new Map([['*710#', 42]]) });
    // Equal ratios: more traffic first.
    expect(rows.map((r) => r.code)).toEqual(['*710#', '*720#', 'unknown', '*730#']);
    expect(rows[0]).toMatchObject({ name: 'Solde', team: 'billing', dialogs: 100, internal: 20, internalRatio: 0.2, p95Seconds: 2.5, noAnswerRatio: 0.1, alerting: { tier: 3, since: 0 }, health: 42 });
    expect(Number.isNaN(rows[1].health)).toBe(true);
    expect(rows[2].name).toBe('Codes not in the catalogue');
    expect(Number.isNaN(rows[3].internalRatio)).toBe(true);
  });

  it('puts an alerting code first among equal ratios', () => {
    const rows = codeRows({ catalogue, classSplit: new Map(), p95: new Map(), noAnswer: new Map(), trends: [], alerting: new Map([['*720#', { tier: 2, since: 0 }]]), health: new Map() });
    expect(rows[0].code).toBe('*720#');
  });

  it('totals classes', () => {
    expect(classTotals(new Map([['ok', 3], ['user', 2]]))).toEqual({ ok: 3, user: 2, internal: 0, unclassified: 0, total: 5 });
  });
});
