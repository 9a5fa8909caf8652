// The pure core of `ussdwatch backfill`: which series, which samples at which times, and a
// checkpointed run equal to an uninterrupted one.
import { describe, expect, it } from 'vitest';
import { History, type HistoryOptions } from '../../src/backfill/history.js';
import { describe as describeProgress } from '../../src/backfill/progress.js';
import { stepText } from '../../src/backfill/sample-text.js';
import { SeriesTable, withTargetLabels } from '../../src/backfill/series-table.js';
import { defaultStatusMap } from '../../src/config/status-map-file.js';
import { Classifier } from '../../src/core/classifier.js';
import type { Dialog } from '../../src/core/types.js';
import { UssdMetrics } from '../../src/serve/ussd-metrics.js';
import { dialog, SPEC_CATALOGUE } from '../core/fixtures.js';

const TARGET = { job: 'ussdwatch-exporter', instance: '127.0.0.1:9716', node: 'gw01' };
const NODES = ['gw01', 'gw02'];
const T0 = Date.UTC(2026, 9, 1, 0, 0, 0);
const OPTS: HistoryOptions = { stepMs: 15_000, toleranceMs: 60_000 };

interface Sample {
  at: number;
  values: Map<string, number>;
}

function setUp(opts = OPTS) {
  const classifier = new Classifier(SPEC_CATALOGUE, defaultStatusMap());
  const metrics = new UssdMetrics(SPEC_CATALOGUE, [classifier], NODES, ['gw01'], 0);
  const table = new SeriesTable(TARGET, metrics);
  const samples: Sample[] = [];
  const history = new History(table, metrics, 'gw01', NODES, opts, (at, t) => {
    samples.push({ at, values: new Map(t.rows.map((row, i) => [row, t.values[i]])) });
  });
  const feed = (d: Dialog) => history.dialog(d, classifier.classify(d));
  return { history, table, samples, feed };
}

const row = (prefix: string) => withTargetLabels(prefix, TARGET);
const OK_710 = row('ussd_dialogs_total{short_code="*710#",class="ok"} ');
const SLOW_710 = row('ussd_errors_total{short_code="*710#",class="internal",cause="slow_response"} ');
const at = (s: number, over: Partial<Dialog> = {}) => dialog({ ts: T0 + s * 1000, appMs: 100, ...over });

describe('the series of a backfill', () => {
  it('are the live exporter’s, with the target labels of a scrape, less what a batch cannot know', () => {
    const { table } = setUp();
    const serve = new UssdMetrics(SPEC_CATALOGUE, [new Classifier(SPEC_CATALOGUE, defaultStatusMap())], NODES, ['gw01'], 0);
    serve.source('gw01', 0);
    const live = serve.exposition.render();
    const names = (text: string) => new Set([...text.matchAll(/^([a-z_]+?)(_bucket|_sum|_count)?[{ ]/gm)].map((m) => m[1] + (m[2] ?? '')));
    const expected = [...names(live)].filter((n) => !/^(dpss_|ussd_source_files|ussd_source_read_bytes_total|ussd_tailer_events_total)/.test(n));
    expect(names(table.rows.map((r) => `${r}0`).join('\n'))).toEqual(new Set(expected));
    expect(table.rows).toContain(OK_710);
    expect(OK_710).toBe('ussd_dialogs_total{short_code="*710#",class="ok",job="ussdwatch-exporter",instance="127.0.0.1:9716",node="gw01"} ');
    // A label the target also sets is the exporter's own, as the shipped scrape (honor_labels: true) keeps it.
    expect(table.rows).toContain(row('ussd_node_dialogs_total{node="gw02",class="ok"} '));
    expect(row('ussd_node_dialogs_total{node="gw02",class="ok"} ')).toBe('ussd_node_dialogs_total{node="gw02",class="ok",job="ussdwatch-exporter",instance="127.0.0.1:9716"} ');
    expect(table.values[table.rows.indexOf(row('ussd_shortcode_slow_seconds{short_code="*710#"} '))]).toBe(2);
  });
});

describe('the samples of a backfill', () => {
  it('start at zero on the step before the first line and count each line at the first step boundary after it', () => {
    const { history, samples, feed } = setUp();
    feed(at(3)); // 00:00:03
    feed(at(14.999));
    feed(at(15)); // on a boundary: the next step
    feed(at(31, { appMs: 2500 })); // over *710#'s 2 s: internal/slow_response
    history.finish();
    expect(samples.map((s) => (s.at - T0) / 1000)).toEqual([0, 15, 30, 45]);
    expect(samples.map((s) => s.values.get(OK_710))).toEqual([0, 2, 3, 3]);
    expect(samples.map((s) => s.values.get(SLOW_710))).toEqual([0, 0, 0, 1]);
    const last = samples[3].values;
    expect(last.get(row('ussd_app_response_seconds_bucket{short_code="*710#",le="0.1"} '))).toBe(3);
    expect(last.get(row('ussd_app_response_seconds_bucket{short_code="*710#",le="2"} '))).toBe(3);
    expect(last.get(row('ussd_app_response_seconds_bucket{short_code="*710#",le="3"} '))).toBe(4);
    expect(last.get(row('ussd_app_response_seconds_bucket{short_code="*710#",le="+Inf"} '))).toBe(4);
    expect(last.get(row('ussd_app_response_seconds_count{short_code="*710#"} '))).toBe(4);
    expect(last.get(row('ussd_app_response_seconds_sum{short_code="*710#"} '))).toBeCloseTo(2.8);
    expect(last.get(row('ussd_node_dialogs_total{node="gw01",class="internal"} '))).toBe(1);
    expect(last.get(row('ussd_log_lines_total{source="gw01",result="parsed"} '))).toBe(4);
    // The source's last line, in the lines' own time.
    expect(last.get(row('ussd_source_last_line_timestamp_seconds{source="gw01"} '))).toBe((T0 + 31_000) / 1000);
  });

  it('keeps a sample every step through a silence, the counters flat', () => {
    const { history, samples, feed } = setUp();
    feed(at(1));
    feed(at(61));
    history.finish();
    expect(samples.map((s) => [(s.at - T0) / 1000, s.values.get(OK_710)])).toEqual([
      [0, 0],
      [15, 1],
      [30, 1],
      [45, 1],
      [60, 1],
      [75, 2],
    ]);
  });

  it('counts a line dated before the latest one when it is read, and reports it as late beyond the tolerance', () => {
    const { history, samples, feed } = setUp();
    feed(at(100));
    feed(at(50)); // 50 s back: within the 60 s tolerance
    feed(at(20)); // 80 s back: late
    feed(at(101));
    history.finish();
    expect(samples.at(-1)!.values.get(OK_710)).toBe(4);
    expect(samples.at(-2)!.values.get(OK_710)).toBe(0);
    expect(history.state()).toMatchObject({ dialogs: 4, late: 1, future: 0 });
  });

  it('does not let a line dated after its file’s horizon move the clock', () => {
    const { history, samples, feed } = setUp();
    history.setHorizon(T0 + 60_000);
    feed(at(10));
    feed(at(86_400 * 365)); // a year ahead: would otherwise write two million steps
    history.finish();
    expect(samples.map((s) => (s.at - T0) / 1000)).toEqual([0, 15]);
    expect(samples[1].values.get(OK_710)).toBe(2);
    expect(history.state()).toMatchObject({ future: 1 });
  });

  it('counts malformed lines by reason at the time reached', () => {
    const { history, samples, feed } = setUp();
    feed(at(1));
    history.malformed('field_count');
    history.finish();
    const last = samples.at(-1)!.values;
    expect(last.get(row('ussd_log_lines_total{source="gw01",result="malformed"} '))).toBe(1);
    expect(last.get(row('ussd_malformed_lines_total{source="gw01",reason="field_count"} '))).toBe(1);
  });

  it('resumed from a saved state, writes exactly the samples of an uninterrupted run', () => {
    const lines = Array.from({ length: 400 }, (_, i) =>
      at(i * 1.7, { ussd: ['*710#', '*720#', '*799#', '*7100#'][i % 4], status: i % 7 === 0 ? 'FAILED_APP_TIMEOUT' : 'SUCCESS', node: i % 3 ? 'gw01' : 'gw09' }),
    );
    const whole = setUp();
    lines.forEach(whole.feed);
    whole.history.finish();

    const first = setUp();
    lines.slice(0, 150).forEach(first.feed);
    const saved = JSON.parse(JSON.stringify(first.history.state()));
    const second = setUp();
    second.history.restore(saved);
    lines.slice(150).forEach(second.feed);
    second.history.finish();
    const both = [...first.samples, ...second.samples.filter((s) => s.at > first.samples.at(-1)!.at)];
    expect(both.map((s) => s.at)).toEqual(whole.samples.map((s) => s.at));
    both.forEach((s, i) => expect(Object.fromEntries(s.values), `sample ${i}`).toEqual(Object.fromEntries(whole.samples[i].values)));
  });
});

describe('the text of a step', () => {
  it('is OpenMetrics with second timestamps for promtool, the Prometheus format with ms for a push', () => {
    const { table } = setUp();
    const om = stepText(table, T0 + 15_000, 'openmetrics').split('\n');
    const prom = stepText(table, T0 + 15_000, 'prometheus').split('\n');
    expect(om).toContain(`${OK_710}0 ${(T0 + 15_000) / 1000}`);
    expect(prom).toContain(`${OK_710}0 ${T0 + 15_000}`);
    expect(om.length).toBe(table.size + 1);
  });
});

describe('progress', () => {
  it('says the share, the bytes, the lines, the rate and the time left', () => {
    expect(describeProgress(25e6, 1_000_000, 100e6, 10_000)).toBe('backfill: 25.0% 25.0 MB of 100.0 MB, 1,000,000 lines, 100,000 lines/s, ETA 0:00:30');
  });
});
