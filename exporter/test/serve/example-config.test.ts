// The README's quick start: the simulator started from the repository root, and serve with
// config/example.yaml, follow the same files, and the state lands under .run/, never in the
// source tree. A copy of exporter/config/ under a temp "repository root" stands for the real
// one, so the test cannot disturb a running `npm start`.
import { spawn } from 'node:child_process';
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { startServer, type RunningServer } from '../../src/serve/server.js';
import { captureLogger, EXPORTER_DIR, removeTempDirsAfterAll, samples, scrape, tempDir, waitForMetric } from './helpers.js';

const SIMULATE = path.join(EXPORTER_DIR, '../simulator/test/simulate-cli.ts');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const NODES = ['gw01', 'gw02', 'gw03', 'gw04'];

/** The environment without the variables that move the data: the files' defaults decide. */
function withoutDataDirs(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['USSDWATCH_LOG_DIR', 'USSDWATCH_DPSS_DIR', 'USSDWATCH_STATE_DIR', 'USSDWATCH_CONFIG']) delete env[name];
  return env;
}

/** Runs the simulator with its default folders, as `node simulator/bin/ussdwatch-simulate.js` from `cwd`. */
function simulate(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', TSX, SIMULATE, ...args], { cwd, env: withoutDataDirs(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`the simulator exited with ${code}:\n${out}`))));
  });
}

const lineCount = (file: string) => readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').length;

describe('quick start: config/example.yaml with the simulator', { timeout: 60_000 }, () => {
  removeTempDirsAfterAll();
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('follows every file the simulator writes and keeps its state under .run/', async () => {
    const root = tempDir('ussdwatch-quick-start-');
    const configDir = path.join(root, 'exporter/config');
    cpSync(path.join(EXPORTER_DIR, 'config'), configDir, { recursive: true });
    const before = readdirSync(configDir).sort();
    const config = loadConfig(path.join(configDir, 'example.yaml'), {});
    const run = path.join(root, '.run');
    expect(config.stateDir).toBe(path.join(run, 'state'));
    expect(config.dpss?.spool).toBe(path.join(run, 'dpss'));
    for (const node of NODES) expect(config.sources.find((s) => s.name === node)?.path).toBe(path.join(run, `logs/${node}*.log`));

    // The example listens on the fixed port of `npm start`: this test takes a free one.
    server = await startServer({ ...config, listen: { host: '127.0.0.1', port: 0 } }, { logger: captureLogger(), tailerPollMs: 20, dpssPollMs: 20, dpssSettleMs: 300 });
    await server.ready;

    await simulate(root, ['--fast', '--duration', '180', '--start', '2026-11-21T20:00:00+01:00', '--flat', '--rate', '10', '--period-s', '60', '--dpss-lag-s', '0', '--seed', '7']);
    const logs = readdirSync(path.join(run, 'logs')).sort();
    expect(logs).toEqual(NODES.map((n) => `${n}.log`));
    for (const node of NODES) {
      const written = lineCount(path.join(run, 'logs', `${node}.log`));
      expect(written).toBeGreaterThan(0);
      await waitForMetric(server.url, `ussd_log_lines_total{source="${node}",result="parsed"}`, written);
    }
    const dpssFiles = readdirSync(path.join(run, 'dpss')).filter((f) => f.endsWith('.csv'));
    expect(dpssFiles.length).toBeGreaterThan(0);
    await waitForMetric(server.url, 'dpss_files_total{result="ok"}', dpssFiles.length);
    const metrics = samples(await scrape(server.url));
    for (const node of NODES) expect(metrics.get(`ussd_malformed_lines_total{source="${node}",reason="field_count"}`), node).toBe(0);

    await server.stop();
    server = undefined;
    expect(readdirSync(path.join(run, 'state')).length).toBeGreaterThan(0);
    expect(readdirSync(configDir).sort()).toEqual(before);
  });
});
