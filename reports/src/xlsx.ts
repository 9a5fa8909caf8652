// The workbook: one sheet per table, real numbers with number formats (counts, percentages,
// seconds, Algiers times), a header row frozen and filtered, so analysts can sort and pivot.
import ExcelJS from 'exceljs';
import { ALGIERS_OFFSET_MS } from './period.js';
import type { Kind, Table } from './tables.js';

const NUMBER_FORMAT: Record<Kind, string | undefined> = {
  text: undefined,
  int: '#,##0',
  pct: '0.00%',
  seconds: '0.000 "s"',
  time: 'yyyy-mm-dd hh:mm:ss',
  score: '0.0',
};

/** Excel has no time zones: a time is written as the Algiers wall-clock time it shows. */
const excelTime = (ms: number) => new Date(ms + ALGIERS_OFFSET_MS);

export async function workbook(tables: Table[], info: Array<[string, string]>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'ussdwatch';
  const about = wb.addWorksheet('Info');
  about.columns = [{ width: 28 }, { width: 60 }];
  for (const row of info) about.addRow(row);
  for (const t of tables) {
    const ws = wb.addWorksheet(t.sheet.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = t.columns.map((c) => ({ header: c.header, width: Math.max(12, c.header.length + 2), style: {} }));
    ws.getRow(1).font = { bold: true };
    t.rows.forEach((r, i) => {
      const row = ws.addRow(r.map((v, j) => (t.columns[j].kind === 'time' && typeof v === 'number' ? excelTime(v) : v)));
      r.forEach((_v, j) => {
        const kind = t.columns[j].kind === 'text' || t.columns[j].kind === 'time' || !t.rowKinds ? t.columns[j].kind : t.rowKinds[i];
        const fmt = NUMBER_FORMAT[kind];
        if (fmt) row.getCell(j + 1).numFmt = fmt;
      });
    });
    ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: Math.max(1, t.rows.length + 1), column: t.columns.length } };
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
