// GET /api/incidents for the Grafana app and the reports: the incidents that overlap a time
// range, newest first, without the keyed hashes deduplication uses.
import type { Incident } from './incidents.js';
import { parseTime, QueryError } from './journal-api.js';

export function incidentsBetween(all: readonly Incident[], params: URLSearchParams): Incident[] {
  for (const k of params.keys()) if (k !== 'from' && k !== 'to') throw new QueryError(`unknown parameter ${k}; allowed: from, to`);
  const from = params.get('from');
  const to = params.get('to');
  const fromMs = from ? parseTime(from, 'from') : -Infinity;
  const toMs = to ? parseTime(to, 'to') : Infinity;
  return all
    .filter((i) => Date.parse(i.started_at) <= toMs && (i.resolved_at === null || Date.parse(i.resolved_at) >= fromMs))
    .sort((a, b) => b.id - a.id);
}

export function publicIncident(i: Incident): Record<string, unknown> {
  return {
    ...i,
    notified: i.notified.map(({ recipientKey: _k, ...rest }) => rest),
  };
}
