// `ussdwatch backfill`: archived gateway logs -> the history a live exporter would have
// given Prometheus (docs/backfill.md). Parsing, classification and series are the live
// exporter's own, read from the same configuration file; the samples carry the target labels
// of a live scrape, so rules, dashboards and reports see one history.
import { join, resolve } from 'node:path';
import { runCommand, UsageError } from '@ussdwatch/common/cli.js';
import { History } from '../backfill/history.js';
import { InputError, planInputs } from '../backfill/inputs.js';
import { Progress } from '../backfill/progress.js';
import { deliveredUntil, deliveredFile, Interrupted, runBackfill } from '../backfill/run.js';
import { SeriesTable, type TargetLabels } from '../backfill/series-table.js';
import { OutputError, promtoolOutput, pushOutput, WindowWriter } from '../backfill/windows.js';
import { loadConfig } from '../config/config.js';
import { writeJsonAtomic } from '../state/state-file.js';
import { Classifier } from '../core/classifier.js';
import { createLineParser } from '../parsers/index.js';
import { UssdMetrics } from '../serve/ussd-metrics.js';

const USAGE = `usage: ussdwatch backfill (--tsdb DIR | --push URL) [options] [LOGFILE|GLOB...]

Reads archived gateway logs (plain or gzip, any order) and writes the metrics the live
exporter would have exposed while they were written, one sample every --step of the lines'
own time, as Prometheus TSDB blocks (promtool) or into VictoriaMetrics. Without LOGFILE,
the source's configured path. Progress goes to stderr, the summary to stdout.
An interrupted run resumes when the same command is run again.

output (one of):
  --tsdb DIR            a Prometheus data folder: blocks made by
                        promtool tsdb create-blocks-from openmetrics
  --push URL            VictoriaMetrics base URL, e.g. http://127.0.0.1:8428
                        (its /api/v1/import/prometheus)
options:
  -c, --config FILE     the exporter's configuration: catalogue, status map, nodes and the
                        source's format (default: $USSDWATCH_CONFIG, else the embedded defaults)
  --source NAME         the configured source the logs come from (default: the only one)
  --step DURATION       time between samples: the scrape interval (default: 15s)
  --job NAME            job label, as Prometheus scrapes the exporter (default: ussdwatch-exporter)
  --instance ADDR       instance label (default: the config's listen address)
  --node NAME           node target label, as the live exporter's scrape carries it (default:
                        the config's node)
  --tolerance DURATION  how far a line may be dated before the latest one without being
                        reported as late (default: 5m); late lines are counted, never dropped
  --work-dir DIR        checkpoint and window files (default: <state_dir>/backfill/<source>)
  --promtool PATH       promtool binary (default: promtool from PATH)
  --progress-every DURATION  time between progress lines when stderr is not a terminal (default: 10s)
  --quiet               no progress
  -h, --help            show this help

exit status: 0 done, 1 failed (input or output), 2 bad usage or configuration, 130 interrupted.`;

const OPTIONS = {
  config: { type: 'string', short: 'c' },
  source: { type: 'string' },
  tsdb: { type: 'string' },
  push: { type: 'string' },
  step: { type: 'string', default: '15s' },
  job: { type: 'string', default: 'ussdwatch-exporter' },
  instance: { type: 'string' },
  node: { type: 'string' },
  tolerance: { type: 'string', default: '5m' },
  'work-dir': { type: 'string' },
  promtool: { type: 'string', default: 'promtool' },
  'progress-every': { type: 'string', default: '10s' },
  quiet: { type: 'boolean', default: false },
} as const;

const COMMAND = { program: 'ussdwatch backfill', usage: USAGE, options: OPTIONS, positionals: true } as const;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A Prometheus-style duration (15s, 5m, 1h30m) in ms. */
export function parseDuration(option: string, text: string): number {
  const parts = [...text.matchAll(/(\d+)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) throw new UsageError(`--${option} must be a duration such as 15s, 5m or 1h; got "${text}"`);
  return parts.reduce((ms, p) => ms + Number(p[1]) * UNITS[p[2]], 0);
}

export function run(argv: string[]): Promise<number> {
  return runCommand(COMMAND, argv, async ({ values: o, positionals }) => {
    if ((o.tsdb === undefined) === (o.push === undefined)) throw new UsageError('name one output: --tsdb DIR or --push URL');
    const stepMs = parseDuration('step', o.step);
    const toleranceMs = parseDuration('tolerance', o.tolerance);
    const logEveryMs = parseDuration('progress-every', o['progress-every']);
    if (stepMs < 1000 || stepMs % 1000 !== 0) throw new UsageError(`--step must be a whole number of seconds; got "${o.step}"`);
    if (o.push !== undefined && !/^https?:\/\//.test(o.push)) throw new UsageError(`--push must be an http:// or https:// URL; got "${o.push}"`);

    const config = loadConfig(o.config ?? (process.env.USSDWATCH_CONFIG || undefined));
    const names = config.sources.map((s) => s.name);
    const source = o.source === undefined && names.length === 1 ? config.sources[0] : config.sources.find((s) => s.name === o.source);
    if (!source) {
      throw new UsageError(
        o.source === undefined ? `--source is needed: ${config.file} configures ${names.length ? names.join(', ') : 'no source'}` : `--source: ${config.file} has no source "${o.source}" (it has ${names.join(', ') || 'none'})`,
      );
    }
    const parser = createLineParser({ format: source.format, regex: source.regex, timeFormat: source.timeFormat, utcOffsetMinutes: source.utcOffsetMinutes });
    const classifier = new Classifier(config.catalogue, source.statusMap ?? config.statusMap);
    const target: TargetLabels = {
      job: o.job,
      instance: o.instance ?? `${config.listen.host}:${config.listen.port}`,
      node: o.node ?? config.node,
    };
    const workDir = resolve(o['work-dir'] ?? join(config.stateDir, 'backfill', source.name));

    try {
      const files = await planInputs(positionals.length > 0 ? positionals : [source.path], parser, source.format);
      const output = o.tsdb !== undefined ? promtoolOutput(resolve(o.tsdb), o.promtool) : pushOutput(o.push!);
      const signature = JSON.stringify({
        files: files.map((f) => [resolve(f.path), f.size, f.mtimeMs]),
        config: config.file,
        source: source.name,
        stepMs,
        target,
        output: o.tsdb !== undefined ? { tsdb: resolve(o.tsdb) } : { push: o.push },
      });
      const metrics = new UssdMetrics(config.catalogue, [classifier], config.nodes, [source.name], 0);
      const table = new SeriesTable(target, metrics);
      const windows = new WindowWriter(workDir, output, await deliveredUntil(workDir), (until) => writeJsonAtomic(deliveredFile(workDir), { until }));
      const history = new History(table, metrics, source.name, config.nodes, { stepMs, toleranceMs }, (at, t) => windows.step(at, t));
      const totalBytes = files.reduce((n, f) => n + f.size, 0);
      let stop = false;
      const onSignal = () => (stop = true);
      process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
      try {
        const summary = await runBackfill({
          files,
          parser,
          classifier,
          history,
          windows,
          workDir,
          signature,
          toleranceMs,
          progress: o.quiet ? null : new Progress(totalBytes, process.stderr, { logEveryMs }),
          stopped: () => stop,
        });
        const s = summary.state;
        if (summary.alreadyComplete) process.stderr.write(`ussdwatch backfill: these files were already backfilled (checkpoint in ${workDir}); nothing to do\n`);
        else if (summary.resumedAfter > 0) process.stderr.write(`ussdwatch backfill: resumed after ${summary.resumedAfter} of ${summary.files} files\n`);
        const range = s.next === null ? 'none' : `${new Date(s.clock).toISOString()} (last line)`;
        process.stdout.write(
          `backfill: files=${summary.files} dialogs=${s.dialogs} malformed=${s.malformed} late=${s.late} future=${s.future} series=${table.size} last=${range} work_dir=${workDir}\n`,
        );
        if (s.late > 0) process.stderr.write(`ussdwatch backfill: ${s.late} lines were dated more than --tolerance before a line read earlier; they are counted at the time reached\n`);
        if (s.future > 0) process.stderr.write(`ussdwatch backfill: ${s.future} lines were dated after their file was last modified; they are counted at the time reached\n`);
        return 0;
      } finally {
        process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
      }
    } catch (err) {
      if (err instanceof Interrupted) {
        process.stderr.write(`\nussdwatch backfill: interrupted; run the same command again to resume from the last finished file\n`);
        return 130;
      }
      if (!(err instanceof InputError || err instanceof OutputError)) throw err;
      process.stderr.write(`ussdwatch backfill: ${err.message}\n`);
      return 1;
    }
  });
}
