// When a scheduled report is due, as a pure function of the clock: a day's report the next
// day at `at`, a week's on the day after its last (Monday for an ISO week, Sunday for a
// week from Sunday to Saturday) at `at`, a month's on the 1st at `at`, all Africa/Algiers.
// The scheduler sends the latest due period not sent yet.
import { lastComplete, MONDAY, periodOf, previousPeriod, type Period, type Weekday } from './period.js';
import type { ScheduledKind } from './schedule-config.js';

/** The moment a period's report is due. */
export const dueMs = (p: Period, atMinutes: number): number => p.endMs + atMinutes * 60_000;

/** The latest period whose report is due at `nowMs`. */
export function latestDue(kind: ScheduledKind, atMinutes: number, nowMs: number, weekStart: Weekday = MONDAY): Period {
  const p = lastComplete(kind, nowMs, weekStart);
  return nowMs >= dueMs(p, atMinutes) ? p : previousPeriod(p);
}

/** When the next period's report falls due after `nowMs`. */
export function nextDueMs(kind: ScheduledKind, atMinutes: number, nowMs: number, weekStart: Weekday = MONDAY): number {
  return dueMs(periodOf(kind, latestDue(kind, atMinutes, nowMs, weekStart).endMs, weekStart), atMinutes);
}
