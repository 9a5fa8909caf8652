// The PromQL HTTP API (Prometheus, Thanos, Mimir, VictoriaMetrics...): instant and range
// queries, answers reduced to plain numbers keyed by their labels.
import { getJson, UnreachableError, type Endpoint } from './http-client.js';

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

export interface Series {
  labels: Record<string, string>;
  /** [epoch seconds, value] */
  points: Array<[number, number]>;
}

interface ApiAnswer {
  status: string;
  error?: string;
  data?: { resultType: string; result: Array<{ metric: Record<string, string>; value?: [number, string]; values?: Array<[number, string]> }> };
}

function resultOf(answer: unknown, query: string) {
  const a = answer as ApiAnswer;
  if (a?.status !== 'success' || !a.data) throw new UnreachableError(`PromQL ${query}: ${a?.error ?? 'no data in the answer'}`);
  return a.data.result;
}

export class PromClient {
  constructor(readonly endpoint: Endpoint) {}

  async instant(query: string, atMs: number): Promise<Sample[]> {
    const answer = await getJson(this.endpoint, '/api/v1/query', { query, time: String(atMs / 1000) });
    return resultOf(answer, query)
      .map((r) => ({ labels: r.metric, value: Number(r.value?.[1]) }))
      .filter((s) => Number.isFinite(s.value));
  }

  async range(query: string, startMs: number, endMs: number, stepS: number): Promise<Series[]> {
    const answer = await getJson(this.endpoint, '/api/v1/query_range', { query, start: String(startMs / 1000), end: String(endMs / 1000), step: String(stepS) });
    return resultOf(answer, query).map((r) => ({
      labels: r.metric,
      points: (r.values ?? []).map(([t, v]) => [t, Number(v)] as [number, number]).filter(([, v]) => Number.isFinite(v)),
    }));
  }
}
