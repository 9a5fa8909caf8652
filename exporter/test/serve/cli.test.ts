// `ussdwatch serve` as users run it: the built binary, spawned, stopped with SIGTERM.
import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { startProcess, waitFor, type RunningProcess } from '@ussdwatch/testkit';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cdr, EXPORTER_DIR, metric, removeTempDirsAfterAll, samples, scrape, waitForMetric, writeSetup } from './helpers.js';

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

// The test runner's build suite has built it (USSDWATCH_BUILT=1) and the e2e may be running
// from that dist/ meanwhile: rebuilding would rewrite files under it.
beforeAll(() => {
  if (process.env.USSDWATCH_BUILT === '1') return;
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

  it('reloads on SIGHUP and POST /-/reload: lines written around the reloads are each counted once, a bad file changes nothing', async () => {
    const s = await writeSetup();
    const url = `http://127.0.0.1:${s.port}`;
    const log = path.join(s.logs, 'gw01.log');
    const p = await serve(['--config', s.configFile], {}, `${url}/ready`);
    running.push(p);
    const batch = (n: number, ussd = '*710#') => appendFileSync(log, Array.from({ length: n }, () => cdr({ ussd }) + '\n').join(''));
    const reloads = async () => samples(await scrape(url)).get('ussdwatch_config_last_reload_success_timestamp_seconds')!;
    const config = readFileSync(s.configFile, 'utf8');

    batch(400);
    const t0 = await reloads();
    writeFileSync(s.configFile, config.replace('{ code: "*720#", name: Forfaits, team: offers }', '{ code: "*730#", name: Roaming, team: roaming }'));
    // Lines keep coming while the exporter reloads: none may be lost or read twice.
    p.child.kill('SIGHUP');
    batch(300);
    await waitFor(async () => (await reloads()) > t0, { timeoutMs: 10_000, what: 'the SIGHUP reload' });
    expect(p.output()).toMatch(/"msg":"configuration reloaded","trigger":"SIGHUP"/);
    batch(300, '*730#');
    await waitForMetric(url, PARSED, 1000);
    let m = samples(await scrape(url));
    expect(m.get('ussd_dialogs_total{short_code="*710#",class="ok"}')).toBe(700);
    expect(m.get('ussd_dialogs_total{short_code="*730#",class="ok"}')).toBe(300);
    expect(m.has('ussd_dialogs_total{short_code="*720#",class="ok"}')).toBe(false);

    // A broken file: refused on SIGHUP and on POST, the exporter goes on with the previous one.
    writeFileSync(s.configFile, config.replace('nodes: [gw01, gw02]', 'nodes: [gw01, gw02'));
    const t1 = await reloads();
    p.child.kill('SIGHUP');
    await waitFor(async () => samples(await scrape(url)).get('ussdwatch_config_last_reload_successful') === 0, { timeoutMs: 10_000, what: 'the refused SIGHUP reload' });
    const res = await fetch(`${url}/-/reload`, { method: 'POST' });
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: string }).error).toMatch(/config\.yaml:\d+: /);
    expect(p.output()).toMatch(/"msg":"configuration reload refused; the previous one keeps running","trigger":"SIGHUP".*config\.yaml:\d+: /);
    expect(p.output()).toMatch(/"msg":"configuration reload refused; the previous one keeps running","trigger":"POST \/-\/reload".*config\.yaml:\d+: /);
    batch(50, '*730#');
    await waitForMetric(url, PARSED, 1050);
    m = samples(await scrape(url));
    expect(m.get('ussd_dialogs_total{short_code="*730#",class="ok"}')).toBe(350);
    expect(await reloads()).toBe(t1);

    // Back to the first catalogue over HTTP: *720# returns at zero, the counts stay.
    writeFileSync(s.configFile, config);
    expect((await fetch(`${url}/-/reload`, { method: 'POST' })).status).toBe(200);
    batch(10, '*720#');
    await waitForMetric(url, PARSED, 1060);
    m = samples(await scrape(url));
    expect(m.get('ussd_dialogs_total{short_code="*720#",class="ok"}')).toBe(10);
    expect(m.get('ussd_dialogs_total{short_code="*710#",class="ok"}')).toBe(700);
    expect(m.get('ussdwatch_config_last_reload_successful')).toBe(1);
    expect(p.exited()).toBe(false);
  });
});
