// `npm run bench:backfill -w @ussdwatch/bench -- --days 30`: `ussdwatch backfill` on one node's
// archived logs as an operator keeps them (one gzipped file per day, see backfill-archives.ts),
// into a fresh Prometheus data folder with the real promtool. Prints the generation's time
// apart, then the backfill's lines/s, wall and CPU time, peak RSS (the largest process: the
// backfill or a promtool it runs) and the size of the TSDB, all measured over the days asked
// for, nothing scaled. --interrupt stops the backfill with SIGINT half-way through the bytes
// and runs the same command again, as an operator resumes; the figures add both runs.
// --check-days loads the blocks in the real Prometheus and compares those days with classify.
// Progress goes to stderr, the results to stdout.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateArchives } from './backfill-archives.js';
import { classifyCounts, dayFromPrometheus, sameCounts, startPrometheus, type Counts } from './backfill-check.js';

const BIN = fileURLToPath(new URL('../../exporter/bin/ussdwatch.js', import.meta.url));
const NODE = 'gw01';
const TARGET = `job="ussdwatch-exporter",node="${NODE}"`;

const { values } = parseArgs({
  options: {
    days: { type: 'string', default: '1' },
    rate: { type: 'string', default: '300' },
    step: { type: 'string', default: '15s' },
    jobs: { type: 'string', default: '2' },
    logs: { type: 'string' },
    interrupt: { type: 'boolean', default: false },
    'check-days': { type: 'string', default: '' },
    keep: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(
    'usage: npm run bench:backfill -w @ussdwatch/bench -- [--days N] [--rate PEAK_DIALOGS_PER_S] [--step 15s]\n' +
      '         [--jobs N] [--logs DIR] [--interrupt] [--check-days 1,15,30] [--keep]\n' +
      '  --days N          days of one node, one gzipped archive per day (default 1)\n' +
      '  --rate N          dialogs/s at the evening peak, with the simulator\'s daily curve (default 300)\n' +
      '  --jobs N          days generated at once (default 2)\n' +
      '  --logs DIR        archives folder: days already there are reused, missing ones generated and kept\n' +
      '  --interrupt       SIGINT the backfill half-way through the bytes, then resume it\n' +
      '  --check-days LIST days (1-based) compared with ussdwatch classify in the real Prometheus\n',
  );
  process.exit(0);
}
const days = Number(values.days);
const checkDays = values['check-days'] === '' ? [] : values['check-days'].split(',').map(Number);
if (!(days >= 1) || checkDays.some((d) => !(d >= 1 && d <= days))) throw new Error('--days must be >= 1 and --check-days within 1..--days');
const progress = (msg: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function duSize(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += statSync(path.join(e.parentPath, e.name)).size;
  }
  return total;
}

interface BackfillRun {
  code: number;
  summary: string;
  cpuS: number;
  rssKb: number;
}

/**
 * One `ussdwatch backfill` under GNU time (its CPU and peak RSS include the promtools it
 * waits for). With `stopAtPercent`, SIGINT goes to the backfill once its progress passes it.
 */
function backfill(args: string[], stopAtPercent: number | null): Promise<BackfillRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-v', process.execPath, BIN, 'backfill', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let report = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    createInterface({ input: child.stderr }).on('line', (line) => {
      const percent = /^backfill: ([\d.]+)%/.exec(line);
      if (!percent) return void (report += `${line}\n`);
      progress(line);
      if (stopAtPercent !== null && Number(percent[1]) >= stopAtPercent) {
        stopAtPercent = null;
        progress('interrupting the backfill (SIGINT), as Ctrl-C would');
        // GNU time ignores SIGINT while it waits; the backfill is its only child.
        spawn('pkill', ['-INT', '-P', String(child.pid)]);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const field = (name: string) => Number(new RegExp(`${name}: ([\\d.]+)`).exec(report)?.[1] ?? NaN);
      resolve({
        code: field('Exit status'),
        summary: stdout,
        cpuS: field('User time \\(seconds\\)') + field('System time \\(seconds\\)'),
        rssKb: field('Maximum resident set size \\(kbytes\\)'),
      });
      if (code !== 0 && code !== 130) progress(`backfill exited ${code}`);
    });
  });
}

const dir = mkdtempSync(path.join(tmpdir(), 'ussdwatch-bench-backfill-'));
try {
  const logs = values.logs ?? path.join(dir, 'logs');
  progress(`archives of ${days} day(s) of ${NODE} at ${values.rate} dialogs/s at peak in ${logs} (${values.jobs} at once)`);
  const gen = await generateArchives(logs, { node: NODE, days, rate: values.rate, jobs: Number(values.jobs), progress });
  const files = gen.days.map((d) => d.file);
  const bytes = files.reduce((n, f) => n + statSync(f).size, 0);

  const config = path.join(dir, 'config.yaml');
  writeFileSync(config, `state_dir: ./state\nnodes: [gw01, gw02, gw03, gw04]\nsources:\n  - { name: gw01, path: ./logs/gw01.log, format: ussd-cdr }\n`);
  const data = path.join(dir, 'data');
  const args = ['-c', config, '--tsdb', data, '--node', NODE, '--step', values.step, '--progress-every', '5s', ...files];
  progress(`backfilling ${files.length} files (${fmt(bytes / 1e6, 1)} MB on disk) into ${data}, load average ${loadavg()[0].toFixed(1)}`);
  const t0 = performance.now();
  const runs = [await backfill(args, values.interrupt ? 50 : null)];
  if (values.interrupt) {
    if (runs[0].code !== 130) throw new Error(`the interrupted backfill exited ${runs[0].code}, not 130: ${runs[0].summary}`);
    progress('resuming: the same command again');
    runs.push(await backfill(args, null));
  }
  const wall = (performance.now() - t0) / 1000;
  const last = runs[runs.length - 1];
  if (last.code !== 0) throw new Error(`ussdwatch backfill exited ${last.code}`);
  const counted = /dialogs=(\d+) malformed=(\d+)/.exec(last.summary);
  if (!counted) throw new Error(`no summary from ussdwatch backfill: ${last.summary}`);
  const lines = Number(counted[1]) + Number(counted[2]);
  const cpu = runs.reduce((s, r) => s + r.cpuS, 0);
  const rssMb = Math.max(...runs.map((r) => r.rssKb)) / 1024;
  const tsdb = duSize(data);
  const blocks = readdirSync(data).filter((d) => /^[0-9A-Z]{26}$/.test(d)).length;

  const out = [
    `backfill: ${days} day(s) of one node, ${fmt(lines)} lines, ${files.length} gzipped daily archives, ${fmt(bytes / 1e6, 1)} MB on disk, step ${values.step}`,
    gen.made > 0
      ? `  generation         ${gen.made} day(s) in ${fmt(gen.wallS, 1)} s wall, ${fmt(gen.cpuS, 1)} s CPU (simulator + gzip -1, ${values.jobs} at once; not in the figures below)`
      : `  generation         none: every archive was already in ${logs}`,
    `  lines/s            ${fmt(lines / wall)} (wall), ${fmt(lines / cpu)} per CPU second (backfill + promtool)`,
    `  wall time          ${fmt(wall, 1)} s${runs.length > 1 ? ` (interrupted at half the bytes and resumed: ${runs.length} runs)` : ''}, CPU ${fmt(cpu, 1)} s`,
    `  peak RSS           ${fmt(rssMb)} MB (the largest of the backfill and the promtool runs)`,
    `  TSDB               ${fmt(tsdb / 1e6, 1)} MB in ${blocks} blocks of 2 h (before Prometheus compacts them)`,
    `  load average       ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end (1, 5, 15 min)`,
  ];
  process.stdout.write(out.join('\n') + '\n');

  const checks: Array<{ day: number; classify: Counts; prometheus: Counts }> = [];
  if (checkDays.length > 0) {
    progress(`loading the blocks in Prometheus; classifying day(s) ${checkDays.join(', ')}`);
    const prom = await startPrometheus(data, dir, 600_000);
    try {
      const lastStep = Math.max(...gen.days.map((d) => d.startMs)) + 86_400_000;
      const month = await prom.query(`sum(ussd_dialogs_total{${TARGET}})`, lastStep);
      process.stdout.write(`  total in Prometheus  sum(ussd_dialogs_total) = ${fmt(month.get('') ?? NaN)} (backfill summary: ${fmt(Number(counted[1]))} dialogs)\n`);
      for (const n of checkDays) {
        const day = gen.days[n - 1];
        checks.push({ day: n, prometheus: await dayFromPrometheus(prom, day, TARGET), classify: await classifyCounts(BIN, day.file) });
      }
    } finally {
      await prom.stop();
    }
    for (const c of checks) {
      const sum = (m: Counts) => [...m.values()].reduce((a, b) => a + b, 0);
      const same = sameCounts(c.classify, c.prometheus);
      process.stdout.write(
        `  day ${c.day}: ${same ? 'equal' : 'DIFFERENT'}: classify ${fmt(sum(c.classify))} dialogs, Prometheus ${fmt(sum(c.prometheus))} ` +
          `(${[...c.classify].map(([k, v]) => `${k} ${v}/${c.prometheus.get(k) ?? 0}`).join(', ')})\n`,
      );
    }
    if (checks.some((c) => !sameCounts(c.classify, c.prometheus))) process.exitCode = 1;
  }
} finally {
  if (values.keep) progress(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
