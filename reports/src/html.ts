// The report as one HTML page (printed to PDF by Chromium): the tables of tables.ts, the
// charts of svg.ts, and on the first page what the reader must know before trusting it
// (a partial period, incidents derived from the journal).
import { CAUSE_COLOURS, CLASS_COLOURS, causeColour } from '@ussdwatch/common/colours.js';
import { formats, WORDS, type Formats, type Lang, type Words } from './i18n.js';
import type { ReportData } from './report-data.js';
import { reportTables, worstCodes, type Cell, type Kind, type Table } from './tables.js';
import { barChart, lineChart } from './svg.js';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function cellText(v: Cell, kind: Kind, fmt: Formats): string {
  if (v === null || v === '') return kind === 'text' ? '' : fmt.pct(null);
  if (typeof v === 'string') return v;
  switch (kind) {
    case 'int':
      return fmt.int(v);
    case 'pct':
      return fmt.pct(v);
    case 'seconds':
      return v >= 60 ? fmt.duration(v) : fmt.seconds(v);
    case 'time':
      return fmt.dateTime(v);
    case 'score':
      return fmt.int(v);
    default:
      return String(v);
  }
}

function tableHtml(t: Table, fmt: Formats, skipTitle = false): string {
  const head = t.columns.map((c) => `<th class="${c.kind}">${esc(c.header)}</th>`).join('');
  const body = t.rows
    .map((r, i) => `<tr>${r.map((v, j) => {
      const kind = t.columns[j].kind === 'text' || t.columns[j].kind === 'time' || !t.rowKinds ? t.columns[j].kind : t.rowKinds[i];
      return `<td class="${kind}">${esc(cellText(v, kind, fmt))}</td>`;
    }).join('')}</tr>`)
    .join('');
  return `${skipTitle ? '' : `<h2>${esc(t.title)}</h2>`}<table id="${t.id}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function scopeText(d: ReportData, w: Words): string {
  if (d.scope.kind === 'all') return w.scopeAll;
  return d.scope.kind === 'team' ? `${w.scopeTeam} ${d.scope.team} (${d.codes!.join(', ')})` : `${w.scopeCode} ${d.scope.code}`;
}

export function reportTitle(d: ReportData, lang: Lang): string {
  const w = WORDS[lang];
  const fmt = formats(lang);
  const span = d.period.kind === 'day' ? fmt.date(d.period.startMs) : `${fmt.dateTime(d.period.startMs)} – ${fmt.dateTime(d.period.endMs)}`;
  return `${w.title} · ${w.periodKinds[d.period.kind]} ${span} · ${scopeText(d, w)}`;
}

/** Where the numbers came from: Prometheus or the long-term store, and its address. */
export function sourceText(d: ReportData, lang: Lang): string {
  return `${WORDS[lang].sourceNames[d.metrics.source]} (${d.metrics.address})`;
}

/** Lines the reader must see first: partial data, a period still running, incidents from the journal. */
export function warnings(d: ReportData, lang: Lang): string[] {
  const w = WORDS[lang];
  const fmt = formats(lang);
  const out: string[] = [];
  if (d.evaluatedMs < d.period.endMs) out.push(`${w.running} ${fmt.dateTime(d.evaluatedMs)}.`);
  if (d.coverage.share < 0.95) out.push(`${w.partial} ${fmt.dateTime(d.coverage.firstMs)} – ${fmt.dateTime(d.coverage.lastMs)} (${fmt.pct(d.coverage.share)} ${w.partialOf}).`);
  if (d.incidents.origin === 'journal') out.push(w.journalOrigin);
  return out;
}

export function reportHtml(d: ReportData, lang: Lang): string {
  const w = WORDS[lang];
  const fmt = formats(lang);
  const tables = new Map(reportTables(d, w).map((t) => [t.id, t]));
  const section = (id: Table['id'], extra = '') => {
    const t = tables.get(id)!;
    return t.rows.length ? `<section>${tableHtml(t, fmt)}${extra}</section>` : '';
  };
  const volumeChart = lineChart(
    (['ok', 'user', 'internal'] as const).map((cls) => ({ name: w[cls], colour: CLASS_COLOURS[cls], values: d.volume.map((p) => [p.tMs, p[cls]] as [number, number]) })),
    { width: 680, height: 180, xLabel: (t) => (d.period.kind === 'day' ? fmt.hour(t) : fmt.dateTime(t)), yLabel: (v) => fmt.int(v) },
  );
  const causeBars = barChart(
    d.causes.slice(0, 10).map((c) => ({ label: c.cause, value: c.count, colour: causeColour(c.cause), text: `${fmt.int(c.count)} (${fmt.pct(c.share)})` })),
    { width: 680 },
  );
  const latencyBars = barChart(
    d.codeRows.filter((r) => r.p95S !== null).map((r) => ({ label: r.shortCode, value: r.p95S!, colour: r.slowS !== null && r.p95S! > r.slowS ? CAUSE_COLOURS.slow_response : CLASS_COLOURS.ok, text: `p95 ${fmt.seconds(r.p95S)}`, mark: r.slowS ?? undefined })),
    { width: 680 },
  );
  const worstBars = barChart(
    worstCodes(d).map((r) => ({ label: r.shortCode, value: 1 - r.successRatio!, colour: CLASS_COLOURS.internal, text: `${w.success} ${fmt.pct(r.successRatio)}` })),
    { width: 680 },
  );
  // Where subscribers leave the menu, all codes together: a bar per depth, as long as the dialogs that got there.
  const funnelByDepth = new Map<string, { reached: number; abandoned: number; failed: number }>();
  for (const r of d.funnel) {
    const f = funnelByDepth.get(r.depth) ?? { reached: 0, abandoned: 0, failed: 0 };
    f.reached += r.reached;
    f.abandoned += r.abandoned;
    f.failed += r.userErrors + r.internalErrors;
    funnelByDepth.set(r.depth, f);
  }
  const funnelBars = barChart(
    [...funnelByDepth].map(([depth, f]) => ({
      label: `${w.depth} ${depth}`,
      value: f.reached,
      colour: CLASS_COLOURS.ok,
      text: `${fmt.int(f.reached)} · ${w.abandonShare.toLowerCase()} ${fmt.pct(f.abandoned / f.reached)} · ${w.failShare.toLowerCase()} ${fmt.pct(f.failed / f.reached)}`,
    })),
    { width: 680, textWidth: 300 },
  );
  const guessTotals = new Map<string, number>();
  for (const g of d.guesses) guessTotals.set(`${g.cls}/${g.cause}`, (guessTotals.get(`${g.cls}/${g.cause}`) ?? 0) + g.count);
  const guessBars = barChart(
    [...guessTotals].sort((a, b) => b[1] - a[1]).map(([outcome, n]) => ({ label: outcome, value: n, colour: causeColour(outcome.split('/')[1]), text: fmt.int(n) })),
    { width: 680 },
  );
  const anomalyBars = barChart(
    d.anomaly.map((r) => ({ label: r.shortCode, value: r.outside ?? 0, colour: CLASS_COLOURS.internal, text: `${fmt.pct(r.outside)} (${w.bandShare.toLowerCase()} ${fmt.pct(r.bandShare)})` })),
    { width: 680, textWidth: 200, max: 1 },
  );
  const noted = (id: Table['id'], note: string, chart: string, empty: string) => {
    const t = tables.get(id)!;
    return `<section>${t.rows.length ? `<h2>${esc(t.title)}</h2><p class="meta">${esc(note)}</p>${chart}${tableHtml(t, fmt, true)}` : `<h2>${esc(t.title)}</h2><p>${esc(empty)}</p>`}</section>`;
  };
  const incidents = tables.get('incidents')!;
  const summary = tables.get('summary')!;
  const busy = d.busyHour ? `<p>${esc(w.busyHour)}: <b>${esc(fmt.dateTime(d.busyHour.startMs))}</b> (${esc(fmt.int(d.busyHour.dialogs))} ${esc(w.dialogs.toLowerCase())})</p>` : '';
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><title>${esc(reportTitle(d, lang))}</title>
<style>
  @page { size: A4; margin: 14mm 12mm 16mm 12mm; }
  body { font-family: 'DejaVu Sans', sans-serif; font-size: 10px; color: #222; }
  h1 { font-size: 18px; margin: 0 0 4px; } h2 { font-size: 13px; margin: 14px 0 6px; border-bottom: 2px solid #C4162A; }
  .meta { color: #555; } .warn { background: #fff3cd; border: 1px solid #e0b000; padding: 6px; margin: 8px 0; font-weight: bold; }
  table { border-collapse: collapse; width: 100%; page-break-inside: auto; } tr { page-break-inside: avoid; }
  th, td { border-bottom: 1px solid #ddd; padding: 2px 4px; } th { background: #f2f2f2; text-align: left; }
  td.int, td.pct, td.seconds, td.score, th.int, th.pct, th.seconds, th.score { text-align: right; }
  section { margin-bottom: 8px; }
</style></head><body>
<h1>${esc(reportTitle(d, lang))}</h1>
<p class="meta">${esc(w.generated)} ${esc(fmt.dateTime(d.generatedMs))} · ${esc(w.evaluated)} ${esc(fmt.dateTime(d.evaluatedMs))} · Africa/Algiers · ${esc(w.metricsSourceIs)} ${esc(sourceText(d, lang))}</p>
${warnings(d, lang).map((x) => `<p class="warn">${esc(x)}</p>`).join('\n')}
<section>${tableHtml(summary, fmt)}${busy}</section>
<section><h2>${esc(w.volumeChart)}</h2>${volumeChart}</section>
${section('codes')}
${d.nodeRows.length ? section('nodes') : `<p>${esc(w.nodesScopeNote)}</p>`}
${section('causes', causeBars)}
${section('latency', latencyBars)}
${section('worst', worstBars)}
${section('wrong')}
<section>${incidents.rows.length ? tableHtml(incidents, fmt) : `<h2>${esc(w.incidents)}</h2><p>${esc(w.noIncident)}</p>`}</section>
${tables.get('funnel')!.rows.length ? noted('funnel', w.funnelNote, funnelBars, '') : ''}
${noted('guesses', w.guessesNote, guessBars, w.noGuess)}
${noted('anomaly', w.anomalyNote, anomalyBars, w.noBand)}
</body></html>`;
}
