// Watches the DPSS spool folder and reads each dpss_kpi_YYYYMMDDHHmm.csv exactly once,
// also across restarts, and only once it is complete: the DPSS platform writes files in
// place, so a file is read when its size and mtime stopped changing and it ends with a
// newline, or when it has not changed for the settle time (a writer that omits the final
// newline, or an empty file that will stay empty).
//
// Only names dpss_kpi_ + a valid date are ever looked at: logged as NotPersonal, they are
// not masked (their 12-digit stamp would look like a subscriber number).
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { NotPersonal, type Logger, type RateLimitedLog } from '@ussdwatch/common/log.js';
import { dpssPeriodFromFileName, parseDpssCsv } from '../parsers/dpss-parser.js';
import type { DpssRow } from '../core/types.js';
import type { DpssLatest } from './dpss-ingest.js';
import { readJsonIfExists, writeJsonAtomic } from '../state/state-file.js';
import type { UssdMetrics } from './ussd-metrics.js';

/** A KPI file holds a row per short code: anything this large is not one. */
const MAX_FILE_BYTES = 16 * 1024 * 1024;
const STATE_VERSION = 1;

export interface FileObservation {
  size: number;
  mtimeMs: number;
  /** When this size and mtime were first seen. */
  since: number;
}

export type Verdict = 'wait' | 'read' | 'empty';

/**
 * Pure decision for one unread file: read it, give up on it as empty, or look again later.
 * A file is judged stable when it did not change since the previous scan, or when its
 * mtime is older than the settle time (files already complete at start-up are read at once).
 */
export function judgeFile(prev: FileObservation | undefined, size: number, mtimeMs: number, now: number, settleMs: number): { verdict: Verdict; obs: FileObservation } {
  const unchanged = prev !== undefined && prev.size === size && prev.mtimeMs === mtimeMs;
  const obs = unchanged ? prev : { size, mtimeMs, since: now };
  const settled = now - mtimeMs >= settleMs || now - obs.since >= settleMs;
  if (!unchanged && !settled) return { verdict: 'wait', obs };
  if (size === 0) return { verdict: settled ? 'empty' : 'wait', obs };
  return { verdict: 'read', obs };
}

export interface DpssSpoolOptions {
  spool: string;
  utcOffsetMinutes: number;
  /** Remembers read files and the latest rows, so a restart neither re-reads nor forgets. */
  stateFile: string;
  metrics: UssdMetrics;
  latest: DpssLatest;
  logger: Logger;
  rateLimited: RateLimitedLog;
  settleMs: number;
  now?: () => number;
}

interface SpoolState {
  version: number;
  files: string[];
  latest: DpssRow[];
}

export class DpssSpool {
  private readonly seen = new Set<string>();
  private readonly pending = new Map<string, FileObservation>();
  private readonly now: () => number;

  private constructor(private readonly opts: DpssSpoolOptions) {
    this.now = opts.now ?? Date.now;
  }

  static async open(opts: DpssSpoolOptions): Promise<DpssSpool> {
    const spool = new DpssSpool(opts);
    await spool.loadState();
    return spool;
  }

  /** One pass over the spool folder. Never throws: problems are logged and retried. */
  async scan(): Promise<void> {
    let names: string[];
    try {
      names = (await readdir(this.opts.spool)).filter((n) => dpssPeriodFromFileName(n, this.opts.utcOffsetMinutes) !== null).sort();
    } catch (err) {
      this.opts.rateLimited.log('dpss:spool', 'warn', 'cannot list the DPSS spool folder', { spool: this.opts.spool, error: (err as Error).message });
      return;
    }
    const present = new Set(names);
    let forgotten = false;
    for (const n of this.seen) {
      // Keeps the state bounded when the spool is cleaned up; a name that reappears is a new file.
      if (!present.has(n)) {
        this.seen.delete(n);
        forgotten = true;
      }
    }
    for (const n of this.pending.keys()) if (!present.has(n)) this.pending.delete(n);
    let changed = forgotten;
    for (const name of names) {
      if (this.seen.has(name)) continue;
      if (await this.consider(name)) changed = true;
    }
    if (changed) await this.saveState();
  }

  /** True when the file was consumed (read or given up on). */
  private async consider(name: string): Promise<boolean> {
    const file = path.join(this.opts.spool, name);
    const now = this.now();
    try {
      const st = await stat(file);
      if (!st.isFile()) return this.malformed(name, 'not a regular file');
      if (st.size > MAX_FILE_BYTES) return this.malformed(name, `larger than ${MAX_FILE_BYTES} bytes`);
      const { verdict, obs } = judgeFile(this.pending.get(name), st.size, st.mtimeMs, now, this.opts.settleMs);
      this.pending.set(name, obs);
      if (verdict === 'wait') return false;
      if (verdict === 'empty') return this.malformed(name, 'empty file');
      const text = await readFile(file, 'utf8');
      const settled = now - obs.since >= this.opts.settleMs || now - obs.mtimeMs >= this.opts.settleMs;
      if (!text.endsWith('\n') && !settled) return false;
      return this.ingest(name, text);
    } catch (err) {
      this.opts.rateLimited.log(`dpss:${name}`, 'warn', 'cannot read DPSS file, will retry', { file: new NotPersonal(file), error: (err as Error).message });
      return false;
    }
  }

  private ingest(name: string, text: string): boolean {
    const { rows, errors } = parseDpssCsv(text, this.opts.utcOffsetMinutes);
    if (rows.length === 0) {
      const reason = errors.map((e) => `line ${e.line}: ${e.reason}`).slice(0, 3).join('; ') || 'no rows';
      return this.malformed(name, reason);
    }
    const counts: Record<string, number> = { ok: 0, unknown_code: 0, stale: 0, wrong_period: 0, bad: errors.length };
    // The name matched the KPI pattern when the folder was listed.
    const filePeriod = dpssPeriodFromFileName(name, this.opts.utcOffsetMinutes)!;
    const now = this.now();
    for (const row of rows) counts[this.opts.latest.apply(row, filePeriod, now)]++;
    this.opts.latest.badRows(errors.length);
    this.opts.metrics.dpssFile('ok').inc();
    this.done(name);
    const level = errors.length > 0 || counts.wrong_period > 0 ? 'warn' : 'info';
    this.opts.logger.log(level, 'DPSS file read', {
      file: new NotPersonal(name),
      rows: rows.length,
      ...counts,
      ...(errors.length > 0 ? { first_errors: errors.slice(0, 3) } : {}),
    });
    return true;
  }

  private malformed(name: string, reason: string): boolean {
    this.opts.metrics.dpssFile('malformed').inc();
    this.done(name);
    this.opts.logger.log('warn', 'malformed DPSS file skipped', { file: new NotPersonal(name), reason });
    return true;
  }

  private done(name: string): void {
    this.seen.add(name);
    this.pending.delete(name);
  }

  private async loadState(): Promise<void> {
    let raw: unknown;
    try {
      raw = await readJsonIfExists(this.opts.stateFile);
    } catch (err) {
      this.opts.logger.log('warn', 'DPSS state unreadable, starting fresh: already-read files in the spool will be read again', {
        file: this.opts.stateFile,
        error: (err as Error).message,
      });
      return;
    }
    if (raw === undefined) return;
    const state = raw as Partial<SpoolState>;
    if (state.version !== STATE_VERSION || !Array.isArray(state.files) || !Array.isArray(state.latest)) {
      this.opts.logger.log('warn', 'DPSS state has an unexpected shape, starting fresh', { file: this.opts.stateFile });
      return;
    }
    for (const f of state.files) if (typeof f === 'string') this.seen.add(f);
    const refused = this.opts.latest.restore(state.latest.filter(isDpssRow), this.now());
    if (refused.length > 0) {
      this.opts.logger.log('warn', 'DPSS state held periods far in the future: dropped, so later real periods are not stale', {
        file: this.opts.stateFile,
        dropped: refused.map((r) => ({ short_code: r.shortCode, period_start: new Date(r.periodStart).toISOString() })),
      });
    }
  }

  private async saveState(): Promise<void> {
    const state: SpoolState = { version: STATE_VERSION, files: [...this.seen].sort(), latest: this.opts.latest.snapshot() };
    try {
      await writeJsonAtomic(this.opts.stateFile, state);
    } catch (err) {
      this.opts.rateLimited.log('dpss:state', 'error', 'cannot save DPSS state', { file: this.opts.stateFile, error: (err as Error).message });
    }
  }
}

function isDpssRow(v: unknown): v is DpssRow {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  const numbers = ['periodStart', 'periodS', 'attempts', 'success', 'failures', 'rtAvgMs', 'rtP95Ms', 'rtMaxMs'];
  return typeof r.shortCode === 'string' && numbers.every((k) => typeof r[k] === 'number' && Number.isFinite(r[k]));
}
