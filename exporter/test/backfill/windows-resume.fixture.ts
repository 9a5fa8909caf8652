// Run in its own process by windows.test.ts: a resumed run re-reads windows delivered before
// the interruption. Had the writer hung (it did: a settled promise awaited forever, starving
// the event loop), only the parent's timeout could tell; prints the windows delivered.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SeriesTable } from '../../src/backfill/series-table.js';
import { WINDOW_MS, WindowWriter, type Output } from '../../src/backfill/windows.js';

const dir = mkdtempSync(join(tmpdir(), 'ussdwatch-windows-'));
const delivered: number[] = [];
const output: Output = { dialect: 'openmetrics', deliver: async (_file, start) => void delivered.push(start) };
const table = { rows: ['ussd_log_lines_total '], values: [1] } as unknown as SeriesTable;
// Windows 0 and 1 were delivered before the interruption; the resumed run steps through 0 to 3.
const writer = new WindowWriter(dir, output, 2 * WINDOW_MS, async () => {});
for (let w = 0; w < 4; w++) {
  writer.step(w * WINDOW_MS, table);
  writer.step(w * WINDOW_MS + 15_000, table);
  await writer.drain(true);
}
await writer.finish();
process.stdout.write(JSON.stringify({ delivered: delivered.map((s) => s / WINDOW_MS), left: readdirSync(dir) }));
rmSync(dir, { recursive: true, force: true });
