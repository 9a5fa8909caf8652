// The page printed to PDF, from a fixed set of figures: every table and chart present, the
// first page owning up to a partial period, the same figures in French and in English.
import { describe, expect, it } from 'vitest';
import { reportHtml, warnings } from '../src/html.js';
import { periodOf, previousPeriod } from '../src/period.js';
import type { ReportData } from '../src/report-data.js';
import { reportTables } from '../src/tables.js';
import { WORDS } from '../src/i18n.js';

const period = periodOf('day', Date.parse('2026-11-28T12:00:00Z'));
const counts = { dialogs: 1000, ok: 900, user: 50, internal: 50, unclassified: 0 };
const data: ReportData = {
  period,
  previous: previousPeriod(period),
  scope: { kind: 'all' },
  codes: null,
  evaluatedMs: period.endMs,
  generatedMs: period.endMs + 60_000,
  metrics: { source: 'prometheus', address: 'https://prometheus:9090' },
  totals: { ...counts, successRatio: 900 / 950 },
  previousTotals: null,
  busyHour: { startMs: period.startMs + 20 * 3_600_000, dialogs: 120 },
  volume: [{ tMs: period.startMs + 900_000, ok: 10, user: 1, internal: 1 }, { tMs: period.startMs + 1_800_000, ok: 12, user: 1, internal: 3 }],
  stepS: 900,
  coverage: { firstMs: period.startMs + 12 * 3_600_000, lastMs: period.endMs, share: 0.5 },
  codeRows: [{ shortCode: '*720#', name: 'Forfaits', team: 'offers', ...counts, successRatio: 900 / 950, p50S: 0.4, p95S: 3.5, slowS: 3, dpssP95S: 3.9, dpssAvgS: 1.2, objectiveMetShare: 0.98, objective: 0.99, healthScore: null, previous: null }],
  nodeRows: [{ node: 'gw01', ...counts, successRatio: 900 / 950 }],
  causes: [{ cls: 'internal', cause: 'app_timeout', count: 50, share: 0.5 }],
  wrongCodes: [{ nearCode: '*710#', count: 7 }],
  incidents: {
    origin: 'journal',
    incidents: [{ id: 'f1@x', shortCode: '*720#', node: null, source: null, alertnames: ['ShortCodeAppTimeouts'], tier: 3, state: 'resolved', startedMs: period.startMs + 3_600_000, resolvedMs: period.startMs + 4_500_000, acknowledgedMs: null, acknowledgedBy: null, firstNotifiedMs: period.startMs + 3_640_000, told: [{ recipient: '2137****0902', channel: 'sms', atMs: period.startMs + 3_640_000 }] }],
  },
  dpssLeadS: { 'f1@x': 330 },
  hasHealthScore: false,
  funnel: [
    { shortCode: '*720#', depth: '0', reached: 1000, completed: 100, abandoned: 50, userErrors: 10, internalErrors: 40, unclassified: 0, abandonShare: 0.05, failShare: 0.05 },
    { shortCode: '*720#', depth: '1', reached: 800, completed: 700, abandoned: 90, userErrors: 0, internalErrors: 10, unclassified: 0, abandonShare: 0.1125, failShare: 0.0125 },
  ],
  guesses: [{ shortCode: '*720#', cls: 'user', cause: 'abandoned', count: 40 }],
  anomaly: [{ shortCode: '*720#', bandShare: 1, outside: 0.25, trafficBelow: 0.2, trafficAbove: 0, internalAbove: 0.05, userAbove: 0 }],
};

describe('the report page', () => {
  it('shows every section, the charts, and the partial period first', () => {
    const html = reportHtml(data, 'fr');
    for (const id of ['summary', 'codes', 'nodes', 'causes', 'latency', 'worst', 'wrong', 'incidents', 'funnel', 'guesses', 'anomaly']) expect(html).toContain(`<table id="${id}">`);
    expect(html.match(/<svg /g)?.length).toBe(7);
    // The funnel: 90 of the 800 who reached depth 1 walked away there; the model's guesses; a quarter of the time outside a band.
    expect(html).toContain('Profondeur 1');
    expect(html).toContain('11,25');
    expect(html).toContain('user/abandoned');
    expect(html).toContain('25,00');
    expect(html).toContain('Rapport partiel : les données ne couvrent que');
    expect(html).toContain('reconstitués depuis le journal');
    expect(html).toContain('2137****0902 (sms)');
    expect(html).toContain('5 min 30 s'); // the lead over DPSS
    expect(html).toContain('94,74'); // 900 / 950
    expect(warnings({ ...data, coverage: { ...data.coverage, share: 1 }, incidents: { ...data.incidents, origin: 'incidents' } }, 'fr')).toEqual([]);
  });

  it('says the same in English', () => {
    const html = reportHtml(data, 'en');
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('Partial report: data covers only');
    expect(html).toContain('94.74%');
    expect(html).not.toContain('Erreurs');
    expect(html).toContain('Menu funnel: where subscribers abandon or fail');
  });

  it('names the source of the figures under the title: Prometheus or the long-term store', () => {
    expect(reportHtml(data, 'fr')).toContain('Source des chiffres : Prometheus (https://prometheus:9090)');
    const store = { ...data, metrics: { source: 'longterm' as const, address: 'https://victoriametrics:8428' } };
    expect(reportHtml(store, 'fr')).toContain('Source des chiffres : stockage long terme (https://victoriametrics:8428)');
    expect(reportHtml(store, 'en')).toContain('Source of the figures: long-term store (https://victoriametrics:8428)');
  });

  it('says why a section is empty: no model, bands still warming up', () => {
    const html = reportHtml({ ...data, funnel: [], guesses: [], anomaly: [] }, 'en');
    expect(html).toContain('No guess from the model: the exporter has no model');
    expect(html).toContain('No seasonal band over the period');
    expect(html).not.toContain('<table id="funnel">');
  });

  it('has one workbook sheet name per table, within Excel\'s 31 characters', () => {
    for (const lang of ['fr', 'en'] as const) {
      const sheets = reportTables(data, WORDS[lang]).map((t) => t.sheet);
      expect(new Set(sheets).size).toBe(sheets.length);
      for (const s of sheets) expect(s.length).toBeLessThanOrEqual(31);
    }
  });
});
