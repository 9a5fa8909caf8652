// Number formats of the tables; "–" where there is nothing to judge (no dialogs).
import { dateTimeFormat } from '@grafana/data';

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

/** Date and time in the viewer's time zone, as Grafana shows times. */
export function clock(ms: number, timeZone?: string): string {
  if (!Number.isFinite(ms)) return DASH;
  return dateTimeFormat(ms, { timeZone });
}
