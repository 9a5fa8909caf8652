// The pure core of `ussdwatch backfill`: classified dialogs in, the counters a live scrape
// would have read out, every step of the log lines' own time. A line is counted at the first
// step boundary after the clock reaches it, as the live exporter counts a line at the first
// scrape after it reads it; the clock is the latest line time seen, so a line dated before
// it (several nodes' writers, overlapping archives) is counted now, and one dated more than
// the tolerance before it is also reported as late. Nothing is dropped: the totals are
// exactly what `ussdwatch classify` counts on the same files.
import type { Classification, Dialog, MalformedReason } from '../core/types.js';
import { APP_RESPONSE_BUCKETS, type UssdMetrics } from '../serve/ussd-metrics.js';
import type { Series } from '../serve/exposition.js';
import type { SeriesTable } from './series-table.js';

export interface HistoryOptions {
  /** Time between two samples (the scrape interval), ms. */
  stepMs: number;
  /** How far a line may be dated before the clock without being reported as late, ms. */
  toleranceMs: number;
}

/** Receives the table at each step boundary, in increasing time; it must not keep the table. */
export type StepSink = (atMs: number, table: SeriesTable) => void;

/** Where the count stands: what a checkpoint saves. */
export interface HistoryState {
  /** The next step boundary, null before the first dated line. */
  next: number | null;
  /** The latest line time seen. */
  clock: number;
  dialogs: number;
  malformed: number;
  late: number;
  /** Lines dated after their file's horizon: counted, but not allowed to move the clock. */
  future: number;
  values: Record<string, number>;
}

interface Route {
  clsIndex: number;
  dialogs: number;
  error: number;
  errorKind: number;
  wrongCode: number;
  /** Slots of the bucket series (the last is +Inf), then _sum, then _count. */
  histogram: Int32Array;
}

interface NodeSlots {
  dialogs: number[];
  errors: number[];
}

const BOUNDS = APP_RESPONSE_BUCKETS;

export class History {
  private readonly routes = new Map<Classification, Route>();
  private readonly nodes = new Map<string, NodeSlots>();
  private readonly otherNode: NodeSlots;
  private readonly parsed: number;
  private readonly malformedLines: number;
  private readonly malformedBy = new Map<string, number>();
  private readonly lastLine: number;
  private next = NaN;
  private clock = -Infinity;
  private horizon = Infinity;
  private counts = { dialogs: 0, malformed: 0, late: 0, future: 0 };

  constructor(
    private readonly table: SeriesTable,
    private readonly metrics: UssdMetrics,
    source: string,
    nodes: readonly string[],
    private readonly opts: HistoryOptions,
    private readonly sink: StepSink,
  ) {
    const s = metrics.source(source, 0);
    this.parsed = this.slotOf(s.parsed);
    this.malformedLines = this.slotOf(s.malformed);
    for (const [reason, series] of s.malformedBy) this.malformedBy.set(reason, this.slotOf(series));
    this.lastLine = this.slotOf(s.lastLine);
    for (const n of nodes) this.nodes.set(n, this.nodeSlots(n));
    this.otherNode = this.nodeSlots('\0 not a configured node');
  }

  /** Lines dated after this (a file's modification time) are counted without moving the clock. */
  setHorizon(ms: number): void {
    this.horizon = ms;
  }

  dialog(r: Dialog, c: Classification): void {
    let ts = r.ts;
    if (ts > this.horizon) {
      this.counts.future++;
      ts = Number.isNaN(this.next) ? this.horizon : this.clock;
    }
    if (Number.isNaN(this.next)) this.start(ts);
    else if (ts >= this.next) this.advance(ts);
    if (ts > this.clock) this.clock = ts;
    else if (ts < this.clock - this.opts.toleranceMs) this.counts.late++;

    const v = this.table.values;
    const route = this.routes.get(c) ?? this.route(c);
    v[route.dialogs]++;
    if (route.error >= 0) v[route.error]++;
    if (route.wrongCode >= 0) v[route.wrongCode]++;
    if (r.appMs !== null) {
      const seconds = r.appMs / 1000;
      const h = route.histogram;
      let i = 0;
      while (i < BOUNDS.length && seconds > BOUNDS[i]) i++;
      for (; i <= BOUNDS.length; i++) v[h[i]]++;
      v[h[BOUNDS.length + 1]] += seconds;
      v[h[BOUNDS.length + 2]]++;
    }
    const node = this.nodes.get(r.node) ?? this.otherNode;
    v[node.dialogs[route.clsIndex]]++;
    if (route.errorKind >= 0) v[node.errors[route.errorKind]]++;
    v[this.parsed]++;
    this.counts.dialogs++;
  }

  /** A malformed line has no time of its own: it is counted at the clock. */
  malformed(reason: MalformedReason): void {
    const v = this.table.values;
    v[this.malformedLines]++;
    const slot = this.malformedBy.get(reason);
    if (slot !== undefined) v[slot]++;
    this.counts.malformed++;
  }

  /** Writes the step boundary after the last line, so the last lines are in the history too. */
  finish(): void {
    if (!Number.isNaN(this.next)) this.emit(this.next);
  }

  state(): HistoryState {
    return { next: Number.isNaN(this.next) ? null : this.next, clock: this.clock, ...this.counts, values: this.table.snapshot() };
  }

  restore(s: HistoryState): void {
    this.next = s.next ?? NaN;
    this.clock = s.clock;
    this.counts = { dialogs: s.dialogs, malformed: s.malformed, late: s.late, future: s.future };
    this.table.restore(s.values);
  }

  /** The first sample sits on the step boundary before the first line, every counter at zero (as at a live start-up). */
  private start(ts: number): void {
    const step = this.opts.stepMs;
    const first = Math.floor(ts / step) * step;
    this.clock = first;
    this.emit(first);
    this.next = first + step;
  }

  private advance(ts: number): void {
    const step = this.opts.stepMs;
    while (ts >= this.next) {
      this.emit(this.next);
      this.next += step;
    }
  }

  private emit(at: number): void {
    this.table.values[this.lastLine] = this.clock / 1000;
    this.sink(at, this.table);
  }

  private slotOf(s: Series): number {
    return this.table.slot(s.prefix);
  }

  private route(c: Classification): Route {
    const o = this.metrics.outcome(c);
    const route = {
      clsIndex: o.clsIndex,
      dialogs: this.slotOf(o.dialogs),
      error: o.error ? this.slotOf(o.error) : -1,
      errorKind: o.errorKind,
      wrongCode: o.wrongCode ? this.slotOf(o.wrongCode) : -1,
      histogram: Int32Array.from(o.appResponse.prefixes, (p) => this.table.slot(p)),
    };
    this.routes.set(c, route);
    return route;
  }

  private nodeSlots(name: string): NodeSlots {
    const n = this.metrics.node(name);
    return { dialogs: n.dialogs.map((s) => this.slotOf(s)), errors: n.errors.map((s) => this.slotOf(s)) };
  }
}
