// DPSS KPI files: one per period, named after its start in Algiers time, written after
// the lag, with the figures of exactly the dialogs generated in the period, and readable
// by the exporter's own DPSS parser.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDpssCsv } from '@ussdwatch/exporter/parsers/dpss-parser.js';
import type { DpssRow } from '@ussdwatch/exporter/core/types.js';
import { catalogue, classifyRun, cleanRuns, simulateFast, START_MS } from './helpers.js';

afterAll(cleanRuns);

function readDpss(dir: string, name: string): DpssRow[] {
  const parsed = parseDpssCsv(readFileSync(join(dir, name), 'utf8'), 60);
  expect(parsed.errors).toEqual([]);
  return parsed.rows;
}

describe('DPSS files', () => {
  it('one file per period after the lag, figures computed from the dialogs of the period', async () => {
    const r = await simulateFast(['--rate', '300', '--flat'], { duration: 180 });
    // Periods 20:00 and 20:01 are due at 20:01:20 and 20:02:20; 20:02 would be due after the end.
    expect(readdirSync(r.dpss).sort()).toEqual(['dpss_kpi_202611212000.csv', 'dpss_kpi_202611212001.csv']);
    const verdicts = classifyRun(r);
    for (const [i, name] of ['dpss_kpi_202611212000.csv', 'dpss_kpi_202611212001.csv'].entries()) {
      const from = START_MS + i * 60_000;
      const rows = readDpss(r.dpss, name);
      expect(rows.map((row) => row.shortCode)).toEqual(catalogue.entries.map((e) => e.code));
      for (const row of rows) {
        expect(row.periodStart).toBe(from);
        expect(row.periodS).toBe(60);
        const ds = verdicts.filter((v) => v.short_code === row.shortCode && v.dialog!.ts >= from && v.dialog!.ts < from + 60_000).map((v) => v.dialog!);
        const rts = ds.filter((d) => d.appMs !== null).map((d) => d.appMs!).sort((a, b) => a - b);
        const success = ds.filter((d) => d.status === 'SUCCESS').length;
        expect(row.attempts).toBe(ds.length);
        expect(row.success).toBe(success);
        expect(row.failures).toBe(ds.length - success);
        expect(row.rtAvgMs).toBe(Math.round(rts.reduce((s, x) => s + x, 0) / rts.length));
        expect(row.rtP95Ms).toBe(rts[Math.ceil(rts.length * 0.95) - 1]);
        expect(row.rtMaxMs).toBe(rts[rts.length - 1]);
      }
    }
  });

  it('slow_app raises the code rt in DPSS, and only that code', async () => {
    const r = await simulateFast(['--rate', '300', '--flat', '--fault', 'slow_app:*710#,share=0.6'], { duration: 90 });
    const rows = readDpss(r.dpss, 'dpss_kpi_202611212000.csv');
    const row = (c: string) => rows.find((x) => x.shortCode === c)!;
    expect(row('*710#').rtAvgMs).toBeGreaterThan(2000);
    expect(row('*720#').rtAvgMs).toBeLessThan(1000);
  });

  it('writes atomically: no temporary file is left behind', async () => {
    const r = await simulateFast(['--rate', '20', '--flat', '--dpss-lag-s', '0'], { duration: 240 });
    expect(readdirSync(r.dpss).sort()).toEqual(['2000', '2001', '2002', '2003'].map((hhmm) => `dpss_kpi_20261121${hhmm}.csv`));
  });
});
