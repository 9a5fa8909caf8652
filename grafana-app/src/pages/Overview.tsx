import React from 'react';
import { alertingByCode } from '../data/alerts.js';
import { describeFailure } from '../data/load-error.js';
import { classTotals, codeRows, type CatalogueEntry, type ClassTotals } from '../data/overview.js';
import { byLabel, byTwoLabels, single } from '../data/prom-result.js';
import { CLASS_COLOURS, type DialogClass } from '../queries/causes.js';
import { INSTANT, SERIES } from '../queries/promql.js';
import { Chart } from '../components/Chart.js';
import { CodeTable } from '../components/CodeTable.js';
import { age, count, pct, perSecond, responseTime } from '../components/format.js';
import { ErrorBox, LoadedView } from '../components/Loaded.js';
import { usePage } from '../components/page-context.js';
import { Section } from '../components/Section.js';
import { Stat, StatRow } from '../components/Stat.js';
import { ShareBars } from '../components/ShareBars.js';
import { useLoad } from '../components/useLoad.js';

const NO_TRAFFIC = 'No dialog was counted in this time range. Check the Sources page: is the exporter reading the gateway logs, and is Prometheus scraping it?';

export function Overview() {
  const { api, params: p, fromS, toS, step, refreshKey } = usePage();
  const deps = [p.range, p.window, toS, refreshKey];
  const windowS = parseInt(p.window, 10);
  const stats = useLoad(async () => {
    const [rate, rateNow, split, success, p95, noAnswer] = await Promise.all([
      api.instant(INSTANT.dialogsPerSecond(p), toS),
      api.instant(INSTANT.dialogsPerSecondNow(p), toS),
      api.instant(INSTANT.classSplit(p), toS),
      api.instant(INSTANT.successRatio(p), toS),
      api.instant(INSTANT.p95Response(p), toS),
      api.instant(INSTANT.noAnswerRatio(p), toS),
    ]);
    return { rate: single(rate), rateNow: single(rateNow), split: classTotals(byLabel(split, 'class')), success: single(success), p95: single(p95), noAnswer: single(noAnswer) };
  }, deps);
  const classSeries = useLoad(() => api.range(SERIES.classRate(p), fromS, toS, step), deps);
  const table = useLoad(async () => {
    const [split, p95, noAnswer, catalogue, trends, health] = await Promise.all([
      api.instant(INSTANT.codeClassSplit(p), toS),
      api.instant(INSTANT.codeP95(p), toS),
      api.instant(INSTANT.codeNoAnswerRatio(p), toS),
      api.instant(INSTANT.catalogue(), toS),
      api.range(SERIES.codeInternalRatio(p), fromS, toS, step),
      api.instant(INSTANT.codeHealth(), toS),
    ]);
    // A down Alertmanager must not hide the table: the tier column then says so.
    const alerts = await api.alerts().then(
      (a) => ({ ok: true as const, a }),
      (err: unknown) => ({ ok: false as const, err: describeFailure(err, 'Alertmanager') }),
    );
    const cat = new Map<string, CatalogueEntry>(catalogue.map((s) => [s.metric.short_code, { name: s.metric.name ?? '', team: s.metric.team ?? '' }]));
    const rows = codeRows({
      catalogue: cat,
      classSplit: byTwoLabels(split, 'short_code', 'class'),
      p95: byLabel(p95, 'short_code'),
      noAnswer: byLabel(noAnswer, 'short_code'),
      trends,
      alerting: alerts.ok ? alertingByCode(alerts.a) : new Map(),
      health: byLabel(health, 'short_code'),
    });
    return { rows, alertsError: alerts.ok ? undefined : alerts.err };
  }, deps);

  return (
    <>
      <LoadedView state={stats} isEmpty={(s) => s.split.total === 0} empty={NO_TRAFFIC}>
        {(s) => (
          <>
            <StatRow>
              <Stat
                testId="stat-rate"
                label={`Dialogs per second, now (last ${age(windowS)})`}
                value={perSecond(s.rateNow ?? NaN)}
                hint={`range average ${perSecond(s.rate ?? NaN)}; ${count(s.split.total)} dialogs in range`}
              />
              <Stat testId="stat-success" label="Success in range (subscriber errors excluded)" value={pct(s.success ?? NaN)} hint="ok / (all − user errors), range average" />
              <Stat testId="stat-internal" label="Internal errors in range" value={pct(s.split.internal / s.split.total)} hint={`${count(s.split.internal)} dialogs: ours to fix`} />
              <Stat
                testId="stat-p95"
                label="p95 application response in range"
                value={responseTime(s.p95 ?? NaN)}
                hint={`${pct(s.noAnswer ?? NaN)} of dialogs got no answer (counted in p95 as the slowest)`}
              />
            </StatRow>
            <ClassSplit split={s.split} />
          </>
        )}
      </LoadedView>
      <Section title={`Dialogs per second by class (rate over ${age(windowS)})`}>
        <LoadedView state={classSeries} empty={NO_TRAFFIC}>
          {(series) => (
            <Chart
              testId="class-chart"
              series={series}
              empty={NO_TRAFFIC}
              styleOf={(s) => ({ name: s.labels.class ?? '', color: CLASS_COLOURS[s.labels.class as DialogClass], unit: 'reqps' })}
            />
          )}
        </LoadedView>
      </Section>
      <Section title="Short codes in range, worst internal-error ratio first" testId="code-table">
        <LoadedView state={table} isEmpty={(t) => t.rows.length === 0} empty="No short code is known: is ussd_shortcode_info exported (exporter catalogue loaded)?">
          {(t) => (
            <>
              {t.alertsError !== undefined && <ErrorBox error={t.alertsError} />}
              <CodeTable rows={t.rows} />
            </>
          )}
        </LoadedView>
      </Section>
    </>
  );
}

const CLASS_BARS: Array<[DialogClass, string]> = [
  ['ok', 'OK'],
  ['user', 'User errors (subscriber)'],
  ['internal', 'Internal errors (us)'],
  ['unclassified', 'Unclassified'],
];

function ClassSplit({ split }: { split: ClassTotals }) {
  return <ShareBars testId="class-split" bars={CLASS_BARS.map(([cls, title]) => ({ key: cls, title, count: split[cls], color: CLASS_COLOURS[cls] }))} />;
}
