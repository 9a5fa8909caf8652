// The JSON API behind /api/events and /api/malformed: query validation and the shape of
// what is served. Pure functions of the stores; the HTTP layer only routes to them.
import { CAUSES } from '@ussdwatch/common/causes.js';
import { maskMsisdn, maskMsisdns } from '@ussdwatch/common/mask.js';
import { CLASSES, UNKNOWN_CODE, type DialogClass } from '../core/types.js';
import type { EventQuery, EventStore, StoredEvent } from './event-store.js';
import type { MalformedStore } from './malformed-store.js';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;

export interface ApiResponse {
  status: number;
  body: unknown;
}

export function apiError(status: number, error: string, extra?: Record<string, unknown>): ApiResponse {
  return { status, body: { error, ...extra } };
}

function unknownParams(params: URLSearchParams, allowed: readonly string[]): ApiResponse | null {
  for (const key of params.keys()) {
    if (!allowed.includes(key)) return apiError(400, `unknown query parameter "${key}"`, { param: key, allowed });
  }
  return null;
}

function oneOf(params: URLSearchParams, name: string, allowed: readonly string[]): string | undefined | ApiResponse {
  const v = params.get(name);
  if (v === null || v === '') return undefined;
  if (!allowed.includes(v)) return apiError(400, `${name} must be one of the listed values, got "${v}"`, { param: name, allowed });
  return v;
}

/** Validated /api/events query, or the 400 answer explaining what is wrong. */
export function parseEventQuery(params: URLSearchParams, shortCodes: readonly string[]): EventQuery | ApiResponse {
  const bad = unknownParams(params, ['short_code', 'class', 'cause', 'limit']);
  if (bad) return bad;
  const shortCode = oneOf(params, 'short_code', shortCodes);
  if (typeof shortCode === 'object') return shortCode;
  const cls = oneOf(params, 'class', CLASSES);
  if (typeof cls === 'object') return cls;
  const cause = oneOf(params, 'cause', CAUSES);
  if (typeof cause === 'object') return cause;
  const rawLimit = params.get('limit');
  let limit = DEFAULT_LIMIT;
  if (rawLimit !== null && rawLimit !== '') {
    limit = /^\d+$/.test(rawLimit) ? Number(rawLimit) : NaN;
    if (!(limit >= 1 && limit <= MAX_LIMIT)) {
      return apiError(400, `limit must be an integer from 1 to ${MAX_LIMIT}, got "${rawLimit}"`, { param: 'limit' });
    }
  }
  return { shortCode, cls: cls as DialogClass | undefined, cause, limit };
}

function isError(v: EventQuery | ApiResponse): v is ApiResponse {
  return 'status' in v && 'body' in v;
}

/**
 * The event as served; null if its line no longer parses (cannot happen: parsers are pure).
 * Subscribers type numbers into the dialed string (*140*0770123456#) and menus echo them:
 * every free text field is masked, not only msisdn.
 */
export function eventJson(e: StoredEvent): Record<string, unknown> | null {
  const d = e.origin.parser.parse(e.line);
  if (typeof d === 'string') return null;
  const c = e.classification;
  return {
    ts: new Date(d.ts).toISOString(),
    node: maskMsisdns(d.node),
    session: maskMsisdns(d.session),
    msisdn: maskMsisdn(d.msisdn),
    ussd: maskMsisdns(d.ussd),
    type: maskMsisdns(d.type),
    menu: maskMsisdns(d.menu),
    status: maskMsisdns(d.status),
    map_error: d.mapError,
    steps: d.steps,
    app_ms: d.appMs,
    dialog_ms: d.dialogMs,
    class: c.cls,
    cause: c.cause,
    short_code: c.shortCode,
    near_code: c.nearCode,
    source: e.origin.source,
    // Computed when served, not per line: explaining costs string work nobody reads otherwise.
    reason: maskMsisdns(e.origin.classifier.explain(d, c)),
    // Only for what the rules could not classify, and beside their verdict, never instead.
    ...(c.cls === 'unclassified' ? { guess: e.origin.guess(d) } : {}),
  };
}

export function eventsResponse(
  params: URLSearchParams,
  store: EventStore,
  shortCodes: readonly string[],
): ApiResponse {
  const q = parseEventQuery(params, [...shortCodes, UNKNOWN_CODE]);
  if (isError(q)) return q;
  const events = store.query(q).map(eventJson).filter((e) => e !== null);
  return { status: 200, body: { events } };
}

export function malformedResponse(params: URLSearchParams, store: MalformedStore, sources: readonly string[]): ApiResponse {
  const bad = unknownParams(params, ['source']);
  if (bad) return bad;
  const source = oneOf(params, 'source', sources);
  if (typeof source === 'object') return source;
  const samples = store.query(source).map((s) => ({ source: s.source, reason: s.reason, file: maskMsisdns(s.file), time: new Date(s.at).toISOString(), line: s.line }));
  return { status: 200, body: { malformed: samples } };
}
