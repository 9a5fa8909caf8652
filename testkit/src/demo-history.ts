// The demo's yesterday, made the way an operator who installs ussdwatch makes the time
// before it (docs/backfill.md): the simulator writes the gateway logs from Algiers midnight
// of the day whose daily report is due (yesterday; the day before when started before the
// report's hour, 07:00) to the stack's start in --fast mode, and `ussdwatch backfill`
// turns each node's log into TSDB blocks with the real promtool. The blocks are made in a
// staging folder and moved into Prometheus' data folder only once every node is done, so
// Prometheus (which loads new blocks at its next reload, within a minute) never holds half
// a day that a scheduled report could take for the whole of it.
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ALGIERS_OFFSET_MS, isoLocalSeconds as isoAlgiers } from '@ussdwatch/simulator/algiers-time.js';
import { NODE, SIMULATE_BIN, USSDWATCH_BIN } from './chain.js';
import { startProcess, type RunningProcess } from './process.js';
import { REPO_ROOT } from './repo.js';
import { waitFor } from './wait.js';

export interface HistoryOptions {
  /** Dialogs per second at the evening peak of the simulated days (default 50, a quarter of the demo's live 200: a day at 200 is 1 GB of logs and minutes of both cores). */
  rate?: number;
  /** Time between the history's samples (default 15s, the live scrape interval; a test may take 1m: a quarter of the work). */
  step?: string;
  /** Seed of the simulated day (default 14: the same day on every run). */
  seed?: number;
}

export interface HistoryWiring {
  /** Where the logs and the staging blocks go. */
  dir: string;
  /** The exporter's config (its sources are the nodes backfilled). */
  exporterFile: string;
  /** The nodes' log names, as the exporter's sources name them. */
  sources: string[];
  prometheusDataDir: string;
  prometheusUrl: string;
  /** The end of the history: the stack's start. */
  untilMs: number;
  /** The report service, whose schedule says which day's report is due (yesterday when absent). */
  reportsUrl?: string;
  logFile: string;
}

export interface HistoryResult {
  from: string;
  to: string;
  /** Prometheus already held the time since the due day's midnight (an earlier start): nothing was done. */
  skipped: boolean;
  seconds: number;
}

// Small enough to leave the day incident-free in the report (no alert fires on history),
// large enough that the day's figures are not all 100%: a tenth of *710#'s dialogs slow for an hour.
const HISTORY_FAULT = 'slow_app:*710#,share=0.1';
const FAULT_AT_H = 10;

/** The instance label of a node's history: one exporter reads every node here, so each node's blocks need a series of their own. */
export const historyInstance = (source: string) => `history-${source}`;

/** Algiers midnight of the earliest day report due now (the service's schedule), else of yesterday. */
async function dueDayStart(w: HistoryWiring): Promise<number> {
  const yesterday = Math.floor((w.untilMs + ALGIERS_OFFSET_MS) / 86_400_000) * 86_400_000 - ALGIERS_OFFSET_MS - 86_400_000;
  if (!w.reportsUrl) return yesterday;
  const body = (await (await fetch(`${w.reportsUrl}/api/reports`)).json()) as { schedule: Array<{ period: string }> };
  const days = body.schedule.map((r) => r.period).filter((p) => /^\d{4}-\d{2}-\d{2}$/.test(p));
  return Math.min(yesterday, ...days.map((d) => Date.parse(`${d}T00:00:00Z`) - ALGIERS_OFFSET_MS));
}

/**
 * The last sample Prometheus holds from before this start (an earlier start's live data or
 * history, in the kept .run folder), or null: history begins after it, so no dialog is
 * counted twice and no series gets two different pasts.
 */
async function lastSampleBefore(w: HistoryWiring, fromMs: number): Promise<number | null> {
  const q = new URLSearchParams({ query: 'max(timestamp(ussd_log_lines_total))', start: String(fromMs / 1000), end: String((w.untilMs - 1) / 1000), step: '60' });
  const body = (await (await fetch(`${w.prometheusUrl}/api/v1/query_range?${q}`)).json()) as { data: { result: Array<{ values: Array<[number, string]> }> } };
  const times = body.data.result.flatMap((r) => r.values.map(([, v]) => Number(v) * 1000)).filter((t) => t < w.untilMs);
  return times.length ? Math.max(...times) : null;
}

/** Runs in the background; stop() ends whichever program runs now. */
export function makeHistory(w: HistoryWiring, o: HistoryOptions = {}): { done: Promise<HistoryResult>; stop(): Promise<void> } {
  let current: RunningProcess | null = null;
  let stopped = false;
  const run = async (name: string, args: string[]) => {
    if (stopped) throw new Error('stopped');
    current = await startProcess(NODE, args, { name, cwd: REPO_ROOT, logFile: w.logFile });
    // stop() may have come while it was being started.
    if (stopped) await current.stop();
    const code = await current.exit;
    current = null;
    if (code !== 0) throw new Error(`${name} exited with ${code}: ${w.logFile}`);
  };
  const done = (async (): Promise<HistoryResult> => {
    const started = Date.now();
    const dayMs = await dueDayStart(w);
    const before = await lastSampleBefore(w, dayMs);
    const fromMs = before === null ? dayMs : Math.ceil((before + 1) / 60_000) * 60_000;
    const untilS = Math.floor((w.untilMs - fromMs) / 1000);
    const result = (skipped: boolean) => ({ from: isoAlgiers(fromMs), to: isoAlgiers(fromMs + Math.max(untilS, 0) * 1000), skipped, seconds: (Date.now() - started) / 1000 });
    if (untilS < 60) return result(true);
    const logs = join(w.dir, 'logs');
    const staging = join(w.dir, 'tsdb');
    await rm(w.dir, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    await run('history simulator', [
      SIMULATE_BIN, '--fast', '--start', isoAlgiers(fromMs), '--duration', String(untilS),
      '--rate', String(o.rate ?? 50), '--seed', String(o.seed ?? 14), '--rotate-size', '0',
      '--out', logs, '--dpss-dir', join(w.dir, 'dpss'), '--fault', `${HISTORY_FAULT},after=${FAULT_AT_H * 3600},for=3600`,
    ]);
    // One node after the other: the demo's two cores also run the live chain.
    for (const source of w.sources) {
      await run(`history backfill ${source}`, [
        USSDWATCH_BIN, 'backfill', '-c', w.exporterFile, '--source', source, '--instance', historyInstance(source),
        '--step', o.step ?? '15s', '--tsdb', staging, '--work-dir', join(w.dir, 'work', source), '--progress-every', '1m', join(logs, `${source}.log`),
      ]);
    }
    for (const block of await readdir(staging)) {
      if (existsSync(join(staging, block, 'meta.json'))) await rename(join(staging, block), join(w.prometheusDataDir, block));
    }
    const loaded = await waitFor(async () => {
      if (stopped) return 'stopped';
      const q = `sum(ussd_dialogs_total{instance="${historyInstance(w.sources[0])}"})`;
      const res = await fetch(`${w.prometheusUrl}/api/v1/query?query=${encodeURIComponent(q)}&time=${(fromMs + untilS * 500) / 1000}`);
      const body = (await res.json()) as { data?: { result?: unknown[] } };
      return (body.data?.result?.length ?? 0) > 0 && 'loaded';
    }, { timeoutMs: 5 * 60_000, intervalMs: 2000, what: 'Prometheus loading the history blocks' });
    if (loaded === 'stopped') throw new Error('stopped');
    await rm(logs, { recursive: true, force: true });
    return result(false);
  })();
  return {
    done,
    async stop() {
      stopped = true;
      await (current as RunningProcess | null)?.stop();
      await done.catch(() => {});
    },
  };
}
