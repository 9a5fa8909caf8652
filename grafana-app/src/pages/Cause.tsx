import React from 'react';
import { Alert, InteractiveTable, type Column } from '@grafana/ui';
import { byLabel, nonZero } from '../data/prom-result.js';
import { CAUSES, causeColour, causeInfo } from '../queries/causes.js';
import { INSTANT, SERIES } from '../queries/promql.js';
import { linkTo } from '../state/location.js';
import { AppLink } from '../components/AppLink.js';
import { Chart } from '../components/Chart.js';
import { age, count, pct } from '../components/format.js';
import { LoadedView } from '../components/Loaded.js';
import { usePage } from '../components/page-context.js';
import { Section } from '../components/Section.js';
import { useLoad } from '../components/useLoad.js';

interface Share {
  key: string;
  count: number;
  share: number;
}

function shares(m: Map<string, number>): Share[] {
  let total = 0;
  for (const v of m.values()) total += v;
  return [...m.entries()]
    .filter(([, v]) => v > 0)
    .map(([key, v]) => ({ key, count: v, share: total > 0 ? v / total : NaN }))
    .sort((a, b) => b.count - a.count);
}

export function Cause() {
  const { loc, api, params: p, fromS, toS, step, refreshKey } = usePage();
  const cause = loc.cause;
  const deps = [cause, p.range, p.window, toS, refreshKey];
  const info = causeInfo(cause ?? '');
  const byCode = useLoad(async () => shares(byLabel(await api.instant(INSTANT.causeByCode(p), toS), 'short_code')), deps);
  const series = useLoad(async () => nonZero(await api.range(SERIES.causeByCodeRate(p), fromS, toS, step)), deps);
  const nodes = useLoad(async () => shares(byLabel(await api.instant(INSTANT.nodeByCause(p), toS), 'node')), deps);

  if (!cause) {
    return (
      <Alert severity="warning" title="No cause chosen">
        Known causes: {CAUSES.filter((c) => c !== 'ok').map((c, i) => (
          <React.Fragment key={c}>
            {i > 0 && ', '}
            <AppLink href={linkTo(loc, { page: 'cause', cause: c })}>{c}</AppLink>
          </React.Fragment>
        ))}
      </Alert>
    );
  }
  const codeColumns: Array<Column<Share>> = [
    { id: 'key', header: 'Short code', cell: ({ row }) => <AppLink href={linkTo(loc, { page: 'code', code: row.original.key, cause })}>{row.original.key}</AppLink> },
    { id: 'count', header: 'Dialogs', cell: ({ row }) => count(row.original.count) },
    { id: 'share', header: 'Share', cell: ({ row }) => pct(row.original.share) },
  ];
  const nodeColumns: Array<Column<Share>> = [
    { id: 'key', header: 'Gateway node' },
    { id: 'count', header: 'Dialogs', cell: ({ row }) => count(row.original.count) },
    { id: 'share', header: 'Share', cell: ({ row }) => pct(row.original.share) },
  ];
  return (
    <>
      <p>
        <span style={{ color: causeColour(cause) }}>■</span> <strong>{info.cls}</strong>: {info.text}.
      </p>
      <Section title="Short codes with this cause, in range" testId="cause-codes">
        <LoadedView state={byCode} isEmpty={(r) => r.length === 0} empty={`No dialog ended with cause ${cause} in this range.`}>
          {(rows) => <InteractiveTable columns={codeColumns} data={rows} getRowId={(r: Share) => r.key} />}
        </LoadedView>
      </Section>
      <Section title={`Over time, per short code (dialogs per second, rate over ${age(parseInt(p.window, 10))})`}>
        <LoadedView state={series} empty="">
          {(s) => <Chart series={s} empty={`No ${cause} in this range.`} styleOf={(x) => ({ name: x.labels.short_code ?? '', unit: 'reqps' })} />}
        </LoadedView>
      </Section>
      <Section title="Gateway nodes with this cause, in range (every dialog, from Prometheus)" testId="cause-nodes">
        <LoadedView state={nodes} isEmpty={(r) => r.length === 0} empty={`No dialog ended with cause ${cause} on any node in this range.`}>
          {(rows) => <InteractiveTable columns={nodeColumns} data={rows} getRowId={(r: Share) => r.key} />}
        </LoadedView>
      </Section>
    </>
  );
}
