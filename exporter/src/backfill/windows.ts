// History is written one block window at a time: a file per window in the work folder,
// handed to the output (promtool, or a push to the long-term store) once time has passed its
// end, then deleted. promtool re-reads its whole input once per 2-hour block, so one file per
// block keeps a month linear, and the disk holds one window at a time, whatever the month.
import { spawn } from 'node:child_process';
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, truncateSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { OPENMETRICS_END, stepText, type Dialect } from './sample-text.js';
import type { SeriesTable } from './series-table.js';

/** promtool's default block range: the windows must match it, or promtool would re-read a file per block. */
export const WINDOW_MS = 2 * 3600_000;

/** The output refused a window (promtool failed, the store answered an error): not the input's fault. */
export class OutputError extends Error {}

export interface Output {
  readonly dialect: Dialect;
  /** Makes the window's samples part of the history; throws when the output refuses them. */
  deliver(file: string, windowStart: number): Promise<void>;
}

/** Where the window being written stands: what a checkpoint needs to cut it back after a crash. */
export interface OpenWindow {
  start: number;
  bytes: number;
}

export class WindowWriter {
  private fd: number | null = null;
  private window: OpenWindow | null = null;
  private readonly closed: number[] = [];
  private delivering: Promise<void> | null = null;
  private failed: Error | null = null;

  constructor(
    private readonly dir: string,
    private readonly output: Output,
    /** Windows ending at or before this were delivered by an earlier, interrupted run. */
    private deliveredUntil: number,
    private readonly onDelivered: (until: number) => Promise<void>,
  ) {}

  /** Reopens the window an interrupted run had open, cut back to what its checkpoint counted. */
  resume(open: OpenWindow | null): void {
    if (open === null) return;
    const file = this.fileOf(open.start);
    if (!existsSync(file)) {
      if (open.start + WINDOW_MS > this.deliveredUntil) throw new Error(`${file} is missing: the work folder was changed; remove it to start again`);
      this.fd = openSync(file, 'w');
      this.window = { start: open.start, bytes: 0 };
      return;
    }
    truncateSync(file, open.bytes);
    this.fd = openSync(file, 'a');
    this.window = { ...open };
  }

  /** The StepSink: appends one step, closing the window it leaves. */
  step(atMs: number, table: SeriesTable): void {
    const start = Math.floor(atMs / WINDOW_MS) * WINDOW_MS;
    if (this.window === null || this.window.start !== start) {
      this.close();
      this.fd = openSync(this.fileOf(start), 'w');
      this.window = { start, bytes: 0 };
    }
    this.append(stepText(table, atMs, this.output.dialect));
  }

  get open(): OpenWindow | null {
    return this.window && { ...this.window };
  }

  /**
   * Delivers the windows closed so far, oldest first, one at a time. With `keepOneBehind`,
   * returns while the newest closed window is still being delivered: promtool makes one block
   * while the next window is counted (two cores, twice the speed), and the disk holds at most
   * two windows.
   */
  async drain(keepOneBehind = false): Promise<void> {
    for (;;) {
      if (this.failed) throw this.failed;
      if (this.delivering === null && this.closed.length > 0) {
        // Cleared in a callback, never inside deliverOldest: a window delivered before an
        // interruption is skipped without an await, and a clear made before this assignment
        // would leave a settled promise here, awaited forever (a resumed run hung on it).
        this.delivering = this.deliverOldest().then(() => {
          this.delivering = null;
        });
      }
      if (this.delivering === null || (keepOneBehind && this.closed.length <= 1)) return;
      await this.delivering;
    }
  }

  private async deliverOldest(): Promise<void> {
    const start = this.closed[0];
    const file = this.fileOf(start);
    try {
      // Already delivered before an interruption: the same lines made the same samples.
      if (start + WINDOW_MS > this.deliveredUntil) {
        await this.output.deliver(file, start);
        this.deliveredUntil = start + WINDOW_MS;
        await this.onDelivered(this.deliveredUntil);
      }
      unlinkSync(file);
      this.closed.shift();
    } catch (err) {
      this.failed = err as Error;
    }
  }

  /** Closes and delivers the last window. */
  async finish(): Promise<void> {
    this.close();
    await this.drain();
  }

  private close(): void {
    if (this.fd === null || this.window === null) return;
    if (this.output.dialect === 'openmetrics') this.append(OPENMETRICS_END);
    closeSync(this.fd);
    this.closed.push(this.window.start);
    this.fd = null;
    this.window = null;
  }

  private append(text: string): void {
    const buf = Buffer.from(text);
    let done = 0;
    while (done < buf.length) done += writeSync(this.fd!, buf, done);
    this.window!.bytes += buf.length;
  }

  private fileOf(start: number): string {
    return join(this.dir, `window-${start}.${this.output.dialect === 'openmetrics' ? 'om' : 'prom'}`);
  }
}

/**
 * `promtool tsdb create-blocks-from openmetrics`: one block per window. promtool writes into a
 * staging folder inside the data folder (not a block name, so Prometheus ignores it; the
 * same file system, so the move is a rename): a run killed while promtool works leaves no
 * half-delivered window, and the next run makes it again from scratch.
 */
export function promtoolOutput(dataDir: string, promtool = 'promtool'): Output {
  return {
    dialect: 'openmetrics',
    async deliver(file, start) {
      const staging = join(dataDir, `.ussdwatch-backfill-${start}`);
      rmSync(staging, { recursive: true, force: true });
      mkdirSync(staging, { recursive: true });
      await runPromtool(promtool, file, staging);
      for (const block of readdirSync(staging)) renameSync(join(staging, block), join(dataDir, block));
      rmSync(staging, { recursive: true, force: true });
    },
  };
}

function runPromtool(promtool: string, file: string, outDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', file, outDir], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d.slice(0, 4000)));
    child.on('error', (e) => reject(new OutputError(`cannot run ${promtool}: ${e.message}`)));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new OutputError(`promtool failed on ${file} (exit ${code}): ${err.trim()}`))));
  });
}

/**
 * VictoriaMetrics' Prometheus text import (`/api/v1/import/prometheus`): plain HTTP, streamed,
 * timestamps in ms, and the store deduplicates nothing it need not, so a window is sent once.
 */
export function pushOutput(baseUrl: string): Output {
  const url = new URL('api/v1/import/prometheus', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  return {
    dialect: 'prometheus',
    async deliver(file) {
      const size = statSync(file).size;
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', 'content-length': String(size) },
        body: Readable.toWeb(createReadStream(file)) as ReadableStream,
        duplex: 'half',
      } as RequestInit).catch((err: Error) => {
        throw new OutputError(`cannot reach ${url.href}: ${(err.cause as Error | undefined)?.message ?? err.message}`);
      });
      if (!res.ok) throw new OutputError(`${url.href} answered ${res.status}: ${(await res.text()).slice(0, 500)}`);
    },
  };
}
