// Shared by the serve and golden tests: real config files in a temp folder, the real
// server (in-process or spawned), and /metrics read back over HTTP.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitFor } from '@ussdwatch/testkit';
import { afterAll, afterEach } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { startServer, type RunningServer, type ServeOptions } from '../../src/serve/server.js';
import { captureLogger, type CapturedLog } from './capture-logger.js';

export { captureLogger };

export const EXPORTER_DIR = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = path.join(EXPORTER_DIR, 'bin/ussdwatch.js');

export const TEST_CATALOGUE = `catalogue:
  short_codes:
    - { code: "*710#", name: Solde, team: billing, slow_ms: 2000 }
    - { code: "*720#", name: Forfaits, team: offers }
    - { code: "*720*1#", name: Forfaits internet, team: offers, objective: 0.995 }
`;

const created: string[] = [];

export function tempDir(prefix = 'ussdwatch-serve-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** Call at the top of a test file: its temp folders go once its tests are done. */
export function removeTempDirsAfterAll(): void {
  afterAll(() => {
    for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
}

export interface TestSetup {
  dir: string;
  configFile: string;
  port: number;
  logs: string;
  json: string;
  dpss: string;
}

/** Writes a config with a CDR source (logs/*.log), a JSON source (json/*.jsonl) and a DPSS spool, read from the beginning. */
export async function writeSetup(extra = '', dir = tempDir()): Promise<TestSetup> {
  const port = await freePort();
  const setup = { dir, configFile: path.join(dir, 'config.yaml'), port, logs: path.join(dir, 'logs'), json: path.join(dir, 'json'), dpss: path.join(dir, 'dpss') };
  for (const d of [setup.logs, setup.json, setup.dpss]) mkdirSync(d, { recursive: true });
  writeFileSync(
    setup.configFile,
    `listen: 127.0.0.1:${port}
state_dir: ./state
${TEST_CATALOGUE}nodes: [gw01, gw02]
sources:
  - { name: cdr, path: ./logs/*.log, format: ussd-cdr, start_at: beginning }
  - { name: json, path: ./json/*.jsonl, format: ussd-json, start_at: beginning }
dpss: { spool: ./dpss }
events_per_key: 5
malformed_per_source: 10
${extra}`,
  );
  return setup;
}

/** The real server, in this process, fast polling so tests finish in seconds. */
export type TestServer = RunningServer & { logs: CapturedLog };

export async function startInProcess(configFile: string, opts: ServeOptions = {}): Promise<TestServer> {
  const logs = captureLogger();
  const server = await startServer(loadConfig(configFile), { logger: logs, tailerPollMs: 20, dpssPollMs: 20, dpssSettleMs: 300, ...opts });
  await server.ready;
  return Object.assign(server, { logs });
}

/** In-process servers for one test file, each stopped after its test. */
export function serverPerTest(): { start(configFile: string, opts?: ServeOptions): Promise<TestServer>; stop(): Promise<void> } {
  let current: TestServer | undefined;
  const stop = async () => {
    await current?.stop();
    current = undefined;
  };
  afterEach(stop);
  removeTempDirsAfterAll();
  return {
    async start(configFile, opts) {
      current = await startInProcess(configFile, opts);
      return current;
    },
    stop,
  };
}

export async function scrape(url: string): Promise<string> {
  const res = await fetch(`${url}/metrics`);
  if (!res.ok) throw new Error(`/metrics answered ${res.status}`);
  return res.text();
}

/** Sample lines of an exposition as `name{labels}` -> value. */
export function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const sp = line.lastIndexOf(' ');
    out.set(line.slice(0, sp), Number(line.slice(sp + 1)));
  }
  return out;
}

export async function metric(url: string, series: string): Promise<number | undefined> {
  return samples(await scrape(url)).get(series);
}

/** Polls /metrics until the series has exactly this value. */
export async function waitForMetric(url: string, series: string, value: number, timeoutMs = 10_000): Promise<void> {
  let last: number | undefined;
  try {
    await waitFor(
      async () => {
        last = await metric(url, series);
        return last === value;
      },
      { timeoutMs, what: `${series} == ${value}` },
    );
  } catch (err) {
    throw new Error(`${(err as Error).message} (last value ${last})`);
  }
}

export async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

let session = 0;

/** A CDR line; fields default to a fast successful *710# dialog on gw01. */
export function cdr(f: Partial<Record<'ts' | 'node' | 'msisdn' | 'ussd' | 'menu' | 'status' | 'map' | 'app' | 'dialog', string>> = {}): string {
  session++;
  return [
    f.ts ?? '2026-11-21T13:45:02.123+01:00',
    f.node ?? 'gw01',
    session.toString(16),
    f.msisdn ?? '213770123456',
    f.ussd ?? '*710#',
    'PULL',
    f.menu ?? '',
    f.status ?? 'SUCCESS',
    f.map ?? '',
    '1',
    f.app ?? '400',
    f.dialog ?? '3000',
  ].join('|');
}
