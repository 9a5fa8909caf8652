// Number formats of the tables; "–" where there is nothing to judge (no dialogs).
import { dateTimeFormat } from '@grafana/data';
import { HISTOGRAM_TOP_S } from '../queries/promql.js';

export const DASH = '–';

export function pct(ratio: number): string {
  if (!Number.isFinite(ratio)) return DASH;
  const p = ratio * 100;
  return `${p < 10 && p > 0 ? p.toFixed(2) : p.toFixed(1)}%`;
}

export function secs(s: number): string {
  if (!Number.isFinite(s)) return DASH;
  return s < 1 ? `${Math.round(s * 1000)} ms` : `${s.toFixed(2)} s`;
}

/** A p95 that counts unanswered dialogs: at the histogram's top it is "that long, or no answer". */
export function responseTime(s: number): string {
  return s >= HISTOGRAM_TOP_S ? `≥ ${HISTOGRAM_TOP_S} s or no answer` : secs(s);
}

export function count(n: number): string {
  if (!Number.isFinite(n)) return DASH;
  return Math.round(n).toLocaleString('en-US');
}

export function perSecond(n: number): string {
  if (!Number.isFinite(n)) return DASH;
  return `${n < 10 ? n.toFixed(2) : n.toFixed(1)}/s`;
}

/** "3 min ago" style age from seconds. */
export function age(s: number): string {
  if (!Number.isFinite(s)) return DASH;
  if (s < 90) return `${Math.max(0, Math.round(s))} s`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min`;
  if (s < 36 * 3600) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} d`;
}

/** The viewer's time zone as Grafana shows it ("UTC", "GMT+1"): the browser's, unless one is given. */
export function zoneLabel(ms: number, timeZone?: string): string {
  const part = new Intl.DateTimeFormat('en-GB', { timeZone, timeZoneName: 'short' }).formatToParts(ms).find((p) => p.type === 'timeZoneName');
  return part?.value ?? 'UTC';
}

/** A timestamp as a person reads it: date, time, zone and age ("2026-11-21 13:45:02 GMT+1, 4 min ago"). */
export function stamp(ms: number, nowMs: number, timeZone?: string): string {
  if (!Number.isFinite(ms)) return DASH;
  const ago = (nowMs - ms) / 1000;
  return `${clock(ms, timeZone)} ${zoneLabel(ms, timeZone)}, ${ago >= 0 ? `${age(ago)} ago` : `in ${age(-ago)}`}`;
}

/** A time within the coming week, weekday first ("Sun 08:00 GMT+1"): when something held goes. */
export function weekdayClock(ms: number, timeZone?: string): string {
  if (!Number.isFinite(ms)) return DASH;
  return `${dateTimeFormat(ms, { timeZone, format: 'ddd HH:mm' })} ${zoneLabel(ms, timeZone)}`;
}

/** Date and time in the viewer's time zone, as Grafana shows times. */
export function clock(ms: number, timeZone?: string): string {
  if (!Number.isFinite(ms)) return DASH;
  return dateTimeFormat(ms, { timeZone });
}
