import { DEFAULT_ALERTMANAGER_UID, DEFAULT_PROMETHEUS_UID } from './constants.js';

/** The app's jsonData, as saved by the config page or provisioning/plugins/ussdwatch-app.yaml. */
export interface AppJsonData {
  prometheusUid?: string;
  alertmanagerUid?: string;
  /** Base URLs the plugin proxy routes forward to (plugin.json `routes`). */
  exporterUrl?: string;
  notifierUrl?: string;
  reportsUrl?: string;
}

/** Secrets: written once, never readable by the browser again. */
export interface AppSecureJsonData {
  notifierToken?: string;
  exporterToken?: string;
  reportsToken?: string;
}

export interface AppSettings {
  prometheusUid: string;
  alertmanagerUid: string;
}

export function resolveSettings(jsonData: AppJsonData | undefined): AppSettings {
  return {
    prometheusUid: jsonData?.prometheusUid?.trim() || DEFAULT_PROMETHEUS_UID,
    alertmanagerUid: jsonData?.alertmanagerUid?.trim() || DEFAULT_ALERTMANAGER_UID,
  };
}

/** Problems that make a saved URL useless, phrased as the fix; empty when fine. */
export function checkServiceUrl(name: string, url: string | undefined, example: string): string | undefined {
  const v = url?.trim() ?? '';
  if (v === '') return `${name} URL is empty: enter e.g. ${example}`;
  let parsed: URL;
  try {
    parsed = new URL(v);
  } catch {
    return `${name} URL "${v}" is not a URL: enter it with its scheme, e.g. http://host:port`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `${name} URL must start with http:// or https://`;
  return undefined;
}
