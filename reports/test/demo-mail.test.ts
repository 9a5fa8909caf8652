// Issue 14's last words, "the scheduled one arrives by mail", in the demo: the stack `npm start`
// runs (report service on the shipped schedule, history on) makes yesterday in the background
// with the simulator and `ussdwatch backfill`, and the scheduled daily report of yesterday
// reaches the SMTP sink with its PDF and workbook attached and the day's figures in them.
// The history runs at 20 dialogs/s at the peak (the demo's 50) with a sample a minute (the
// demo's every 15 s): the same path with less work.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { waitFor } from '@ussdwatch/testkit';
import { startStack, type Stack } from '@ussdwatch/testkit/stack';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { WORDS } from '../src/i18n.js';

const w = WORDS.fr;
let stack: Stack;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ussdwatch-demo-mail-'));
  stack = await startStack({ reports: true, history: { rate: 20, step: '1m' } });
}, 90_000);

afterAll(async () => {
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The attachments of a MIME message as nodemailer writes them (base64 parts with a filename). */
function attachments(raw: string): Map<string, Buffer> {
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(raw)?.[1];
  const files = new Map<string, Buffer>();
  if (!boundary) return files;
  for (const part of raw.split(`--${boundary}`)) {
    const cut = part.indexOf('\r\n\r\n');
    const headers = part.slice(0, cut).replace(/\r\n\s+/g, ' ');
    const name = /filename="?([^";\r\n]+)"?/i.exec(headers)?.[1];
    if (name && /content-transfer-encoding:\s*base64/i.test(headers)) files.set(name, Buffer.from(part.slice(cut + 4).replace(/\s/g, ''), 'base64'));
  }
  return files;
}

it("mails yesterday's scheduled day report, PDF and workbook attached, with the day's figures", async () => {
  const history = await stack.history!;
  expect(history.skipped).toBe(false);
  // The day whose report the shipped schedule sends now: yesterday, or the day before until 07:00.
  const schedule = (await (await fetch(`${stack.urls.reports}/api/reports`)).json()) as { schedule: Array<{ name: string; period: string }> };
  const day = { id: schedule.schedule.find((r) => r.name === 'daily-noc')!.period };
  const mail = await waitFor(() => stack.mails().find((m) => m.subject.startsWith(`${w.title} · ${w.periodKinds.day} `)), {
    timeoutMs: 3 * 60_000,
    intervalMs: 1000,
    what: `the scheduled day report of ${day.id} in the SMTP sink (report service log: ${stack.logs().reports?.slice(-2000)})`,
  });
  const files = attachments(mail.raw);
  const pdf = [...files.keys()].find((f) => f.endsWith('.pdf') && f.includes(day.id));
  const xlsx = [...files.keys()].find((f) => f.endsWith('.xlsx') && f.includes(day.id));
  expect(pdf, [...files.keys()].join(', ')).toBeDefined();
  expect(xlsx, [...files.keys()].join(', ')).toBeDefined();

  const wb = new ExcelJS.Workbook();
  const xlsxFile = join(dir, xlsx!);
  writeFileSync(xlsxFile, files.get(xlsx!)!);
  await wb.xlsx.readFile(xlsxFile);
  const codes = wb.getWorksheet(w.sheets.codes)!;
  const header = (codes.getRow(1).values as unknown[]).map(String);
  let dialogs = 0;
  let internal = 0;
  codes.eachRow((row, n) => {
    if (n === 1) return;
    dialogs += row.getCell(header.indexOf(w.dialogs)).value as number;
    internal += row.getCell(header.indexOf(w.internal)).value as number;
  });
  // A whole day at 20/s at the peak: about 800,000 dialogs; the history's slow hour gives internal errors.
  expect(dialogs).toBeGreaterThan(300_000);
  expect(internal).toBeGreaterThan(0);

  const pdfFile = join(dir, pdf!);
  writeFileSync(pdfFile, files.get(pdf!)!);
  const text = execFileSync('pdftotext', ['-layout', pdfFile, '-'], { encoding: 'utf8' });
  const digits = (s: string) => s.replace(/\s/g, '');
  const fr = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });
  expect(digits(text)).toContain(digits(`${w.dialogs}${fr.format(Math.round(dialogs))}`));
  expect(text).toContain(w.noIncident);
}, 5 * 60_000);
