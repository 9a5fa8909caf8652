// One step of history as text, in the two dialects the outputs read: OpenMetrics (promtool,
// timestamps in seconds, `# EOF` at the end) and the Prometheus text format with timestamps
// in milliseconds (VictoriaMetrics' /api/v1/import/prometheus). No # TYPE lines: a TSDB
// block keeps no metadata, and families would have to be grouped across steps. Pure.
import type { SeriesTable } from './series-table.js';

export type Dialect = 'openmetrics' | 'prometheus';

export const OPENMETRICS_END = '# EOF\n';

export function stepText(table: SeriesTable, atMs: number, dialect: Dialect): string {
  const ts = ` ${dialect === 'openmetrics' ? atMs / 1000 : atMs}\n`;
  const rows = table.rows;
  const values = table.values;
  let out = '';
  for (let i = 0; i < rows.length; i++) out += rows[i] + values[i] + ts;
  return out;
}
