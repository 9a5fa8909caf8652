// DPSS spool ingestion by the real server: complete, half-written, empty, header-only and
// bad files; stale periods; each file read once, also across a restart.
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { samples, scrape, serverPerTest, waitForMetric, writeSetup } from './helpers.js';

const HEADER = 'period_start,period_s,short_code,attempts,success,failures,rt_avg_ms,rt_p95_ms,rt_max_ms\n';
const ROW_710 = '2026-11-21T13:40:00+01:00,300,*710#,18231,18002,229,911,2210,9120\n';
const FILES_OK = 'dpss_files_total{result="ok"}';
const FILES_BAD = 'dpss_files_total{result="malformed"}';

const servers = serverPerTest();

describe('serve DPSS spool', { timeout: 30_000 }, () => {
  it('turns a complete file into the dpss_* gauges, in seconds, and counts each row', async () => {
    const s = await writeSetup();
    const server = await servers.start(s.configFile);
    writeFileSync(
      path.join(s.dpss, 'dpss_kpi_202611211340.csv'),
      HEADER + ROW_710 + '2026-11-21T13:40:00+01:00,300,*999#,1,1,0,1,1,1\n' + 'not,a,row\n' + '2026-11-21T13:40:00+01:00,300,*720#,500,490,10,1200,3000,8000\n',
    );
    await waitForMetric(server.url, FILES_OK, 1);
    const m = samples(await scrape(server.url));
    expect(m.get('dpss_response_time_seconds{short_code="*710#",stat="avg"}')).toBe(0.911);
    expect(m.get('dpss_response_time_seconds{short_code="*710#",stat="p95"}')).toBe(2.21);
    expect(m.get('dpss_response_time_seconds{short_code="*710#",stat="max"}')).toBe(9.12);
    expect(m.get('dpss_attempts{short_code="*710#"}')).toBe(18231);
    expect(m.get('dpss_failures{short_code="*710#"}')).toBe(229);
    expect(m.get('dpss_period_end_timestamp_seconds{short_code="*710#"}')).toBe(Date.parse('2026-11-21T12:45:00Z') / 1000);
    expect(m.get('dpss_attempts{short_code="*720#"}')).toBe(500);
    expect(m.has('dpss_attempts{short_code="*720*1#"}')).toBe(false);
    expect([...m.keys()].some((k) => k.includes('*999#'))).toBe(false);
    expect(m.get('dpss_file_rows_total{result="ok"}')).toBe(2);
    expect(m.get('dpss_file_rows_total{result="unknown_code"}')).toBe(1);
    expect(m.get('dpss_file_rows_total{result="bad"}')).toBe(1);
    expect(m.get(FILES_BAD)).toBe(0);
  });

  it('waits for a half-written file and reads it once completed', async () => {
    const s = await writeSetup();
    // A long settle time: the partial file can only be read once it ends with a newline.
    const server = await servers.start(s.configFile, { dpssSettleMs: 60_000 });
    const partial = path.join(s.dpss, 'dpss_kpi_202611211345.csv');
    writeFileSync(partial, HEADER + '2026-11-21T13:45:00+01:00,300,*710#,100,9');
    // A complete file read in the same scans proves the partial one was looked at and left.
    writeFileSync(path.join(s.dpss, 'dpss_kpi_202611211340.csv'), HEADER + ROW_710);
    await waitForMetric(server.url, FILES_OK, 1);
    expect(samples(await scrape(server.url)).get('dpss_attempts{short_code="*710#"}')).toBe(18231);
    appendFileSync(partial, '0,10,700,900,1000\n');
    await waitForMetric(server.url, FILES_OK, 2);
    const m = samples(await scrape(server.url));
    expect(m.get('dpss_attempts{short_code="*710#"}')).toBe(100);
    expect(m.get('dpss_failures{short_code="*710#"}')).toBe(10);
    expect(m.get('dpss_response_time_seconds{short_code="*710#",stat="avg"}')).toBe(0.7);
    expect(m.get('dpss_file_rows_total{result="bad"}')).toBe(0);
  });

  it('rejects an empty file once it stayed empty past the settle time, and a header-only file', async () => {
    const s = await writeSetup();
    const server = await servers.start(s.configFile);
    writeFileSync(path.join(s.dpss, 'dpss_kpi_202611211340.csv'), '');
    writeFileSync(path.join(s.dpss, 'dpss_kpi_202611211345.csv'), HEADER);
    writeFileSync(path.join(s.dpss, 'other.csv'), 'ignored: not a KPI file name');
    await waitForMetric(server.url, FILES_BAD, 2);
    const m = samples(await scrape(server.url));
    expect(m.get(FILES_OK)).toBe(0);
    const reasons = server.logs.lines.filter((l) => l.msg === 'malformed DPSS file skipped').map((l) => l.file);
    expect(reasons.sort()).toEqual(['dpss_kpi_202611211340.csv', 'dpss_kpi_202611211345.csv']);
  });

  it('keeps the newest period when an older file arrives late', async () => {
    const s = await writeSetup();
    const server = await servers.start(s.configFile);
    writeFileSync(path.join(s.dpss, 'dpss_kpi_202611211345.csv'), HEADER + '2026-11-21T13:45:00+01:00,300,*710#,7,7,0,100,200,300\n');
    await waitForMetric(server.url, FILES_OK, 1);
    writeFileSync(path.join(s.dpss, 'dpss_kpi_202611211340.csv'), HEADER + ROW_710);
    await waitForMetric(server.url, FILES_OK, 2);
    const m = samples(await scrape(server.url));
    expect(m.get('dpss_attempts{short_code="*710#"}')).toBe(7);
    expect(m.get('dpss_file_rows_total{result="stale"}')).toBe(1);
  });

  it('does not read a file again after a restart, and restores the gauges at once', async () => {
    const s = await writeSetup();
    let server = await servers.start(s.configFile);
    writeFileSync(path.join(s.dpss, 'dpss_kpi_202611211340.csv'), HEADER + ROW_710);
    await waitForMetric(server.url, FILES_OK, 1);
    await servers.stop();
    writeFileSync(path.join(s.dpss, 'dpss_kpi_202611211345.csv'), HEADER + '2026-11-21T13:45:00+01:00,300,*720#,9,9,0,100,200,300\n');
    server = await servers.start(s.configFile);
    await waitForMetric(server.url, FILES_OK, 1); // only the new file
    const m = samples(await scrape(server.url));
    expect(m.get('dpss_attempts{short_code="*710#"}')).toBe(18231);
    expect(m.get('dpss_attempts{short_code="*720#"}')).toBe(9);
    expect(m.get('dpss_file_rows_total{result="ok"}')).toBe(1);
  });

  it('starts without the spool folder, says so, and reads it once it appears', async () => {
    const s = await writeSetup();
    rmSync(s.dpss, { recursive: true });
    const server = await servers.start(s.configFile);
    expect(server.logs.lines.some((l) => l.msg === 'cannot list the DPSS spool folder' && l.spool === s.dpss)).toBe(true);
    mkdirSync(s.dpss);
    writeFileSync(path.join(s.dpss, 'dpss_kpi_202611211340.csv'), HEADER + ROW_710);
    await waitForMetric(server.url, FILES_OK, 1);
  });
});
