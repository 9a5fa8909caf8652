// The pure pieces of serve: exposition format, DPSS settle decisions, malformed-line
// samples, the ring buffer.
import { describe, expect, it } from 'vitest';
import { judgeFile } from '../../src/serve/dpss-spool.js';
import { EventStore, type EventOrigin } from '../../src/serve/event-store.js';
import { counter, escapeLabelValue, Exposition, gauge, HistogramFamily } from '../../src/serve/exposition.js';
import { sampleOf } from '../../src/serve/malformed-store.js';
import { Ring } from '../../src/serve/ring.js';

describe('exposition', () => {
  it('renders counters, gauges and cumulative histograms in the text format', () => {
    const e = new Exposition();
    const c = e.add(counter('x_total', 'Help with \\ and\nnewline.', ['a']));
    c.with('q"uo\\te\n').inc(2);
    e.add(gauge('g', 'A gauge.')).with().set(0.5);
    const h = e.add(new HistogramFamily('h_seconds', 'A histogram.', ['code'], [0.1, 1]));
    const s = h.with('*710#');
    for (const v of [0.05, 0.1, 0.5, 7]) s.observe(v);
    expect(e.render()).toBe(
      [
        '# HELP x_total Help with \\\\ and\\nnewline.',
        '# TYPE x_total counter',
        'x_total{a="q\\"uo\\\\te\\n"} 2',
        '# HELP g A gauge.',
        '# TYPE g gauge',
        'g 0.5',
        '# HELP h_seconds A histogram.',
        '# TYPE h_seconds histogram',
        'h_seconds_bucket{code="*710#",le="0.1"} 2',
        'h_seconds_bucket{code="*710#",le="1"} 3',
        'h_seconds_bucket{code="*710#",le="+Inf"} 4',
        'h_seconds_sum{code="*710#"} 7.65',
        'h_seconds_count{code="*710#"} 4',
        '',
      ].join('\n'),
    );
  });

  it('returns the same series for the same labels and rejects a wrong label count', () => {
    const c = counter('y_total', 'y', ['a', 'b']);
    expect(c.with('1', '2')).toBe(c.with('1', '2'));
    expect(() => c.with('1')).toThrow(/expected 2 label values/);
    expect(escapeLabelValue('plain')).toBe('plain');
  });

  it('refuses a family registered twice', () => {
    const e = new Exposition();
    e.add(counter('z_total', 'z'));
    expect(() => e.add(counter('z_total', 'z'))).toThrow(/twice/);
  });
});

describe('judgeFile (DPSS settle)', () => {
  const settle = 1000;
  it('waits on a file seen for the first time with a recent mtime, reads it once unchanged', () => {
    const first = judgeFile(undefined, 100, 5000, 5100, settle);
    expect(first.verdict).toBe('wait');
    expect(judgeFile(first.obs, 100, 5000, 5200, settle).verdict).toBe('read');
  });
  it('keeps waiting while size or mtime change', () => {
    const first = judgeFile(undefined, 100, 5000, 5100, settle);
    const second = judgeFile(first.obs, 200, 5150, 5200, settle);
    expect(second.verdict).toBe('wait');
    expect(second.obs.since).toBe(5200);
  });
  it('reads at once a file older than the settle time', () => {
    expect(judgeFile(undefined, 100, 1000, 9000, settle).verdict).toBe('read');
  });
  it('gives up on an empty file only once it stayed empty for the settle time', () => {
    const first = judgeFile(undefined, 0, 5000, 5000, settle);
    const second = judgeFile(first.obs, 0, 5000, 5500, settle);
    expect(second.verdict).toBe('wait');
    expect(judgeFile(second.obs, 0, 5000, 6000, settle).verdict).toBe('empty');
  });
});

describe('sampleOf', () => {
  it('escapes control bytes and U+FFFD', () => {
    expect(sampleOf('a\u0000b\tc\r\ufffd')).toBe('a\\x00b\\tc\\r\\ufffd');
  });
  it('cuts a long line to 512 characters and says how long it was', () => {
    const s = sampleOf('x'.repeat(1_000_000));
    expect(s).toBe('x'.repeat(512) + '... [1000000 chars]');
  });
});

describe('Ring', () => {
  it('keeps the newest items, newest first', () => {
    const r = new Ring<number>(3);
    expect([...r.newestFirst()]).toEqual([]);
    for (let i = 1; i <= 5; i++) r.push(i);
    expect([...r.newestFirst()]).toEqual([5, 4, 3]);
    expect(() => new Ring(0)).toThrow(/positive/);
  });
});

describe('EventStore', () => {
  const c = Object.freeze({ cls: 'ok' as const, cause: 'ok' as const, shortCode: '*710#', nearCode: null });
  // Only kept and handed back here: never parsed nor asked to explain.
  const origin = { source: 'gw01' } as EventOrigin;
  it('records at most max(10, capacity / 10) events per key and second, keeping the newest capacity', () => {
    const store = new EventStore(200);
    const ring = store.ringFor('*710#', 'ok');
    for (let i = 0; i < 50; i++) store.record(ring, `line ${i}`, 1000 + i, c, origin, 7);
    expect(store.query({ limit: 1000 }).map((e) => e.line)).toHaveLength(20);
    for (let s = 8; s < 20; s++) for (let i = 0; i < 50; i++) store.record(ring, `s${s} ${i}`, s * 1000 + i, c, origin, s);
    const kept = store.query({ limit: 1000 });
    expect(kept).toHaveLength(200);
    expect(kept[0].line).toBe('s19 19');
  });
});
