import { describe, expect, it } from 'vitest';
import { jsonLogger, maskingLogger, NotPersonal, RateLimitedLog, type Fields, type Level } from '../src/log.js';

function captured() {
  const lines: Array<{ level: Level; msg: string } & Fields> = [];
  return { lines, log: (level: Level, msg: string, fields?: Fields) => lines.push({ level, msg, ...fields }) };
}

describe('jsonLogger', () => {
  it('writes one JSON object per line: time, level, message, then the fields', () => {
    const out: string[] = [];
    jsonLogger((l) => out.push(l)).log('warn', 'source unreadable', { source: 'gw01', n: 2 });
    expect(out).toHaveLength(1);
    expect(out[0].endsWith('\n')).toBe(true);
    const o = JSON.parse(out[0]);
    expect(o).toMatchObject({ level: 'warn', msg: 'source unreadable', source: 'gw01', n: 2 });
    expect(Date.parse(o.ts)).not.toBeNaN();
  });
});

describe('maskingLogger', () => {
  it('masks numbers in the message and in string fields at any depth, keeps numeric fields and NotPersonal texts', () => {
    const logs = captured();
    maskingLogger(logs).log('warn', 'bad line from 213770123456', {
      file: '/logs/0770123456.log',
      offset: 213770123456,
      first_errors: [{ line: 2, reason: 'cell "+213770123456"' }],
      dpss: new NotPersonal('dpss_kpi_202611211340.csv'),
    });
    expect(logs.lines).toEqual([
      {
        level: 'warn',
        msg: 'bad line from 2137*****456',
        file: '/logs/07*****456.log',
        offset: 213770123456,
        first_errors: [{ line: 2, reason: 'cell "+2137*****456"' }],
        dpss: 'dpss_kpi_202611211340.csv',
      },
    ]);
  });

  it('a NotPersonal text serialises as its text for a logger without masking', () => {
    const out: string[] = [];
    jsonLogger((l) => out.push(l)).log('info', 'read', { file: new NotPersonal('dpss_kpi_202611211340.csv') });
    expect(JSON.parse(out[0]).file).toBe('dpss_kpi_202611211340.csv');
  });
});

describe('RateLimitedLog', () => {
  it('logs the first message per key, suppresses within the interval and reports how many were left out', () => {
    let now = 0;
    const logs = captured();
    const rl = new RateLimitedLog(logs, 60_000, () => now);
    rl.log('a', 'warn', 'm', { n: 1 });
    rl.log('a', 'warn', 'm', { n: 2 });
    rl.log('b', 'warn', 'm', { n: 3 });
    rl.log('a', 'warn', 'm', { n: 4 });
    now = 60_000;
    rl.log('a', 'warn', 'm', { n: 5 });
    expect(logs.lines.map((l) => [l.n, l.suppressed_since_last])).toEqual([
      [1, undefined],
      [3, undefined],
      [5, 2],
    ]);
  });
});
