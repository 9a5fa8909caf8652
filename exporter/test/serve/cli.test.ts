// `ussdwatch serve` as users run it: the built binary, spawned, stopped with SIGTERM.
import { spawnSync } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { startProcess, type RunningProcess } from '@ussdwatch/testkit';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cdr, EXPORTER_DIR, metric, removeTempDirsAfterAll, waitForMetric, writeSetup } from './helpers.js';

const PARSED = 'ussd_log_lines_total{source="cdr",result="parsed"}';

function serve(args: string[], env: NodeJS.ProcessEnv = {}, readyUrl?: string): Promise<RunningProcess> {
  return startProcess(process.execPath, [BIN, 'serve', ...args], { env: { ...process.env, ...env }, readyUrl, name: 'ussdwatch serve' });
}

function exited(p: RunningProcess): Promise<number | null> {
  return p.child.exitCode !== null ? Promise.resolve(p.child.exitCode) : new Promise((r) => p.child.once('exit', (code) => r(code)));
}

removeTempDirsAfterAll();

let running: RunningProcess[] = [];
afterEach(async () => {
  await Promise.all(running.map((p) => p.stop()));
  running = [];
});

beforeAll(() => {
  const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: EXPORTER_DIR, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build failed:\n${r.stdout}${r.stderr}`);
}, 120_000);

describe('ussdwatch serve (spawned)', { timeout: 30_000 }, () => {
  it('serves, stops on SIGTERM with exit 0, and continues after a restart without loss or double count', async () => {
    const s = await writeSetup();
    const url = `http://127.0.0.1:${s.port}`;
    const log = path.join(s.logs, 'gw01.log');
    const first = await serve(['--config', s.configFile], {}, `${url}/ready`);
    running.push(first);
    appendFileSync(log, Array.from({ length: 30 }, () => cdr() + '\n').join(''));
    await waitForMetric(url, PARSED, 30);
    first.child.kill('SIGTERM');
    expect(await exited(first)).toBe(0);
    const logLines = first.output().trim().split('\n').map((l) => JSON.parse(l) as { level: string; msg: string });
    expect(logLines.map((l) => l.msg)).toEqual(expect.arrayContaining(['listening', 'ready', 'shutting down', 'stopped']));

    appendFileSync(log, Array.from({ length: 12 }, () => cdr() + '\n').join(''));
    // USSDWATCH_CONFIG stands in for --config.
    const second = await serve([], { USSDWATCH_CONFIG: s.configFile }, `${url}/ready`);
    running.push(second);
    await waitForMetric(url, PARSED, 12);
    appendFileSync(log, cdr() + '\n');
    await waitForMetric(url, PARSED, 13);
    expect(await metric(url, 'ussd_dialogs_total{short_code="*710#",class="ok"}')).toBe(13);
  });

  it('exits 2 naming the file, line and key for an invalid config', async () => {
    const s = await writeSetup('bogus_key: 1\n');
    const p = await serve(['--config', s.configFile]);
    running.push(p);
    expect(await exited(p)).toBe(2);
    expect(p.output()).toMatch(/config\.yaml:\d+: .*bogus_key/);
  });

  it('exits 2 with a clear message when the port is in use', async () => {
    const s = await writeSetup();
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(s.port, '127.0.0.1', () => r()));
    try {
      const p = await serve(['--config', s.configFile]);
      running.push(p);
      expect(await exited(p)).toBe(2);
      expect(p.output()).toContain(`cannot listen on 127.0.0.1:${s.port}: the port is already in use`);
    } finally {
      blocker.close();
    }
  });

  it('exits 2 with usage for an unknown option', async () => {
    const p = await serve(['--nope']);
    running.push(p);
    expect(await exited(p)).toBe(2);
    expect(p.output()).toContain('usage: ussdwatch serve');
  });

  it('exits 1 when start-up fails after listening', async () => {
    const s = await writeSetup();
    writeFileSync(path.join(s.dir, 'state'), 'not a folder');
    const p = await serve(['--config', s.configFile]);
    running.push(p);
    expect(await exited(p)).toBe(1);
    expect(p.output()).toContain('start-up failed');
  });
});
