// Zero journal entries lost when the notifier dies mid-delivery: a burst of alerts is
// posted to Alertmanager (as Prometheus would), the SMS gateway is made slow so the
// notifier is caught delivering, it is SIGKILLed and restarted, Alertmanager resends;
// then every alert status Alertmanager sent must be in the journal.
import { waitFor } from '@ussdwatch/testkit';
import type { Stack } from '@ussdwatch/testkit/stack';
import type { Forwarder } from './forwarder.js';

export const PROBE_ALERTNAME = 'E2eJournalProbe';
const PROBES = 4;
const SLOW_GATEWAY_MS = 4000;

interface SentAlert {
  fingerprint: string;
  status: string;
}

export interface CrashResult {
  /** Alert statuses Alertmanager sent that never reached the journal. */
  lost: SentAlert[];
  /** Alert statuses Alertmanager sent (the base of the comparison). */
  sent: number;
  /** Webhook calls that failed because the notifier was down or died (Alertmanager had to resend). */
  failedCalls: number;
}

/** What Alertmanager posted to the webhook, read from the forwarder in front of the notifier. */
export function sentAlerts(tap: Forwarder, alertname: string): SentAlert[] {
  const seen = new Map<string, SentAlert>();
  for (const x of tap.exchanges) {
    if (x.method !== 'POST' || !x.path.startsWith('/webhook/')) continue;
    const payload = JSON.parse(x.body) as { alerts?: Array<{ fingerprint: string; status: string; labels: Record<string, string> }> };
    for (const a of payload.alerts ?? []) {
      if (a.labels.alertname === alertname) seen.set(`${a.fingerprint}|${a.status}`, { fingerprint: a.fingerprint, status: a.status });
    }
  }
  return [...seen.values()];
}

/** Alert statuses the notifier's journal received. */
export async function journalled(stack: Stack): Promise<Set<string>> {
  const res = await fetch(`${stack.urls.notifier}/api/journal?limit=5000`, { headers: { authorization: `Bearer ${stack.notifierToken}` } });
  if (!res.ok) throw new Error(`GET /api/journal: HTTP ${res.status} ${await res.text()}`);
  const { entries } = (await res.json()) as { entries: Array<{ kind: string; alerts?: SentAlert[] }> };
  const keys = new Set<string>();
  for (const e of entries) if (e.kind === 'received') for (const a of e.alerts ?? []) keys.add(`${a.fingerprint}|${a.status}`);
  return keys;
}

async function postProbes(stack: Stack, endsAt?: string): Promise<void> {
  const alerts = Array.from({ length: PROBES }, (_, i) => ({
    labels: { alertname: PROBE_ALERTNAME, tier: '3', severity: 'critical', team: 'technical', short_code: `probe${i + 1}` },
    annotations: { summary: `e2e journal probe ${i + 1}` },
    ...(endsAt ? { endsAt } : {}),
  }));
  const res = await fetch(`${stack.urls.alertmanager}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
  if (!res.ok) throw new Error(`posting probe alerts to Alertmanager: HTTP ${res.status} ${await res.text()}`);
}

export async function notifierCrash(stack: Stack, tap: Forwarder, gateway: Forwarder, log: (m: string) => void): Promise<CrashResult> {
  gateway.setDelay(SLOW_GATEWAY_MS);
  await postProbes(stack);
  // Caught in the act: an SMS is on its way to Kannel, its journal entries half written.
  await waitFor(() => gateway.inFlight() > 0, { timeoutMs: 60_000, intervalMs: 20, what: 'the notifier delivering a probe SMS' });
  stack.notifier.kill('SIGKILL');
  log(`notifier SIGKILLed with ${gateway.inFlight()} SMS in flight to the gateway`);
  gateway.setDelay(0);
  await stack.notifier.restart();
  log('notifier restarted; Alertmanager resends what it could not deliver');
  await waitFor(async () => {
    const have = await journalled(stack);
    return sentAlerts(tap, PROBE_ALERTNAME).filter((a) => a.status === 'firing').length >= PROBES && sentAlerts(tap, PROBE_ALERTNAME).every((a) => have.has(`${a.fingerprint}|${a.status}`));
  }, { timeoutMs: 180_000, intervalMs: 500, what: 'every firing probe in the journal' }).catch(() => undefined);
  await postProbes(stack, new Date().toISOString());
  // Settled when every resolved probe Alertmanager sent is journalled (or the deadline passes: then they count as lost).
  await waitFor(async () => {
    const sent = sentAlerts(tap, PROBE_ALERTNAME);
    const have = await journalled(stack);
    return sent.filter((a) => a.status === 'resolved').length >= PROBES && sent.every((a) => have.has(`${a.fingerprint}|${a.status}`));
  }, { timeoutMs: 180_000, intervalMs: 500, what: 'every resolved probe in the journal' }).catch(() => undefined);
  const sent = sentAlerts(tap, PROBE_ALERTNAME);
  const have = await journalled(stack);
  const failedCalls = tap.exchanges.filter((x) => x.path.startsWith('/webhook/') && x.status >= 500).length;
  return { lost: sent.filter((a) => !have.has(`${a.fingerprint}|${a.status}`)), sent: sent.length, failedCalls };
}
