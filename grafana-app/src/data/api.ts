// The app's only door to the network: every request goes through Grafana's backendSrv,
// to a datasource proxy or to the plugin's own proxy routes.
import { getBackendSrv } from '@grafana/runtime';
import { lastValueFrom } from 'rxjs';
import { EXPORTER_ROUTE, NOTIFIER_ROUTE, REPORTS_ROUTE } from '../constants.js';
import type { AppSettings } from '../settings.js';
import type { AmAlert } from './alerts.js';
import { parseEvents, parseMalformed, type DialogEvent, type MalformedSample } from './events.js';
import { parseIncidents, type Incident } from './incidents.js';
import { parseJournal, type JournalEntry } from './journal.js';
import { parseProposals, type Proposals } from './proposals.js';
import { parseArchive, type BuildRequest, type BuiltReport, type ReportArchive } from './reports.js';
import { describeFailure, LoadError } from './load-error.js';
import { matrixOf, vectorOf, type InstantSample, type PromResponse, type Series } from './prom-result.js';

/** Enough for a bad night; the journal API allows up to 5000. */
const JOURNAL_LIMIT = 1000;

async function getJson<T>(url: string, params: Record<string, string | number>, source: string, method: 'GET' | 'POST' = 'GET', data?: unknown): Promise<T> {
  try {
    const res = await lastValueFrom(getBackendSrv().fetch<T>({ url, params, method, data, showErrorAlert: false, showSuccessAlert: false }));
    return res.data;
  } catch (err) {
    throw describeFailure(err, source);
  }
}

export class UssdApi {
  constructor(private readonly settings: AppSettings) {}

  private prom(path: string): string {
    return `/api/datasources/proxy/uid/${encodeURIComponent(this.settings.prometheusUid)}/api/v1/${path}`;
  }

  async instant(expr: string, timeS: number): Promise<InstantSample[]> {
    const res = await getJson<PromResponse>(this.prom('query'), { query: expr, time: timeS }, 'Prometheus');
    return checked(() => vectorOf(res));
  }

  async range(expr: string, fromS: number, toS: number, stepS: number): Promise<Series[]> {
    const res = await getJson<PromResponse>(this.prom('query_range'), { query: expr, start: fromS, end: toS, step: stepS }, 'Prometheus');
    return checked(() => matrixOf(res));
  }

  /** Firing alerts, silenced and inhibited ones included (their state says so). */
  alerts(): Promise<AmAlert[]> {
    const url = `/api/datasources/proxy/uid/${encodeURIComponent(this.settings.alertmanagerUid)}/api/v2/alerts`;
    return getJson<AmAlert[]>(url, { active: 'true', silenced: 'true', inhibited: 'true' }, 'Alertmanager');
  }

  async events(q: { shortCode?: string; cause?: string; cls?: string; limit: number }): Promise<DialogEvent[]> {
    const params: Record<string, string | number> = { limit: q.limit };
    if (q.shortCode) params.short_code = q.shortCode;
    if (q.cause) params.cause = q.cause;
    if (q.cls) params.class = q.cls;
    const body = await getJson<unknown>(`${EXPORTER_ROUTE}/api/events`, params, 'Exporter events API');
    return checked(() => parseEvents(body), 'Exporter events API');
  }

  async malformed(source?: string): Promise<MalformedSample[]> {
    const body = await getJson<unknown>(`${EXPORTER_ROUTE}/api/malformed`, source ? { source } : {}, 'Exporter malformed API');
    return checked(() => parseMalformed(body), 'Exporter malformed API');
  }

  /** Unmapped statuses and the learned model's proposed status-map lines. */
  async proposals(): Promise<Proposals> {
    const body = await getJson<unknown>(`${EXPORTER_ROUTE}/api/proposals`, {}, 'Exporter proposals API');
    return checked(() => parseProposals(body), 'Exporter proposals API');
  }

  async journal(q: { fromMs: number; toMs: number }): Promise<JournalEntry[]> {
    const params = { from: new Date(q.fromMs).toISOString(), to: new Date(q.toMs).toISOString(), limit: JOURNAL_LIMIT };
    const body = await getJson<unknown>(`${NOTIFIER_ROUTE}/api/journal`, params, 'Notifier journal');
    return checked(() => parseJournal(body), 'Notifier journal');
  }

  async incidents(q: { fromMs: number; toMs: number }): Promise<Incident[]> {
    const params = { from: new Date(q.fromMs).toISOString(), to: new Date(q.toMs).toISOString() };
    const body = await getJson<unknown>(`${NOTIFIER_ROUTE}/api/incidents`, params, 'Notifier incidents');
    return checked(() => parseIncidents(body), 'Notifier incidents');
  }

  /** Acknowledges an incident as "app" (the route needs Editor); throws the proxy's or notifier's refusal as it came. */
  async acknowledge(id: number): Promise<void> {
    await lastValueFrom(getBackendSrv().fetch({ url: `${NOTIFIER_ROUTE}/api/incidents/${id}/ack`, method: 'POST', showErrorAlert: false, showSuccessAlert: false }));
  }

  async reportArchive(): Promise<ReportArchive> {
    const body = await getJson<unknown>(`${REPORTS_ROUTE}/api/reports`, {}, 'Report service');
    return checked(() => parseArchive(body), 'Report service');
  }

  /** Builds a report now (Editor): the service answers once both files are in the archive. */
  buildReport(req: BuildRequest): Promise<BuiltReport> {
    return getJson<BuiltReport>(`${REPORTS_ROUTE}/api/reports`, {}, 'Report service', 'POST', req);
  }

  /** Where the browser downloads an archived report (a plain link: the file is binary). */
  reportUrl(file: string): string {
    return `${REPORTS_ROUTE}/api/reports/${encodeURIComponent(file)}`;
  }
}

/** An acknowledgement the notifier refused, in the words the page shows beside the button. */
export function ackRefusal(err: unknown): string {
  const status = (err as { status?: unknown } | null)?.status;
  if (status === 401 || status === 403) return 'Refused: acknowledging needs the Editor role in Grafana.';
  if (status === 409) return 'Already acknowledged.';
  return describeFailure(err, 'Notifier').message;
}

function checked<T>(read: () => T, source = 'Prometheus'): T {
  try {
    return read();
  } catch (err) {
    throw new LoadError('data', source, `${source} answered something unexpected: ${(err as Error).message}`);
  }
}
