// The overview table: one row per short code, worst internal-error ratio first.
import type { CodeAlerting } from './alerts.js';
import type { Series } from './prom-result.js';

export interface CatalogueEntry {
  name: string;
  team: string;
}

export interface CodeRow {
  code: string;
  name: string;
  team: string;
  dialogs: number;
  ok: number;
  user: number;
  internal: number;
  /** NaN when the code had no dialog in the range: nothing to judge. */
  internalRatio: number;
  userRatio: number;
  /** p95 of the application's response, unanswered dialogs counted as the slowest. */
  p95Seconds: number;
  /** Share of the code's dialogs the application never answered. */
  noAnswerRatio: number;
  /** The code's firing alerts (highest tier, oldest start); undefined when none fires. */
  alerting?: CodeAlerting;
  /** Internal-error ratio over the range, for the sparkline. */
  trend?: Series;
  /** Health score (0-100) at the range's end; NaN without the health rules or data. */
  health: number;
}

export interface CodeRowInputs {
  catalogue: Map<string, CatalogueEntry>;
  /** short_code -> class -> dialogs in the range. */
  classSplit: Map<string, Map<string, number>>;
  p95: Map<string, number>;
  noAnswer: Map<string, number>;
  trends: Series[];
  alerting: Map<string, CodeAlerting>;
  health: Map<string, number>;
}

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : NaN);

export function codeRows(inp: CodeRowInputs): CodeRow[] {
  const codes = new Set([...inp.catalogue.keys(), ...inp.classSplit.keys()]);
  const trendOf = new Map(inp.trends.map((s) => [s.labels.short_code ?? '', s]));
  const rows: CodeRow[] = [];
  for (const code of codes) {
    if (code === '') continue;
    const split = inp.classSplit.get(code) ?? new Map<string, number>();
    let dialogs = 0;
    for (const v of split.values()) dialogs += v;
    const internal = split.get('internal') ?? 0;
    const user = split.get('user') ?? 0;
    const meta = inp.catalogue.get(code);
    rows.push({
      code,
      name: meta?.name ?? (code === 'unknown' ? 'Codes not in the catalogue' : ''),
      team: meta?.team ?? '',
      dialogs,
      ok: split.get('ok') ?? 0,
      user,
      internal,
      internalRatio: ratio(internal, dialogs),
      userRatio: ratio(user, dialogs),
      p95Seconds: inp.p95.get(code) ?? NaN,
      noAnswerRatio: inp.noAnswer.get(code) ?? NaN,
      alerting: inp.alerting.get(code),
      trend: trendOf.get(code),
      health: inp.health.get(code) ?? NaN,
    });
  }
  return rows.sort(worstFirst);
}

function worstFirst(a: CodeRow, b: CodeRow): number {
  const ra = Number.isNaN(a.internalRatio) ? -1 : a.internalRatio;
  const rb = Number.isNaN(b.internalRatio) ? -1 : b.internalRatio;
  return rb - ra || (b.alerting?.tier ?? 0) - (a.alerting?.tier ?? 0) || b.dialogs - a.dialogs || a.code.localeCompare(b.code);
}

export interface ClassTotals {
  ok: number;
  user: number;
  internal: number;
  unclassified: number;
  total: number;
}

export function classTotals(split: Map<string, number>): ClassTotals {
  const t = { ok: split.get('ok') ?? 0, user: split.get('user') ?? 0, internal: split.get('internal') ?? 0, unclassified: split.get('unclassified') ?? 0 };
  return { ...t, total: t.ok + t.user + t.internal + t.unclassified };
}
