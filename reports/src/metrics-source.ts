// Where a report's numbers come from: Prometheus, which keeps 30 days (shipped), or the
// long-term store both HA replicas remote_write to (VictoriaMetrics, docs/ha.md). A month's
// report is built on the 1st and reaches 31 days and some hours back, past Prometheus'
// retention: it reads the store whenever one is configured.
import type { Endpoint } from './http-client.js';
import type { PeriodKind } from './period.js';

export const METRICS_SOURCES = ['prometheus', 'longterm'] as const;
export type MetricsSource = (typeof METRICS_SOURCES)[number];

export interface Metrics {
  source: MetricsSource;
  endpoint: Endpoint;
}

export const isMetricsSource = (v: string): v is MetricsSource => (METRICS_SOURCES as readonly string[]).includes(v);

/** The source of a report that names none. */
export const defaultSource = (kind: PeriodKind, hasLongterm: boolean): MetricsSource => (kind === 'month' && hasLongterm ? 'longterm' : 'prometheus');

/** The address a report names as its source: no credentials, no query. */
export function sourceAddress(ep: Endpoint): string {
  const u = new URL(ep.url);
  return `${u.origin}${u.pathname === '/' ? '' : u.pathname}`;
}
