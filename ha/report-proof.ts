// The report half of the HA proof: the period the fault run covered, built by
// `ussdwatch report` as an operator runs it, once from the long-term store (VictoriaMetrics,
// fed by both replicas' remote_write, deduplicated) and once from the surviving Prometheus
// replica. The topology has an exporter per gateway node, so the two workbooks must also
// show the N-exporter sums: every node in the node table, node rows adding up to the total,
// the same short codes, the same totals within a tolerance, and each naming its source.
// And the schedule: a month's report resolves to the store once the file has a longterm: block.
import { execFileSync, spawn } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { parse, stringify } from 'yaml';
import { WORDS } from '@ussdwatch/reports/i18n.js';
import type { MetricsSource } from '@ussdwatch/reports/metrics-source.js';
import { loadScheduleConfig } from '@ussdwatch/reports/schedule-config.js';
import { REPO_ROOT, waitFor } from '@ussdwatch/testkit';
import { relativeDifference, reportDifferences, type ReportFigures } from './checks.js';
import { query } from './promql.js';

const USSDWATCH = join(REPO_ROOT, 'exporter/bin/ussdwatch.js');
/** The two reports (and the schedule file) stay here to look at. */
const ARTIFACTS = join(REPO_ROOT, '.run/artifacts/ha-reports');
const w = WORDS.en;

export interface ReportProofInput {
  store: string;
  prometheus: { name: string; url: string };
  notifier: string;
  nodes: string[];
  fromMs: number;
  toMs: number;
  scrapeS: number;
  log(m: string): void;
}

export interface ReportProofResult {
  failures: string[];
  /** The largest relative difference between the two reports' totals (overall and per node). */
  observed: number;
  tolerance: number;
}

/** A sheet's rows as objects keyed by its header. */
function sheetRows(wb: ExcelJS.Workbook, name: string): Array<Record<string, unknown>> {
  const ws = wb.getWorksheet(name);
  if (!ws) throw new Error(`no sheet ${name} in the workbook`);
  const header = Array.from({ length: ws.columnCount }, (_, i) => String(ws.getRow(1).getCell(i + 1).value));
  const rows: Array<Record<string, unknown>> = [];
  ws.eachRow((row, n) => {
    if (n > 1) rows.push(Object.fromEntries(header.map((h, i) => [h, row.getCell(i + 1).value])));
  });
  return rows;
}

async function figures(xlsx: string): Promise<ReportFigures & { xlsx: string }> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await readFile(xlsx)) as unknown as ExcelJS.Buffer);
  const info = new Map<string, string>();
  wb.getWorksheet('Info')!.eachRow((row) => void info.set(String(row.getCell(1).value), String(row.getCell(2).value)));
  const byKey = (sheet: string, key: string) => Object.fromEntries(sheetRows(wb, sheet).map((r) => [String(r[key]), Number(r[w.dialogs])]));
  return {
    xlsx,
    source: info.get(w.metricsSource) ?? '',
    dialogs: Number(sheetRows(wb, w.sheets.summary).find((r) => r[w.item] === w.dialogs)?.[w.value]),
    nodes: byKey(w.sheets.nodes, w.node),
    codes: byKey(w.sheets.codes, w.code),
  };
}

/** `ussdwatch report` over the range from one source; the workbook's path (the PDF beside it), or why it failed. */
function buildReport(i: ReportProofInput, source: MetricsSource, url: string): Promise<string> {
  const args = [USSDWATCH, 'report', '--from', new Date(i.fromMs).toISOString(), '--to', new Date(i.toMs).toISOString(), '--lang', 'en'];
  args.push('--out', join(ARTIFACTS, source), '--source', source, source === 'longterm' ? '--longterm' : '--prometheus', url, '--notifier', i.notifier);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c));
    child.stderr.on('data', (c: Buffer) => (err += c));
    child.on('error', reject);
    child.on('close', (code) => {
      const xlsx = out.split('\n').find((l) => l.endsWith('.xlsx'));
      if (code === 0 && xlsx) resolve(xlsx);
      else reject(new Error(`ussdwatch report --source ${source} exited ${code}: ${err.trim().slice(-500)}`));
    });
  });
}

/** The shipped schedule with a store: its monthly reports must read the store, the others Prometheus. */
async function scheduleResolvesToStore(i: ReportProofInput): Promise<string[]> {
  const shipped = parse(await readFile(join(REPO_ROOT, 'reports/config/schedule.yaml'), 'utf8')) as Record<string, unknown>;
  const file = join(ARTIFACTS, 'schedule.yaml');
  const notifier = { config_file: join(REPO_ROOT, 'notifier/config/notifier.yaml') };
  await writeFile(file, stringify({ ...shipped, prometheus: { url: i.prometheus.url }, longterm: { url: i.store }, notifier, archive: { dir: join(ARTIFACTS, 'archive') } }));
  const cfg = loadScheduleConfig(file);
  const wrong = cfg.reports.filter((r) => r.source !== (r.period === 'month' ? 'longterm' : 'prometheus'));
  const out = wrong.map((r) => `the schedule with a longterm: block reads report ${r.name} (${r.period}) from ${r.source}`);
  if (!cfg.reports.some((r) => r.period === 'month')) out.push('the shipped schedule has no monthly report to read from the store');
  if (cfg.longterm?.url !== i.store) out.push(`the schedule's store is ${cfg.longterm?.url}, not ${i.store}`);
  return out;
}

export async function reportProof(i: ReportProofInput): Promise<ReportProofResult> {
  await rm(ARTIFACTS, { recursive: true, force: true });
  await mkdir(ARTIFACTS, { recursive: true });
  const failures = await scheduleResolvesToStore(i);
  // Both sources hold every sample up to the end of the range (the store gets them by remote_write, a few seconds late).
  for (const url of [i.store, i.prometheus.url]) {
    const latest = async () => Number((await query(url, 'min(timestamp(ussd_dialogs_total))'))[0]?.value[1] ?? 0) * 1000;
    await waitFor(async () => (await latest()) >= i.toMs, { timeoutMs: 30_000, intervalMs: 250, what: `${url} holding samples up to the end of the report's range` });
  }
  const started = Date.now();
  const sources = { longterm: i.store, prometheus: i.prometheus.url } as const;
  const [fromStore, fromProm] = await Promise.all((['longterm', 'prometheus'] as const).map((s) => buildReport(i, s, sources[s]).then(figures)));
  const shown = (f: ReportFigures) => `${Math.round(f.dialogs)} dialogs (${Object.entries(f.nodes).map(([n, v]) => `${n}=${Math.round(v)}`).join(' ')})`;
  i.log(`reports of ${((i.toMs - i.fromMs) / 1000).toFixed(0)} s built in ${((Date.now() - started) / 1000).toFixed(1)} s (${ARTIFACTS}): store ${shown(fromStore)}, ${i.prometheus.name} ${shown(fromProm)}`);

  for (const [s, f] of [['longterm', fromStore], ['prometheus', fromProm]] as const) {
    const want = `${w.sourceNames[s]} (${sources[s]})`;
    if (f.source !== want) failures.push(`the workbook from ${s} names its source "${f.source}", not "${want}"`);
    // The PDF says it under the title and in every page's footer.
    const pdf = execFileSync('pdftotext', ['-layout', f.xlsx.replace(/\.xlsx$/, '.pdf'), '-'], { encoding: 'utf8' });
    if (!pdf.includes(`${w.metricsSourceIs} ${want}`)) failures.push(`the PDF from ${s} does not say "${w.metricsSourceIs} ${want}"`);
  }
  // MetricsQL's increase() takes the last sample before the window and does not
  // extrapolate; Prometheus' extrapolates the samples inside the window to its edges
  // (docs.victoriametrics.com/metricsql: "MetricsQL doesn't extrapolate rate and increase").
  // Each engine's count may so be off by up to a scrape interval's traffic at each edge of
  // the range: two intervals out of the range, relatively. Node rows and the total sum
  // different counters (ussd_node_dialogs_total, ussd_dialogs_total), each extrapolated on
  // its own in Prometheus, within the same bound.
  const tolerance = (2 * i.scrapeS * 1000) / (i.toMs - i.fromMs);
  failures.push(...reportDifferences({ 'the store': fromStore, [i.prometheus.name]: fromProm }, i.nodes, tolerance));
  const observed = Math.max(relativeDifference(fromStore.dialogs, fromProm.dialogs), ...i.nodes.map((n) => relativeDifference(fromStore.nodes[n] ?? 0, fromProm.nodes[n] ?? 0)));
  return { failures, observed, tolerance };
}
