// dpss-kpi-csv (log-formats.md section 3). Columns are found by header name, so a DPSS
// export that reorders them still reads; a missing column rejects the file; a bad row is
// reported and skipped, never fatal for the rest.
import type { DpssRow } from '../core/types.js';
import { numberField } from './line.js';
import { epochMs, parseIsoTimestamp } from './timestamp.js';

export const DPSS_COLUMNS = ['period_start', 'period_s', 'short_code', 'attempts', 'success', 'failures', 'rt_avg_ms', 'rt_p95_ms', 'rt_max_ms'] as const;
type Column = (typeof DPSS_COLUMNS)[number];
const NUMBER_COLUMNS = ['period_s', 'attempts', 'success', 'failures', 'rt_avg_ms', 'rt_p95_ms', 'rt_max_ms'] as const;

export interface DpssParse {
  rows: DpssRow[];
  errors: Array<{ line: number; reason: string }>;
}

export function parseDpssCsv(text: string, utcOffsetMinutes: number): DpssParse {
  const lines = text.replace(/^\uFEFF/, '').split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const rows: DpssRow[] = [];
  const errors: DpssParse['errors'] = [];
  const headerIdx = lines.findIndex((l) => l.trim() !== '');
  if (headerIdx < 0) return { rows, errors: [{ line: 1, reason: `empty file; expected the header ${DPSS_COLUMNS.join(',')}` }] };
  const header = csvCells(lines[headerIdx]).map((h) => h.trim().toLowerCase());
  const missing = DPSS_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    return { rows, errors: [{ line: headerIdx + 1, reason: `header lacks ${missing.join(', ')}; expected ${DPSS_COLUMNS.join(',')}` }] };
  }
  const col = Object.fromEntries(DPSS_COLUMNS.map((c) => [c, header.indexOf(c)])) as Record<Column, number>;
  for (let i = headerIdx + 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const cells = csvCells(lines[i]);
    const row = rowOf(cells, header.length, col, utcOffsetMinutes);
    if (typeof row === 'string') errors.push({ line: i + 1, reason: row });
    else rows.push(row);
  }
  if (rows.length === 0 && errors.length === 0) errors.push({ line: headerIdx + 1, reason: 'header only: no data rows' });
  return { rows, errors };
}

function rowOf(cells: string[], width: number, col: Record<Column, number>, utcOffsetMinutes: number): DpssRow | string {
  if (cells.length !== width) return `expected ${width} columns, got ${cells.length}`;
  const start = cells[col.period_start].trim();
  const periodStart = parseIsoTimestamp(start, 0, start.length, utcOffsetMinutes);
  if (Number.isNaN(periodStart)) return `period_start "${start}" is not an ISO 8601 timestamp`;
  const shortCode = cells[col.short_code].trim();
  if (shortCode === '') return 'short_code is empty';
  const n = {} as Record<(typeof NUMBER_COLUMNS)[number], number>;
  for (const c of NUMBER_COLUMNS) {
    const cell = cells[col[c]];
    const v = numberField(cell, 0, cell.length);
    if (v === null || Number.isNaN(v)) return `${c} "${cell.trim()}" is not a non-negative number`;
    n[c] = v;
  }
  if (n.period_s <= 0) return 'period_s must be positive';
  return {
    periodStart,
    periodS: n.period_s,
    shortCode,
    attempts: n.attempts,
    success: n.success,
    failures: n.failures,
    rtAvgMs: n.rt_avg_ms,
    rtP95Ms: n.rt_p95_ms,
    rtMaxMs: n.rt_max_ms,
  };
}

/**
 * The cells of one CSV line. Spreadsheet-style exports quote cells ("*710#"), doubling a
 * quote inside one; a cell spanning lines is not something a KPI export writes.
 */
export function csvCells(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c !== '"') cell += c;
      else if (line[i + 1] === '"') cell += line[++i];
      else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}

/** Epoch ms of the period start named by `dpss_kpi_YYYYMMDDHHmm.csv` (local time), or null. */
export function dpssPeriodFromFileName(name: string, utcOffsetMinutes: number): number | null {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  const m = /^dpss_kpi_(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})\.csv$/.exec(base);
  if (!m) return null;
  const t = epochMs(+m[1], +m[2], +m[3], +m[4], +m[5], 0, 0, utcOffsetMinutes);
  return Number.isNaN(t) ? null : t;
}
