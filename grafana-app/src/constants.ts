import pluginJson from './plugin.json' with { type: 'json' };

export const PLUGIN_ID: string = pluginJson.id;
export const APP_BASE = `/a/${PLUGIN_ID}`;

/** The uids provisioning/ gives the datasources; the config page can point elsewhere. */
export const DEFAULT_PROMETHEUS_UID = 'ussdwatch-prometheus';
export const DEFAULT_ALERTMANAGER_UID = 'ussdwatch-alertmanager';

/** plugin.json `routes` paths: Grafana's plugin proxy adds the URL and bearer token. */
export const EXPORTER_ROUTE = `/api/plugin-proxy/${PLUGIN_ID}/exporter`;
export const NOTIFIER_ROUTE = `/api/plugin-proxy/${PLUGIN_ID}/notifier`;
export const REPORTS_ROUTE = `/api/plugin-proxy/${PLUGIN_ID}/reports`;
