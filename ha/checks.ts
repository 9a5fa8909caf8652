// What the HA proof measures, from what the store and fakesmsc returned. Pure.

/** One series as VictoriaMetrics' /api/v1/export writes it (a JSON line). */
export interface ExportedSeries {
  metric: Record<string, string>;
  values: number[];
  /** Milliseconds. */
  timestamps: number[];
}

/** The largest time between two consecutive samples of any one series, in seconds (0 without two samples). */
export function largestGapS(series: readonly ExportedSeries[]): number {
  let worst = 0;
  for (const s of series) {
    const ts = [...s.timestamps].sort((a, b) => a - b);
    for (let i = 1; i < ts.length; i++) worst = Math.max(worst, ts[i] - ts[i - 1]);
  }
  return worst / 1000;
}

/**
 * The most samples any series holds per interval over its span: about 1 once the store
 * deduplicates the two replicas, about 2 if it keeps both copies.
 */
export function samplesPerInterval(series: readonly ExportedSeries[], intervalMs: number): number {
  let worst = 0;
  for (const s of series) {
    if (s.timestamps.length < 2) continue;
    const span = Math.max(...s.timestamps) - Math.min(...s.timestamps);
    worst = Math.max(worst, s.timestamps.length / (span / intervalMs + 1));
  }
  return worst;
}

/**
 * Series the store keeps twice: the same labels but for the replica label (the store did
 * not drop it), or one series listed twice. Each is named by its labels.
 */
export function doubledSeries(series: readonly ExportedSeries[], replicaLabel = 'replica'): string[] {
  const seen = new Map<string, number>();
  for (const s of series) {
    const { [replicaLabel]: _replica, ...rest } = s.metric;
    const key = JSON.stringify(Object.entries(rest).sort(([a], [b]) => a.localeCompare(b)));
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([key]) => key);
}

/** How many SMS each expected person got (every expected person listed, 0 included). */
export function smsPerPerson(recipients: readonly string[], expected: readonly string[]): Array<{ to: string; count: number }> {
  return expected.map((to) => ({ to, count: recipients.filter((r) => r === to).length }));
}

/** What the HA proof reads back from a report's workbook: dialogs in total, per node, per short code, and the source it names. */
export interface ReportFigures {
  /** The source as the report names it (Info sheet). */
  source: string;
  dialogs: number;
  nodes: Record<string, number>;
  codes: Record<string, number>;
}

const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
/** |a - b| relative to the larger of the two (0 when both are 0). */
export const relativeDifference = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b)));
const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

/**
 * Each way the two reports of one period (from the store, from a Prometheus replica) fail
 * to tell the same story across N exporters, as sentences: a node missing from a node
 * table, dialogs on another node, node rows not adding up to the total, other short codes, totals (overall and per
 * node) further apart than `tolerance` (a relative difference). Empty when they agree.
 */
export function reportDifferences(reports: Record<string, ReportFigures>, nodes: readonly string[], tolerance: number): string[] {
  const out: string[] = [];
  const named = Object.entries(reports);
  for (const [name, r] of named) {
    const missing = nodes.filter((n) => !(n in r.nodes));
    if (missing.length) out.push(`the report from ${name} has no row for node ${missing.join(',')} (its nodes: ${Object.keys(r.nodes).join(',') || 'none'})`);
    // Every exporter keeps an `other` series (dialogs of nodes it does not list) at 0, which the report leaves out; no dialog may land there.
    const elsewhere = Object.entries(r.nodes).filter(([n, v]) => !nodes.includes(n) && v !== 0);
    if (elsewhere.length) out.push(`the report from ${name} puts dialogs on nodes no exporter is for: ${elsewhere.map(([n, v]) => `${n}=${v}`).join(', ')}`);
    const d = relativeDifference(sum(r.nodes), r.dialogs);
    if (d > tolerance) out.push(`the report from ${name}: its node rows add up to ${sum(r.nodes)} dialogs, its total says ${r.dialogs} (${pct(d)} apart, tolerance ${pct(tolerance)})`);
  }
  for (let i = 1; i < named.length; i++) {
    const [[an, a], [bn, b]] = [named[0], named[i]];
    const codes = (r: ReportFigures) => Object.keys(r.codes).sort().join(',');
    if (codes(a) !== codes(b)) out.push(`short codes differ: ${an} has ${codes(a)}, ${bn} has ${codes(b)}`);
    const d = relativeDifference(a.dialogs, b.dialogs);
    if (d > tolerance) out.push(`dialogs: ${a.dialogs} from ${an}, ${b.dialogs} from ${bn} (${pct(d)} apart, tolerance ${pct(tolerance)})`);
    for (const n of nodes) {
      const dn = relativeDifference(a.nodes[n] ?? 0, b.nodes[n] ?? 0);
      if (dn > tolerance) out.push(`dialogs of node ${n}: ${a.nodes[n] ?? 0} from ${an}, ${b.nodes[n] ?? 0} from ${bn} (${pct(dn)} apart, tolerance ${pct(tolerance)})`);
    }
  }
  return out;
}
