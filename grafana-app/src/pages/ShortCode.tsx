import React from 'react';
import { Alert } from '@grafana/ui';
import { alertsForCode } from '../data/alerts.js';
import { bucketLabel, distribution, slowShare, type Bucket } from '../data/distribution.js';
import { byLabel, byTwoLabels, nonZero, single } from '../data/prom-result.js';
import { causeInfo, causeSentence, CLASS_COLORS } from '../queries/causes.js';
import { INSTANT, SERIES } from '../queries/promql.js';
import { linkTo } from '../state/location.js';
import { AlertList } from '../components/AlertList.js';
import { AppLink } from '../components/AppLink.js';
import { CausePicker } from '../components/CausePicker.js';
import { Chart } from '../components/Chart.js';
import { EventTable } from '../components/EventTable.js';
import { age, count, pct, secs } from '../components/format.js';
import { LoadedView } from '../components/Loaded.js';
import { usePage } from '../components/page-context.js';
import { Section } from '../components/Section.js';
import { ShareBars } from '../components/ShareBars.js';
import { Stat, StatRow } from '../components/Stat.js';
import { useLoad } from '../components/useLoad.js';

const SAMPLE_LIMIT = 50;

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
  const summary = useLoad(async () => {
    const [causes, typos, slow, buckets] = await Promise.all([
      api.instant(INSTANT.codeCauses(p), toS),
      api.instant(INSTANT.codeTypos(p), toS),
      api.instant(INSTANT.codeSlowThreshold(p), toS),
      api.instant(INSTANT.codeBuckets(p), toS),
    ]);
    const slowSeconds = single(slow);
    const causeCounts = [...byTwoLabels(causes, 'cause', 'class').entries()]
      .map(([cause, m]) => ({ cause, cls: [...m.keys()][0] ?? causeInfo(cause).cls, count: [...m.values()].reduce((a, b) => a + b, 0) }))
      .sort((a, b) => b.count - a.count);
    return { causeCounts, typos: single(typos) ?? 0, slowSeconds, buckets: distribution(byLabel(buckets, 'le'), slowSeconds) };
  }, deps);
  const causeSeries = useLoad(async () => {
    const [errs, ok] = await Promise.all([api.range(SERIES.codeCauseRate(p), fromS, toS, step), api.range(SERIES.codeOkRate(p), fromS, toS, step)]);
    return nonZero([...ok.map((s) => ({ ...s, labels: { class: 'ok', cause: 'ok' } })), ...errs]);
  }, deps);
  const latency = useLoad(async () => {
    const [p95, avg, dpss, dpssAge] = await Promise.all([
      api.range(SERIES.codeP95(p), fromS, toS, step),
      api.range(SERIES.codeAvg(p), fromS, toS, step),
      api.range(SERIES.dpssResponse(p), fromS, toS, step),
      api.instant(INSTANT.dpssAge(), toS),
    ]);
    const named = (list: typeof p95, name: string) => list.map((s) => ({ ...s, labels: { ...s.labels, series: name } }));
    return {
      series: nonZero([...named(p95, 'ussdwatch p95'), ...named(avg, 'ussdwatch avg'), ...dpss.map((s) => ({ ...s, labels: { series: `DPSS ${s.labels.stat}` } }))]),
      dpssAge: byLabel(dpssAge, 'short_code').get(code),
    };
  }, deps);
  const typoSeries = useLoad(async () => nonZero(await api.range(SERIES.codeTypoRate(p), fromS, toS, step)), deps);
  const alerts = useLoad(async () => alertsForCode(await api.alerts(), code), deps, 'Alertmanager');

  return (
    <>
      <LoadedView state={summary} empty="">
        {(s) => (
          <>
            <StatRow>
              <Stat testId="stat-errors" label="Errors in range" value={count(s.causeCounts.reduce((a, c) => a + c.count, 0))} />
              <Stat label="Typos pointing here" value={count(s.typos)} hint={`dialed one edit away from ${code}`} testId="stat-typos" />
              <Stat label="Slow threshold" value={secs(s.slowSeconds ?? NaN)} hint={slowHint(slowShare(s.buckets))} />
              <LoadedView state={latency} empty="">
                {(l) => <Stat label="DPSS latest period ended" value={l.dpssAge === undefined ? 'never' : `${age(l.dpssAge)} ago`} hint="DPSS alarms on whole 5-minute periods" />}
              </LoadedView>
            </StatRow>
            <Section title="Class → cause over time" testId="cause-chart">
              <LoadedView state={causeSeries} empty="">
                {(series) => (
                  <Chart
                    series={series}
                    empty={`No dialog for ${code} in this range.`}
                    styleOf={(x) => ({ name: x.labels.cause === 'ok' ? 'ok' : `${x.labels.class} / ${x.labels.cause}`, color: x.labels.class === 'ok' ? 'green' : undefined, unit: 'reqps' })}
                  />
                )}
              </LoadedView>
            </Section>
            <Section title="Causes in range" testId="causes">
              <CausePicker counts={s.causeCounts} selected={selected} />
            </Section>
            <Section title="Response-time distribution (application)" testId="distribution">
              <Distribution buckets={s.buckets} />
            </Section>
          </>
        )}
      </LoadedView>
      <Section title="Response time: ussdwatch vs DPSS" testId="latency-chart">
        <LoadedView state={latency} empty="">
          {(l) => (
            <Chart
              series={l.series}
              empty={`No response-time data for ${code} in this range.`}
              styleOf={(x) => ({ name: x.labels.series ?? '', unit: 's', dashed: (x.labels.series ?? '').startsWith('DPSS') })}
            />
          )}
        </LoadedView>
      </Section>
      <Section title="Typos pointing at this code (per second)">
        <LoadedView state={typoSeries} empty="">
          {(series) => <Chart series={series} height={160} empty="No typo pointed at this code in this range." styleOf={() => ({ name: `typos → ${code}`, color: 'blue', unit: 'reqps' })} />}
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
    key: String(b.to),
    title: `${bucketLabel(b)}${b.slow ? ' (slow)' : ''}`,
    count: b.count,
    color: b.slow ? CLASS_COLORS.internal : CLASS_COLORS.ok,
  }));
  return <ShareBars bars={bars} height={24} />;
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

