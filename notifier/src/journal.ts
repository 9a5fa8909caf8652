// The alert journal: every alert received, every request refused and every delivery
// attempt, appended as JSON lines to segment files and fsynced before the caller goes on.
// Writes that arrive together share one write + fdatasync (group commit). At start the
// segments are read back from their end, newest first: the newest entries up to a byte
// budget for queries, and the attempts of the state window (deduplication, interrupted
// attempts, the SMS cap) so those survive a crash; nothing older is read, so a start
// takes the same time over 30 MB or 30 GB. A torn last line (killed mid-write) is
// skipped, never fatal.
import { mkdir, open, readdir, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { IncidentBook, type Incident } from './incidents.js';
import { linesFromEnd } from './lines-from-end.js';

export type Channel = 'sms' | 'email';
/**
 * `started` is written (durably) before each gateway request and is not a result: an
 * attempt left `started` with no result after it was interrupted (the process died) and
 * may or may not have been delivered. `in_doubt` is what a redelivery of such a message
 * records instead of sending it again. `held`: an SMS not sent because the recipient
 * reached the hourly cap (the mail still goes), or a tier-1 mail waiting for business
 * hours (`until`; the on-call loop sends it then, see business-hold.ts).
 */
export type AttemptResult = 'started' | 'sent' | 'retry' | 'failed' | 'duplicate' | 'in_doubt' | 'held';

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
  /** Why the notifier decided what it did, when the result alone does not say (in_doubt, held, the cap's summary). */
  message?: string;
  /** This SMS was the cap's one summary ("N more alerts held"), sent instead of the notification's text. */
  capSummary?: true;
  /** A held SMS: when the cap lets alerts go again; a held mail: when business hours open (ISO-8601 UTC). */
  until?: string;
  /** The incident and its phase (t3, resolved, ack, t3/s1) the message told. */
  incidentId?: number;
  phase?: string;
}

/** An incident as it is after a change: the newest snapshot of an id is the incident. */
export interface IncidentEntry extends Common {
  kind: 'incident';
  /** What changed, in words for the journal's reader: opened, joined, tier 3, acknowledged, escalated... */
  change: string;
  incident: Incident;
}

/** A delivery report from Kannel (dlr-url) for an SMS of an incident. */
export interface DeliveryEntry extends Common {
  kind: 'delivery';
  incidentId: number;
  recipient: string;
  recipientKey: string;
  phase: string;
  /** Kannel's DLR type: 1 delivered, 2 undelivered, 4 queued on the SMSC, 8 accepted by the SMSC, 16 refused by the SMSC. */
  dlr: number;
  result: 'delivered' | 'undelivered' | 'queued' | 'accepted' | 'failed';
}

/** An SMS reply (Kannel MO) and what the notifier did with it. */
export interface ReplyEntry extends Common {
  kind: 'reply';
  from: string;
  text: string;
  outcome: string;
  incidentId: number | null;
}

/** The watchdog's state changes (never its heartbeats): the pipeline went silent, or came back. */
export interface WatchdogEntry extends Common {
  kind: 'watchdog';
  state: 'silent' | 'back';
  /** The last heartbeat before the silence, or the notifier's start when none came (ISO-8601 UTC). */
  since: string;
  message: string;
}

export type JournalEntry = ReceivedEntry | RejectedEntry | AttemptEntry | IncidentEntry | DeliveryEntry | ReplyEntry | WatchdogEntry;
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
  /**
   * Newest entries kept in memory for queries, counted by the length of their JSON lines
   * (older ones stay on disk, in the segments, until retention deletes them).
   */
  memoryMaxBytes: number;
  /**
   * How far back deduplication, interrupted attempts and the SMS cap look: the attempts
   * this recent are read back at start even past the memory budget, and forgotten after.
   */
  stateWindowMs: number;
  /** Called with the seconds each group commit took (write + fdatasync). */
  onWrite?: (seconds: number) => void;
}

/** An SMS that reached the gateway, as the hourly cap counts them. */
export interface SmsDelivery {
  at: number;
  capSummary: boolean;
}

/** One delivery attempt: its `started` entry and its result share this. */
const attemptId = (e: AttemptEntry) => `${e.notification}|${e.channel}|${e.recipientKey}|${e.attempt}`;

const SEGMENT = /^journal-(\d+)\.jsonl$/;
const startOf = (name: string) => Number(SEGMENT.exec(name)![1]);
/** How append() writes every entry: enough to skip a line at start without parsing it. */
const HEAD = /^\{"seq":(\d+),"ts":"([^"]+)","kind":"(\w+)"/;
const DAY_MS = 86_400_000;
/** Kinds read back past the memory budget, within the state window: what deliveries and incidents need. */
const STATE_KINDS: ReadonlySet<string> = new Set(['attempt', 'incident', 'delivery', 'watchdog']);

/** A line read back at start, newest first, and whether it is kept for queries or only for the state. */
interface Loaded {
  entry: JournalEntry;
  size: number;
  query: boolean;
}

interface Pending {
  data: string;
  resolve: () => void;
  reject: (err: Error) => void;
}

export class Journal {
  /** Entries for queries, oldest first; those before `head` have left memory (compacted now and then). */
  private entries: JournalEntry[] = [];
  private sizes: number[] = [];
  private head = 0;
  private memoryBytes = 0;
  private readonly sent = new Map<string, number>();
  /** Attempts journaled as started with no result yet, by attemptId(). */
  private readonly started = new Map<string, AttemptEntry>();
  /** SMS delivered per recipientKey within the state window, oldest first. */
  private readonly smsSent = new Map<string, SmsDelivery[]>();
  private seq = 0;
  private fh!: FileHandle;
  private size = 0;
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  /** Lines that could not be read back at start (a torn write): reported, not fatal. */
  skippedLines = 0;
  /** Every incident of the state window and of the entries in memory, as their newest snapshot says. */
  readonly incidents = new IncidentBook();
  /** The watchdog's newest state change within the state window: a restart neither pages twice nor forgets to say it is back. */
  watchdog?: WatchdogEntry;

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
    return names.sort((a, b) => startOf(a) - startOf(b));
  }

  private async load(): Promise<void> {
    const now = Date.now();
    const horizon = now - this.opts.retentionDays * DAY_MS;
    const stateHorizon = Math.max(horizon, now - this.opts.stateWindowMs);
    const names = await this.segments();
    const loaded: Loaded[] = [];
    let budget = this.opts.memoryMaxBytes;
    let done = false;
    for (let i = names.length - 1; i >= 0; i--) {
      const path = join(this.opts.dir, names[i]);
      const { size, mtimeMs } = await stat(path);
      // Every entry of a segment was written by its last write, and before the next segment started:
      // a segment wholly past retention goes without being read.
      const writtenBefore = Math.min(mtimeMs, i + 1 < names.length ? startOf(names[i + 1]) : Infinity);
      if (size === 0 || writtenBefore < horizon) {
        await rm(path, { force: true });
        continue;
      }
      if (done || (budget <= 0 && writtenBefore < stateHorizon)) {
        done = true;
        continue;
      }
      for await (const lines of linesFromEnd(path)) {
        for (const line of lines) {
          const head = HEAD.exec(line);
          const t = head ? Date.parse(head[2]) : NaN;
          if (head) this.seq = Math.max(this.seq, Number(head[1]));
          if (t < horizon || (budget <= 0 && t < stateHorizon)) {
            done = true;
            break;
          }
          // The kept entries are the newest, without a gap: the first that does not fit closes the budget.
          if (line.length > budget) budget = 0;
          const query = budget > 0;
          if (!query && head && !STATE_KINDS.has(head[3])) continue;
          const entry = this.parse(line);
          if (!entry) continue;
          this.seq = Math.max(this.seq, entry.seq);
          loaded.push({ entry, size: line.length, query });
          if (query) budget -= line.length;
        }
        if (done) break;
      }
    }
    for (let k = loaded.length - 1; k >= 0; k--) {
      const { entry, size, query } = loaded[k];
      if (query) this.remember(entry, size);
      if (Date.parse(entry.ts) >= stateHorizon || entry.kind === 'incident') this.track(entry);
    }
  }

  private parse(line: string): JournalEntry | undefined {
    try {
      const e = JSON.parse(line) as JournalEntry;
      if (typeof e.seq === 'number' && !Number.isNaN(Date.parse(e.ts))) return e;
    } catch {
      // A torn write: counted below.
    }
    this.skippedLines++;
    return undefined;
  }

  /** Keeps an entry for queries, dropping the oldest past the memory budget. */
  private remember(e: JournalEntry, size: number): void {
    this.entries.push(e);
    this.sizes.push(size);
    this.memoryBytes += size;
    while (this.memoryBytes > this.opts.memoryMaxBytes && this.head < this.entries.length) this.forgetOldest();
  }

  private forgetOldest(): void {
    this.memoryBytes -= this.sizes[this.head];
    this.head++;
    // Dropped entries are cut off in one go once they are half the array: O(1) per entry.
    if (this.head >= 1024 && this.head * 2 >= this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.sizes = this.sizes.slice(this.head);
      this.head = 0;
    }
  }

  /** The memory of deliveries: deduplication, interrupted attempts, SMS per recipient. */
  private track(e: JournalEntry): void {
    if (e.kind === 'incident') this.incidents.restore(e.incident);
    if (e.kind === 'watchdog') this.watchdog = e;
    if (e.kind === 'delivery') this.incidents.delivered(e.incidentId, e.recipientKey, e.phase, e.result);
    if (e.kind !== 'attempt') return;
    if (e.result === 'started') this.started.set(attemptId(e), e);
    else this.started.delete(attemptId(e));
    if (e.result !== 'sent') return;
    const at = Date.parse(e.ts);
    if (e.channel === 'sms') {
      const list = this.smsSent.get(e.recipientKey) ?? [];
      list.push({ at, capSummary: e.capSummary === true });
      this.smsSent.set(e.recipientKey, list);
    }
    // The cap's summary did not carry the alerts: they were held, not delivered.
    if (!e.capSummary) for (const k of e.dedupKeys) this.sent.set(`${e.channel}|${e.recipientKey}|${k}`, at);
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
    const lines = full.map((e) => JSON.stringify(e));
    await new Promise<void>((resolve, reject) => {
      this.queue.push({ data: lines.map((l) => `${l}\n`).join(''), resolve, reject });
      this.flushing ??= this.flush();
    });
    full.forEach((e, i) => {
      this.remember(e, lines[i].length);
      this.track(e);
    });
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
    const now = Date.now();
    const horizon = now - this.opts.retentionDays * DAY_MS;
    const names = await this.segments();
    // Segment names are their start times; one is wholly expired when its successor started before the horizon.
    for (let i = 0; i + 1 < names.length; i++) {
      if (startOf(names[i + 1]) < horizon) await rm(join(this.opts.dir, names[i]), { force: true });
    }
    while (this.head < this.entries.length && Date.parse(this.entries[this.head].ts) < horizon) this.forgetOldest();
    const stateHorizon = now - this.opts.stateWindowMs;
    for (const [k, at] of this.sent) if (at < stateHorizon) this.sent.delete(k);
    for (const [k, e] of this.started) if (Date.parse(e.ts) < stateHorizon) this.started.delete(k);
    for (const [k, list] of this.smsSent) {
      const recent = list.filter((d) => d.at >= stateHorizon);
      if (recent.length) this.smsSent.set(k, recent);
      else this.smsSent.delete(k);
    }
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

  /** SMS delivered to this recipient since `sinceMs` (within the state window), oldest first. */
  smsDeliveries(recipientKey: string, sinceMs: number): SmsDelivery[] {
    return (this.smsSent.get(recipientKey) ?? []).filter((d) => d.at >= sinceMs);
  }

  /** Newest first, from the entries in memory. */
  query(q: JournalQuery): JournalEntry[] {
    const out: JournalEntry[] = [];
    for (let i = this.entries.length - 1; i >= this.head && out.length < q.limit; i--) {
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
