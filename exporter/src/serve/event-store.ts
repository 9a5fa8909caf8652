// The most recent classified dialogs, kept per (short_code, class) so that a flood of one
// kind (e.g. typos) never pushes the rare internal errors out of /api/events.
//
// Each ring keeps the raw line (already allocated by the tailer), not the parsed Dialog:
// recording allocates nothing, a kept event costs about the line's size rather than
// three times it, and the few events served are parsed again (parsing is pure).
//
// A ring takes at most max(10, capacity / 10) new events per second. Every line kept
// outlives the young generation and becomes old-space garbage when overwritten: at
// 100,000 lines/s with a 500-code catalogue, recording them all grew the heap by ~100 MB.
// Past that rate the ring holds a sample of the last seconds, which is what a person
// reading /api/events can use anyway.
import type { Classifier } from '../core/classifier.js';
import type { Classification, Dialog, DialogClass, LineParser } from '../core/types.js';

/**
 * Where an event was read and how: its line is parsed again and its classification explained
 * with these, which stay right for the event after a reload replaced them for new lines.
 */
export interface EventOrigin {
  readonly source: string;
  readonly parser: LineParser;
  readonly classifier: Classifier;
  /** The learned second opinion on an unclassified dialog (null without a model). */
  guess(d: Dialog): unknown;
}

export interface StoredEvent {
  readonly line: string;
  /** Dialog end time, epoch ms. */
  readonly ts: number;
  readonly classification: Classification;
  readonly origin: EventOrigin;
  /** Arrival order, to break ties between dialogs ending in the same millisecond. */
  readonly seq: number;
}

export interface EventQuery {
  shortCode?: string;
  cls?: DialogClass;
  cause?: string;
  limit: number;
}

/** A fixed-size ring of events in parallel arrays. */
export class EventRing {
  private readonly lines: string[];
  private readonly ts: Float64Array;
  private readonly seqs: Float64Array;
  private readonly classifications: Classification[];
  private readonly origins: EventOrigin[];
  private next = 0;
  private size = 0;
  private readonly perSecond: number;
  private second = -1;
  private takenThisSecond = 0;

  constructor(
    readonly shortCode: string,
    readonly cls: DialogClass,
    private readonly capacity: number,
  ) {
    this.perSecond = Math.max(10, Math.ceil(capacity / 10));
    this.lines = new Array<string>(capacity);
    this.ts = new Float64Array(capacity);
    this.seqs = new Float64Array(capacity);
    this.classifications = new Array<Classification>(capacity);
    this.origins = new Array<EventOrigin>(capacity);
  }

  /** `second` is the current wall-clock second: callers read the clock once per batch. */
  push(line: string, ts: number, c: Classification, origin: EventOrigin, seq: number, second: number): void {
    if (second !== this.second) {
      this.second = second;
      this.takenThisSecond = 0;
    } else if (this.takenThisSecond >= this.perSecond) {
      return;
    }
    this.takenThisSecond++;
    const i = this.next;
    this.lines[i] = line;
    this.ts[i] = ts;
    this.classifications[i] = c;
    this.origins[i] = origin;
    this.seqs[i] = seq;
    this.next = (i + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
  }

  collect(cause: string | undefined, out: StoredEvent[]): void {
    for (let k = 1; k <= this.size; k++) {
      const i = (this.next - k + this.capacity) % this.capacity;
      const c = this.classifications[i];
      if (cause !== undefined && c.cause !== cause) continue;
      out.push({ line: this.lines[i], ts: this.ts[i], classification: c, origin: this.origins[i], seq: this.seqs[i] });
    }
  }
}

export class EventStore {
  private readonly rings = new Map<string, EventRing>();
  private seq = 0;

  constructor(private readonly perKey: number) {}

  /** The ring for one key; callers cache it so the per-line path does no key building. */
  ringFor(shortCode: string, cls: DialogClass): EventRing {
    const key = `${shortCode}\u0000${cls}`;
    let ring = this.rings.get(key);
    if (!ring) {
      ring = new EventRing(shortCode, cls, this.perKey);
      this.rings.set(key, ring);
    }
    return ring;
  }

  record(ring: EventRing, line: string, ts: number, c: Classification, origin: EventOrigin, second: number): void {
    ring.push(line, ts, c, origin, this.seq++, second);
  }

  /** Forgets the events of short codes a reload removed from the catalogue. */
  retainCodes(keep: (shortCode: string) => boolean): void {
    for (const [key, ring] of this.rings) if (!keep(ring.shortCode)) this.rings.delete(key);
  }

  /** Newest first: by dialog end time, then by arrival. */
  query(q: EventQuery): StoredEvent[] {
    const found: StoredEvent[] = [];
    for (const ring of this.rings.values()) {
      if (q.shortCode !== undefined && q.shortCode !== ring.shortCode) continue;
      if (q.cls !== undefined && q.cls !== ring.cls) continue;
      ring.collect(q.cause, found);
    }
    found.sort((a, b) => b.ts - a.ts || b.seq - a.seq);
    return found.slice(0, q.limit);
  }
}
