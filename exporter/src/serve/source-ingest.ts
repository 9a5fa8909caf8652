// One source's per-line path: parse, classify, count, keep a sample. Runs for every line
// the tailer delivers, so it allocates nothing beyond what the parser returns: the series
// and the event ring of each distinct (interned) classification are resolved once.
import type { RateLimitedLog } from '@ussdwatch/common/log.js';
import type { Classifier } from '../core/classifier.js';
import type { DialogInsight, DialogTap } from '../insight/dialog-insight.js';
import type { Classification, Dialog, LineParser } from '../core/types.js';
import type { TailerEvent } from '../tailer/source-tailer.js';
import type { EventOrigin, EventRing, EventStore } from './event-store.js';
import type { MalformedStore } from './malformed-store.js';
import type { OutcomeSeries, SourceSeries, UssdMetrics } from './ussd-metrics.js';

interface Route {
  readonly series: OutcomeSeries;
  readonly events: EventRing;
  /** The menu funnel, and the learned guess for unclassified dialogs. */
  readonly tap: DialogTap;
}

export class SourceIngest implements EventOrigin {
  private readonly routes = new Map<Classification, Route>();
  private readonly series: SourceSeries;

  constructor(
    readonly source: string,
    readonly parser: LineParser,
    readonly classifier: Classifier,
    private readonly metrics: UssdMetrics,
    private readonly events: EventStore,
    private readonly malformed: MalformedStore,
    private readonly log: RateLimitedLog,
    private readonly insight: DialogInsight,
    private readonly now: () => number = Date.now,
  ) {
    this.series = metrics.source(source, now());
  }

  /** The learned second opinion on an unclassified dialog of this source, for /api/events (null without a model). */
  guess(d: Dialog): unknown {
    return this.insight.guessJson(d);
  }

  onLines(lines: readonly string[], file: string): void {
    let parsed = 0;
    let malformed = 0;
    const second = Math.floor(this.now() / 1000);
    for (let i = 0; i < lines.length; i++) {
      const r = this.parser.parse(lines[i]);
      if (typeof r === 'string') {
        malformed++;
        this.onMalformed(r, lines[i], file);
        continue;
      }
      parsed++;
      const c = this.classifier.classify(r);
      const route = this.routes.get(c) ?? this.route(c);
      const s = route.series;
      s.dialogs.value++;
      if (s.error !== null) s.error.value++;
      if (s.wrongCode !== null) s.wrongCode.value++;
      if (r.appMs !== null) s.appResponse.observe(r.appMs / 1000);
      const node = this.metrics.node(r.node);
      node.dialogs[s.clsIndex].value++;
      if (s.errorKind >= 0) node.errors[s.errorKind].value++;
      this.events.record(route.events, lines[i], r.ts, c, this, second);
      route.tap(r);
    }
    this.series.parsed.value += parsed;
    this.series.malformed.value += malformed;
    if (lines.length > 0) this.series.lastLine.value = this.now() / 1000;
  }

  onTailerEvent(e: TailerEvent): void {
    this.series.tailerEvents.get(e.kind)?.inc();
    if (e.kind === 'error' || e.kind === 'gone') {
      this.log.log(`${this.source}:${e.kind}`, e.kind === 'error' ? 'warn' : 'info', `tailer ${e.kind}`, {
        source: this.source,
        file: e.file,
        detail: e.message,
      });
    }
  }

  /** Copies the tailer's own counters into gauges; called before each scrape. */
  refresh(stats: { files: number; bytesRead: number }): void {
    this.series.files.value = stats.files;
    this.series.bytesRead.value = stats.bytesRead;
  }

  private route(c: Classification): Route {
    const route = { series: this.metrics.outcome(c), events: this.events.ringFor(c.shortCode, c.cls), tap: this.insight.tap(c, this.source) };
    this.routes.set(c, route);
    return route;
  }

  private onMalformed(reason: string, line: string, file: string): void {
    this.series.malformedBy.get(reason)?.inc();
    const at = this.now();
    this.malformed.record(this.source, reason, file, line, at);
    this.log.log(`${this.source}:malformed`, 'warn', 'malformed log line', { source: this.source, file, reason });
  }
}
