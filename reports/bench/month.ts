// `npm run bench -w @ussdwatch/reports [-- --prometheus URL --notifier URL]`: the time to
// build a month's report for all codes. Given a Prometheus, against it (the last 30 days);
// without one, it writes 30 days of synthetic series for 50 codes (the exporter's metric
// names, one sample every 5 minutes) as OpenMetrics, imports them with
// `promtool tsdb create-blocks-from openmetrics`, starts Debian's Prometheus on the blocks
// and a notifier stand-in answering /api/incidents with none. Prints the figures to stdout.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, startProcess } from '@ussdwatch/testkit';
import { buildReport } from '../src/build.js';
import { rangePeriod } from '../src/period.js';

const DAY_S = 86_400;
const STEP_S = 300;
const BUCKETS = ['0.05', '0.1', '0.25', '0.5', '1', '2', '3', '5', '10', '20', '30', '+Inf'];
const CAUSES = [['user', 'wrong_code'], ['user', 'invalid_input'], ['internal', 'app_timeout'], ['internal', 'system_failure']];
const NODES = ['gw01', 'gw02', 'gw03', 'gw04'];

/** 30 days of counters for `codes` codes, every 5 minutes, ending at `endS`. */
function writeOpenMetrics(file: string, codes: number, endS: number): number {
  const fd = openSync(file, 'w');
  const startS = endS - 30 * DAY_S;
  const times: number[] = [];
  for (let t = startS; t <= endS; t += STEP_S) times.push(t);
  // Dialogs per second at time t for a code: a daily curve, peaking in the evening.
  const rate = (i: number, t: number) => (20 / (1 + i / 5)) * (1.2 + Math.sin(((t % DAY_S) / DAY_S) * 2 * Math.PI - Math.PI / 2));
  const code = (i: number) => `*7${String(i).padStart(2, '0')}#`;
  let series = 0;
  const family = (name: string, type: string, rows: Array<[string, (t: number) => number]>) => {
    writeSync(fd, `# TYPE ${name} ${type}\n`);
    for (const [labels, value] of rows) {
      let chunk = '';
      for (const t of times) chunk += `${name}${type === 'counter' ? '_total' : ''}{${labels}} ${value(t).toFixed(0)} ${t}\n`;
      writeSync(fd, chunk);
      series++;
    }
  };
  // A counter's value at t: the rate integrated from the start, in 5-minute steps.
  const counter = (share: (t: number) => number, i: number) => (t: number) => Math.floor(((t - startS) / STEP_S) * STEP_S * rate(i, t) * share(t));
  const ids = Array.from({ length: codes }, (_, i) => i);
  const internalShare = (i: number) => (t: number) => (i === 3 && (t - startS) % (7 * DAY_S) < 3600 ? 0.3 : 0.004);
  family('ussd_dialogs', 'counter', ids.flatMap((i) => [
    [`short_code="${code(i)}",class="ok"`, counter((t) => 0.97 - internalShare(i)(t), i)],
    [`short_code="${code(i)}",class="user"`, counter(() => 0.03, i)],
    [`short_code="${code(i)}",class="internal"`, counter(internalShare(i), i)],
    [`short_code="${code(i)}",class="unclassified"`, () => 0],
  ] as Array<[string, (t: number) => number]>));
  family('ussd_errors', 'counter', ids.flatMap((i) => CAUSES.map(([cls, cause]) => [`short_code="${code(i)}",class="${cls}",cause="${cause}"`, counter(cls === 'user' ? () => 0.015 : (t) => internalShare(i)(t) / 2, i)] as [string, (t: number) => number])));
  family('ussd_node_dialogs', 'counter', NODES.flatMap((n) => ['ok', 'user', 'internal'].map((cls) => [`node="${n}",class="${cls}"`, counter(() => (cls === 'ok' ? 0.96 : 0.02) / NODES.length * codes, 0)] as [string, (t: number) => number])));
  writeSync(fd, '# TYPE ussd_app_response_seconds histogram\n');
  for (const i of ids) {
    BUCKETS.forEach((le, b) => {
      const share = Math.min(1, (b + 1) / 8);
      let chunk = '';
      for (const t of times) chunk += `ussd_app_response_seconds_bucket{short_code="${code(i)}",le="${le}"} ${counter(() => share, i)(t).toFixed(0)} ${t}\n`;
      writeSync(fd, chunk);
      series++;
    });
    for (const part of ['count', 'sum']) {
      let chunk = '';
      for (const t of times) chunk += `ussd_app_response_seconds_${part}{short_code="${code(i)}"} ${counter(() => (part === 'sum' ? 0.6 : 1), i)(t).toFixed(0)} ${t}\n`;
      writeSync(fd, chunk);
      series++;
    }
  }
  family('ussd_shortcode_info', 'gauge', ids.map((i) => [`short_code="${code(i)}",name="Service ${i}",team="team${i % 5}"`, () => 1]));
  family('ussd_shortcode_slow_seconds', 'gauge', ids.map((i) => [`short_code="${code(i)}"`, () => 2]));
  family('ussd_shortcode_objective_ratio', 'gauge', ids.map((i) => [`short_code="${code(i)}"`, () => 1]));
  writeSync(fd, '# EOF\n');
  closeSync(fd);
  return series;
}

const { values } = parseArgs({ options: { prometheus: { type: 'string' }, notifier: { type: 'string' }, codes: { type: 'string', default: '50' }, keep: { type: 'boolean', default: false } } });
const say = (m: string) => process.stderr.write(`bench report: ${m}\n`);
const work = mkdtempSync(join(tmpdir(), 'ussdwatch-report-bench-'));
const stops: Array<() => Promise<void> | void> = [];
try {
  const endS = Math.floor(Date.now() / 1000 / STEP_S) * STEP_S;
  let prometheus = values.prometheus;
  if (!prometheus) {
    const file = join(work, 'month.om');
    let t0 = Date.now();
    const series = writeOpenMetrics(file, Number(values.codes), endS);
    say(`wrote ${series} series x ${30 * DAY_S / STEP_S + 1} samples (${(statSync(file).size / 1e6).toFixed(0)} MB) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    t0 = Date.now();
    mkdirSync(join(work, 'data'));
    execFileSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', '--max-block-duration=168h', file, join(work, 'data')], { stdio: ['ignore', 'ignore', 'inherit'] });
    rmSync(file);
    say(`promtool imported the blocks in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const port = await freePort();
    writeFileSync(join(work, 'prometheus.yml'), 'global: {}\n');
    const proc = await startProcess('prometheus', [`--config.file=${join(work, 'prometheus.yml')}`, `--storage.tsdb.path=${join(work, 'data')}`, '--storage.tsdb.retention.time=400d', `--web.listen-address=127.0.0.1:${port}`], {
      readyUrl: `http://127.0.0.1:${port}/-/ready`,
      readyTimeoutMs: 120_000,
      name: 'prometheus',
    });
    stops.push(() => proc.stop());
    prometheus = `http://127.0.0.1:${port}`;
  }
  let notifier = values.notifier;
  if (!notifier) {
    const server = createServer((_req, res) => res.setHeader('content-type', 'application/json').end('{"incidents":[]}'));
    const port = await freePort();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    stops.push(() => void server.close());
    notifier = `http://127.0.0.1:${port}`;
  }
  const period = rangePeriod((endS - 30 * DAY_S) * 1000, endS * 1000);
  const runs: number[] = [];
  let codes = 0;
  for (let i = 0; i < 3; i++) {
    const t0 = Date.now();
    const built = await buildReport({ metrics: { source: 'prometheus', endpoint: { url: prometheus } }, notifier: { url: notifier } }, { period, scope: { kind: 'all' }, lang: 'fr', outDir: join(work, 'out') });
    runs.push((Date.now() - t0) / 1000);
    codes = built.data.codeRows.length;
    say(`run ${i + 1}: ${runs[i].toFixed(1)} s (${built.pdf})`);
  }
  runs.sort((a, b) => a - b);
  process.stdout.write(`report_build month=30d codes=${codes} runs=3 median_s=${runs[1].toFixed(1)} min_s=${runs[0].toFixed(1)} max_s=${runs[2].toFixed(1)}\n`);
} finally {
  for (const stop of stops.reverse()) await stop();
  if (!values.keep) rmSync(work, { recursive: true, force: true });
  else say(`kept ${work}`);
}
