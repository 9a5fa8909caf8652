// Report periods in Africa/Algiers time. Algeria keeps UTC+01:00 all year (no daylight
// saving), so a local day, week or month is a fixed shift of UTC: no time-zone database.
// The week is the Algerian working week, Sunday to Saturday: the Sunday report covers the
// week that has just ended (an ISO week, Monday to Sunday, would still be running then).
export const ALGIERS_OFFSET_MS = 60 * 60_000;
export const TIME_ZONE = 'Africa/Algiers';
const DAY_MS = 86_400_000;

export type PeriodKind = 'day' | 'week' | 'month' | 'range';

export interface Period {
  kind: PeriodKind;
  /** Inclusive start and exclusive end, epoch milliseconds. */
  startMs: number;
  endMs: number;
  /** Stable name for files and the sent-state: 2026-11-28, week-2026-11-22, 2026-11, 20261128T0000-20261128T1200. */
  id: string;
}

export class PeriodError extends Error {
  override name = 'PeriodError';
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Local calendar fields of an instant. */
export function localParts(tMs: number): { y: number; mo: number; d: number; h: number; mi: number; weekday: number } {
  const t = new Date(tMs + ALGIERS_OFFSET_MS);
  return { y: t.getUTCFullYear(), mo: t.getUTCMonth() + 1, d: t.getUTCDate(), h: t.getUTCHours(), mi: t.getUTCMinutes(), weekday: t.getUTCDay() };
}

/** Local midnight of a calendar date, as an instant. */
export function localMidnight(y: number, mo: number, d: number): number {
  return Date.UTC(y, mo - 1, d) - ALGIERS_OFFSET_MS;
}

const dateId = (tMs: number) => {
  const p = localParts(tMs);
  return `${p.y}-${pad(p.mo)}-${pad(p.d)}`;
};

function dayOf(tMs: number): Period {
  const p = localParts(tMs);
  const startMs = localMidnight(p.y, p.mo, p.d);
  return { kind: 'day', startMs, endMs: startMs + DAY_MS, id: dateId(startMs) };
}

function weekOf(tMs: number): Period {
  const p = localParts(tMs);
  const startMs = localMidnight(p.y, p.mo, p.d) - p.weekday * DAY_MS;
  return { kind: 'week', startMs, endMs: startMs + 7 * DAY_MS, id: `week-${dateId(startMs)}` };
}

function monthOf(tMs: number): Period {
  const p = localParts(tMs);
  const startMs = localMidnight(p.y, p.mo, 1);
  const endMs = p.mo === 12 ? localMidnight(p.y + 1, 1, 1) : localMidnight(p.y, p.mo + 1, 1);
  return { kind: 'month', startMs, endMs, id: `${p.y}-${pad(p.mo)}` };
}

/** The day, week or month holding an instant. */
export function periodOf(kind: Exclude<PeriodKind, 'range'>, tMs: number): Period {
  return kind === 'day' ? dayOf(tMs) : kind === 'week' ? weekOf(tMs) : monthOf(tMs);
}

/** The last complete day, week or month before an instant (what a schedule sends). */
export function lastComplete(kind: Exclude<PeriodKind, 'range'>, nowMs: number): Period {
  return periodOf(kind, periodOf(kind, nowMs).startMs - 1);
}

/** The period just before: the previous day, week or month, or a range of the same length. */
export function previousPeriod(p: Period): Period {
  if (p.kind === 'range') return rangePeriod(p.startMs - (p.endMs - p.startMs), p.startMs);
  return periodOf(p.kind, p.startMs - 1);
}

function stamp(tMs: number): string {
  const p = localParts(tMs);
  return `${p.y}${pad(p.mo)}${pad(p.d)}T${pad(p.h)}${pad(p.mi)}`;
}

export function rangePeriod(startMs: number, endMs: number): Period {
  if (!(endMs > startMs)) throw new PeriodError('the end of the period must come after its start');
  return { kind: 'range', startMs, endMs, id: `${stamp(startMs)}-${stamp(endMs)}` };
}

/**
 * A time the operator typed: ISO 8601 with an offset or Z, or a local Algiers date/time
 * without one (2026-11-28, 2026-11-28T07:00).
 */
export function parseTime(text: string, what: string): number {
  const local = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
  if (local) {
    const [, y, mo, d, h = '0', mi = '0', s = '0'] = local;
    const t = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s) - ALGIERS_OFFSET_MS;
    if (localParts(t).d === +d) return t;
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) {
    const t = Date.parse(text);
    if (!Number.isNaN(t)) return t;
  }
  throw new PeriodError(`${what} ${text} is not a time: give 2026-11-28, 2026-11-28T07:00 (Algiers time) or ISO 8601 with an offset`);
}

export interface PeriodRequest {
  period?: string;
  /** A day in the wanted period (day, week), the month (2026-11), or `today`; the last complete one when absent. */
  date?: string;
  from?: string;
  to?: string;
}

/** The period the command line asks for. */
export function resolvePeriod(req: PeriodRequest, nowMs: number): Period {
  if (req.from !== undefined || req.to !== undefined) {
    if (req.period !== undefined || req.date !== undefined) throw new PeriodError('give either --period (and --date) or --from and --to, not both');
    if (req.from === undefined || req.to === undefined) throw new PeriodError('--from and --to go together');
    return rangePeriod(parseTime(req.from, '--from'), parseTime(req.to, '--to'));
  }
  const kind = req.period ?? 'day';
  if (kind !== 'day' && kind !== 'week' && kind !== 'month') throw new PeriodError(`--period ${kind}: expected day, week or month (or --from/--to)`);
  if (req.date === undefined) return lastComplete(kind, nowMs);
  // The period running now, so far: what a demo started minutes ago has data for.
  if (req.date === 'today') return periodOf(kind, nowMs);
  const date = kind === 'month' && /^\d{4}-\d{2}$/.test(req.date) ? `${req.date}-01` : req.date;
  return periodOf(kind, parseTime(date, '--date'));
}

/** Chart resolution: about a hundred points whatever the period. */
export function chartStepSeconds(p: Period): number {
  const s = (p.endMs - p.startMs) / 1000;
  if (s <= DAY_MS / 1000) return Math.max(60, Math.round(s / 96 / 60) * 60);
  if (s <= (7 * DAY_MS) / 1000) return 3600;
  return Math.max(3600, Math.round(s / 120 / 3600) * 3600);
}
