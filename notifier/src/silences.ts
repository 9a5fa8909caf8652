// Alertmanager's API v2, as acknowledgement uses it: a silence for an incident's alerts
// (created, extended while they fire, expired when they end), and whether any of them is
// still active (Alertmanager sends no resolved notification for a silenced alert, #226).
// Any Alertmanager of a cluster will do: silences are gossiped; the first that answers is used.
import type { NotifierConfig } from './config.js';
import type { Incident } from './incidents.js';

export interface Matcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual: boolean;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The incident's key label and the names of its alerts: new rules of the same fault stay loud. */
export function silenceMatchers(inc: Incident): Matcher[] {
  const [label, value] = inc.key.split('=', 2) as [string, string];
  const names = [...new Set(inc.alerts.map((a) => a.alertname))].map(escapeRegex).join('|');
  return [
    { name: label, value, isRegex: false, isEqual: true },
    { name: 'alertname', value: names, isRegex: true, isEqual: true },
  ];
}

export class AlertmanagerClient {
  /** `settings` is read at each call: a reload's new addresses or credentials take the next one. */
  constructor(private readonly settings: () => NotifierConfig['alertmanager'], private readonly timeoutMs = 5000) {}

  get configured(): boolean {
    return this.settings().urls.length > 0;
  }

  private async call(path: string, init: RequestInit = {}): Promise<Response> {
    const { urls, basicAuth } = this.settings();
    const headers = new Headers(init.headers);
    if (basicAuth) headers.set('authorization', `Basic ${Buffer.from(`${basicAuth.username}:${basicAuth.password}`).toString('base64')}`);
    let last: Error = new Error('no Alertmanager configured (alertmanager.urls)');
    for (const base of urls) {
      try {
        const res = await fetch(`${base}${path}`, { ...init, headers, signal: AbortSignal.timeout(this.timeoutMs) });
        if (res.status < 500) return res;
        last = new Error(`${base}${path}: ${res.status} ${await res.text()}`);
      } catch (err) {
        last = new Error(`${base}${path}: ${(err as Error).message}`);
      }
    }
    throw last;
  }

  /** Creates the silence, or replaces `id` (Alertmanager may answer with a new id). */
  async silence(inc: Incident, until: number, by: string, id?: string): Promise<string> {
    const body = {
      ...(id && { id }),
      matchers: silenceMatchers(inc),
      startsAt: new Date().toISOString(),
      endsAt: new Date(until).toISOString(),
      createdBy: `ussdwatch-notifier (${by})`,
      comment: `incident #${inc.id} acknowledged; kept while its alerts fire, removed when they end`,
    };
    const res = await this.call('/api/v2/silences', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`Alertmanager refused the silence: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { silenceID: string }).silenceID;
  }

  async expire(id: string): Promise<void> {
    const res = await this.call(`/api/v2/silence/${encodeURIComponent(id)}`, { method: 'DELETE' });
    // Already expired or gone: the goal is reached.
    if (!res.ok && res.status !== 404 && res.status !== 500) throw new Error(`Alertmanager did not expire silence ${id}: ${res.status}`);
  }

  /** Fingerprints of the incident's alerts Alertmanager still holds active (silenced ones included). */
  async activeFingerprints(inc: Incident): Promise<Set<string>> {
    const q = new URLSearchParams({ active: 'true', silenced: 'true', inhibited: 'true', unprocessed: 'true' });
    const [label, value] = inc.key.split('=', 2);
    q.append('filter', `${label}=${JSON.stringify(value)}`);
    const res = await this.call(`/api/v2/alerts?${q}`);
    if (!res.ok) throw new Error(`Alertmanager alerts: ${res.status} ${await res.text()}`);
    const alerts = (await res.json()) as Array<{ fingerprint: string }>;
    const mine = new Set(inc.alerts.map((a) => a.fingerprint));
    return new Set(alerts.map((a) => a.fingerprint).filter((f) => mine.has(f)));
  }
}
