// GET /api/journal for the Grafana app: filters from the query string, newest first.
import type { JournalEntry, JournalQuery } from './journal.js';

export class QueryError extends Error {}

const MAX_LIMIT = 5000;

/** ISO 8601, or epoch in seconds (Grafana's ${__from:date:seconds}) or milliseconds (${__from}). */
export function parseTime(v: string, name: string): number {
  if (/^\d+(\.\d+)?$/.test(v)) {
    const n = Number(v);
    return n < 1e11 ? n * 1000 : n;
  }
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new QueryError(`${name}=${v} is not a time: use ISO 8601 (2026-11-21T13:45:00Z) or epoch seconds/milliseconds`);
  return t;
}

export function parseJournalQuery(params: URLSearchParams): JournalQuery {
  const known = new Set(['from', 'to', 'short_code', 'tier', 'limit']);
  for (const k of params.keys()) if (!known.has(k)) throw new QueryError(`unknown parameter ${k}; allowed: ${[...known].join(', ')}`);
  const from = params.get('from');
  const to = params.get('to');
  const tier = params.get('tier');
  if (tier !== null && !/^[123]$/.test(tier)) throw new QueryError(`tier=${tier}: expected 1, 2 or 3`);
  const limitText = params.get('limit') ?? '100';
  const limit = Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new QueryError(`limit=${limitText}: expected a whole number from 1 to ${MAX_LIMIT}`);
  return {
    fromMs: from ? parseTime(from, 'from') : undefined,
    toMs: to ? parseTime(to, 'to') : undefined,
    shortCode: params.get('short_code') ?? undefined,
    tier: tier ?? undefined,
    limit,
  };
}

/** Internal keys (hashes used for deduplication) stay out of the API. */
export function publicEntry(e: JournalEntry): Record<string, unknown> {
  if (e.kind !== 'attempt') return e as unknown as Record<string, unknown>;
  const { recipientKey: _r, dedupKeys: _d, ...rest } = e;
  return rest;
}
