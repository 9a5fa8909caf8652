// A DPSS row dated 2999 used to be held as the newest period and saved across restarts:
// every real row after it was "stale" and the staleness alert could never fire again. Rows
// must be for their file's period, and no period may start more than a day ahead.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { samples, scrape, serverPerTest, waitForMetric, writeSetup } from '../serve/helpers.js';

const HEADER = 'period_start,period_s,short_code,attempts,success,failures,rt_avg_ms,rt_p95_ms,rt_max_ms\n';
const FILES_OK = 'dpss_files_total{result="ok"}';
const WRONG = 'dpss_file_rows_total{result="wrong_period"}';
const row = (start: string, code: string, attempts: number) => `${start},300,${code},${attempts},${attempts},0,900,2000,9000\n`;
const endOf = (iso: string) => (Date.parse(iso) + 300_000) / 1000;

const servers = serverPerTest();

describe('DPSS rows outside their period', { timeout: 30_000 }, () => {
  it('rejects and counts a 2999 row, ingests the real later rows, and does not keep it across a restart', async () => {
    const s = await writeSetup();
    let server = await servers.start(s.configFile);
    writeFileSync(
      path.join(s.dpss, 'dpss_kpi_202611211340.csv'),
      HEADER + row('2999-01-01T00:00:00+01:00', '*710#', 666) + row('2026-11-21T13:45:00+01:00', '*710#', 667) + row('2026-11-21T13:40:00+01:00', '*720#', 5),
    );
    await waitForMetric(server.url, FILES_OK, 1);
    let m = samples(await scrape(server.url));
    expect(m.get(WRONG)).toBe(2); // 2999, and a real date that is another file's period
    expect(m.get('dpss_file_rows_total{result="ok"}')).toBe(1);
    expect(m.has('dpss_attempts{short_code="*710#"}')).toBe(false);
    expect(server.logs.lines.find((l) => l.msg === 'DPSS file read')).toMatchObject({ level: 'warn', wrong_period: 2 });

    writeFileSync(path.join(s.dpss, 'dpss_kpi_202611211345.csv'), HEADER + row('2026-11-21T13:45:00+01:00', '*710#', 18231));
    await waitForMetric(server.url, FILES_OK, 2);
    m = samples(await scrape(server.url));
    expect(m.get('dpss_attempts{short_code="*710#"}')).toBe(18231);
    // What the staleness alert reads: the real period's end, so it fires once DPSS stops.
    expect(m.get('dpss_period_end_timestamp_seconds{short_code="*710#"}')).toBe(endOf('2026-11-21T13:45:00+01:00'));
    expect(m.get('dpss_file_rows_total{result="stale"}')).toBe(0);

    await servers.stop();
    expect(readFileSync(path.join(s.dir, 'state', 'dpss-state.json'), 'utf8')).not.toContain('2999');
    server = await servers.start(s.configFile);
    writeFileSync(path.join(s.dpss, 'dpss_kpi_202611211350.csv'), HEADER + row('2026-11-21T13:50:00+01:00', '*710#', 42));
    await waitForMetric(server.url, FILES_OK, 1);
    m = samples(await scrape(server.url));
    expect(m.get('dpss_attempts{short_code="*710#"}')).toBe(42);
    expect(m.get('dpss_period_end_timestamp_seconds{short_code="*710#"}')).toBe(endOf('2026-11-21T13:50:00+01:00'));
  });

  it('rejects a whole file named after a period far in the future', async () => {
    const s = await writeSetup();
    const server = await servers.start(s.configFile);
    writeFileSync(path.join(s.dpss, 'dpss_kpi_299901010000.csv'), HEADER + row('2999-01-01T00:00:00+01:00', '*710#', 666));
    writeFileSync(path.join(s.dpss, 'dpss_kpi_202611211340.csv'), HEADER + row('2026-11-21T13:40:00+01:00', '*710#', 7));
    await waitForMetric(server.url, FILES_OK, 2);
    const m = samples(await scrape(server.url));
    expect(m.get(WRONG)).toBe(1);
    expect(m.get('dpss_attempts{short_code="*710#"}')).toBe(7);
  });

  it('drops a far-future period that an older version saved in the state, and says so', async () => {
    const s = await writeSetup();
    const poisoned = { shortCode: '*710#', periodStart: Date.parse('2999-01-01T00:00:00Z'), periodS: 300, attempts: 666, success: 666, failures: 0, rtAvgMs: 1, rtP95Ms: 1, rtMaxMs: 1 };
    mkdirSync(path.join(s.dir, 'state'));
    writeFileSync(path.join(s.dir, 'state', 'dpss-state.json'), JSON.stringify({ version: 1, files: [], latest: [poisoned] }));
    const server = await servers.start(s.configFile);
    expect(server.logs.lines.some((l) => l.level === 'warn' && l.msg.startsWith('DPSS state held periods far in the future'))).toBe(true);
    expect(samples(await scrape(server.url)).has('dpss_attempts{short_code="*710#"}')).toBe(false);
    writeFileSync(path.join(s.dpss, 'dpss_kpi_202611211340.csv'), HEADER + row('2026-11-21T13:40:00+01:00', '*710#', 7));
    await waitForMetric(server.url, FILES_OK, 1);
    const m = samples(await scrape(server.url));
    expect(m.get('dpss_attempts{short_code="*710#"}')).toBe(7);
    expect(m.get('dpss_file_rows_total{result="stale"}')).toBe(0);
  });
});
