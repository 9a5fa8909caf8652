import React from 'react';
import { Alert, InteractiveTable, type Column } from '@grafana/ui';
import { alertsForCode } from '../data/alerts.js';
import { causeCounts, errorsOf } from '../data/cause-counts.js';
import { bucketLabel, distribution, noAnswerShare, slowShare, type Bucket } from '../data/distribution.js';
import { funnelRows, type FunnelRow } from '@ussdwatch/common/funnel.js';
import { byLabel, byTwoLabels, latest, nonZero, single } from '../data/prom-result.js';
import { causeColour, causeSentence, CLASS_COLOURS } from '../queries/causes.js';
import { INSTANT, SERIES } from '../queries/promql.js';
import { linkTo } from '../state/location.js';
import { AlertList } from '../components/AlertList.js';
import { AppLink } from '../components/AppLink.js';
import { CausePicker } from '../components/CausePicker.js';
import { CodeHealth } from '../components/CodeHealth.js';
import { Chart } from '../components/Chart.js';
import { EventTable } from '../components/EventTable.js';
import { age, count, pct, responseTime, secs } from '../components/format.js';
import { LoadedView } from '../components/Loaded.js';
import { usePage } from '../components/page-context.js';
import { Section } from '../components/Section.js';
import { ShareBars } from '../components/ShareBars.js';
import { Stat, StatRow } from '../components/Stat.js';
import { useLoad } from '../components/useLoad.js';

const SAMPLE_LIMIT = 50;
const P95_NAME = 'ussdwatch p95 (no answer = slowest)';
// Not classes or causes: purples and greys, so no line reads as "ok" green or a cause's hue.
const LATENCY_COLOURS: Record<string, string> = {
  [P95_NAME]: '#8F3BB8',
  'ussdwatch avg (answered only)': '#B877D9',
  'DPSS avg': '#A5A5A5',
  'DPSS p95': '#6C6C6C',
};
const DPSS_NONE = 'No DPSS file has arrived for this code since start-up: DPSS writes each 5-minute period some minutes after it ends.';

export function ShortCode() {
  const { loc } = usePage();
  if (!loc.code) {
    return (
      <Alert severity="warning" title="No short code chosen">
        Open a short code from the <AppLink href={linkTo(loc, { page: 'overview' })}>overview</AppLink> table.
      </Alert>
    );
  }
  return <CodeView code={loc.code} selected={loc.cause} />;
}

function CodeView({ code, selected }: { code: string; selected?: string }) {
  const { loc, api, params: p, fromS, toS, step, refreshKey } = usePage();
  const deps = [p.code, p.range, p.window, toS, refreshKey];
  const windowS = parseInt(p.window, 10);
  const summary = useLoad(async () => {
    const [causes, typos, slow, buckets, unanswered] = await Promise.all([
      api.instant(INSTANT.codeCauses(p), toS),
      api.instant(INSTANT.codeTypos(p), toS),
      api.instant(INSTANT.codeSlowThreshold(p), toS),
      api.instant(INSTANT.codeBuckets(p), toS),
      api.instant(INSTANT.codeNoAnswer(p), toS),
    ]);
    const slowSeconds = single(slow);
    return {
      causeCounts: causeCounts(byTwoLabels(causes, 'cause', 'class')),
      typos: single(typos) ?? 0,
      slowSeconds,
      buckets: distribution(byLabel(buckets, 'le'), slowSeconds, single(unanswered) ?? 0),
    };
  }, deps);
  const causeSeries = useLoad(async () => {
    const [errs, ok] = await Promise.all([api.range(SERIES.codeCauseRate(p), fromS, toS, step), api.range(SERIES.codeOkRate(p), fromS, toS, step)]);
    return nonZero([...ok.map((s) => ({ ...s, labels: { class: 'ok', cause: 'ok' } })), ...errs]);
  }, deps);
  const latency = useLoad(async () => {
    const [p95, avg, dpss, dpssAge, noAnswer] = await Promise.all([
      api.range(SERIES.codeP95(p), fromS, toS, step),
      api.range(SERIES.codeAvg(p), fromS, toS, step),
      api.range(SERIES.dpssResponse(p), fromS, toS, step),
      api.instant(INSTANT.dpssAge(), toS),
      api.range(SERIES.codeNoAnswerRatio(p), fromS, toS, step),
    ]);
    const named = (list: typeof p95, name: string) => list.map((s) => ({ ...s, labels: { ...s.labels, series: name } }));
    return {
      series: nonZero([...named(p95, P95_NAME), ...named(avg, 'ussdwatch avg (answered only)'), ...dpss.map((s) => ({ ...s, labels: { series: `DPSS ${s.labels.stat}` } }))]),
      p95Now: latest(p95),
      noAnswer: named(noAnswer, 'no answer (share of dialogs)'),
      noAnswerNow: latest(noAnswer),
      dpssAge: byLabel(dpssAge, 'short_code').get(code),
    };
  }, deps);
  const funnel = useLoad(async () => funnelRows(byTwoLabels(await api.instant(INSTANT.codeFunnel(p), toS), 'depth', 'outcome')), deps);
  const typoSeries = useLoad(async () => nonZero(await api.range(SERIES.codeTypoRate(p), fromS, toS, step)), deps);
  const alerts = useLoad(async () => alertsForCode(await api.alerts(), code), deps, 'Alertmanager');

  return (
    <>
      <LoadedView state={summary} empty="">
        {(s) => (
          <>
            <StatRow>
              <Stat testId="stat-internal-errors" label="Internal errors in range" value={count(errorsOf(s.causeCounts, 'internal'))} hint="ours to fix" />
              <Stat testId="stat-user-errors" label="User errors in range" value={count(errorsOf(s.causeCounts, 'user'))} hint="the subscribers'" />
              <Stat label="Typos pointing here" value={count(s.typos)} hint={`dialed one edit away from ${code}`} testId="stat-typos" />
              <Stat label="Slow threshold" value={secs(s.slowSeconds ?? NaN)} hint={slowHint(slowShare(s.buckets))} />
              <LoadedView state={latency} empty="">
                {(l) =>
                  l.dpssAge === undefined ? (
                    <Stat label="DPSS latest period ended" value="no file yet" hint={DPSS_NONE} testId="stat-dpss" />
                  ) : (
                    <Stat label="DPSS latest period ended" value={`${age(l.dpssAge)} ago`} hint="DPSS reports whole 5-minute periods, some minutes late" testId="stat-dpss" />
                  )
                }
              </LoadedView>
            </StatRow>
            <CodeHealth code={code} />
            <Section title={`Class → cause over time (dialogs per second, rate over ${age(windowS)})`} testId="cause-chart">
              <LoadedView state={causeSeries} empty="">
                {(series) => (
                  <Chart
                    series={series}
                    empty={`No dialog for ${code} in this range.`}
                    styleOf={(x) => ({ name: x.labels.cause === 'ok' ? 'ok' : `${x.labels.class} / ${x.labels.cause}`, color: causeColour(x.labels.cause ?? ''), unit: 'reqps' })}
                  />
                )}
              </LoadedView>
            </Section>
            <Section title="Causes in range (dialogs)" testId="causes">
              <CausePicker counts={s.causeCounts} selected={selected} />
            </Section>
            <Section title="Response-time distribution in range (application; dialogs with no answer last)" testId="distribution">
              <p data-testid="distribution-no-answer">No answer: {pct(noAnswerShare(s.buckets))} of dialogs</p>
              <Distribution buckets={s.buckets} />
            </Section>
          </>
        )}
      </LoadedView>
      <Section title={`Response time: ussdwatch (rate over ${age(windowS)}) vs DPSS (5-minute periods)`} testId="latency-chart">
        <LoadedView state={latency} empty="">
          {(l) => (
            <>
              <StatRow>
                <Stat testId="latency-p95-now" label={`p95 now (last ${age(windowS)}, no answer = slowest)`} value={responseTime(l.p95Now ?? NaN)} />
                <Stat testId="latency-no-answer-now" label={`No answer now (last ${age(windowS)})`} value={pct(l.noAnswerNow ?? NaN)} hint="dialogs the application never answered: no response time" />
              </StatRow>
              <Chart
                series={l.series}
                empty={`No response-time data for ${code} in this range.`}
                styleOf={(x) => ({ name: x.labels.series ?? '', unit: 's', color: LATENCY_COLOURS[x.labels.series ?? ''], dashed: (x.labels.series ?? '').startsWith('DPSS') })}
              />
              <Chart
                series={l.noAnswer}
                height={140}
                empty={`No dialog for ${code} in this range.`}
                styleOf={() => ({ name: 'no answer (share of dialogs)', unit: 'percentunit', color: causeColour('app_timeout') })}
              />
            </>
          )}
        </LoadedView>
      </Section>
      <Section title="Menu funnel in range: where subscribers walk away or fail, by menu depth (inputs typed)" testId="funnel">
        <LoadedView state={funnel} isEmpty={(rows) => rows.length === 0} empty={`No dialog for ${code} in this range (or the exporter predates the menu funnel).`}>
          {(rows) => <Funnel rows={rows} />}
        </LoadedView>
      </Section>
      <Section title={`Typos pointing at this code (per second, rate over ${age(windowS)})`}>
        <LoadedView state={typoSeries} empty="">
          {(series) => <Chart series={series} height={160} empty="No typo pointed at this code in this range." styleOf={() => ({ name: `typos → ${code}`, color: causeColour('wrong_code'), unit: 'reqps' })} />}
        </LoadedView>
      </Section>
      <Section title="Active alerts" testId="code-alerts">
        <LoadedView state={alerts} isEmpty={(a) => a.length === 0} empty={`No alert is firing for ${code}.`}>
          {(a) => <AlertList alerts={a} />}
        </LoadedView>
      </Section>
      <Section title={selected ? `Sample dialogs: ${selected}` : 'Sample dialogs'} testId="samples">
        {selected ? (
          <>
            <p>
              {causeSentence(selected)} <AppLink href={linkTo(loc, { page: 'cause', cause: selected })}>All codes and nodes with this cause</AppLink>
            </p>
            <Samples code={code} cause={selected} deps={deps} />
          </>
        ) : (
          <Alert severity="info" title="Choose a cause">
            Pick a cause above to see recent dialogs of this code with that cause.
          </Alert>
        )}
      </Section>
    </>
  );
}

function slowHint(share: number): string {
  return Number.isFinite(share) ? `${pct(share)} of responses above it` : 'no application response in range';
}

function Distribution({ buckets }: { buckets: Bucket[] }) {
  if (buckets.every((b) => b.count === 0)) return <Alert severity="info" title="No data">No application response was measured for this code in this range.</Alert>;
  const bars = buckets.map((b) => ({
    key: `${b.from}/${b.to}`,
    title: `${bucketLabel(b)}${b.slow ? ' (slow)' : ''}`,
    count: b.count,
    color: b.noAnswer ? causeColour('app_timeout') : b.slow ? causeColour('slow_response') : CLASS_COLOURS.ok,
  }));
  return <ShareBars bars={bars} height={24} />;
}

const FUNNEL_COLUMNS: Array<Column<FunnelRow>> = [
  { id: 'depth', header: 'Depth' },
  { id: 'reached', header: 'Reached', cell: ({ row }) => count(row.original.reached) },
  { id: 'completed', header: 'Completed here', cell: ({ row }) => count(row.original.completed) },
  { id: 'abandoned', header: 'Walked away here', cell: ({ row }) => `${count(row.original.abandoned)} (${pct(row.original.abandonShare)})` },
  {
    id: 'failed',
    header: 'Failed here (user / internal)',
    cell: ({ row }) => `${count(row.original.userErrors)} / ${count(row.original.internalErrors)} (${pct(row.original.failShare)})`,
  },
  { id: 'unclassified', header: 'Unclassified', cell: ({ row }) => count(row.original.unclassified) },
];

function Funnel({ rows }: { rows: FunnelRow[] }) {
  const bars = rows.map((r) => ({ key: r.depth, title: `depth ${r.depth}`, count: r.reached, color: CLASS_COLOURS.ok }));
  return (
    <>
      <ShareBars bars={bars} height={16} testId="funnel-reached" />
      <InteractiveTable columns={FUNNEL_COLUMNS} data={rows} getRowId={(r: FunnelRow) => r.depth} />
    </>
  );
}

function Samples({ code, cause, deps }: { code: string; cause: string; deps: unknown[] }) {
  const { api } = usePage();
  const events = useLoad(() => api.events({ shortCode: code, cause, limit: SAMPLE_LIMIT }), [cause, ...deps], 'Exporter events API');
  return (
    <LoadedView state={events} isEmpty={(e) => e.length === 0} empty={`The exporter holds no recent ${cause} dialog for ${code} (it keeps the latest few per code and class since it started).`}>
      {(e) => <EventTable events={e} />}
    </LoadedView>
  );
}

