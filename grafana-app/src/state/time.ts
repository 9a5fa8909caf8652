// The URL's from/to (Grafana's syntax: "now-1h", or epoch ms) as a concrete range.
import { dateMath, dateTime, type TimeRange } from '@grafana/data';
import { DEFAULT_FROM, DEFAULT_TO, type AppLocation } from './location.js';

export function timeRangeOf(loc: Pick<AppLocation, 'from' | 'to'>, now = Date.now()): TimeRange {
  const rawFrom = loc.from ?? DEFAULT_FROM;
  const rawTo = loc.to ?? DEFAULT_TO;
  const at = dateTime(now);
  const from = parseEdge(rawFrom, false, at) ?? parseEdge(DEFAULT_FROM, false, at)!;
  const to = parseEdge(rawTo, true, at) ?? at;
  return { from, to, raw: { from: rawFrom, to: rawTo } };
}

function parseEdge(raw: string, roundUp: boolean, now: ReturnType<typeof dateTime>) {
  // Grafana writes absolute times into URLs as epoch milliseconds.
  if (/^\d{10,}$/.test(raw)) return dateTime(Number(raw));
  const d = raw.startsWith('now') ? dateMath.parseDateMath(raw.slice(3), now, roundUp) : dateMath.parse(raw, roundUp);
  return d && d.isValid() ? d : undefined;
}

/** What goes back into the URL for a picked range: relative stays relative. */
export function urlEdges(range: TimeRange): { from: string; to: string } {
  const edge = (raw: TimeRange['raw']['from'], value: TimeRange['from']) => (typeof raw === 'string' ? raw : String(value.valueOf()));
  return { from: edge(range.raw.from, range.from), to: edge(range.raw.to, range.to) };
}

/** The range shifted by its own length (the picker's arrows). */
export function shifted(range: TimeRange, direction: -1 | 1): { from: string; to: string } {
  const len = range.to.valueOf() - range.from.valueOf();
  return { from: String(range.from.valueOf() + direction * len), to: String(range.to.valueOf() + direction * len) };
}

export function zoomedOut(range: TimeRange): { from: string; to: string } {
  const len = range.to.valueOf() - range.from.valueOf();
  return { from: String(range.from.valueOf() - len / 2), to: String(Math.min(Date.now(), range.to.valueOf() + len / 2)) };
}

/** The refresh picker's "30s", "1m", "1h" in ms; undefined for off or garbage. */
export function intervalMs(refresh: string | undefined): number | undefined {
  const m = /^(\d+)(s|m|h)$/.exec(refresh ?? '');
  if (!m) return undefined;
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 's' | 'm' | 'h'];
}
