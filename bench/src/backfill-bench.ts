// `npm run bench:backfill -w @ussdwatch/bench`: `ussdwatch backfill` on one node's archived
// logs as the simulator writes them (rotated at 100 MB, rotated files gzipped), into a fresh
// Prometheus data folder with the real promtool. Prints lines/s, wall and CPU time, peak RSS
// (the largest process: the backfill or a promtool it runs) and the size of the TSDB, and
// the same scaled to a 30-day month: every cost grows with the days (lines, steps, blocks).
// Progress goes to stderr, the results to stdout.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const BIN = fileURLToPath(new URL('../../exporter/bin/ussdwatch.js', import.meta.url));
const SIMULATE = fileURLToPath(new URL('../../simulator/bin/ussdwatch-simulate.js', import.meta.url));

const { values } = parseArgs({
  options: {
    days: { type: 'string', default: '1' },
    rate: { type: 'string', default: '300' },
    step: { type: 'string', default: '15s' },
    keep: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(
    'usage: npm run bench:backfill -w @ussdwatch/bench -- [--days N] [--rate PEAK_DIALOGS_PER_S] [--step 15s] [--keep]\n' +
      'defaults: 1 day of one node at 300 dialogs/s at the evening peak (the daily curve of the simulator), 15 s step\n',
  );
  process.exit(0);
}
const days = Number(values.days);
const progress = (msg: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function run(cmd: string, args: string[]): { stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

function duSize(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += statSync(path.join(e.parentPath, e.name)).size;
  }
  return total;
}

const dir = mkdtempSync(path.join(tmpdir(), 'ussdwatch-bench-backfill-'));
try {
  const logs = path.join(dir, 'logs');
  progress(`simulating ${days} day(s) of gw01 at ${values.rate} dialogs/s at peak into ${logs}`);
  run(process.execPath, [
    ...[SIMULATE, '--fast', '--duration', String(days * 86_400), '--start', '2026-10-01T00:00:00+01:00', '--seed', '1', '--rate', values.rate],
    ...['--nodes', 'gw01:cdr', '--out', logs, '--dpss-dir', path.join(dir, 'dpss'), '--rotate-size', '100M', '--keep', '1000'],
  ]);
  const rotated = readdirSync(logs).filter((f) => f !== 'gw01.log');
  progress(`gzipping ${rotated.length} rotated files`);
  if (rotated.length > 0) run('gzip', ['-6', ...rotated.map((f) => path.join(logs, f))]);
  const files = readdirSync(logs).map((f) => path.join(logs, f));
  const bytes = files.reduce((n, f) => n + statSync(f).size, 0);

  const config = path.join(dir, 'config.yaml');
  writeFileSync(config, `state_dir: ./state\nnodes: [gw01, gw02, gw03, gw04]\nsources:\n  - { name: gw01, path: ./logs/gw01.log, format: ussd-cdr }\n`);
  const data = path.join(dir, 'data');
  progress(`backfilling ${files.length} files (${fmt(bytes / 1e6, 1)} MB on disk) into ${data}`);
  const t0 = performance.now();
  const { stdout: summary, stderr: report } = run('/usr/bin/time', ['-v', process.execPath, BIN, 'backfill', '-c', config, '--tsdb', data, '--node', 'gw01', '--step', values.step, '--quiet', ...files]);
  const wall = (performance.now() - t0) / 1000;
  const counted = /dialogs=(\d+) malformed=(\d+)/.exec(summary);
  if (!counted) throw new Error(`no summary from ussdwatch backfill: ${summary}`);
  const lines = Number(counted[1]) + Number(counted[2]);
  const field = (name: string) => Number(new RegExp(`${name}: ([\\d.]+)`).exec(report)?.[1] ?? NaN);
  const cpu = field('User time \\(seconds\\)') + field('System time \\(seconds\\)');
  const rssMb = field('Maximum resident set size \\(kbytes\\)') / 1024;
  const tsdb = duSize(data);
  const blocks = readdirSync(data).filter((d) => /^[0-9A-Z]{26}$/.test(d)).length;

  const perMonth = 30 / days;
  const out = [
    `backfill: ${days} day(s) of one node, ${fmt(lines)} lines, ${fmt(bytes / 1e6, 1)} MB on disk (rotated files gzipped), step ${values.step}`,
    `  lines/s            ${fmt(lines / wall)} (wall), ${fmt(lines / cpu)} per CPU second (backfill + promtool)`,
    `  wall time          ${fmt(wall, 1)} s, CPU ${fmt(cpu, 1)} s`,
    `  peak RSS           ${fmt(rssMb)} MB (the largest of the backfill and the promtool runs)`,
    `  TSDB               ${fmt(tsdb / 1e6, 1)} MB in ${blocks} blocks of 2 h (before Prometheus compacts them)`,
    `month (30 days, scaled x${fmt(perMonth, 1)}): ${fmt((lines * perMonth) / 1e6, 1)} M lines, wall ${fmt((wall * perMonth) / 60, 1)} min, ` +
      `TSDB ${fmt((tsdb * perMonth) / 1e6)} MB before compaction, peak RSS unchanged (${fmt(rssMb)} MB: per-series state only)`,
  ];
  process.stdout.write(out.join('\n') + '\n');
} finally {
  if (values.keep) progress(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
