import React from 'react';
import { InteractiveTable, type Column } from '@grafana/ui';
import { byLabel, byTwoLabels, nonZero } from '../data/prom-result.js';
import { dpssGroups, type DpssGroup } from '../data/dpss.js';
import type { MalformedSample } from '../data/events.js';
import type { UnmappedStatus } from '../data/proposals.js';
import { INSTANT, SERIES } from '../queries/promql.js';
import { Chart } from '../components/Chart.js';
import { age, count, pct, stamp } from '../components/format.js';
import { LoadedView } from '../components/Loaded.js';
import { usePage } from '../components/page-context.js';
import { Section } from '../components/Section.js';
import { useLoad } from '../components/useLoad.js';

interface SourceRow {
  source: string;
  ageSeconds: number;
  parsed: number;
  malformed: number;
  malformedRatio: number;
}

// DPSS writes a period's file a few minutes after its 5 minutes end.
const DPSS_STALE_S = 15 * 60;

export function Sources() {
  const { api, params: p, fromS, toS, step, refreshKey } = usePage();
  const deps = [p.range, p.window, toS, refreshKey];
  const nowMs = toS * 1000;
  const sources = useLoad(async () => {
    const [ages, lines] = await Promise.all([api.instant(INSTANT.sourceLastLineAge(), toS), api.instant(INSTANT.sourceLines(p), toS)]);
    const ageBy = byLabel(ages, 'source');
    const linesBy = byTwoLabels(lines, 'source', 'result');
    return [...new Set([...ageBy.keys(), ...linesBy.keys()])].sort().map((source): SourceRow => {
      const l = linesBy.get(source);
      const parsed = l?.get('parsed') ?? 0;
      const malformed = l?.get('malformed') ?? 0;
      return { source, ageSeconds: ageBy.get(source) ?? NaN, parsed, malformed, malformedRatio: parsed + malformed > 0 ? malformed / (parsed + malformed) : NaN };
    });
  }, deps);
  const malformedRate = useLoad(async () => nonZero(await api.range(SERIES.sourceMalformedRate(p), fromS, toS, step)), deps);
  const samples = useLoad(() => api.malformed(), [refreshKey], 'Exporter malformed API');
  const proposals = useLoad(() => api.proposals(), [refreshKey], 'Exporter proposals API');
  const dpss = useLoad(async () => {
    const [ages, files] = await Promise.all([api.instant(INSTANT.dpssAge(), toS), api.instant(INSTANT.dpssFiles(p), toS)]);
    const byCode = byLabel(ages, 'short_code');
    return { rows: dpssGroups(byCode), codes: byCode.size, files: byLabel(files, 'result') };
  }, deps);

  const sourceColumns: Array<Column<SourceRow>> = [
    { id: 'source', header: 'Source' },
    { id: 'ageSeconds', header: 'Last line', cell: ({ row }) => stamp(nowMs - row.original.ageSeconds * 1000, nowMs) },
    { id: 'parsed', header: 'Parsed lines', cell: ({ row }) => count(row.original.parsed) },
    { id: 'malformed', header: 'Malformed lines', cell: ({ row }) => count(row.original.malformed) },
    { id: 'malformedRatio', header: 'Malformed ratio', cell: ({ row }) => pct(row.original.malformedRatio) },
  ];
  const sampleColumns: Array<Column<MalformedSample>> = [
    { id: 'at', header: 'Read', cell: ({ row }) => stamp(row.original.at, nowMs) },
    { id: 'source', header: 'Source' },
    { id: 'file', header: 'File' },
    { id: 'reason', header: 'Reason' },
    { id: 'line', header: 'Line', cell: ({ row }) => <code>{row.original.line}</code> },
  ];
  const unmappedColumns: Array<Column<UnmappedStatus>> = [
    { id: 'source', header: 'Source' },
    { id: 'status', header: 'Status', cell: ({ row }) => <code>{row.original.status}</code> },
    { id: 'dialogs', header: 'Dialogs', cell: ({ row }) => count(row.original.dialogs) },
    { id: 'lastSeen', header: 'Last seen', cell: ({ row }) => stamp(row.original.lastSeen, nowMs) },
    {
      id: 'guess',
      header: 'Model places it',
      cell: ({ row }) => (row.original.guess ? `${row.original.guess}: ${count(row.original.agreeing)} dialogs, confidence ${pct(row.original.confidence)}` : 'nowhere with confidence'),
    },
    {
      id: 'yaml',
      header: 'Proposed status-map lines',
      cell: ({ row }) => (row.original.proposed ? <pre data-testid="proposal-yaml">{row.original.yaml}</pre> : 'not yet'),
    },
  ];
  const dpssColumns: Array<Column<DpssGroup>> = [
    { id: 'codes', header: 'Short codes', cell: ({ row }) => row.original.codes.join(', ') },
    {
      id: 'ageSeconds',
      header: 'Latest period ended',
      cell: ({ row }) => `${stamp(nowMs - row.original.ageSeconds * 1000, nowMs)}${row.original.ageSeconds > DPSS_STALE_S ? ` (stale: more than ${age(DPSS_STALE_S)})` : ''}`,
    },
  ];

  return (
    <>
      <Section title="Log sources (lines in range)" testId="sources">
        <LoadedView state={sources} isEmpty={(r) => r.length === 0} empty="No log source reported a line: is the exporter running and scraped by Prometheus?">
          {(rows) => <InteractiveTable columns={sourceColumns} data={rows} getRowId={(r: SourceRow) => r.source} />}
        </LoadedView>
      </Section>
      <Section title={`Malformed lines per second (rate over ${age(parseInt(p.window, 10))})`}>
        <LoadedView state={malformedRate} empty="">
          {(s) => <Chart series={s} height={160} empty="No malformed line in this range." styleOf={(x) => ({ name: x.labels.source ?? '', unit: 'reqps' })} />}
        </LoadedView>
      </Section>
      <Section title="Malformed samples since the exporter started (newest first)" testId="malformed-samples">
        <LoadedView state={samples} isEmpty={(r) => r.length === 0} empty="The exporter has kept no malformed line since it started.">
          {(rows) => <InteractiveTable columns={sampleColumns} data={rows} getRowId={(r: MalformedSample) => `${r.source}/${r.at}/${r.line.slice(0, 40)}`} pageSize={20} />}
        </LoadedView>
      </Section>
      <Section title="Statuses no status map knows (counted as unclassified), and the learned second opinion" testId="unmapped-statuses">
        <LoadedView
          state={proposals}
          isEmpty={(r) => r.statuses.length === 0}
          empty="No unmapped status seen with a model loaded since the exporter started (without the exporter's learn setting, none is followed: see docs/learn.md)."
        >
          {(r) => (
            <>
              <p>
                The rules stay the classifier: these dialogs count as unclassified. A status is proposed once the model placed {count(r.proposeAfter)} of its dialogs in the same class
                and cause with confidence of at least {pct(r.minConfidence)}, and they are most of them; paste the lines into that source&apos;s status map.
              </p>
              <InteractiveTable columns={unmappedColumns} data={r.statuses} getRowId={(s: UnmappedStatus) => `${s.source}/${s.status}`} />
            </>
          )}
        </LoadedView>
      </Section>
      <Section title="DPSS feed freshness" testId="dpss">
        <LoadedView
          state={dpss}
          isEmpty={(d) => d.rows.length === 0}
          empty="No DPSS file has been ingested yet. DPSS writes each 5-minute period some minutes after it ends, so the first file comes that long after start-up; if none comes later, check the exporter's DPSS spool folder."
        >
          {(d) => (
            <>
              <p>
                Files read in range: {count(d.files.get('ok') ?? 0)} ok, {count(d.files.get('malformed') ?? 0)} malformed. {count(d.codes)} short codes reported.
              </p>
              <InteractiveTable columns={dpssColumns} data={d.rows} getRowId={(r: DpssGroup) => String(r.ageSeconds)} />
            </>
          )}
        </LoadedView>
      </Section>
    </>
  );
}
