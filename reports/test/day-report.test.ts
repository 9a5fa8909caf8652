// The proof of issue 14: the real chain (simulator -> exporter -> Prometheus -> Alertmanager
// -> notifier) with a known fault (app_down on *720#), then `ussdwatch report` for the day,
// as an operator runs it. The PDF's text (pdftotext) and the workbook's numbers must match
// what PromQL answers at the report's evaluation instant, and the fault's incident must be
// in both. PDF, workbook and page images stay under .run/artifacts/reports/ to look at.
// Issue 15's sections too: the exporter runs with a model (`ussdwatch train` on simulated
// logs) and a status map that has lost FAILED_DIALOG_TIMEOUT, so the vendor's timeouts are
// unclassified and the model places them; the simulator's menus give the funnel.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { REPO_ROOT, waitFor } from '@ussdwatch/testkit';
import { startStack, type Stack } from '@ussdwatch/testkit/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORDS } from '../src/i18n.js';
import { periodOf, SETTLE_MS } from '../src/period.js';

const ARTIFACTS = join(REPO_ROOT, '.run/artifacts/reports');
const USSDWATCH = join(REPO_ROOT, 'exporter/bin/ussdwatch.js');
const SIMULATE = join(REPO_ROOT, 'simulator/bin/ussdwatch-simulate.js');
const UNMAPPED = 'FAILED_DIALOG_TIMEOUT';
const FAULT_CODE = '*720#';
const FAULT_ALERT = 'ShortCodeAppTimeouts';
const w = WORDS.fr;

let stack: Stack;
let learnDir: string;

async function prom(query: string, atS: number): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const url = `${stack.urls.prometheus}/api/v1/query?query=${encodeURIComponent(query)}&time=${atS}`;
  return ((await (await fetch(url)).json()) as { data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } }).data.result;
}

function report(args: string[]) {
  return spawnSync(process.execPath, [USSDWATCH, 'report', ...args], { encoding: 'utf8', timeout: 120_000 });
}

/** Half an hour of simulated logs, the model `ussdwatch train` learns from them, and the shipped status map without one status. */
function learnSettings(): Record<string, unknown> {
  learnDir = mkdtempSync(join(tmpdir(), 'ussdwatch-reports-learn-'));
  execFileSync(process.execPath, [SIMULATE, '--fast', '--duration', '1800', '--rate', '50', '--flat', '--seed', '7', '--out', join(learnDir, 'logs'), '--dpss-dir', join(learnDir, 'dpss')], { stdio: 'pipe' });
  const logs = readdirSync(join(learnDir, 'logs')).map((f) => join(learnDir, 'logs', f));
  execFileSync(process.execPath, [USSDWATCH, 'train', '--out', join(learnDir, 'model.json'), ...logs], { stdio: 'pipe' });
  const shipped = readFileSync(join(REPO_ROOT, 'exporter/config/status-map.yaml'), 'utf8');
  const statusMap = shipped.split('\n').filter((l) => !l.trim().startsWith(`${UNMAPPED}:`)).join('\n');
  expect(statusMap).not.toContain(`${UNMAPPED}:`);
  writeFileSync(join(learnDir, 'status-map.yaml'), statusMap);
  return { learn: { model: join(learnDir, 'model.json') }, status_map: join(learnDir, 'status-map.yaml') };
}

beforeAll(async () => {
  rmSync(ARTIFACTS, { recursive: true, force: true });
  mkdirSync(ARTIFACTS, { recursive: true });
  stack = await startStack({
    exporterSettings: learnSettings(),
    simulator: { rate: 100, flat: true, seed: 20261128 },
    prometheus: { scrapeInterval: '5s', evaluationInterval: '5s' },
    alertmanager: { maxGroupWait: '10s', maxGroupInterval: '30s' },
    openBusinessHours: true,
  });
}, 90_000);

afterAll(async () => {
  await stack?.stop();
  if (learnDir) rmSync(learnDir, { recursive: true, force: true });
});

/** A sheet's rows as objects keyed by its header. */
function sheetRows(wb: ExcelJS.Workbook, name: string): Array<Record<string, unknown>> {
  const ws = wb.getWorksheet(name);
  expect(ws, `sheet ${name}`).toBeDefined();
  const header = Array.from({ length: ws!.columnCount }, (_, i) => String(ws!.getRow(1).getCell(i + 1).value));
  const rows: Array<Record<string, unknown>> = [];
  ws!.eachRow((row, n) => {
    if (n > 1) rows.push(Object.fromEntries(header.map((h, i) => [h, row.getCell(i + 1).value])));
  });
  return rows;
}

describe('a day report over the live chain with app_down on *720#', () => {
  it('says in its PDF and its workbook what PromQL says, the incident included', async () => {
    await waitFor(async () => (await prom(`ussd_shortcode_class:dialogs:rate5m{short_code="${FAULT_CODE}"} > 0`, Date.now() / 1000)).length > 0, {
      timeoutMs: 60_000,
      intervalMs: 1000,
      what: `traffic on ${FAULT_CODE} in Prometheus`,
    });
    const fault = await stack.faults.start({ scenario: 'app_down', target: FAULT_CODE });
    // The incident exists once the notifier has told someone about it.
    await waitFor(
      async () => {
        const res = await fetch(`${stack.urls.notifier}/api/journal?short_code=${encodeURIComponent(FAULT_CODE)}&limit=100`);
        const { entries } = (await res.json()) as { entries: Array<{ kind: string; result?: string }> };
        return entries.some((e) => e.kind === 'attempt' && e.result === 'sent');
      },
      { timeoutMs: 120_000, intervalMs: 1000, what: `a notification about ${FAULT_CODE}` },
    );
    const notifiedAt = Date.now();
    await stack.faults.stop(fault.id);
    // The model has placed some of the unmapped status's dialogs, and Prometheus has scraped it,
    // by the instant a report of the running day counts up to, which must also be past the page.
    const settled = () => Date.now() - SETTLE_MS;
    await waitFor(async () => settled() > notifiedAt && (await prom('sum(ussd_unclassified_guesses_total) > 0', settled() / 1000)).length > 0, {
      timeoutMs: 30_000,
      intervalMs: 1000,
      what: 'the learned model\'s guesses in Prometheus',
    });

    // The fault's day: Algiers' midnight may have passed since.
    const day = periodOf('day', fault.startedAt);
    const r = report(['--period', 'day', '--date', day.id, '--out', ARTIFACTS, '--prometheus', stack.urls.prometheus, '--notifier', stack.urls.notifier]);
    expect(r.status, r.stderr).toBe(0);
    const [pdf, xlsx] = r.stdout.trim().split('\n');
    expect(pdf).toMatch(/\.pdf$/);
    expect(xlsx).toMatch(/\.xlsx$/);

    // The workbook: its evaluation instant, then every code's counts against PromQL at that instant.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx);
    const info = new Map<string, string>();
    wb.getWorksheet('Info')!.eachRow((row) => info.set(String(row.getCell(1).value), String(row.getCell(2).value)));
    const evaluatedS = Date.parse(info.get(w.evaluated)!) / 1000;
    // No store given: the numbers come from Prometheus, and the report says so (the store's side: npm test -- ha).
    expect(info.get(w.metricsSource)).toBe(`Prometheus (${stack.urls.prometheus})`);
    const rangeS = Math.round(evaluatedS - day.startMs / 1000);
    const expected = new Map<string, number>();
    for (const s of await prom(`sum by (short_code, class) (increase(ussd_dialogs_total[${rangeS}s]))`, evaluatedS)) {
      expected.set(`${s.metric.short_code}/${s.metric.class}`, Number(s.value[1]));
    }
    const codes = wb.getWorksheet(w.sheets.codes)!;
    const header = (codes.getRow(1).values as unknown[]).map(String);
    const col = (name: string) => header.indexOf(name);
    let checked = 0;
    let total = 0;
    codes.eachRow((row, n) => {
      if (n === 1) return;
      const code = String(row.getCell(col(w.code)).value);
      const dialogs = row.getCell(col(w.dialogs)).value as number;
      const internal = row.getCell(col(w.internal)).value as number;
      expect(typeof dialogs).toBe('number');
      const want = ['ok', 'user', 'internal', 'unclassified'].reduce((a, c) => a + (expected.get(`${code}/${c}`) ?? 0), 0);
      expect(dialogs).toBeCloseTo(want, 6);
      expect(internal).toBeCloseTo(expected.get(`${code}/internal`) ?? 0, 6);
      expect(row.getCell(col(w.dialogs)).numFmt).toBe('#,##0');
      total += dialogs;
      checked++;
    });
    expect(checked).toBeGreaterThan(5);
    const faulty = [...expected].filter(([k]) => k === `${FAULT_CODE}/internal`)[0]?.[1] ?? 0;
    expect(faulty).toBeGreaterThan(0);
    const incidents = wb.getWorksheet(w.sheets.incidents)!;
    const incidentRows: string[] = [];
    incidents.eachRow((row, n) => n > 1 && incidentRows.push((row.values as unknown[]).map(String).join('|')));
    expect(incidentRows.some((x) => x.includes(FAULT_CODE) && x.includes(FAULT_ALERT) && x.includes('|3|'))).toBe(true);

    // Issue 15's sections. The funnel: per code and depth, what ended there, against PromQL.
    const ended = new Map<string, number>();
    for (const s of await prom(`sum by (short_code, depth, outcome) (increase(ussd_menu_dialogs_total[${rangeS}s]))`, evaluatedS)) {
      ended.set(`${s.metric.short_code}/${s.metric.depth}/${s.metric.outcome}`, Number(s.value[1]));
    }
    const funnel = sheetRows(wb, w.sheets.funnel);
    expect(funnel.filter((r) => Number(r[w.depth]) > 0).length, 'a funnel deeper than the first menu').toBeGreaterThan(0);
    for (const r of funnel) {
      const key = `${r[w.code]}/${r[w.depth]}`;
      expect(r[w.abandoned]).toBeCloseTo(ended.get(`${key}/abandoned`) ?? 0, 6);
      expect(r[w.completed]).toBeCloseTo(ended.get(`${key}/completed`) ?? 0, 6);
      expect(r[w.internal]).toBeCloseTo(ended.get(`${key}/internal_error`) ?? 0, 6);
    }
    for (const code of new Set(funnel.map((r) => r[w.code]))) {
      const all = [...ended].filter(([k]) => k.startsWith(`${code}/`)).reduce((a, [, v]) => a + v, 0);
      expect(funnel.find((r) => r[w.code] === code && r[w.depth] === '0')![w.reached]).toBeCloseTo(all, 6);
    }
    // The model's guesses: the unmapped timeouts are placed as what the rules called them, user/abandoned.
    const guessed = new Map<string, number>();
    for (const s of await prom(`sum by (short_code, class, cause) (increase(ussd_unclassified_guesses_total[${rangeS}s]))`, evaluatedS)) {
      guessed.set(`${s.metric.short_code}/${s.metric.class}/${s.metric.cause}`, Number(s.value[1]));
    }
    const guesses = sheetRows(wb, w.sheets.guesses);
    expect(guesses.length).toBe([...guessed.values()].filter((v) => v > 0).length);
    for (const g of guesses) expect(g[w.count]).toBeCloseTo(guessed.get(`${g[w.code]}/${g[w.guessedClass]}/${g[w.guessedCause]}`)!, 6);
    expect(guesses.some((g) => g[w.guessedClass] === 'user' && g[w.guessedCause] === 'abandoned')).toBe(true);
    // The bands wait for a week of history: none in a fresh Prometheus, and the report says so.
    expect(await prom('count(ussd_shortcode:anomaly_deviation:max)', evaluatedS)).toEqual([]);
    expect(sheetRows(wb, w.sheets.anomaly)).toEqual([]);

    // The PDF says the same: the day's dialog count, the code's internal errors, the incident.
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    const digits = (s: string) => s.replace(/\s/g, '');
    const fr = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });
    expect(digits(text)).toContain(digits(`${w.dialogs}${fr.format(Math.round(total))}`));
    // The incident's row, its alerts listed in the order they joined (one may wrap to the next line).
    const incidentTable = text.slice(text.indexOf(`\n${w.incidents}\n`)).split(/\n\s*\n\s*\n/)[0];
    expect(incidentTable).toContain(FAULT_ALERT);
    expect(incidentTable).toContain(FAULT_CODE);
    expect(text).toContain(w.running);
    expect(text).toContain('Africa/Algiers');
    expect(text).toContain(w.funnel);
    expect(text).toMatch(new RegExp(`${w.depth} 1\\s+[\\d\\s\u202f]+ · ${w.abandonShare.toLowerCase()}`));
    expect(text).toContain(w.guesses);
    expect(text).toContain('user/abandoned');
    expect(text).toContain(w.noBand.slice(0, 40));

    execFileSync('pdftoppm', ['-png', '-r', '70', pdf, join(ARTIFACTS, 'page')]);
    expect(readdirSync(ARTIFACTS).filter((f) => f.endsWith('.png')).length).toBeGreaterThan(0);
  }, 170_000);

  it('fails clearly, with no file, when Prometheus cannot be reached or the period has no data', () => {
    const out = join(ARTIFACTS, 'failures');
    const down = report(['--date', '2026-11-27', '--out', out, '--prometheus', 'http://127.0.0.1:9', '--notifier', stack.urls.notifier]);
    expect(down.status).toBe(1);
    expect(down.stderr).toMatch(/cannot build the report for 2026-11-27: cannot reach http:\/\/127\.0\.0\.1:9/);
    const empty = report(['--date', '2020-01-01', '--out', out, '--prometheus', stack.urls.prometheus, '--notifier', stack.urls.notifier]);
    expect(empty.status).toBe(3);
    expect(empty.stderr).toContain('no dialog recorded');
    expect(() => readdirSync(out)).toThrow();
  }, 60_000);
});
