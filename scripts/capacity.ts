// The capacity run (docs/capacity.md): the HA topology at a given load with the shipped
// timings (15 s scrape and evaluation, the shipped routes), measured from outside: CPU,
// memory and disk per component from /proc and du, what the exporters kept up with,
// scrape and rule-evaluation durations from Prometheus' own metrics, the remote-write
// backlog, then the detection latency of an application fault under that load.
// Prints a table per component and, last, one `capacity: ...` line.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { waitFor } from '@ussdwatch/testkit';
import { startHaStack, type HaStack } from '@ussdwatch/testkit/ha-stack';

const USAGE = `usage: npm run capacity -- [--rate N] [--nodes N] [--warmup-s S] [--measure-s S]

  --rate N       dialogs per second over all nodes (default 20000)
  --nodes N      gateway nodes, one exporter each (default 8)
  --warmup-s S   load before measuring: the rules' windows fill (default 120)
  --measure-s S  the measured window (default 180); the fault follows it`;

const FAULT = { scenario: 'app_down', target: '*710#' };
const FORMATS = ['cdr', 'cdr-local', 'json', 'cdr'];
const TICKS_PER_S = 100;
const say = (m: string) => process.stdout.write(`${m}\n`);
const progress = (m: string) => process.stderr.write(`capacity: ${m}\n`);

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of stat(5), 12 and 13 after the command name.
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

function duMb(path: string): number {
  return Number(execFileSync('du', ['-sk', path], { encoding: 'utf8' }).split('\t')[0]) / 1024;
}

/** A figure, or NaN (printed `na`) when the component does not answer: an overloaded run still reports the rest. */
async function value(base: string, q: string): Promise<number> {
  try {
    const body = (await (await fetch(`${base}/api/v1/query?query=${encodeURIComponent(q)}`, { signal: AbortSignal.timeout(30_000) })).json()) as { status: string; error?: string; data: { result: Array<{ value: [number, string] }> } };
    if (body.status !== 'success') throw new Error(body.error);
    return body.data.result.length ? Number(body.data.result[0].value[1]) : NaN;
  } catch (err) {
    progress(`no answer to ${q}: ${(err as Error).message}`);
    return NaN;
  }
}

/**
 * The store's own account of its disk: bytes per stored row (VictoriaMetrics'
 * vm_data_size_bytes over vm_rows, data parts only, the index apart). Measured on parts
 * a few minutes old, which later merges compress further: an upper bound.
 */
async function storeBytesPerSample(url: string): Promise<number> {
  try {
    const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(30_000) })).text();
    const total = (metric: string) => [...text.matchAll(new RegExp(`^${metric}\\{type="storage/\\w+"\\} (\\S+)$`, 'gm'))].reduce((n, m) => n + Number(m[1]), 0);
    return total('vm_data_size_bytes') / total('vm_rows');
  } catch (err) {
    progress(`no answer from the store's /metrics: ${(err as Error).message}`);
    return NaN;
  }
}

/** The simulator's own measured rate (it is single-threaded: at its limit it answers late). */
async function simulatedPerS(url: string): Promise<number> {
  try {
    return ((await (await fetch(`${url}/status`, { signal: AbortSignal.timeout(30_000) })).json()) as { rates: { dialogs_per_s: number } }).rates.dialogs_per_s;
  } catch (err) {
    progress(`simulator status: ${(err as Error).message}`);
    return NaN;
  }
}

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'na');

async function measure(stack: HaStack, measureS: number): Promise<{ cpu: Record<string, number>; rss: Record<string, number> }> {
  const pids = stack.pids();
  const startCpu = Object.fromEntries(Object.entries(pids).map(([n, pid]) => [n, cpuSeconds(pid)]));
  const rss: Record<string, number> = {};
  const started = Date.now();
  const sample = () => {
    for (const [n, pid] of Object.entries(pids)) rss[n] = Math.max(rss[n] ?? 0, rssMb(pid));
  };
  await waitFor(() => {
    sample();
    return Date.now() - started >= measureS * 1000;
  }, { timeoutMs: measureS * 1000 + 10_000, intervalMs: 5000, what: 'the measured window' });
  const seconds = (Date.now() - started) / 1000;
  const cpu = Object.fromEntries(Object.entries(pids).map(([n, pid]) => [n, ((cpuSeconds(pid) - startCpu[n]) / seconds) * 100]));
  return { cpu, rss };
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { rate: { type: 'string' }, nodes: { type: 'string' }, 'warmup-s': { type: 'string' }, 'measure-s': { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    say(USAGE);
    return 0;
  }
  const rate = Number(values.rate ?? 20_000);
  const nodeCount = Number(values.nodes ?? 8);
  const warmupS = Number(values['warmup-s'] ?? 120);
  const measureS = Number(values['measure-s'] ?? 180);
  const nodes = Array.from({ length: nodeCount }, (_, i) => `gw${String(i + 1).padStart(2, '0')}:${FORMATS[i % FORMATS.length]}`);

  const stack = await startHaStack({ simulator: { rate, flat: true, nodes }, onProgress: progress });
  try {
    const [promA] = stack.urls.prometheus;
    progress(`${rate} dialogs/s over ${nodeCount} nodes: ${warmupS} s of warm-up, then ${measureS} s measured`);
    const warmEnd = Date.now() + warmupS * 1000;
    await waitFor(() => Date.now() >= warmEnd, { timeoutMs: warmupS * 1000 + 5000, intervalMs: 1000, what: 'the warm-up' });
    const { cpu, rss } = await measure(stack, measureS);
    const window = `${measureS}s`;

    const simulated = await simulatedPerS(stack.urls.simulator);
    const q = (expr: string) => value(promA, expr);
    const counted = await q(`sum(rate(ussd_dialogs_total[${window}]))`);
    // How old the newest line read was when it was scraped (not when queried: a scrape is up to 15 s old).
    const lag = await q(`max(max_over_time((timestamp(ussd_source_last_line_timestamp_seconds) - ussd_source_last_line_timestamp_seconds)[${window}:15s]))`);
    const scrapeMax = await q(`max(max_over_time(scrape_duration_seconds{job="ussdwatch-exporter"}[${window}]))`);
    const scrapeAvg = await q(`avg(avg_over_time(scrape_duration_seconds{job="ussdwatch-exporter"}[${window}]))`);
    const samplesPerScrape = await q('sum(scrape_samples_scraped{job="ussdwatch-exporter"})');
    // Replica a's own figures: each replica scrapes both (prometheus/rules/monitoring-pipeline.yml).
    const self = '{job="prometheus",replica="a"}';
    const rulesMax = await q(`max_over_time(sum(prometheus_rule_group_last_duration_seconds${self})[${window}:15s])`);
    const missed = await q(`sum(increase(prometheus_rule_group_iterations_missed_total${self}[${window}]))`);
    const headSeries = await q(`prometheus_tsdb_head_series${self}`);
    const appended = await q(`rate(prometheus_tsdb_head_samples_appended_total${self}[${window}])`);
    const rwBehind = await q(`max(prometheus_remote_storage_highest_timestamp_in_seconds${self}) - min(prometheus_remote_storage_queue_highest_sent_timestamp_seconds${self})`);

    const disk: Record<string, number> = {
      'prometheus-a': duMb(join(stack.workDir, 'prometheus-a')),
      'prometheus-b': duMb(join(stack.workDir, 'prometheus-b')),
      'victoria-metrics': duMb(join(stack.workDir, 'victoria-metrics')),
      notifier: duMb(stack.dirs.journal),
      'gateway logs': duMb(stack.dirs.logs),
    };
    const ran = (warmupS + measureS) / 3600;
    const storeBytes = await storeBytesPerSample(stack.urls.store);

    say(`\ncapacity: ${rate} dialogs/s asked over ${nodeCount} nodes, ${measureS} s measured after ${warmupS} s (cores: ${execFileSync('nproc', { encoding: 'utf8' }).trim()}, load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')})`);
    say(`${'component'.padEnd(18)} ${'cpu %'.padStart(7)} ${'rss MB'.padStart(8)}`);
    const groups: Record<string, string[]> = {};
    for (const name of Object.keys(cpu)) (groups[name.replace(/-gw\d+$/, ' (each)').replace(/-\d+$/, ' (each)')] ??= []).push(name);
    for (const [group, names] of Object.entries(groups)) {
      const avg = (m: Record<string, number>) => names.reduce((s, n) => s + m[n], 0) / names.length;
      say(`${group.padEnd(18)} ${fmt(avg(cpu)).padStart(7)} ${fmt(avg(rss), 0).padStart(8)}${names.length > 1 ? `   x${names.length}` : ''}`);
    }
    const total = Object.values(cpu).reduce((a, b) => a + b, 0);
    say(`${'all measured'.padEnd(18)} ${fmt(total).padStart(7)} ${fmt(Object.values(rss).reduce((a, b) => a + b, 0), 0).padStart(8)}`);
    say(`disk after ${fmt((warmupS + measureS) / 60)} min: ${Object.entries(disk).map(([k, v]) => `${k} ${fmt(v)} MB (${fmt((v / ran) * 24 / 1024, 2)} GB/day)`).join(', ')}`);
    // The store keeps one replica's stream (deduplicated): a replica's appended samples per second.
    say(`store: ${fmt(storeBytes, 2)} bytes per sample on disk (its own vm_data_size_bytes / vm_rows, unmerged parts: an upper bound), ${fmt((storeBytes * appended * 86_400) / 1024 ** 2, 0)} MB/day at ${fmt(appended, 0)} samples/s`);
    say(`throughput: simulator ${fmt(simulated, 0)}/s, counted by the exporters ${fmt(counted, 0)}/s, newest line read at most ${fmt(lag)} s old when scraped`);
    say(`prometheus: scrape of an exporter avg ${fmt(scrapeAvg * 1000, 0)} ms max ${fmt(scrapeMax * 1000, 0)} ms (${fmt(samplesPerScrape, 0)} samples per round), all rule groups ${fmt(rulesMax * 1000, 0)} ms at worst, ${fmt(missed, 0)} missed evaluations, ${fmt(headSeries, 0)} head series, ${fmt(appended, 0)} samples/s, remote write ${fmt(rwBehind)} s behind`);

    const fault = await stack.faults.start(FAULT).catch((err: Error) => {
      progress(`the fault could not be started: ${err.message}`);
      return null;
    });
    if (!fault) return 1;
    progress(`fault ${FAULT.scenario} on ${FAULT.target}: waiting for its SMS`);
    const sms = await waitFor(() => stack.sms().find((m) => m.seenAt >= fault.startedAt && m.text.includes(FAULT.target) && m.text.startsWith('ALERT')), { timeoutMs: 6 * 60_000, intervalMs: 250, what: `an SMS about ${FAULT.target}` }).catch(() => null);
    const detection = sms ? (sms.seenAt - fault.startedAt) / 1000 : NaN;
    say(`detection: ${FAULT.scenario} on ${FAULT.target} to its first SMS ${fmt(detection)} s under load`);
    say(`capacity: rate=${rate} nodes=${nodeCount} sustained_per_s=${fmt(counted, 0)} read_lag_s=${fmt(lag)} cpu_pct=${fmt(total, 0)} scrape_max_ms=${fmt(scrapeMax * 1000, 0)} rules_max_ms=${fmt(rulesMax * 1000, 0)} detection_s=${fmt(detection)}`);
    return sms ? 0 : 1;
  } finally {
    await stack.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`capacity: ${err.message}\n`);
    process.exit(1);
  },
);
