// `ussdwatch report`'s choice of source: Prometheus or the long-term store, from the
// options and the environment, and the refusal (exit 2, with the fix) of a store not given.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main, metricsOf } from '../src/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ussdwatch-report-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the source of a report built on the command line', () => {
  it('reads a month from the store when one is given, other periods from Prometheus', () => {
    const env = { USSDWATCH_LONGTERM_URL: 'https://victoriametrics:8428' };
    expect(metricsOf({}, 'month', env)).toEqual({ source: 'longterm', endpoint: expect.objectContaining({ url: 'https://victoriametrics:8428' }) });
    expect(metricsOf({}, 'day', env)).toEqual({ source: 'prometheus', endpoint: expect.objectContaining({ url: 'http://127.0.0.1:9090' }) });
    expect(metricsOf({ prometheus: 'https://prom:9090' }, 'month', {}).endpoint.url).toBe('https://prom:9090');
    expect(metricsOf({}, 'month', { USSDWATCH_PROMETHEUS_URL: 'https://prom:9090' })).toMatchObject({ source: 'prometheus', endpoint: { url: 'https://prom:9090' } });
  });

  it('takes --source, and the store\'s credentials as Prometheus\' are given', () => {
    const password = join(dir, 'password');
    writeFileSync(password, 'store-secret\n');
    const values = { source: 'longterm', longterm: 'https://vm:8428', 'longterm.user': 'grafana', 'longterm.password-file': password, 'prometheus.user': 'other' };
    expect(metricsOf(values, 'day', {})).toEqual({ source: 'longterm', endpoint: { url: 'https://vm:8428', bearerToken: undefined, basicAuth: { username: 'grafana', password: 'store-secret' }, ca: undefined } });
    // --longterm wins over the environment; --source prometheus reads Prometheus even for a month.
    expect(metricsOf({ source: 'longterm', longterm: 'https://vm:8428' }, 'day', { USSDWATCH_LONGTERM_URL: 'https://elsewhere:8428' }).endpoint.url).toBe('https://vm:8428');
    expect(metricsOf({ source: 'prometheus', longterm: 'https://vm:8428' }, 'month', {}).source).toBe('prometheus');
  });

  it('refuses --source longterm without a store, and an unknown source, saying what to give', () => {
    expect(() => metricsOf({ source: 'longterm' }, 'month', {})).toThrow('--source longterm: no long-term store given; add --longterm URL (or set $USSDWATCH_LONGTERM_URL), or use --source prometheus');
    expect(() => metricsOf({ source: 'thanos' }, 'day', {})).toThrow('--source thanos: expected prometheus or longterm');
  });

  it('exits 2 with the reason and the usage, which documents the store', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const saved = process.env.USSDWATCH_LONGTERM_URL;
    delete process.env.USSDWATCH_LONGTERM_URL;
    try {
      expect(await main(['--period', 'month', '--source', 'longterm', '--out', dir])).toBe(2);
      const text = stderr.mock.calls.map((c) => String(c[0])).join('');
      expect(text).toContain('ussdwatch report: --source longterm: no long-term store given');
      expect(text).toMatch(/--longterm URL +the long-term store/);
      expect(text).toContain('$USSDWATCH_LONGTERM_URL');
    } finally {
      stderr.mockRestore();
      if (saved !== undefined) process.env.USSDWATCH_LONGTERM_URL = saved;
    }
  });
});
