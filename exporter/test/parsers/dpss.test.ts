import { describe, expect, it } from 'vitest';
import { csvCells, dpssPeriodFromFileName, parseDpssCsv } from '../../src/parsers/dpss-parser.js';

const HEADER = 'period_start,period_s,short_code,attempts,success,failures,rt_avg_ms,rt_p95_ms,rt_max_ms';
const ROW = '2026-11-21T13:40:00+01:00,300,*710#,18231,18002,229,911,2210,9120';
const PARSED = {
  periodStart: Date.UTC(2026, 10, 21, 12, 40),
  periodS: 300,
  shortCode: '*710#',
  attempts: 18231,
  success: 18002,
  failures: 229,
  rtAvgMs: 911,
  rtP95Ms: 2210,
  rtMaxMs: 9120,
};

describe('parseDpssCsv', () => {
  it('reads the log-formats.md example, CRLF and a trailing newline', () => {
    expect(parseDpssCsv(`${HEADER}\r\n${ROW}\r\n`, 60)).toEqual({ rows: [PARSED], errors: [] });
  });

  it('reads reordered columns, a BOM, upper-case headers, a local timestamp, decimals', () => {
    const text = '\uFEFFSHORT_CODE,period_start,period_s,attempts,success,failures,rt_avg_ms,rt_p95_ms,rt_max_ms\n*710#,2026-11-21 13:40:00,300,18231,18002,229,911.5,2210,9120\n';
    expect(parseDpssCsv(text, 60)).toEqual({ rows: [{ ...PARSED, rtAvgMs: 911.5 }], errors: [] });
  });

  it('reads quoted cells, as spreadsheet exports write them', () => {
    const text = `"period_start","period_s","short_code","attempts","success","failures","rt_avg_ms","rt_p95_ms","rt_max_ms"\n"2026-11-21T13:40:00+01:00",300,"*710#","18231",18002,229,911,2210,9120\n`;
    expect(parseDpssCsv(text, 60)).toEqual({ rows: [PARSED], errors: [] });
    expect(csvCells('a,"b,""c""",')).toEqual(['a', 'b,"c"', '']);
  });

  it('a bad row is an error entry with its line; the others still count', () => {
    const text = [HEADER, ROW, '2026-11-21T13:40:00+01:00,300,*720#,x,1,1,1,1,1', 'short,row', '2026-11-31T13:40:00+01:00,300,*730#,1,1,0,1,1,1', '', ROW.replace('*710#', '*720#')].join('\n');
    const r = parseDpssCsv(text, 60);
    expect(r.rows.map((x) => x.shortCode)).toEqual(['*710#', '*720#']);
    expect(r.errors).toEqual([
      { line: 3, reason: 'attempts "x" is not a non-negative number' },
      { line: 4, reason: 'expected 9 columns, got 2' },
      { line: 5, reason: 'period_start "2026-11-31T13:40:00+01:00" is not an ISO 8601 timestamp' },
    ]);
  });

  it('empty text, header only, a wrong header: one explaining error', () => {
    expect(parseDpssCsv('', 60)).toEqual({ rows: [], errors: [{ line: 1, reason: expect.stringMatching(/^empty file; expected the header period_start,/) }] });
    expect(parseDpssCsv(`${HEADER}\n`, 60)).toEqual({ rows: [], errors: [{ line: 1, reason: 'header only: no data rows' }] });
    expect(parseDpssCsv(`period,code\n${ROW}`, 60).errors).toEqual([{ line: 1, reason: expect.stringMatching(/^header lacks period_start, period_s, short_code/) }]);
  });

  it('rejects a zero period and an empty short code', () => {
    expect(parseDpssCsv(`${HEADER}\n${ROW.replace(',300,', ',0,')}`, 60).errors[0].reason).toBe('period_s must be positive');
    expect(parseDpssCsv(`${HEADER}\n${ROW.replace('*710#', ' ')}`, 60).errors[0].reason).toBe('short_code is empty');
  });
});

describe('dpssPeriodFromFileName', () => {
  it('reads the local period start', () => {
    expect(dpssPeriodFromFileName('dpss_kpi_202611211340.csv', 60)).toBe(Date.UTC(2026, 10, 21, 12, 40));
    expect(dpssPeriodFromFileName('/spool/dpss_kpi_202611211340.csv', 0)).toBe(Date.UTC(2026, 10, 21, 13, 40));
  });

  it.each(['dpss_kpi_202611211340.csv.tmp', 'dpss_kpi_2026112113.csv', 'dpss_kpi_202613211340.csv', 'dpss_kpi_202611212460.csv', 'other.csv'])('%s -> null', (name) => {
    expect(dpssPeriodFromFileName(name, 60)).toBeNull();
  });
});
