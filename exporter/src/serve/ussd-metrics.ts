// The metric contract (shared/spec/metrics.md) plus the exporter's own health metrics.
// Every label value comes from a bounded set fixed by the configuration (catalogue, causes,
// configured sources and nodes), and every series the alerts need exists at zero from start-up, so
// rate() and increase() see the first error.
import { RELOAD_METRICS } from '@ussdwatch/common/lifecycle.js';
import type { Catalogue } from '../core/catalogue.js';
import type { Classifier } from '../core/classifier.js';
import { CLASSES, INTERNAL_CAUSES, MALFORMED_REASONS, NO_NEAR_CODE, UNKNOWN_CODE, USER_CAUSES, type Classification } from '../core/types.js';
import { counter, Exposition, gauge, HistogramFamily, type HistogramSeries, type Series } from './exposition.js';

export const APP_RESPONSE_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30];
export const OTHER_NODE = 'other';
export const TAILER_EVENT_KINDS = ['opened', 'rotated', 'truncated', 'copytruncate', 'gone', 'error'] as const;
export const DPSS_FILE_RESULTS = ['ok', 'malformed'] as const;
/**
 * What became of a DPSS row: applied, unparsable, for a code outside the catalogue, older than
 * the period held, or dated outside its file's period (or far in the future).
 */
export const DPSS_ROW_RESULTS = ['ok', 'bad', 'unknown_code', 'stale', 'wrong_period'] as const;
export type DpssRowResult = (typeof DPSS_ROW_RESULTS)[number];

/** The series one classified dialog touches, resolved once per distinct Classification. */
/** Every (class, cause) an error can have: the node error counters are arrays in this order. */
const ERROR_KINDS: ReadonlyArray<{ cls: 'user' | 'internal'; cause: string }> = [
  ...USER_CAUSES.map((cause) => ({ cls: 'user' as const, cause })),
  ...INTERNAL_CAUSES.map((cause) => ({ cls: 'internal' as const, cause })),
];

export interface OutcomeSeries {
  readonly clsIndex: number;
  readonly dialogs: Series;
  readonly error: Series | null;
  /** Index of the (class, cause) pair in ERROR_KINDS, for the per-node error counters; -1 when not an error. */
  readonly errorKind: number;
  readonly wrongCode: Series | null;
  readonly appResponse: HistogramSeries;
}

export interface NodeSeries {
  readonly dialogs: readonly Series[];
  readonly errors: readonly Series[];
}

export interface SourceSeries {
  readonly parsed: Series;
  readonly malformed: Series;
  readonly malformedBy: ReadonlyMap<string, Series>;
  readonly lastLine: Series;
  readonly files: Series;
  readonly bytesRead: Series;
  readonly tailerEvents: ReadonlyMap<string, Series>;
}

export interface DpssSeries {
  readonly avg: Series;
  readonly p95: Series;
  readonly max: Series;
  readonly attempts: Series;
  readonly failures: Series;
  readonly periodEnd: Series;
}

export class UssdMetrics {
  readonly exposition = new Exposition();

  private readonly dialogs = this.exposition.add(
    counter('ussd_dialogs_total', 'Classified USSD dialogs by short code and class (ok, user, internal, unclassified).', ['short_code', 'class']),
  );
  private readonly errors = this.exposition.add(
    counter('ussd_errors_total', 'User and internal errors by short code, class and cause.', ['short_code', 'class', 'cause']),
  );
  private readonly wrongCodes = this.exposition.add(
    counter('ussd_wrong_code_total', 'Dialed strings matching no catalogue code, by the catalogue code one edit away (or none).', ['near_code']),
  );
  private readonly appResponse = this.exposition.add(
    new HistogramFamily(
      'ussd_app_response_seconds',
      'Slowest application response within a dialog (app_ms), for dialogs that have one.',
      ['short_code'],
      APP_RESPONSE_BUCKETS,
    ),
  );
  private readonly nodeDialogs = this.exposition.add(
    counter('ussd_node_dialogs_total', 'Classified dialogs by gateway node (unlisted nodes are "other") and class.', ['node', 'class']),
  );
  // Not in the contract: the node overload alert needs the cause per node, or one broken
  // short code would look like an overloaded node.
  private readonly nodeErrors = this.exposition.add(
    counter('ussd_node_errors_total', 'User and internal errors by gateway node (unlisted nodes are "other"), class and cause.', ['node', 'class', 'cause']),
  );
  private readonly logLines = this.exposition.add(
    counter('ussd_log_lines_total', 'Log lines read per configured source, parsed or malformed.', ['source', 'result']),
  );
  private readonly malformedLines = this.exposition.add(
    counter('ussd_malformed_lines_total', 'Malformed log lines per source and reason.', ['source', 'reason']),
  );
  private readonly lastLine = this.exposition.add(
    gauge(
      'ussd_source_last_line_timestamp_seconds',
      'Wall-clock time the source last yielded a line (exporter start time until its first line).',
      ['source'],
    ),
  );
  private readonly sourceFiles = this.exposition.add(gauge('ussd_source_files', 'Files currently followed for the source.', ['source']));
  private readonly sourceBytes = this.exposition.add(
    counter('ussd_source_read_bytes_total', 'Bytes read from the source files.', ['source']),
  );
  private readonly tailerEvents = this.exposition.add(
    counter('ussd_tailer_events_total', 'File events seen while tailing (opened, rotated, truncated, copytruncate, gone, error).', [
      'source',
      'kind',
    ]),
  );
  private readonly shortcodeInfo = this.exposition.add(
    gauge('ussd_shortcode_info', 'The short-code catalogue (always 1), to join names and owning teams.', ['short_code', 'name', 'team']),
  );
  private readonly shortcodeSlow = this.exposition.add(
    gauge('ussd_shortcode_slow_seconds', 'App response time above which a successful dialog counts as internal/slow_response.', ['short_code']),
  );
  private readonly shortcodeObjective = this.exposition.add(
    gauge('ussd_shortcode_objective_ratio', 'Objective share of dialogs that are not internal errors (SLO for burn-rate alerts).', ['short_code']),
  );
  private readonly dpssResponse = this.exposition.add(
    gauge('dpss_response_time_seconds', "The latest DPSS period's response time (stat: avg, p95, max).", ['short_code', 'stat']),
  );
  private readonly dpssAttempts = this.exposition.add(gauge('dpss_attempts', "The latest DPSS period's attempts.", ['short_code']));
  private readonly dpssFailures = this.exposition.add(gauge('dpss_failures', "The latest DPSS period's failures.", ['short_code']));
  private readonly dpssPeriodEnd = this.exposition.add(
    gauge('dpss_period_end_timestamp_seconds', 'End of the latest DPSS period ingested for the short code.', ['short_code']),
  );
  private readonly dpssFiles = this.exposition.add(counter('dpss_files_total', 'DPSS KPI files read, ok or malformed.', ['result']));
  private readonly dpssRows = this.exposition.add(
    counter('dpss_file_rows_total', "DPSS KPI rows read: ok, bad (unparsable), unknown_code (not in the catalogue), stale, wrong_period (not its file's period).", ['result']),
  );

  private readonly reloadSuccessful = this.exposition.add(gauge(RELOAD_METRICS.successful.name, RELOAD_METRICS.successful.help)).with();
  private readonly reloadSuccessAt = this.exposition.add(gauge(RELOAD_METRICS.successAt.name, RELOAD_METRICS.successAt.help)).with();

  // Not in the contract: the node the configuration names, next to the scrape target's
  // `node`, so a target labelled with another node is seen (UssdwatchExporterNodeMismatch).
  // Not named `node`: with honor_labels it would replace the target's.
  private readonly exporterInfo = this.exposition.add(
    gauge('ussdwatch_exporter_info', "The gateway node this exporter's configuration names (always 1).", ['configured_node']),
  );

  private codes: ReadonlySet<string> = new Set();
  private readonly outcomes = new Map<Classification, OutcomeSeries>();
  private readonly nodes = new Map<string, NodeSeries>();
  private readonly otherNode: NodeSeries;
  private readonly dpss = new Map<string, DpssSeries>();

  constructor(
    catalogue: Catalogue,
    classifiers: readonly Classifier[],
    nodes: readonly string[],
    sources: readonly string[],
    startedAt: number,
  ) {
    this.configure(catalogue, classifiers, nodes, sources);
    this.otherNode = this.byClass(OTHER_NODE);
    for (const r of DPSS_FILE_RESULTS) this.dpssFiles.with(r);
    for (const r of DPSS_ROW_RESULTS) this.dpssRows.with(r);
    this.reloaded(true, startedAt);
  }

  /**
   * Makes the series match a (re)loaded configuration: series of codes, nodes and sources
   * that stay keep their values, those of added ones appear at zero, those of removed ones
   * go. A code whose name or team changed gets a new info series.
   */
  configure(catalogue: Catalogue, classifiers: readonly Classifier[], nodes: readonly string[], sources: readonly string[]): void {
    const codes = catalogue.entries.map((e) => e.code);
    this.codes = new Set(codes);
    // The classifications of the previous classifiers are never seen again.
    this.outcomes.clear();
    const labelled = new Set([...codes, UNKNOWN_CODE]);
    for (const code of labelled) {
      for (const classifier of classifiers) {
        for (const { cls, cause } of classifier.outcomesFor(code)) {
          this.dialogs.with(code, cls);
          if (cls === 'user' || cls === 'internal') this.errors.with(code, cls, cause);
        }
      }
      this.appResponse.with(code);
    }
    const byCode = (values: readonly string[]) => labelled.has(values[0]);
    for (const f of [this.dialogs, this.errors, this.appResponse]) f.retain(byCode);
    for (const near of [...codes, NO_NEAR_CODE]) this.wrongCodes.with(near);
    this.wrongCodes.retain((v) => v[0] === NO_NEAR_CODE || this.codes.has(v[0]));

    for (const name of this.nodes.keys()) if (!nodes.includes(name)) this.nodes.delete(name);
    for (const node of nodes) if (!this.nodes.has(node)) this.nodes.set(node, this.byClass(node));
    const byNode = (values: readonly string[]) => values[0] === OTHER_NODE || this.nodes.has(values[0]);
    for (const f of [this.nodeDialogs, this.nodeErrors]) f.retain(byNode);

    const info = new Set<string>();
    for (const e of catalogue.entries) {
      this.shortcodeInfo.with(e.code, e.name, e.team).set(1);
      info.add(`${e.code}\u0000${e.name}\u0000${e.team}`);
      this.shortcodeSlow.with(e.code).set(e.slowMs / 1000);
      this.shortcodeObjective.with(e.code).set(e.objective);
    }
    this.shortcodeInfo.retain((v) => info.has(v.join('\u0000')));
    const catalogued = (values: readonly string[]) => this.codes.has(values[0]);
    for (const f of [this.shortcodeSlow, this.shortcodeObjective, this.dpssResponse, this.dpssAttempts, this.dpssFailures, this.dpssPeriodEnd]) f.retain(catalogued);
    for (const code of this.dpss.keys()) if (!this.codes.has(code)) this.dpss.delete(code);

    const kept = new Set(sources);
    const bySource = (values: readonly string[]) => kept.has(values[0]);
    for (const f of [this.logLines, this.malformedLines, this.lastLine, this.sourceFiles, this.sourceBytes, this.tailerEvents]) f.retain(bySource);
  }

  /** The gateway node of the configuration in force (start-up, then each reload). */
  configuredNode(node: string): void {
    this.exporterInfo.with(node).set(1);
    this.exporterInfo.retain((v) => v[0] === node);
  }

  /** Records a configuration load attempt: Prometheus's own pair of reload metrics. */
  reloaded(ok: boolean, at: number = Date.now()): void {
    this.reloadSuccessful.set(ok ? 1 : 0);
    if (ok) this.reloadSuccessAt.set(at / 1000);
  }

  private byClass(node: string): NodeSeries {
    return {
      dialogs: CLASSES.map((cls) => this.nodeDialogs.with(node, cls)),
      errors: ERROR_KINDS.map((k) => this.nodeErrors.with(node, k.cls, k.cause)),
    };
  }

  /** The series of one classification; interned classifications make this a single map lookup per line. */
  outcome(c: Classification): OutcomeSeries {
    let o = this.outcomes.get(c);
    if (!o) {
      // Defensive: a label must stay in the bounded set even if a classifier misbehaves.
      const code = c.shortCode === UNKNOWN_CODE || this.codes.has(c.shortCode) ? c.shortCode : UNKNOWN_CODE;
      const isError = c.cls === 'user' || c.cls === 'internal';
      const near = c.nearCode === null ? null : this.codes.has(c.nearCode) ? c.nearCode : NO_NEAR_CODE;
      o = {
        clsIndex: CLASSES.indexOf(c.cls),
        dialogs: this.dialogs.with(code, c.cls),
        error: isError ? this.errors.with(code, c.cls, c.cause) : null,
        errorKind: isError ? ERROR_KINDS.findIndex((k) => k.cls === c.cls && k.cause === c.cause) : -1,
        wrongCode: c.cause === 'wrong_code' && near !== null ? this.wrongCodes.with(near) : null,
        appResponse: this.appResponse.with(code),
      };
      this.outcomes.set(c, o);
    }
    return o;
  }

  /** A node's dialog counters by class index and error counters by error kind; unlisted nodes share "other". */
  node(name: string): NodeSeries {
    return this.nodes.get(name) ?? this.otherNode;
  }

  /**
   * A source's series; those of a source that stays across a reload come back as they were.
   * Until its first line, silence is measured from `since` (start-up, or the reload that added it).
   */
  source(name: string, since: number): SourceSeries {
    const lastLine = this.lastLine.with(name);
    if (lastLine.value === 0) lastLine.set(since / 1000);
    return {
      parsed: this.logLines.with(name, 'parsed'),
      malformed: this.logLines.with(name, 'malformed'),
      malformedBy: new Map(MALFORMED_REASONS.map((r) => [r, this.malformedLines.with(name, r)])),
      lastLine,
      files: this.sourceFiles.with(name),
      bytesRead: this.sourceBytes.with(name),
      tailerEvents: new Map(TAILER_EVENT_KINDS.map((k) => [k, this.tailerEvents.with(name, k)])),
    };
  }

  isCatalogued(code: string): boolean {
    return this.codes.has(code);
  }

  /** DPSS gauges of a catalogue code, created on its first row: a zero response time before any data would be a lie. */
  dpssFor(code: string): DpssSeries {
    let s = this.dpss.get(code);
    if (!s) {
      s = {
        avg: this.dpssResponse.with(code, 'avg'),
        p95: this.dpssResponse.with(code, 'p95'),
        max: this.dpssResponse.with(code, 'max'),
        attempts: this.dpssAttempts.with(code),
        failures: this.dpssFailures.with(code),
        periodEnd: this.dpssPeriodEnd.with(code),
      };
      this.dpss.set(code, s);
    }
    return s;
  }

  dpssFile(result: (typeof DPSS_FILE_RESULTS)[number]): Series {
    return this.dpssFiles.with(result);
  }

  dpssRow(result: DpssRowResult): Series {
    return this.dpssRows.with(result);
  }
}
