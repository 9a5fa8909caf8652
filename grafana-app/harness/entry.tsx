// The harness page: the app's root page (or its configuration page) with real @grafana/ui and @grafana/runtime, the
// runtime's backendSrv pointed at the harness server instead of Grafana.
import React from 'react';
import { createRoot } from 'react-dom/client';
import { AppPlugin, ThemeContext, type AppPluginMeta } from '@grafana/data';
import { config, setBackendSrv, getBackendSrv } from '@grafana/runtime';
import { GlobalStyles } from '@grafana/ui';
import { App } from '../src/App.js';
import { AppConfig } from '../src/config/AppConfig.js';
import { APP_BASE, PLUGIN_ID } from '../src/constants.js';
import type { AppJsonData } from '../src/settings.js';
import { harnessBackendSrv } from './backend-srv.js';
import uplotCss from 'uplot/dist/uPlot.min.css';

// Grafana ships uPlot's stylesheet globally; charts overlap without it.
function addGlobalCss(css: string) {
  const style = document.createElement('style');
  style.textContent = css;
  document.head.appendChild(style);
}

async function main() {
  addGlobalCss(uplotCss);
  setBackendSrv(harnessBackendSrv());
  // The same endpoint Grafana serves the app's settings from.
  const meta = await getBackendSrv().get<AppPluginMeta<AppJsonData>>(`/api/plugins/${PLUGIN_ID}/settings`);
  // Grafana shows an app's configuration page under /plugins/<id>.
  const configPage = window.location.pathname.startsWith(`/plugins/${PLUGIN_ID}`);
  const plugin = new AppPlugin<AppJsonData>();
  plugin.meta = meta;
  const root = createRoot(document.getElementById('root')!);
  root.render(
    <React.StrictMode>
      {/* As Grafana does: the user's theme (boot data, `?theme=light` in the harness) for every component. */}
      <ThemeContext.Provider value={config.theme2}>
      <GlobalStyles />
      <div style={{ padding: 16 }}>
        {configPage ? (
          <AppConfig plugin={plugin} query={{}} />
        ) : (
          <App meta={meta} basename={APP_BASE} query={{}} path={window.location.pathname} onNavChanged={() => undefined} />
        )}
      </div>
      </ThemeContext.Provider>
    </React.StrictMode>,
  );
}

void main();
