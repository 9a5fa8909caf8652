import { describe, expect, it } from 'vitest';
import { doubledSeries, largestGapS, reportDifferences, samplesPerInterval, smsPerPerson, type ExportedSeries, type ReportFigures } from './checks.js';

const series = (metric: Record<string, string>, timestamps: number[]): ExportedSeries => ({ metric, timestamps, values: timestamps.map(() => 1) });

describe('largestGapS', () => {
  it('is the widest hole between two samples of one series, whatever their order', () => {
    expect(largestGapS([series({ a: '1' }, [4000, 0, 2000]), series({ a: '2' }, [0, 7000])])).toBe(7);
  });
  it('is 0 with no two samples', () => {
    expect(largestGapS([series({ a: '1' }, [5000])])).toBe(0);
    expect(largestGapS([])).toBe(0);
  });
});

describe('doubledSeries', () => {
  const one = { __name__: 'ussd_dialogs_total', short_code: '*710#', class: 'ok' };
  it('finds the same series kept once per replica', () => {
    expect(doubledSeries([series({ ...one, replica: 'a' }, [0]), series({ ...one, replica: 'b' }, [0])])).toHaveLength(1);
  });
  it('accepts distinct series, label order aside', () => {
    expect(doubledSeries([series(one, [0]), series({ ...one, class: 'user' }, [0]), series({ class: 'ok', short_code: '*720#', __name__: 'ussd_dialogs_total' }, [0])])).toEqual([]);
  });
});

describe('smsPerPerson', () => {
  it('counts each expected person, those who got nothing included', () => {
    expect(smsPerPerson(['1', '2', '1', '9'], ['1', '2', '3'])).toEqual([{ to: '1', count: 2 }, { to: '2', count: 1 }, { to: '3', count: 0 }]);
  });
});

describe('samplesPerInterval', () => {
  it('is 1 for one sample per interval and 2 when both replicas\' samples were kept', () => {
    expect(samplesPerInterval([series({ a: '1' }, [0, 2000, 4000])], 2000)).toBe(1);
    expect(samplesPerInterval([series({ a: '1' }, [0, 500, 2000, 2500, 4000, 4500])], 2000)).toBeGreaterThan(1.5);
  });
  it('leaves out series of one sample', () => {
    expect(samplesPerInterval([series({ a: '1' }, [0])], 2000)).toBe(0);
  });
});

describe('reportDifferences', () => {
  const nodes = ['gw01', 'gw02'];
  const report = (dialogs: number, byNode: Record<string, number>, codes: Record<string, number> = { '*710#': 1, '*720#': 1 }): ReportFigures => ({ source: 'x', dialogs, nodes: byNode, codes });
  it('accepts two reports that agree within the tolerance', () => {
    expect(reportDifferences({ store: report(1000, { gw01: 500, gw02: 500, other: 0 }), prometheus: report(1010, { gw01: 506, gw02: 504 }) }, nodes, 0.02)).toEqual([]);
  });
  it('names a missing node, dialogs on another node, rows not adding up, other codes and totals apart', () => {
    const found = reportDifferences({ store: report(1000, { gw01: 500, other: 3 }), prometheus: report(1200, { gw01: 600, gw02: 600 }, { '*710#': 1 }) }, nodes, 0.02);
    expect(found).toEqual([
      'the report from store has no row for node gw02 (its nodes: gw01,other)',
      'the report from store puts dialogs on nodes no exporter is for: other=3',
      'the report from store: its node rows add up to 503 dialogs, its total says 1000 (49.70% apart, tolerance 2.00%)',
      'short codes differ: store has *710#,*720#, prometheus has *710#',
      'dialogs: 1000 from store, 1200 from prometheus (16.67% apart, tolerance 2.00%)',
      'dialogs of node gw01: 500 from store, 600 from prometheus (16.67% apart, tolerance 2.00%)',
      'dialogs of node gw02: 0 from store, 600 from prometheus (100.00% apart, tolerance 2.00%)',
    ]);
  });
});
