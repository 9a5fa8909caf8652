// `ussdwatch backfill` end to end: the simulator writes a node's logs (rotated, some of them
// gzipped), the real command line turns them into blocks with the real promtool, the real
// Prometheus serves them, and its answers equal what `ussdwatch classify` counts on the same
// files. Then the same with the run killed (SIGKILL, SIGINT) in the middle and resumed.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { startPrometheus, startProcess, freePort, waitFor, type RunningPrometheus, type RunningProcess } from '@ussdwatch/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/backfill.js';
import { run as classify } from '../../src/cli/classify.js';
import { createLineParser } from '../../src/parsers/index.js';
import { EXPORTER_DIR, removeTempDirsAfterAll, tempDir } from '../serve/helpers.js';

const CLI = path.join(EXPORTER_DIR, 'test/cli-classify/run-cli.ts');
const SIMULATE = path.join(EXPORTER_DIR, '../simulator/test/simulate-cli.ts');
const HOURS = 6;
const TARGET = 'job="ussdwatch-exporter",instance="127.0.0.1:9716",node="gw01"';

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function node(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', script, ...args], { cwd: EXPORTER_DIR, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** The command in this process (spawning one costs seconds of TypeScript compilation), its output captured. */
async function here(args: string[], command: (argv: string[]) => Promise<number> = run): Promise<Result> {
  const out: string[] = [];
  const err: string[] = [];
  const capture = (stream: NodeJS.WriteStream, into: string[]) => {
    const write = stream.write.bind(stream);
    stream.write = ((c: string | Uint8Array) => (into.push(String(c)), true)) as typeof stream.write;
    return () => (stream.write = write);
  };
  const restore = [capture(process.stdout, out), capture(process.stderr, err)];
  try {
    return { code: await command(args), signal: null, stdout: out.join(''), stderr: err.join('') };
  } finally {
    restore.forEach((r) => r());
  }
}

removeTempDirsAfterAll();
const dir = tempDir('ussdwatch-backfill-');
const logs = path.join(dir, 'logs');
const config = path.join(dir, 'config.yaml');
let files: string[] = [];
/** Classes and causes as `ussdwatch classify` counts them on the files. */
const truth = { classes: new Map<string, number>(), causes: new Map<string, number>(), lines: 0 };
/** The times of the first and the last line. */
let firstLine = 0;
let lastLine = 0;
/** The first and the last step boundary of a history at this step. */
const bounds = (stepS: number) => ({
  first: Math.floor(firstLine / (stepS * 1000)) * stepS * 1000,
  last: (Math.floor(lastLine / (stepS * 1000)) + 1) * stepS * 1000,
});

beforeAll(async () => {
  // Inside Prometheus' default 15-day retention, or its first compaction would delete the history.
  const start = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 2 * 86_400_000);
  const sim = await node(SIMULATE, [
    ...['--fast', '--duration', String(HOURS * 3600), '--start', start.toISOString(), '--seed', '14', '--rate', '8'],
    ...['--nodes', 'gw01:cdr', '--out', logs, '--dpss-dir', path.join(dir, 'dpss'), '--rotate-interval', '3600', '--keep', '10'],
  ]);
  expect(sim.code, sim.stderr).toBe(0);
  // Rotated names sort against time (gw01.log.5 is the oldest): the oldest three are gzipped.
  for (const name of ['gw01.log.5', 'gw01.log.4', 'gw01.log.3']) {
    const file = path.join(logs, name);
    writeFileSync(`${file}.gz`, gzipSync(readFileSync(file)));
    writeFileSync(file, ''); // emptied rather than removed: the glob must skip nothing real
  }
  files = readdirSync(logs).filter((f) => f.endsWith('.gz') || /\.log(\.[1-2])?$/.test(f)).map((f) => path.join(logs, f));
  expect(files).toHaveLength(6);
  writeFileSync(config, `state_dir: ./state\nnodes: [gw01, gw02]\nsources:\n  - { name: gw01, path: "./logs/gw01.log*", format: auto }\n`);

  const text = files.map((f) => (f.endsWith('.gz') ? gunzipSync(readFileSync(f)) : readFileSync(f)).toString()).join('');
  const parser = createLineParser({ format: 'auto', utcOffsetMinutes: 60 });
  const times = text.split('\n').filter((l) => l !== '').map((l) => (parser.parse(l) as { ts: number }).ts);
  firstLine = Math.min(...times);
  lastLine = Math.max(...times);

  // classify reads plain text only: it is given the files' lines, decompressed.
  const plain = path.join(dir, 'all-lines.txt');
  writeFileSync(plain, text);
  const classified = await here([plain], classify);
  expect(classified.code, classified.stderr).toBe(0);
  for (const row of classified.stdout.trimEnd().split('\n')) {
    const { class: cls, cause } = JSON.parse(row) as { class: string; cause: string };
    expect(cls).not.toBe('malformed');
    truth.classes.set(cls, (truth.classes.get(cls) ?? 0) + 1);
    if (cls === 'user' || cls === 'internal') truth.causes.set(`${cause}/${cls}`, (truth.causes.get(`${cause}/${cls}`) ?? 0) + 1);
    truth.lines++;
  }
  expect(truth.lines).toBeGreaterThan(1000);
}, 60_000);

/** PromQL at a time, as { labels joined: value }. */
async function query(prom: RunningPrometheus, expr: string, atMs: number): Promise<Map<string, number>> {
  const res = await fetch(`${prom.url}/api/v1/query?${new URLSearchParams({ query: expr, time: String(atMs / 1000) })}`);
  const body = (await res.json()) as { data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
  return new Map(body.data.result.map((r) => [Object.values(r.metric).join('/'), Number(r.value[1])]));
}

const positive = (m: Map<string, number>) => new Map([...m].filter(([, v]) => v > 0));

/** Starts the real Prometheus on the data folder and checks the history against classify. */
async function checkHistory(dataParent: string, stepS: number): Promise<void> {
  const { first, last } = bounds(stepS);
  const prom = await startPrometheus({ targets: {}, workDir: dataParent, ruleFiles: [] });
  try {
    const range = `${(last - first) / 1000}s`;
    expect(positive(await query(prom, `sum by (class) (ussd_dialogs_total{${TARGET}})`, last))).toEqual(truth.classes);
    expect(positive(await query(prom, `sum by (class) (increase(ussd_dialogs_total{${TARGET}}[${range}]))`, last))).toEqual(truth.classes);
    expect(positive(await query(prom, `sum by (class, cause) (ussd_errors_total{${TARGET}})`, last))).toEqual(truth.causes);
    expect(await query(prom, `sum(ussd_node_dialogs_total{${TARGET},node="gw01"})`, last)).toEqual(new Map([['', truth.lines]]));
    // Counters start at zero on the first step, and a sample sits on every step.
    expect(await query(prom, `sum(ussd_dialogs_total{${TARGET}})`, first)).toEqual(new Map([['', 0]]));
    expect(await query(prom, `sum(count_over_time(ussd_dialogs_total{${TARGET},short_code="*710#",class="ok"}[${range}]))`, last)).toEqual(
      new Map([['', (last - first) / 1000 / stepS + 1]]),
    );
  } finally {
    await prom.stop();
  }
}

describe('ussdwatch backfill into Prometheus TSDB blocks', { timeout: 120_000 }, () => {
  it('gives the real Prometheus the totals classify counts, per class and cause, with the labels of a live scrape', async () => {
    const promDir = path.join(dir, 'prom-once');
    const r = await here(['-c', config, '--tsdb', path.join(promDir, 'data'), '--node', 'gw01', '--work-dir', path.join(dir, 'work-once'), path.join(logs, 'gw01.log*')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`dialogs=${truth.lines} malformed=0 late=0`);
    // Not a terminal: periodic plain lines, never carriage returns.
    expect(r.stderr).toMatch(/^backfill: 100\.0% .* lines\/s, ETA 0:00:00$/m);
    expect(r.stderr).not.toContain('\r');
    await checkHistory(promDir, 15);

    const again = await here(['-c', config, '--tsdb', path.join(promDir, 'data'), '--node', 'gw01', '--work-dir', path.join(dir, 'work-once'), path.join(logs, 'gw01.log*')]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('already backfilled');
  });

  it('resumed after SIGKILL and after SIGINT, gives the same totals, each window delivered once', async () => {
    // promtool wrapped: on its 2nd run the backfill is killed right after the block is made,
    // before it is moved into place; on the 3rd (that window again), interrupted with Ctrl-C.
    const wrapper = path.join(dir, 'promtool-then-kill');
    writeFileSync(
      wrapper,
      `#!/bin/sh\nn=$(($(cat "$COUNTER" 2>/dev/null || echo 0) + 1))\necho $n > "$COUNTER"\npromtool "$@" || exit $?\n` +
        `if [ "$n" = 2 ]; then kill -KILL $PPID; fi\nif [ "$n" = 3 ]; then kill -INT $PPID; fi\n`,
    );
    chmodSync(wrapper, 0o755);
    const promDir = path.join(dir, 'prom-resumed');
    // A one-minute step: the same code path, a quarter of promtool's work.
    const args = ['backfill', '-c', config, '--tsdb', path.join(promDir, 'data'), '--node', 'gw01', '--step', '1m', '--work-dir', path.join(dir, 'work-resumed'), '--promtool', wrapper, ...files];
    const env = { COUNTER: path.join(dir, 'promtool-runs') };

    const killed = await node(CLI, args, env);
    expect(killed.signal).toBe('SIGKILL');
    const interrupted = await node(CLI, args, env);
    expect(interrupted.code, interrupted.stderr).toBe(130);
    expect(interrupted.stderr).toContain('run the same command again to resume');
    const finished = await node(CLI, args, env);
    expect(finished.code, finished.stderr).toBe(0);
    expect(finished.stderr).toMatch(/resumed after [1-5] of 6 files/);
    expect(finished.stdout).toContain(`dialogs=${truth.lines} `);

    // One block per 2-hour window, none twice, no staging left behind.
    const { first, last } = bounds(60);
    const windows = Math.floor(last / 7_200_000) - Math.floor(first / 7_200_000) + 1;
    const data = readdirSync(path.join(promDir, 'data'));
    expect(data.filter((d) => /^[0-9A-Z]{26}$/.test(d))).toHaveLength(windows);
    expect(data.filter((d) => d.startsWith('.ussdwatch'))).toEqual([]);
    await checkHistory(promDir, 60);
  });
});

describe('ussdwatch backfill pushing to VictoriaMetrics', { timeout: 60_000 }, () => {
  let vm: RunningProcess;
  let url = '';
  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const storage = path.join(dir, 'vm');
    mkdirSync(storage);
    vm = await startProcess('victoria-metrics', [`-storageDataPath=${storage}`, `-httpListenAddr=127.0.0.1:${port}`, '-retentionPeriod=100y'], {
      readyUrl: `${url}/health`,
      name: 'victoria-metrics',
    });
  });
  afterAll(() => vm?.stop());

  it('imports the same totals through /api/v1/import/prometheus', async () => {
    const r = await here(['-c', config, '--push', url, '--node', 'gw01', '--step', '1m', '--work-dir', path.join(dir, 'work-push'), ...files]);
    expect(r.code, r.stderr).toBe(0);
    await fetch(`${url}/internal/force_flush`);
    const sums = await waitFor(
      async () => {
        const res = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: `sum by (class) (ussd_dialogs_total{${TARGET}})`, time: String(bounds(60).last / 1000) })}`);
        const body = (await res.json()) as { data: { result: Array<{ metric: { class: string }; value: [number, string] }> } };
        const m = new Map(body.data.result.map((x) => [x.metric.class, Number(x.value[1])]));
        return m.size > 0 && m;
      },
      { what: 'the imported series in VictoriaMetrics', timeoutMs: 20_000 },
    );
    expect(positive(sums)).toEqual(truth.classes);
  });
});

describe('ussdwatch backfill refuses bad input clearly', () => {
  const base = () => ['-c', config, '--tsdb', path.join(dir, 'unused'), '--work-dir', path.join(dir, 'work-bad'), '--quiet'];

  it('a file in another format, a missing file, a broken gzip: exit 1 naming the file', async () => {
    const other = path.join(dir, 'nginx.log');
    writeFileSync(other, '127.0.0.1 - - [21/Nov/2026:13:45:02 +0100] "GET / HTTP/1.1" 200 612\n'.repeat(30));
    const broken = path.join(dir, 'broken.log.gz');
    writeFileSync(broken, gzipSync(readFileSync(files[0])).subarray(0, 200));
    for (const [file, message] of [
      [other, 'unknown format: its first 20 lines do not parse as auto (field_count)'],
      [path.join(dir, 'missing.log'), 'cannot read'],
      [broken, 'not a readable gzip file'],
    ]) {
      const r = await here([...base(), file]);
      expect(r.code, file).toBe(1);
      expect(r.stderr).toContain(file);
      expect(r.stderr).toContain(message);
    }
    expect(existsSync(path.join(dir, 'unused'))).toBe(false);
  });

  it('no output, two outputs, a bad step or an unknown source: exit 2 with the usage', async () => {
    expect((await here(['-c', config, files[0]])).stderr).toContain('name one output');
    expect((await here([...base(), '--push', 'http://x', files[0]])).code).toBe(2);
    expect((await here([...base(), '--step', '15', files[0]])).stderr).toContain('--step must be a duration');
    expect((await here([...base(), '--source', 'gw07', files[0]])).stderr).toContain('has no source "gw07" (it has gw01)');
  });
});
