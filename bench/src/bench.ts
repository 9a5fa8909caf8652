// `npm run bench`: measures the real binaries on a generated corpus.
//   classify  lines/s of `ussdwatch classify` (stdout to /dev/null), on the usual mix and,
//             at catalogue scale, on unknown-heavy traffic with a 500-code and a large catalogue
//   mtail     lines/s of an equivalent mtail program, where mtail is installed
//   serve     lag behind a writer appending at a steady rate, max lines/s at full speed,
//             peak RSS, and /metrics render time with a large catalogue
// Progress goes to stderr, the results to stdout.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setTimeout as delay } from 'node:timers/promises';
import { benchCodes, catalogueYaml, CorpusGenerator, type CorpusOptions } from './corpus.js';

const BIN = fileURLToPath(new URL('../../exporter/bin/ussdwatch.js', import.meta.url));
const MTAIL_PROG = fileURLToPath(new URL('../src/ussd.mtail', import.meta.url));
const BLOCK_LINES = 10_000;

interface Args {
  lines: number;
  codes: number;
  rate: number;
  scrapes: number;
  scaleCodes: number;
  scaleLines: number;
  cpu: number;
  keep: boolean;
}

function readArgs(): Args {
  const { values } = parseArgs({
    options: {
      lines: { type: 'string', default: '2000000' },
      codes: { type: 'string', default: '500' },
      rate: { type: 'string', default: '100000' },
      scrapes: { type: 'string', default: '50' },
      'scale-codes': { type: 'string', default: '100000' },
      'scale-lines': { type: 'string', default: '1000000' },
      cpu: { type: 'string', default: '1' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(
      'usage: npm run bench -- [--lines N] [--codes N] [--rate LINES_PER_S] [--scrapes N]\n' +
        '                        [--scale-codes N] [--scale-lines N] [--cpu N] [--keep]\n' +
        'defaults: 2,000,000 lines, 500 catalogue codes, 100,000 lines/s, 50 scrapes;\n' +
        'catalogue scale: 1,000,000 unknown-heavy lines with 500 and with 100,000 codes (--scale-codes 0 skips it);\n' +
        'classify runs pinned to CPU 1 (--cpu) when taskset exists; --keep leaves the temp folder\n',
    );
    process.exit(0);
  }
  const num = (name: string, v: string | undefined, min = 1) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got ${v}`);
    return n;
  };
  return {
    lines: num('lines', values.lines),
    codes: num('codes', values.codes),
    rate: num('rate', values.rate),
    scrapes: num('scrapes', values.scrapes),
    scaleCodes: num('scale-codes', values['scale-codes'], 0),
    scaleLines: num('scale-lines', values['scale-lines']),
    cpu: num('cpu', values.cpu, 0),
    keep: values.keep === true,
  };
}

const progress = (msg: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** The corpus file plus the byte offset of every BLOCK_LINES-th line, so blocks can be replayed without parsing. */
function writeCorpus(file: string, lines: number, opts: CorpusOptions): number[] {
  const gen = new CorpusGenerator(opts);
  const fd = openSync(file, 'w');
  const offsets = [0];
  let at = 0;
  for (let done = 0; done < lines; done += BLOCK_LINES) {
    const buf = Buffer.from(gen.chunk(Math.min(BLOCK_LINES, lines - done)));
    writeSync(fd, buf);
    at += buf.length;
    offsets.push(at);
  }
  closeSync(fd);
  return offsets;
}

function timeRun(cmd: string, args: string[]): { seconds: number; status: number | null; stderr: string } {
  const t0 = performance.now();
  const devnull = openSync('/dev/null', 'w');
  const r = spawnSync(cmd, args, { stdio: ['ignore', devnull, 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  closeSync(devnull);
  return { seconds: (performance.now() - t0) / 1000, status: r.status, stderr: r.stderr?.toString() ?? '' };
}

const CLASSIFY_RUNS = 5;
const SCALE_RUNS = 3;
/** Lines per thousand that are typos in the catalogue-scale corpus: unknown-heavy traffic. */
const SCALE_TYPOS_PER_MILLE = 500;

/** Pins a command to one CPU with taskset when it is installed (util-linux), else runs it as is. */
function onCore(cpu: number, cmd: string, args: string[]): [string, string[]] {
  return spawnSync('taskset', ['-c', String(cpu), 'true'], { stdio: 'ignore' }).status === 0 ? ['taskset', ['-c', String(cpu), cmd, ...args]] : [cmd, args];
}

/** Wall seconds of `ussdwatch classify` on each input, `runs` times, the inputs interleaved so a busy moment hits them alike. */
function timeClassify(cpu: number, runs: number, catalogue: string, inputs: string[]): number[][] {
  const times = inputs.map((): number[] => []);
  for (let i = 0; i < runs; i++) {
    inputs.forEach((input, k) => {
      const r = timeRun(...onCore(cpu, process.execPath, [BIN, 'classify', '--catalogue', catalogue, '--format', 'ussd-cdr', input]));
      if (r.status !== 0) throw new Error(`classify failed (${r.status}): ${r.stderr}`);
      times[k].push(r.seconds);
    });
  }
  return times.map((t) => t.sort((a, b) => a - b));
}

const median = (sorted: number[]) => sorted[Math.floor(sorted.length / 2)];

function hasMtail(): boolean {
  return spawnSync('mtail', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Reads the `listening` log line to learn the port the OS picked. */
function startServe(configFile: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--config', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stderr!.on('data', (b: Buffer) => {
      buf += b.toString();
      for (const line of buf.split('\n')) {
        if (!line.includes('"listening"')) continue;
        resolve({ child, url: (JSON.parse(line) as { url: string }).url });
      }
      if (buf.length > 100_000) buf = buf.slice(-10_000);
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${buf.slice(-2000)}`)));
  });
}

async function linesCounted(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let n = 0;
  for (const line of text.split('\n')) if (line.startsWith('ussd_log_lines_total{')) n += Number(line.slice(line.lastIndexOf(' ') + 1));
  return n;
}

/** When serve has counted exactly `target` lines; more would mean lines counted twice. */
async function waitForCount(url: string, target: number, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const n = await linesCounted(url);
    if (n > target) throw new Error(`serve counted ${n} lines, more than the ${target} appended`);
    if (n === target) return performance.now();
    if (performance.now() > deadline) throw new Error(`serve counted ${n} of ${target} lines before the deadline`);
    await delay(100);
  }
}

async function waitReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while ((await fetch(`${url}/ready`)).status !== 200) {
    if (performance.now() > deadline) throw new Error(`serve not ready after ${timeoutMs} ms`);
    await delay(50);
  }
}

/** Appends corpus blocks to `target` at `rate` lines/s (Infinity: as fast as possible). */
async function replay(corpus: string, offsets: number[], target: string, rate: number): Promise<number> {
  const src = openSync(corpus, 'r');
  const dst = openSync(target, 'a');
  const t0 = performance.now();
  try {
    for (let i = 0; i + 1 < offsets.length; i++) {
      const len = offsets[i + 1] - offsets[i];
      const buf = Buffer.allocUnsafe(len);
      readSync(src, buf, 0, len, offsets[i]);
      writeSync(dst, buf);
      if (Number.isFinite(rate)) {
        const due = t0 + ((i + 1) * BLOCK_LINES * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 0) await delay(wait);
      }
    }
  } finally {
    closeSync(src);
    closeSync(dst);
  }
  return performance.now();
}

function peakRssMiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Unknown-heavy traffic (half the lines one edit from a code) with the usual catalogue and
 * with a large one: the near-code search must cost the same whatever the catalogue's size.
 * Start-up (reading a large YAML catalogue takes seconds) is measured on an empty input and
 * taken out, so the figure is the per-line rate.
 */
function catalogueScale(args: Args, dir: string, report: (line: string) => void): void {
  const empty = path.join(dir, 'empty.log');
  writeFileSync(empty, '');
  for (const codes of [args.codes, args.scaleCodes]) {
    progress(`catalogue scale: ${fmt(args.scaleLines)} lines, ${SCALE_TYPOS_PER_MILLE / 10} % typos, ${fmt(codes)} codes ...`);
    const corpus = path.join(dir, `scale-${codes}.log`);
    writeCorpus(corpus, args.scaleLines, { codes, typosPerMille: SCALE_TYPOS_PER_MILLE, typos: 'near' });
    const catalogue = path.join(dir, `catalogue-${codes}.yaml`);
    writeFileSync(catalogue, catalogueYaml(benchCodes(codes)));
    const [full, startup] = timeClassify(args.cpu, SCALE_RUNS, catalogue, [corpus, empty]);
    const perLine = median(full) - median(startup);
    report(
      `scale:    ${fmt(args.scaleLines / perLine)} lines/s with ${fmt(codes)} codes, ${SCALE_TYPOS_PER_MILLE / 10} % near typos (start-up ${median(startup).toFixed(2)} s taken out; medians of ${SCALE_RUNS})`,
    );
    rmSync(corpus);
  }
}

async function main(): Promise<void> {
  const args = readArgs();
  const dir = mkdtempSync(path.join(tmpdir(), 'ussdwatch-bench-'));
  const results: string[] = [];
  const report = (line: string) => {
    results.push(line);
    progress(line);
  };
  let serve: ChildProcess | undefined;
  try {
    progress(`corpus: ${fmt(args.lines)} CDR lines, ${args.codes}-code catalogue, in ${dir}`);
    const corpus = path.join(dir, 'corpus.log');
    const offsets = writeCorpus(corpus, args.lines, { codes: args.codes });
    const catalogue = path.join(dir, 'catalogue.yaml');
    writeFileSync(catalogue, catalogueYaml(benchCodes(args.codes)));

    // One run is at the mercy of whatever else the machine does: take five, on one core
    // where taskset exists (the target is per core), and report the median and the best.
    progress(`classify: ${CLASSIFY_RUNS} runs on CPU ${args.cpu} ...`);
    const [runs] = timeClassify(args.cpu, CLASSIFY_RUNS, catalogue, [corpus]);
    const classifyRate = args.lines / median(runs);
    report(
      `classify: ${fmt(classifyRate)} lines/s median, ${fmt(args.lines / runs[0])} best of ${CLASSIFY_RUNS} (${median(runs).toFixed(2)} s median, start-up included; CPU ${args.cpu}; target >= 500,000)`,
    );

    if (args.scaleCodes > 0) catalogueScale(args, dir, report);

    if (hasMtail()) {
      progress('mtail --one_shot ...');
      const progs = path.join(dir, 'mtail-progs');
      mkdirSync(progs);
      copyFileSync(MTAIL_PROG, path.join(progs, 'ussd.mtail'));
      const mt = timeRun('mtail', ['--one_shot', '--one_shot_format', 'prometheus', '--progs', progs, '--logs', corpus]);
      if (mt.status !== 0) throw new Error(`mtail failed (${mt.status}): ${mt.stderr.slice(-1000)}`);
      const mtailRate = args.lines / mt.seconds;
      report(`mtail:    ${fmt(mtailRate)} lines/s (${mt.seconds.toFixed(2)} s, one run, unpinned); classify (median) is ${(classifyRate / mtailRate).toFixed(1)}x mtail`);
    } else {
      report('mtail:    not installed, skipped');
    }

    const logs = path.join(dir, 'logs');
    mkdirSync(logs);
    const config = path.join(dir, 'serve.yaml');
    writeFileSync(
      config,
      `listen: 127.0.0.1:0
state_dir: ${JSON.stringify(path.join(dir, 'state'))}
catalogue: ${JSON.stringify(catalogue)}
nodes: [gw01, gw02, gw03, gw04]
sources:
  - { name: bench, path: ${JSON.stringify(path.join(logs, '*.log'))}, format: ussd-cdr }
`,
    );
    const started = await startServe(config);
    serve = started.child;
    // The log file must appear after the first poll, so the tailer reads it from its beginning.
    await waitReady(started.url, 20_000);
    const target = path.join(logs, 'gw.log');

    progress(`serve: appending at ${fmt(args.rate)} lines/s ...`);
    const paceStart = performance.now();
    const lastAppend = await replay(corpus, offsets, target, args.rate);
    const counted = await waitForCount(started.url, args.lines, 120_000);
    const achieved = args.lines / ((lastAppend - paceStart) / 1000);
    report(`serve:    kept up with ${fmt(achieved)} lines/s appended; lag after the last append ${((counted - lastAppend) / 1000).toFixed(2)} s (target < 2 s)`);

    progress('serve: appending the corpus again at full speed ...');
    const fullStart = performance.now();
    await replay(corpus, offsets, target, Infinity);
    const fullDone = await waitForCount(started.url, 2 * args.lines, 300_000);
    report(`serve:    ${fmt(args.lines / ((fullDone - fullStart) / 1000))} lines/s at full speed (append + tail + classify + count)`);

    const times: number[] = [];
    let body = '';
    for (let i = 0; i < args.scrapes; i++) {
      const t0 = performance.now();
      body = await (await fetch(`${started.url}/metrics`)).text();
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const series = body.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
    report(
      `/metrics: median ${percentile(times, 50).toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms over ${args.scrapes} scrapes; ${fmt(series)} series, ${fmt(body.length / 1024)} KiB (target < 50 ms)`,
    );
    report(`serve:    peak RSS ${peakRssMiB(serve.pid!).toFixed(0)} MiB (target < 200 MiB)`);
  } finally {
    if (serve && serve.exitCode === null) {
      const gone = new Promise((r) => serve!.once('exit', r));
      serve.kill('SIGTERM');
      await gone;
    }
    if (!args.keep) rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(results.join('\n') + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).message}\n`);
  process.exit(1);
});
