// The report service's archive (GET /api/reports -> {reports: [{file, bytes, modified}],
// schedule}) as the Reports page lists it: one row per report, its PDF and workbook side by
// side, the period, scope and language read back from the name buildReport gives the files
// (`ussdwatch-<period>-<scope>-<lang>.pdf|xlsx`, reports/src/build.ts).

export interface ReportFile {
  file: string;
  bytes: number;
}

export interface ReportRow {
  base: string;
  period: string;
  scope: string;
  lang: string;
  /** The later of its two files' times (ms). */
  builtAt: number;
  pdf?: ReportFile;
  xlsx?: ReportFile;
}

/** A scheduled report the service could not build or mail, with its next attempt. */
export interface ScheduleProblem {
  name: string;
  period: string;
  error: string;
  retryAt: string | null;
}

export interface ReportArchive {
  reports: ReportRow[];
  problems: ScheduleProblem[];
}

/** What the page asks the service to build (POST /api/reports). */
export interface BuildRequest {
  from: string;
  to: string;
  scope: string;
  lang: 'fr' | 'en';
}

export interface BuiltReport {
  pdf: string;
  xlsx: string;
  title: string;
  warnings: string[];
}

// Scopes start with all, team- or code-; period ids (2026-11-28, 2026-W48, week-2026-11-22, 2026-11,
// 20261128T0700-20261128T1200) never hold those words, so the first match splits the name.
const NAME = /^ussdwatch-(.+?)-(all|team-.+|code-.+)-([a-z]{2})\.(pdf|xlsx)$/;

/** `code-s710h` -> `code *710#`: the file name's escaping of * and # undone. */
function scopeLabel(id: string): string {
  if (id === 'all') return 'all';
  const [kind, ...rest] = id.split('-');
  const name = rest.join('-');
  return kind === 'code' ? `code ${name.replace(/^s/, '*').replace(/h$/, '#')}` : `team ${name}`;
}

const RANGE_ID = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})$/;

/** `20261129T0100-20261129T0115` (a range built on demand) -> `2026-11-29 01:00 – 2026-11-29 01:15`; day, week and month ids read as they are. */
function periodLabel(id: string): string {
  const m = RANGE_ID.exec(id);
  return m ? `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]} – ${m[6]}-${m[7]}-${m[8]} ${m[9]}:${m[10]}` : id;
}

interface RawFile {
  file?: unknown;
  bytes?: unknown;
  modified?: unknown;
}

interface RawStatus {
  name?: string;
  period?: string;
  last_error?: string | null;
  retry_at?: string | null;
}

export function parseArchive(body: unknown): ReportArchive {
  const b = body as { reports?: unknown; schedule?: unknown } | null;
  if (!Array.isArray(b?.reports)) throw new Error('the report service did not answer with {reports: [...]}');
  const rows = new Map<string, ReportRow>();
  for (const f of b.reports as RawFile[]) {
    const m = typeof f.file === 'string' ? NAME.exec(f.file) : null;
    if (!m) continue;
    const [, period, scope, lang, ext] = m;
    const base = f.file as string;
    const key = base.slice(0, -ext.length - 1);
    const row = rows.get(key) ?? { base: key, period: periodLabel(period), scope: scopeLabel(scope), lang, builtAt: 0 };
    row[ext as 'pdf' | 'xlsx'] = { file: base, bytes: Number(f.bytes) };
    row.builtAt = Math.max(row.builtAt, Date.parse(String(f.modified)) || 0);
    rows.set(key, row);
  }
  const problems = (Array.isArray(b.schedule) ? (b.schedule as RawStatus[]) : [])
    .filter((s) => s.last_error)
    .map((s) => ({ name: s.name ?? '', period: s.period ?? '', error: s.last_error as string, retryAt: s.retry_at ?? null }));
  return { reports: [...rows.values()].sort((a, b) => b.builtAt - a.builtAt || a.base.localeCompare(b.base)), problems };
}

/** "1.2 MB", "85 kB": a file's size as the list shows it. */
export function fileSize(bytes: number): string {
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${Math.round(bytes / 1e3)} kB`;
  return `${bytes} B`;
}
