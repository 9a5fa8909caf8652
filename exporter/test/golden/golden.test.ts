// End-to-end golden test, in the style of node_exporter's: serve reads the fixture logs and
// DPSS files (every class and cause, malformed lines, unlisted nodes), and its /metrics,
// minus the lines that vary from run to run, must equal expected.metrics byte for byte.
// After an intended change: UPDATE_GOLDEN=1 npx vitest run --root exporter test/golden
// rewrites expected.metrics; review the diff before committing it.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitFor } from '@ussdwatch/testkit';
import { expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { startServer } from '../../src/serve/server.js';
import { captureLogger } from '../serve/capture-logger.js';
import { removeTempDirsAfterAll, samples, scrape, tempDir } from '../serve/helpers.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FIXTURES = path.join(HERE, 'fixtures');
const EXPECTED = path.join(HERE, 'expected.metrics');

removeTempDirsAfterAll();

/** Families whose values depend on the machine, the clock or the run. */
const VARYING = ['process_', 'nodejs_', 'ussd_source_last_line_timestamp_seconds', 'ussdwatch_config_last_reload_success_timestamp_seconds'];

function stable(exposition: string): string {
  return exposition
    .split('\n')
    .filter((line) => {
      if (line === '') return false; // prom-client separates families with blank lines
      const name = line.startsWith('# ') ? line.split(' ')[2] : line;
      return !VARYING.some((p) => name.startsWith(p));
    })
    .map((line) => line + '\n')
    .join('');
}

function lineCount(dir: string): number {
  return readdirSync(dir).reduce((n, f) => n + readFileSync(path.join(dir, f), 'utf8').split('\n').length - 1, 0);
}

it('serves exactly the expected metrics for the fixtures', { timeout: 30_000 }, async () => {
  const port = await freePort();
  const config = loadConfig(path.join(FIXTURES, 'config.yaml'), {
    ...process.env,
    USSDWATCH_GOLDEN_PORT: String(port),
    USSDWATCH_GOLDEN_STATE: path.join(tempDir('ussdwatch-golden-'), 'state'),
  });
  const server = await startServer(config, { logger: captureLogger(), tailerPollMs: 20, dpssPollMs: 20, dpssSettleMs: 200 });
  try {
    await server.ready;
    const lines = lineCount(path.join(FIXTURES, 'logs')) + lineCount(path.join(FIXTURES, 'json'));
    const dpssFiles = readdirSync(path.join(FIXTURES, 'dpss')).length;
    const text = await waitFor(
      async () => {
        const t = await scrape(server.url);
        const m = samples(t);
        const sum = (prefix: string) => [...m].filter(([k]) => k.startsWith(prefix)).reduce((a, [, v]) => a + v, 0);
        return sum('ussd_log_lines_total{') === lines && sum('dpss_files_total{') === dpssFiles ? t : undefined;
      },
      { what: `${lines} log lines and ${dpssFiles} DPSS files counted` },
    );
    const got = stable(text);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(EXPECTED, got);
    expect(got).toBe(readFileSync(EXPECTED, 'utf8'));
  } finally {
    await server.stop();
  }
});
