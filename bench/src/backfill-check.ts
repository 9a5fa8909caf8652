// The backfilled history read back by the real Prometheus (the one on PATH, 2.42 here),
// started on the data folder the backfill wrote, and compared with what `ussdwatch classify`
// counts on the same archives: per day, `ussd_dialogs_total` by class between the day's two
// midnights equals classify's count of that day's file.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { ArchiveDay } from './backfill-archives.js';

export type Counts = Map<string, number>;

export interface DayCheck {
  day: ArchiveDay;
  classify: Counts;
  prometheus: Counts;
  equal: boolean;
}

export interface RunningPrometheus {
  query(expr: string, atMs: number): Promise<Counts>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** Prometheus on `data` with no scrape target and a retention long enough to keep the history. */
export async function startPrometheus(data: string, workDir: string, readyWithinMs: number): Promise<RunningPrometheus> {
  const port = await freePort();
  const config = path.join(workDir, 'prometheus.yml');
  writeFileSync(config, 'global: {}\n');
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    'prometheus',
    [`--config.file=${config}`, `--storage.tsdb.path=${data}`, '--storage.tsdb.retention.time=3650d', `--web.listen-address=127.0.0.1:${port}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (b: Buffer) => (log = (log + b.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + readyWithinMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}): ${log}`);
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`prometheus not ready within ${readyWithinMs / 1000} s: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return {
    async query(expr, atMs) {
      const res = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: expr, time: String(atMs / 1000) })}`);
      const body = (await res.json()) as { status: string; error?: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
      if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
      return new Map(body.data.result.map((r) => [Object.values(r.metric).join('/'), Number(r.value[1])]));
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Dialogs by class as `ussdwatch classify` counts them in one gzipped archive (malformed lines left out, as from the counter). */
export function classifyCounts(bin: string, file: string): Promise<Counts> {
  return new Promise((resolve, reject) => {
    // classify reads plain text: gzip decompresses, as an operator would pipe it.
    const child = spawn('sh', ['-c', 'gzip -dc "$1" | "$2" "$3" classify --format ussd-cdr', 'sh', file, process.execPath, bin], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const counts: Counts = new Map();
    const CLASS = /"class":"([a-z_]+)"/;
    createInterface({ input: child.stdout! }).on('line', (row) => {
      const cls = CLASS.exec(row)?.[1] ?? '?';
      if (cls !== 'malformed') counts.set(cls, (counts.get(cls) ?? 0) + 1);
    });
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(counts) : reject(new Error(`classify ${file} failed (${code}): ${stderr}`))));
  });
}

/** `ussd_dialogs_total` by class gained between the day's two midnights. */
export async function dayFromPrometheus(prom: RunningPrometheus, day: ArchiveDay, labels: string): Promise<Counts> {
  const expr = `sum by (class) (ussd_dialogs_total{${labels}})`;
  const [before, after] = await Promise.all([prom.query(expr, day.startMs), prom.query(expr, day.startMs + 86_400_000)]);
  const gained: Counts = new Map();
  for (const [cls, v] of after) if (v - (before.get(cls) ?? 0) > 0) gained.set(cls, v - (before.get(cls) ?? 0));
  return gained;
}

export function sameCounts(a: Counts, b: Counts): boolean {
  const positive = (m: Counts) => [...m].filter(([, v]) => v > 0);
  return positive(a).length === positive(b).length && positive(a).every(([k, v]) => b.get(k) === v);
}
