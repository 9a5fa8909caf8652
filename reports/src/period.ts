// Report periods in Africa/Algiers time. Algeria keeps UTC+01:00 all year (no daylight
// saving), so a local day, week or month is a fixed shift of UTC: no time-zone database.
// A week is the ISO week (Monday to Sunday, named 2026-W48) unless it is asked to start on
// another day: a schedule sending on Sunday morning wants the Sunday-to-Saturday week that
// has just ended (the ISO week would still be running), named week-2026-11-22.
export const ALGIERS_OFFSET_MS = 60 * 60_000;
export const TIME_ZONE = 'Africa/Algiers';
const DAY_MS = 86_400_000;

export type PeriodKind = 'day' | 'week' | 'month' | 'range';

/** The day a week starts on: 0 Sunday ... 6 Saturday, as Date.getUTCDay(). */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;
export const MONDAY: Weekday = 1;
export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

export interface Period {
  kind: PeriodKind;
  /** A week's first day (ISO: Monday); absent for other kinds. */
  weekStart?: Weekday;
  /** Inclusive start and exclusive end, epoch milliseconds. */
  startMs: number;
  endMs: number;
  /** Stable name for files and the sent-state: 2026-11-28, 2026-W48 (ISO week), week-2026-11-22 (a week from Sunday), 2026-11, 20261128T0000-20261128T1200. */
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

/** ISO 8601 week-numbering year and week of the ISO week starting at a local Monday midnight: the year of its Thursday. */
function isoWeekId(mondayMs: number): string {
  const thursday = localParts(mondayMs + 3 * DAY_MS);
  const jan1 = localMidnight(thursday.y, 1, 1);
  const week = Math.floor((mondayMs + 3 * DAY_MS - jan1) / (7 * DAY_MS)) + 1;
  return `${thursday.y}-W${pad(week)}`;
}

function weekOf(tMs: number, weekStart: Weekday): Period {
  const p = localParts(tMs);
  const startMs = localMidnight(p.y, p.mo, p.d) - ((p.weekday - weekStart + 7) % 7) * DAY_MS;
  const id = weekStart === MONDAY ? isoWeekId(startMs) : `week-${dateId(startMs)}`;
  return { kind: 'week', weekStart, startMs, endMs: startMs + 7 * DAY_MS, id };
}

/** The ISO week named 2026-W48: Monday to Sunday; week 1 holds the year's first Thursday, and a year has 52 or 53. */
export function isoWeek(text: string): Period {
  const m = /^(\d{4})-?W(\d{2})$/.exec(text);
  if (m) {
    const [y, w] = [+m[1], +m[2]];
    const jan4 = localParts(localMidnight(y, 1, 4));
    const week1 = localMidnight(y, 1, 4) - ((jan4.weekday + 6) % 7) * DAY_MS;
    const p = weekOf(week1 + (w - 1) * 7 * DAY_MS, MONDAY);
    if (w >= 1 && p.id === `${y}-W${pad(w)}`) return p;
  }
  throw new PeriodError(`--week ${text} is not an ISO week: give it like 2026-W48 (weeks 01 to 52, or 53 in the years that have one)`);
}

function monthOf(tMs: number): Period {
  const p = localParts(tMs);
  const startMs = localMidnight(p.y, p.mo, 1);
  const endMs = p.mo === 12 ? localMidnight(p.y + 1, 1, 1) : localMidnight(p.y, p.mo + 1, 1);
  return { kind: 'month', startMs, endMs, id: `${p.y}-${pad(p.mo)}` };
}

/** The day, week (ISO unless it starts on another day) or month holding an instant. */
export function periodOf(kind: Exclude<PeriodKind, 'range'>, tMs: number, weekStart: Weekday = MONDAY): Period {
  return kind === 'day' ? dayOf(tMs) : kind === 'week' ? weekOf(tMs, weekStart) : monthOf(tMs);
}

/** The last complete day, week or month before an instant (what a schedule sends). */
export function lastComplete(kind: Exclude<PeriodKind, 'range'>, nowMs: number, weekStart: Weekday = MONDAY): Period {
  return periodOf(kind, periodOf(kind, nowMs, weekStart).startMs - 1, weekStart);
}

/** The period just before: the previous day, week (starting on the same day) or month, or a range of the same length. */
export function previousPeriod(p: Period): Period {
  if (p.kind === 'range') return rangePeriod(p.startMs - (p.endMs - p.startMs), p.startMs);
  return periodOf(p.kind, p.startMs - 1, p.weekStart);
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
  /** A day in the wanted period (day, week), the month (2026-11), the ISO week (2026-W48), or `today`; the last complete one when absent. */
  date?: string;
  /** An ISO week, 2026-W48: the same as --period week --date 2026-W48. */
  week?: string;
  /** The day a --period week starts on (monday, the ISO week, by default). */
  'week-start'?: string;
  from?: string;
  to?: string;
}

/** A day of the week by its English name, as config and command line write it. */
export function parseWeekday(text: string, what: string): Weekday {
  const i = (WEEKDAYS as readonly string[]).indexOf(text.toLowerCase());
  if (i < 0) throw new PeriodError(`${what} ${text}: expected one of ${WEEKDAYS.join(', ')}`);
  return i as Weekday;
}

/** The period the command line asks for. */
export function resolvePeriod(req: PeriodRequest, nowMs: number): Period {
  if (req.from !== undefined || req.to !== undefined) {
    if (req.period !== undefined || req.date !== undefined || req.week !== undefined) throw new PeriodError('give either --period (and --date), --week, or --from and --to, not two of them');
    if (req.from === undefined || req.to === undefined) throw new PeriodError('--from and --to go together');
    return rangePeriod(parseTime(req.from, '--from'), parseTime(req.to, '--to'));
  }
  if (req.week !== undefined) {
    if ((req.period !== undefined && req.period !== 'week') || req.date !== undefined) throw new PeriodError('--week names the whole period: give it without --period and --date');
    return isoWeek(req.week);
  }
  const kind = req.period ?? 'day';
  if (kind !== 'day' && kind !== 'week' && kind !== 'month') throw new PeriodError(`--period ${kind}: expected day, week or month (or --from/--to)`);
  const weekStart = req['week-start'] === undefined ? MONDAY : parseWeekday(req['week-start'], '--week-start');
  if (req.date === undefined) return lastComplete(kind, nowMs, weekStart);
  // The period running now, so far: what a demo started minutes ago has data for.
  if (req.date === 'today') return periodOf(kind, nowMs, weekStart);
  if (kind === 'week' && /W/.test(req.date)) return isoWeek(req.date);
  const date = kind === 'month' && /^\d{4}-\d{2}$/.test(req.date) ? `${req.date}-01` : req.date;
  return periodOf(kind, parseTime(date, '--date'), weekStart);
}

/**
 * A period still running is counted up to this long ago. A scrape in flight at the instant
 * (up to its timeout, 10 s by default) lands between the report's queries: its tables would
 * not add up, nor match PromQL asked again at the instant it shows.
 */
export const SETTLE_MS = 15_000;

/** The instant a report of the period is evaluated at: its end once over, else a settled moment ago. */
export function evaluationMs(p: Period, nowMs: number): number {
  return p.endMs <= nowMs ? p.endMs : nowMs - SETTLE_MS;
}

/** Chart resolution: about a hundred points whatever the period. */
export function chartStepSeconds(p: Period): number {
  const s = (p.endMs - p.startMs) / 1000;
  if (s <= DAY_MS / 1000) return Math.max(60, Math.round(s / 96 / 60) * 60);
  if (s <= (7 * DAY_MS) / 1000) return 3600;
  return Math.max(3600, Math.round(s / 120 / 3600) * 3600);
}
