// The series a live scrape of this exporter returns, as one flat table of values, so history
// can be counted with array adds and saved and restored whole (the resume checkpoint).
// UssdMetrics stays the single definition of names, labels and which series exist from
// start-up: the table is read from its exposition, then each classification's series are
// looked up by their pre-rendered prefix. Pure: no I/O.
import { escapeLabelValue } from '../serve/exposition.js';
import type { UssdMetrics } from '../serve/ussd-metrics.js';

/**
 * Families a batch run has nothing true to say about: the tailer's own state, and DPSS,
 * which comes from other files than gateway logs. Leaving them out leaves a gap rather than
 * a false zero.
 */
const NOT_HISTORY = /^(dpss_|ussd_source_files\b|ussd_source_read_bytes_total\b|ussd_tailer_events_total\b)/;

/** Labels Prometheus adds to every sample of a target: job, instance, and any target label such as node. */
export type TargetLabels = Readonly<Record<string, string>>;

export class SeriesTable {
  /** `name{labels,target labels} ` per slot, as the OpenMetrics and text writers print it. */
  readonly rows: string[] = [];
  values = new Float64Array(1024);
  private readonly slots = new Map<string, number>();

  constructor(
    private readonly target: TargetLabels,
    metrics: UssdMetrics,
  ) {
    for (const line of metrics.exposition.render().split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      const cut = line.lastIndexOf(' ') + 1;
      const prefix = line.slice(0, cut);
      if (NOT_HISTORY.test(prefix)) continue;
      this.values[this.slot(prefix)] = Number(line.slice(cut));
    }
  }

  get size(): number {
    return this.rows.length;
  }

  /** The slot of an exposition series, added (at zero) when first seen. Set-up path, not per line. */
  slot(prefix: string): number {
    let i = this.slots.get(prefix);
    if (i === undefined) {
      i = this.rows.length;
      this.rows.push(withTargetLabels(prefix, this.target));
      this.slots.set(prefix, i);
      if (i >= this.values.length) {
        const grown = new Float64Array(this.values.length * 2);
        grown.set(this.values);
        this.values = grown;
      }
    }
    return i;
  }

  /** The values by exposition prefix: what a checkpoint keeps, independent of slot order. */
  snapshot(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [prefix, i] of this.slots) out[prefix] = this.values[i];
    return out;
  }

  restore(saved: Record<string, number>): void {
    for (const [prefix, v] of Object.entries(saved)) this.values[this.slot(prefix)] = v;
  }
}

const LABEL = /([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * What Prometheus does to a scraped series with honor_labels false: a label the target also
 * sets is kept as exported_<name>, then the target's labels are added.
 */
export function withTargetLabels(prefix: string, target: TargetLabels): string {
  const brace = prefix.indexOf('{');
  const name = brace < 0 ? prefix.trimEnd() : prefix.slice(0, brace);
  const pairs: string[] = [];
  const own = new Set<string>();
  if (brace >= 0) {
    for (const m of prefix.slice(brace).matchAll(LABEL)) {
      own.add(m[1]);
      pairs.push(`${m[1]}="${m[2]}"`);
    }
  }
  // The shipped scrape honours the exporter's labels (honor_labels: true): a dialog's own
  // node wins over the target's.
  for (const [k, v] of Object.entries(target)) if (!own.has(k)) pairs.push(`${k}="${escapeLabelValue(v)}"`);
  return `${name}{${pairs.join(',')}} `;
}
