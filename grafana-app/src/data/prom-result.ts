// Prometheus HTTP API results reduced to what the pages show. Pure: unit-tested on
// recorded response shapes.

export type Labels = Record<string, string>;

export interface InstantSample {
  metric: Labels;
  value: [number, string];
}

export interface RangeSeries {
  metric: Labels;
  values: Array<[number, string]>;
}

export type PromData =
  | { resultType: 'vector'; result: InstantSample[] }
  | { resultType: 'matrix'; result: RangeSeries[] }
  | { resultType: 'scalar' | 'string'; result: [number, string] };

export interface PromResponse {
  status: 'success' | 'error';
  data?: PromData;
  errorType?: string;
  error?: string;
}

/** A series as the charts need it: epoch-ms times and numeric values. */
export interface Series {
  labels: Labels;
  times: number[];
  values: number[];
}

export function vectorOf(res: PromResponse): InstantSample[] {
  if (res.status !== 'success' || !res.data) throw new Error(res.error ?? 'Prometheus answered without data');
  if (res.data.resultType === 'vector') return res.data.result;
  if (res.data.resultType === 'scalar') return [{ metric: {}, value: res.data.result }];
  throw new Error(`expected an instant vector, got ${res.data.resultType}`);
}

export function matrixOf(res: PromResponse): Series[] {
  if (res.status !== 'success' || !res.data) throw new Error(res.error ?? 'Prometheus answered without data');
  if (res.data.resultType !== 'matrix') throw new Error(`expected a range result, got ${res.data.resultType}`);
  return res.data.result.map((s) => ({
    labels: s.metric,
    times: s.values.map(([t]) => t * 1000),
    values: s.values.map(([, v]) => Number(v)),
  }));
}

/** One number per value of `label` ("" for a series without it). */
export function byLabel(samples: InstantSample[], label: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) out.set(s.metric[label] ?? '', Number(s.value[1]));
  return out;
}

/** The single value of a one-series result; undefined when the vector is empty. */
export function single(samples: InstantSample[]): number | undefined {
  return samples.length ? Number(samples[0].value[1]) : undefined;
}

/** Values of `inner` grouped under `outer` (e.g. class per short code). */
export function byTwoLabels(samples: InstantSample[], outer: string, inner: string): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const s of samples) {
    const key = s.metric[outer] ?? '';
    let m = out.get(key);
    if (!m) out.set(key, (m = new Map()));
    m.set(s.metric[inner] ?? '', Number(s.value[1]));
  }
  return out;
}

/** Drops series that stayed at zero or empty: every cause exists from start-up, most never happen. */
export function nonZero(series: Series[]): Series[] {
  return series.filter((s) => s.values.some((v) => Number.isFinite(v) && v !== 0));
}

/** The latest value of the first series ("now" on a chart); undefined without data. */
export function latest(series: Series[]): number | undefined {
  const values = series[0]?.values.filter(Number.isFinite) ?? [];
  return values.length ? values[values.length - 1] : undefined;
}
