// The alert journal: every alert received, every request refused and every delivery
// attempt, appended as JSON lines to segment files and fsynced before the caller goes on.
// Writes that arrive together share one write + fdatasync (group commit). At start the
// segments are read back, so the query index and the deduplication memory survive a
// crash; a torn last line (killed mid-write) is skipped, never fatal.
import { mkdir, open, readdir, readFile, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

export type Channel = 'sms' | 'email';
/**
 * `started` is written (durably) before each gateway request and is not a result: an
 * attempt left `started` with no result after it was interrupted (the process died) and
 * may or may not have been delivered. `in_doubt` is what a redelivery of such a message
 * records instead of sending it again.
 */
export type AttemptResult = 'started' | 'sent' | 'retry' | 'failed' | 'duplicate' | 'in_doubt';

export interface AlertSummary {
  fingerprint: string;
  status: string;
  alertname: string;
  short_code?: string;
  tier?: string;
  team?: string;
  severity?: string;
  summary?: string;
  startsAt?: string;
}

interface Common {
  seq: number;
  /** ISO time the entry was written. */
  ts: string;
  shortCodes: string[];
  tiers: string[];
}

export interface ReceivedEntry extends Common {
  kind: 'received';
  receiver: string;
  groupKey: string;
  status: string;
  alerts: AlertSummary[];
}

export interface RejectedEntry extends Common {
  kind: 'rejected';
  httpStatus: number;
  reason: string;
  message: string;
}

export interface AttemptEntry extends Common {
  kind: 'attempt';
  /** seq of the `received` entry this delivers. */
  notification: number;
  channel: Channel;
  team: string;
  /** Masked: personal data never reaches the journal in clear. */
  recipient: string;
  /** Keyed hash of the recipient, for deduplication across restarts. */
  recipientKey: string;
  /** Keyed hashes of groupKey + fingerprint + startsAt + status of the alerts the message carried. */
  dedupKeys: string[];
  result: AttemptResult;
  attempt: number;
  gatewayStatus?: number;
  gatewayAnswer?: string;
  durationMs: number;
  /** Why the notifier decided what it did, when the result alone does not say (in_doubt). */
  message?: string;
}

export type JournalEntry = ReceivedEntry | RejectedEntry | AttemptEntry;
type New<T> = T extends JournalEntry ? Omit<T, 'seq' | 'ts'> : never;
export type NewEntry = New<JournalEntry>;

export interface JournalQuery {
  fromMs?: number;
  toMs?: number;
  shortCode?: string;
  tier?: string;
  limit: number;
}

export interface JournalOptions {
  dir: string;
  retentionDays: number;
  segmentMaxBytes: number;
  /** Called with the seconds each group commit took (write + fdatasync). */
  onWrite?: (seconds: number) => void;
  /** Newest entries kept in memory for queries (older ones stay on disk). */
  maxInMemory?: number;
}

/** One delivery attempt: its `started` entry and its result share this. */
const attemptId = (e: AttemptEntry) => `${e.notification}|${e.channel}|${e.recipientKey}|${e.attempt}`;

const SEGMENT = /^journal-(\d+)\.jsonl$/;

interface Pending {
  data: string;
  resolve: () => void;
  reject: (err: Error) => void;
}

export class Journal {
  private entries: JournalEntry[] = [];
  private readonly sent = new Map<string, number>();
  /** Attempts journaled as started with no result yet, by attemptId(). */
  private readonly started = new Map<string, AttemptEntry>();
  private seq = 0;
  private fh!: FileHandle;
  private size = 0;
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  /** Lines that could not be read back at start (a torn write): reported, not fatal. */
  skippedLines = 0;

  private constructor(private readonly opts: JournalOptions) {}

  static async open(opts: JournalOptions): Promise<Journal> {
    const j = new Journal(opts);
    await mkdir(opts.dir, { recursive: true });
    await j.load();
    await j.startSegment();
    return j;
  }

  private async segments(): Promise<string[]> {
    const names = (await readdir(this.opts.dir)).filter((n) => SEGMENT.test(n));
    return names.sort((a, b) => Number(a.match(SEGMENT)![1]) - Number(b.match(SEGMENT)![1]));
  }

  private async load(): Promise<void> {
    const horizon = Date.now() - this.opts.retentionDays * 86_400_000;
    for (const name of await this.segments()) {
      const path = join(this.opts.dir, name);
      let newest = 0;
      for (const line of (await readFile(path, 'utf8')).split('\n')) {
        if (!line) continue;
        let e: JournalEntry;
        try {
          e = JSON.parse(line) as JournalEntry;
        } catch {
          this.skippedLines++;
          continue;
        }
        const t = Date.parse(e.ts);
        if (typeof e.seq !== 'number' || Number.isNaN(t)) {
          this.skippedLines++;
          continue;
        }
        newest = Math.max(newest, t);
        this.seq = Math.max(this.seq, e.seq);
        if (t >= horizon) this.index(e);
      }
      // Wholly past retention (or empty): the segment goes.
      if (newest < horizon) await rm(path, { force: true });
    }
    this.trimMemory();
  }

  private index(e: JournalEntry): void {
    this.entries.push(e);
    if (e.kind !== 'attempt') return;
    if (e.result === 'started') this.started.set(attemptId(e), e);
    else this.started.delete(attemptId(e));
    if (e.result === 'sent') {
      const at = Date.parse(e.ts);
      for (const k of e.dedupKeys) this.sent.set(`${e.channel}|${e.recipientKey}|${k}`, at);
    }
  }

  private trimMemory(): void {
    const max = this.opts.maxInMemory ?? 200_000;
    if (this.entries.length > max) this.entries = this.entries.slice(-max);
  }

  private async startSegment(): Promise<void> {
    // A fresh segment per start: a torn line from a crash stays at the end of the old one.
    let name = `journal-${Date.now()}.jsonl`;
    while ((await this.segments()).includes(name)) name = `journal-${Number(name.match(SEGMENT)![1]) + 1}.jsonl`;
    this.fh = await open(join(this.opts.dir, name), 'a');
    this.size = (await stat(join(this.opts.dir, name))).size;
  }

  /** Appends entries; resolves once they are on disk (fdatasync), with their seq and ts. */
  async append(news: NewEntry[]): Promise<JournalEntry[]> {
    const ts = new Date().toISOString();
    const full = news.map((n) => ({ seq: ++this.seq, ts, ...n }) as JournalEntry);
    await new Promise<void>((resolve, reject) => {
      this.queue.push({ data: full.map((e) => `${JSON.stringify(e)}\n`).join(''), resolve, reject });
      this.flushing ??= this.flush();
    });
    for (const e of full) this.index(e);
    this.trimMemory();
    return full;
  }

  private async flush(): Promise<void> {
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0);
        const data = batch.map((b) => b.data).join('');
        const t0 = process.hrtime.bigint();
        try {
          await this.fh.write(data);
          await this.fh.datasync();
          this.opts.onWrite?.(Number(process.hrtime.bigint() - t0) / 1e9);
          this.size += Buffer.byteLength(data);
          for (const b of batch) b.resolve();
        } catch (err) {
          for (const b of batch) b.reject(err as Error);
        }
        if (this.size >= this.opts.segmentMaxBytes) await this.rotate();
      }
    } finally {
      this.flushing = null;
    }
  }

  private async rotate(): Promise<void> {
    await this.fh.close();
    await this.startSegment();
    const horizon = Date.now() - this.opts.retentionDays * 86_400_000;
    const names = await this.segments();
    // Segment names are their start times; one is wholly expired when its successor started before the horizon.
    for (let i = 0; i + 1 < names.length; i++) {
      if (Number(names[i + 1].match(SEGMENT)![1]) < horizon) await rm(join(this.opts.dir, names[i]), { force: true });
    }
    this.entries = this.entries.filter((e) => Date.parse(e.ts) >= horizon);
    for (const [k, at] of this.sent) if (at < horizon) this.sent.delete(k);
    for (const [k, e] of this.started) if (Date.parse(e.ts) < horizon) this.started.delete(k);
  }

  /** When the recipient last got a message carrying this alert state, within the window. */
  wasSent(channel: Channel, recipientKey: string, dedupKey: string, sinceMs: number): boolean {
    const at = this.sent.get(`${channel}|${recipientKey}|${dedupKey}`);
    return at !== undefined && at >= sinceMs;
  }

  /**
   * When an attempt to this recipient that carried these alert states (or the part of
   * them not already sent) started within the window and never recorded a result. The
   * dispatcher serialises deliveries per recipient, so such an attempt is not running:
   * it was interrupted, and the gateway may have accepted it.
   */
  interruptedAt(channel: Channel, recipientKey: string, dedupKeys: string[], sinceMs: number): string | undefined {
    for (const e of this.started.values()) {
      if (e.channel !== channel || e.recipientKey !== recipientKey || Date.parse(e.ts) < sinceMs) continue;
      if (dedupKeys.every((k) => e.dedupKeys.includes(k) || this.wasSent(channel, recipientKey, k, sinceMs))) return e.ts;
    }
    return undefined;
  }

  /** Newest first. */
  query(q: JournalQuery): JournalEntry[] {
    const out: JournalEntry[] = [];
    for (let i = this.entries.length - 1; i >= 0 && out.length < q.limit; i--) {
      const e = this.entries[i];
      const t = Date.parse(e.ts);
      if (q.toMs !== undefined && t > q.toMs) continue;
      if (q.fromMs !== undefined && t < q.fromMs) break;
      if (q.shortCode !== undefined && !e.shortCodes.includes(q.shortCode)) continue;
      if (q.tier !== undefined && !e.tiers.includes(q.tier)) continue;
      out.push(e);
    }
    return out;
  }

  async close(): Promise<void> {
    await this.flushing;
    await this.fh.close();
  }
}
