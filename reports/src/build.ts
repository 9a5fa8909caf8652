// One report, from sources to files: gather, then the PDF and the workbook side by side,
// written under temporary names and renamed, so an archive never shows half a report.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gatherReport, type Sources } from './gather.js';
import { WORDS, type Lang } from './i18n.js';
import { reportHtml, reportTitle, sourceText, warnings } from './html.js';
import { htmlToPdf } from './pdf.js';
import type { Period } from './period.js';
import type { ReportData } from './report-data.js';
import { scopeId, type Scope } from './scope.js';
import { reportTables } from './tables.js';
import { workbook } from './xlsx.js';

export interface BuildRequest {
  period: Period;
  scope: Scope;
  lang: Lang;
  outDir: string;
}

export interface BuiltReport {
  base: string;
  pdf: string;
  xlsx: string;
  title: string;
  /** What the first page warns about (partial data...): a mail repeats it. */
  warnings: string[];
  data: ReportData;
}

export const reportBaseName = (period: Period, scope: Scope, lang: Lang) => `ussdwatch-${period.id}-${scopeId(scope)}-${lang}`;

async function writeAtomically(file: string, content: Buffer): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, content);
  await rename(tmp, file);
}

export async function buildReport(src: Sources, req: BuildRequest, nowMs = Date.now()): Promise<BuiltReport> {
  const data = await gatherReport(src, req.period, req.scope, nowMs);
  const w = WORDS[req.lang];
  const title = reportTitle(data, req.lang);
  const iso = (ms: number) => new Date(ms).toISOString();
  const [pdf, xlsx] = await Promise.all([
    // Every page's footer names the source: a page printed alone still says where its numbers came from.
    htmlToPdf(reportHtml(data, req.lang), `${title} · ${w.metricsSourceIs} ${sourceText(data, req.lang)}`),
    workbook(reportTables(data, w), [
      [w.title, title],
      [w.from, iso(req.period.startMs)],
      [w.to, iso(req.period.endMs)],
      [w.evaluated, iso(data.evaluatedMs)],
      [w.scope, data.codes === null ? w.scopeAll : data.codes.join(', ')],
      [w.metricsSource, sourceText(data, req.lang)],
      [w.incidentSource, data.incidents.origin === 'incidents' ? '/api/incidents' : '/api/journal'],
      ...warnings(data, req.lang).map((x) => ['!', x] as [string, string]),
    ]),
  ]);
  await mkdir(req.outDir, { recursive: true });
  const base = reportBaseName(req.period, req.scope, req.lang);
  const files = { pdf: join(req.outDir, `${base}.pdf`), xlsx: join(req.outDir, `${base}.xlsx`) };
  await writeAtomically(files.pdf, pdf);
  await writeAtomically(files.xlsx, xlsx);
  return { base, ...files, title, warnings: warnings(data, req.lang), data };
}
