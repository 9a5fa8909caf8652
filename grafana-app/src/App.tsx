import React, { useEffect, useMemo, useState } from 'react';
import { css } from '@emotion/css';
import type { AppRootProps, GrafanaTheme2, TimeRange } from '@grafana/data';
import { locationService, PluginPage } from '@grafana/runtime';
import { RefreshPicker, Tab, TabsBar, TimeRangePicker, useStyles2 } from '@grafana/ui';
import { UssdApi } from './data/api.js';
import { queryParams, stepFor } from './queries/promql.js';
import { resolveSettings, type AppJsonData } from './settings.js';
import { linkTo, locationUrl, PAGE_TITLES, parseLocation, type AppLocation, type PageId } from './state/location.js';
import { intervalMs, shifted, timeRangeOf, urlEdges, zoomedOut } from './state/time.js';
import { PageCtx, type PageContext } from './components/page-context.js';
import { Overview } from './pages/Overview.js';
import { ShortCode } from './pages/ShortCode.js';
import { Cause } from './pages/Cause.js';
import { Alerts } from './pages/Alerts.js';
import { Sources } from './pages/Sources.js';
import { Incidents } from './pages/Incidents.js';
import { Reports } from './pages/Reports.js';

const PAGES: Record<PageId, React.ComponentType> = { overview: Overview, code: ShortCode, cause: Cause, alerts: Alerts, sources: Sources, incidents: Incidents, reports: Reports };
const TABS: PageId[] = ['overview', 'alerts', 'incidents', 'sources', 'reports'];

function useAppLocation(): AppLocation {
  const read = () => {
    const l = locationService.getLocation();
    return parseLocation(l.pathname, l.search);
  };
  const [loc, setLoc] = useState(read);
  useEffect(() => {
    const sub = locationService.getLocationObservable().subscribe((l) => setLoc(parseLocation(l.pathname, l.search)));
    return () => sub.unsubscribe();
  }, []);
  return loc;
}

const getStyles = (theme: GrafanaTheme2) => ({
  bar: css({ display: 'flex', gap: theme.spacing(1), alignItems: 'center', justifyContent: 'space-between', marginBottom: theme.spacing(2), flexWrap: 'wrap' }),
  pickers: css({ display: 'flex', gap: theme.spacing(1) }),
});

export function App(props: AppRootProps<AppJsonData>) {
  const styles = useStyles2(getStyles);
  const loc = useAppLocation();
  const [refreshKey, setRefreshKey] = useState(0);
  const api = useMemo(() => new UssdApi(resolveSettings(props.meta.jsonData)), [props.meta.jsonData]);

  // "now" is re-read on every refresh so relative ranges move forward.
  const ctx: PageContext = useMemo(() => {
    const range = timeRangeOf(loc);
    const fromS = Math.floor(range.from.valueOf() / 1000);
    const toS = Math.floor(range.to.valueOf() / 1000);
    return {
      loc,
      range,
      fromS,
      toS,
      step: stepFor(toS - fromS),
      params: queryParams(fromS, toS, loc.code ?? '', loc.cause ?? ''),
      api,
      refreshKey,
      navigate: (url) => locationService.push(url),
    };
  }, [loc, api, refreshKey]);

  useEffect(() => {
    const ms = intervalMs(loc.refresh);
    if (!ms) return;
    const timer = setInterval(() => setRefreshKey((k) => k + 1), ms);
    return () => clearInterval(timer);
  }, [loc.refresh]);

  const setRange = (edges: { from: string; to: string }) => locationService.partial(edges);
  const Page = PAGES[loc.page];
  const title = loc.page === 'code' && loc.code ? `Short code ${loc.code}` : loc.page === 'cause' && loc.cause ? `Cause ${loc.cause}` : PAGE_TITLES[loc.page];

  return (
    <PluginPage pageNav={{ text: title }}>
      <div className={styles.bar}>
        <TabsBar>
          {TABS.map((p) => (
            <Tab key={p} label={PAGE_TITLES[p]} active={loc.page === p} href={linkTo(loc, { page: p })} onChangeTab={(e) => { e?.preventDefault(); locationService.push(linkTo(loc, { page: p })); }} />
          ))}
          {(loc.page === 'code' || loc.page === 'cause') && <Tab label={title} active href={locationUrl(loc)} />}
        </TabsBar>
        <div className={styles.pickers}>
          <TimeRangePicker
            value={ctx.range}
            onChange={(r: TimeRange) => setRange(urlEdges(r))}
            onChangeTimeZone={() => undefined}
            onMoveBackward={() => setRange(shifted(ctx.range, -1))}
            onMoveForward={() => setRange(shifted(ctx.range, 1))}
            onZoom={() => setRange(zoomedOut(ctx.range))}
          />
          <RefreshPicker
            value={loc.refresh ?? ''}
            onRefresh={() => setRefreshKey((k) => k + 1)}
            onIntervalChanged={(refresh) => locationService.partial({ refresh: refresh || null })}
          />
        </div>
      </div>
      <PageCtx.Provider value={ctx}>
        <Page />
      </PageCtx.Provider>
    </PluginPage>
  );
}
