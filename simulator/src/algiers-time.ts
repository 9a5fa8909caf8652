// Africa/Algiers is UTC+01:00 all year (no daylight saving), so local time is a fixed
// shift: no time-zone database needed. Everything the gateways and DPSS write is local.
export const ALGIERS_OFFSET_MS = 60 * 60_000;
export const ALGIERS_OFFSET_MINUTES = 60;

const pad2 = (n: number) => (n < 10 ? '0' + n : String(n));

/** Local calendar fields of an instant. */
function local(tMs: number) {
  const d = new Date(tMs + ALGIERS_OFFSET_MS);
  return {
    y: d.getUTCFullYear(),
    mo: pad2(d.getUTCMonth() + 1),
    d: pad2(d.getUTCDate()),
    h: pad2(d.getUTCHours()),
    mi: pad2(d.getUTCMinutes()),
    s: pad2(d.getUTCSeconds()),
  };
}

/** `2026-11-21T13:40:00+01:00` */
export function isoLocalSeconds(tMs: number): string {
  const l = local(tMs);
  return `${l.y}-${l.mo}-${l.d}T${l.h}:${l.mi}:${l.s}+01:00`;
}

/** `YYYYMMDDHHmm` as in dpss_kpi_YYYYMMDDHHmm.csv. */
export function fileStamp(tMs: number): string {
  const l = local(tMs);
  return `${l.y}${l.mo}${l.d}${l.h}${l.mi}`;
}

/** Hour of day in Algiers, fractional (13.5 = 13:30). */
export function localHour(tMs: number): number {
  const msOfDay = (((tMs + ALGIERS_OFFSET_MS) % 86_400_000) + 86_400_000) % 86_400_000;
  return msOfDay / 3_600_000;
}

const MS3: string[] = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/**
 * Formats dialog timestamps in both forms the CDR spec allows, caching the part that
 * only changes once a second: at 100,000 lines/s a Date per line would dominate.
 */
export class TimestampFormatter {
  private second = NaN;
  private isoPrefix = '';
  private spacePrefix = '';

  private refresh(second: number): void {
    this.second = second;
    const l = local(second * 1000);
    const date = `${l.y}-${l.mo}-${l.d}`;
    const time = `${l.h}:${l.mi}:${l.s}.`;
    this.isoPrefix = `${date}T${time}`;
    this.spacePrefix = `${date} ${time}`;
  }

  /** `2026-11-21T13:45:02.123+01:00` */
  iso(tMs: number): string {
    const s = Math.floor(tMs / 1000);
    if (s !== this.second) this.refresh(s);
    return this.isoPrefix + MS3[tMs - s * 1000] + '+01:00';
  }

  /** `2026-11-21 13:45:02.123` (local time, no offset: the reader applies the source's zone). */
  space(tMs: number): string {
    const s = Math.floor(tMs / 1000);
    if (s !== this.second) this.refresh(s);
    return this.spacePrefix + MS3[tMs - s * 1000];
  }
}

/** Parses `--start`: ISO 8601 with or without offset (without: Algiers time), or epoch seconds. */
export function parseStartTime(text: string): number | null {
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2})?$/.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s = '0', frac = '0', zone] = m;
  let offsetMin = ALGIERS_OFFSET_MINUTES;
  if (zone === 'Z') offsetMin = 0;
  else if (zone) offsetMin = (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  const utc = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, Number(frac.padEnd(3, '0')));
  const check = new Date(utc);
  if (check.getUTCMonth() !== +mo - 1 || check.getUTCDate() !== +d || +h > 23 || +mi > 59 || +s > 59) return null;
  return utc - offsetMin * 60_000;
}
