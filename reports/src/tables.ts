// The report's tables, built once from its data: the HTML (PDF) and the workbook lay out
// the same rows, so the two can never disagree. Cells are raw numbers; each column's kind
// says how to show them (the HTML formats them, the workbook gives them a number format).
import type { Words } from './i18n.js';
import type { ReportData } from './report-data.js';

export type Kind = 'text' | 'int' | 'pct' | 'seconds' | 'time' | 'score';
export type Cell = string | number | null;

export interface Column {
  header: string;
  kind: Kind;
}

export interface Table {
  id: 'summary' | 'codes' | 'nodes' | 'causes' | 'latency' | 'worst' | 'wrong' | 'incidents' | 'funnel' | 'guesses' | 'anomaly' | 'volume';
  title: string;
  /** The workbook's sheet name (31 characters at most). */
  sheet: string;
  columns: Column[];
  rows: Cell[][];
  /** A kind per row, overriding the numeric columns' (the summary mixes counts and ratios). */
  rowKinds?: Kind[];
}

const share = (part: number, whole: number) => (whole > 0 ? part / whole : null);
const diff = (a: number | null, b: number | null | undefined) => (a === null || b === null || b === undefined ? null : a - b);

/** Codes by how badly they did: lowest success first, then most internal errors. */
export function worstCodes(d: ReportData, n = 10) {
  return d.codeRows
    .filter((r) => r.successRatio !== null && r.shortCode !== 'unknown')
    .sort((a, b) => a.successRatio! - b.successRatio! || b.internal - a.internal)
    .slice(0, n);
}

export function reportTables(d: ReportData, w: Words): Table[] {
  const t = d.totals;
  const p = d.previousTotals;
  const summary: Table = {
    id: 'summary',
    title: w.summary,
    sheet: w.sheets.summary,
    columns: [
      { header: w.item, kind: 'text' },
      { header: w.value, kind: 'int' },
      { header: w.previous, kind: 'int' },
      { header: w.change, kind: 'int' },
    ],
    rows: [
      [w.dialogs, t.dialogs, p?.dialogs ?? null, diff(t.dialogs, p?.dialogs)],
      [w.ok, t.ok, p?.ok ?? null, diff(t.ok, p?.ok)],
      [w.user, t.user, p?.user ?? null, diff(t.user, p?.user)],
      [w.internal, t.internal, p?.internal ?? null, diff(t.internal, p?.internal)],
      [w.unclassified, t.unclassified, p?.unclassified ?? null, diff(t.unclassified, p?.unclassified)],
      [w.successRatio, t.successRatio, p?.successRatio ?? null, diff(t.successRatio, p?.successRatio)],
      [w.busyHour, d.busyHour?.dialogs ?? null, null, null],
    ],
    rowKinds: ['int', 'int', 'int', 'int', 'int', 'pct', 'int'],
  };
  const codes: Table = {
    id: 'codes',
    title: w.perCode,
    sheet: w.sheets.codes,
    columns: [
      { header: w.code, kind: 'text' },
      { header: w.name, kind: 'text' },
      { header: w.team, kind: 'text' },
      { header: w.dialogs, kind: 'int' },
      { header: w.ok, kind: 'int' },
      { header: w.user, kind: 'int' },
      { header: w.internal, kind: 'int' },
      { header: w.success, kind: 'pct' },
      { header: w.userShare, kind: 'pct' },
      { header: w.internalShare, kind: 'pct' },
      { header: w.objectiveTarget, kind: 'pct' },
      { header: w.objectiveMet, kind: 'pct' },
      ...(d.hasHealthScore ? [{ header: w.health, kind: 'score' as const }] : []),
    ],
    rows: d.codeRows.map((r) => [
      r.shortCode, r.name, r.team, r.dialogs, r.ok, r.user, r.internal, r.successRatio, share(r.user, r.dialogs), share(r.internal, r.dialogs), r.objective, r.objectiveMetShare,
      ...(d.hasHealthScore ? [r.healthScore] : []),
    ]),
  };
  const nodes: Table = {
    id: 'nodes',
    title: w.perNode,
    sheet: w.sheets.nodes,
    columns: [
      { header: w.node, kind: 'text' },
      { header: w.dialogs, kind: 'int' },
      { header: w.ok, kind: 'int' },
      { header: w.user, kind: 'int' },
      { header: w.internal, kind: 'int' },
      { header: w.success, kind: 'pct' },
      { header: w.internalShare, kind: 'pct' },
    ],
    rows: d.nodeRows.map((r) => [r.node, r.dialogs, r.ok, r.user, r.internal, r.successRatio, share(r.internal, r.dialogs)]),
  };
  const causes: Table = {
    id: 'causes',
    title: w.topCauses,
    sheet: w.sheets.causes,
    columns: [
      { header: w.cls, kind: 'text' },
      { header: w.cause, kind: 'text' },
      { header: w.count, kind: 'int' },
      { header: w.share, kind: 'pct' },
    ],
    rows: d.causes.map((c) => [c.cls, c.cause, c.count, c.share]),
  };
  const latency: Table = {
    id: 'latency',
    title: w.latency,
    sheet: w.sheets.latency,
    columns: [
      { header: w.code, kind: 'text' },
      { header: 'p50', kind: 'seconds' },
      { header: 'p95', kind: 'seconds' },
      { header: w.slowThreshold, kind: 'seconds' },
      { header: w.dpssP95, kind: 'seconds' },
      { header: w.dpssAvg, kind: 'seconds' },
    ],
    rows: d.codeRows.filter((r) => r.p50S !== null || r.dpssP95S !== null).map((r) => [r.shortCode, r.p50S, r.p95S, r.slowS, r.dpssP95S, r.dpssAvgS]),
  };
  const worst: Table = {
    id: 'worst',
    title: w.worst,
    sheet: w.sheets.worst,
    columns: [
      { header: w.code, kind: 'text' },
      { header: w.success, kind: 'pct' },
      { header: w.successPrev, kind: 'pct' },
      { header: w.change, kind: 'pct' },
      { header: w.dialogs, kind: 'int' },
      { header: w.dialogsPrev, kind: 'int' },
      { header: w.internal, kind: 'int' },
    ],
    rows: worstCodes(d).map((r) => [r.shortCode, r.successRatio, r.previous?.successRatio ?? null, diff(r.successRatio, r.previous?.successRatio), r.dialogs, r.previous?.dialogs ?? null, r.internal]),
  };
  const wrong: Table = {
    id: 'wrong',
    title: w.wrongCodes,
    sheet: w.sheets.wrong,
    columns: [
      { header: w.nearCode, kind: 'text' },
      { header: w.count, kind: 'int' },
    ],
    rows: d.wrongCodes.map((r) => [r.nearCode, r.count]),
  };
  const incidents: Table = {
    id: 'incidents',
    title: w.incidents,
    sheet: w.sheets.incidents,
    columns: [
      { header: w.start, kind: 'time' },
      { header: w.duration, kind: 'seconds' },
      { header: w.tier, kind: 'int' },
      { header: w.alert, kind: 'text' },
      { header: w.target, kind: 'text' },
      { header: w.told, kind: 'text' },
      { header: w.timeToAck, kind: 'seconds' },
      { header: w.leadDpss, kind: 'seconds' },
      { header: w.state, kind: 'text' },
    ],
    rows: d.incidents.incidents.map((i) => [
      i.startedMs,
      ((i.resolvedMs ?? d.evaluatedMs) - i.startedMs) / 1000,
      i.tier,
      i.alertnames.join(', '),
      i.shortCode ?? i.node ?? i.source ?? '',
      [...new Set(i.told.map((x) => `${x.recipient} (${x.channel})`))].join(', '),
      i.acknowledgedMs === null ? null : (i.acknowledgedMs - i.startedMs) / 1000,
      d.dpssLeadS[i.id] ?? null,
      w.states[i.state],
    ]),
  };
  const volume: Table = {
    id: 'volume',
    title: w.volumeChart,
    sheet: w.sheets.volume,
    columns: [
      { header: w.time, kind: 'time' },
      { header: `${w.ok} (${w.perMinute})`, kind: 'int' },
      { header: `${w.user} (${w.perMinute})`, kind: 'int' },
      { header: `${w.internal} (${w.perMinute})`, kind: 'int' },
    ],
    rows: d.volume.map((v) => [v.tMs, v.ok, v.user, v.internal]),
  };
  const funnel: Table = {
    id: 'funnel',
    title: w.funnel,
    sheet: w.sheets.funnel,
    columns: [
      { header: w.code, kind: 'text' },
      { header: w.depth, kind: 'text' },
      { header: w.reached, kind: 'int' },
      { header: w.completed, kind: 'int' },
      { header: w.abandoned, kind: 'int' },
      { header: w.otherUserErrors, kind: 'int' },
      { header: w.internal, kind: 'int' },
      { header: w.unclassified, kind: 'int' },
      { header: w.abandonShare, kind: 'pct' },
      { header: w.failShare, kind: 'pct' },
    ],
    rows: d.funnel.map((r) => [
      r.shortCode, r.depth, r.reached, r.completed, r.abandoned, r.userErrors, r.internalErrors, r.unclassified, share(r.abandoned, r.reached), share(r.userErrors + r.internalErrors, r.reached),
    ]),
  };
  const unclassifiedByCode = new Map(d.codeRows.map((r) => [r.shortCode, r.unclassified]));
  const guesses: Table = {
    id: 'guesses',
    title: w.guesses,
    sheet: w.sheets.guesses,
    columns: [
      { header: w.code, kind: 'text' },
      { header: w.guessedClass, kind: 'text' },
      { header: w.guessedCause, kind: 'text' },
      { header: w.count, kind: 'int' },
      { header: w.guessShare, kind: 'pct' },
    ],
    rows: d.guesses.map((g) => [g.shortCode, g.cls, g.cause, g.count, share(g.count, unclassifiedByCode.get(g.shortCode) ?? 0)]),
  };
  const anomaly: Table = {
    id: 'anomaly',
    title: w.anomaly,
    sheet: w.sheets.anomaly,
    columns: [
      { header: w.code, kind: 'text' },
      { header: w.bandShare, kind: 'pct' },
      { header: w.outside, kind: 'pct' },
      { header: w.trafficBelow, kind: 'pct' },
      { header: w.trafficAbove, kind: 'pct' },
      { header: w.internalAbove, kind: 'pct' },
      { header: w.userAbove, kind: 'pct' },
    ],
    rows: d.anomaly.map((r) => [r.shortCode, r.bandShare, r.outside, r.trafficBelow, r.trafficAbove, r.internalAbove, r.userAbove]),
  };
  return [summary, codes, nodes, causes, latency, worst, wrong, incidents, funnel, guesses, anomaly, volume];
}

