// The notifier's own /metrics. Label children are created once, up front, so every
// series exists at zero from start-up and the request path allocates none.
import { RELOAD_METRICS } from '@ussdwatch/common/lifecycle.js';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { IncidentBook } from './incidents.js';
import type { AttemptResult, Channel } from './journal.js';

/** Why a request was answered 4xx: a bounded label set. */
const REFUSALS = [
  'unauthorized',
  'forbidden',
  'too_large',
  'bad_json',
  'bad_version',
  'bad_payload',
  'missing_label',
  'not_found',
  'method_not_allowed',
  'bad_request',
] as const;
const WEBHOOK_RESULTS = ['accepted', ...REFUSALS, 'failed'] as const;
export type WebhookResult = (typeof WEBHOOK_RESULTS)[number];

export function isWebhookResult(s: string): s is WebhookResult {
  return (WEBHOOK_RESULTS as readonly string[]).includes(s);
}
/** On any path: `forbidden` for a credential without the right, `other` for a reason not listed. */
const REFUSAL_REASONS = [...REFUSALS, 'forbidden', 'other'] as const;
const CHANNELS: Channel[] = ['sms', 'email'];
/** A `started` entry is not an outcome: counting it would count every attempt twice. */
export type CountedResult = Exclude<AttemptResult, 'started'>;
const RESULTS: CountedResult[] = ['sent', 'retry', 'failed', 'duplicate', 'in_doubt', 'held'];

// prom-client creates a child's series on its first inc(); inc(0) makes it visible at 0.
function zeroed(child: Counter.Internal): Counter.Internal {
  child.inc(0);
  return child;
}

export class NotifierMetrics {
  readonly registry = new Registry();
  private readonly notifications = new Map<string, Counter.Internal>();
  private readonly webhooks = new Map<WebhookResult, Counter.Internal>();
  private readonly refusals = new Map<string, Counter.Internal>();
  readonly journalWrite: Histogram;
  private readonly replies: Counter;
  private readonly dlrs: Counter;
  private readonly reloadSuccessful: Gauge;
  private readonly reloadSuccessAt: Gauge;
  private readonly heartbeatAt: Gauge;
  private readonly silent: Gauge;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'notifier_' });
    const notifications = new Counter({
      name: 'notifier_notifications_total',
      help: 'Delivery attempts by channel and result: sent, retry (transient failure, tried again), failed (given up), duplicate (suppressed by deduplication), in_doubt (not resent: an earlier attempt was interrupted after it may have reached the gateway), held (SMS over the per-recipient hourly cap; the mail still goes).',
      labelNames: ['channel', 'result'],
      registers: [this.registry],
    });
    for (const c of CHANNELS) for (const r of RESULTS) this.notifications.set(`${c}|${r}`, zeroed(notifications.labels(c, r)));
    const webhooks = new Counter({
      name: 'notifier_webhook_requests_total',
      help: 'Webhook requests by result; anything but accepted was refused with a 4xx (a refused payload is also journaled) or failed with a 5xx.',
      labelNames: ['result'],
      registers: [this.registry],
    });
    for (const r of WEBHOOK_RESULTS) this.webhooks.set(r, zeroed(webhooks.labels(r)));
    const refused = new Counter({
      name: 'notifier_requests_refused_total',
      help: 'Requests answered 4xx on any path, by reason: counted, never journaled verbatim. A burst is someone probing or forging (NotifierRequestsRefused).',
      labelNames: ['reason'],
      registers: [this.registry],
    });
    for (const r of REFUSAL_REASONS) this.refusals.set(r, zeroed(refused.labels(r)));
    this.replies = new Counter({
      name: 'notifier_sms_replies_total',
      help: 'SMS replies (Kannel MO) by outcome: ack, close, already (acknowledged or over), unknown (no such incident), help (no reply code), refused (a number not in the on-call file).',
      labelNames: ['outcome'],
      registers: [this.registry],
    });
    for (const o of ['ack', 'close', 'already', 'unknown', 'help', 'refused']) this.replies.inc({ outcome: o }, 0);
    this.dlrs = new Counter({
      name: 'notifier_sms_delivery_reports_total',
      help: 'Kannel delivery reports by result: delivered (to the handset), undelivered, queued, accepted (by the SMSC), failed (refused by the SMSC).',
      labelNames: ['result'],
      registers: [this.registry],
    });
    for (const r of ['delivered', 'undelivered', 'queued', 'accepted', 'failed']) this.dlrs.inc({ result: r }, 0);
    this.journalWrite = new Histogram({
      name: 'notifier_journal_write_seconds',
      help: 'Time to make a batch of journal entries durable (write + fdatasync).',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [this.registry],
    });
    this.reloadSuccessful = new Gauge({ ...RELOAD_METRICS.successful, registers: [this.registry] });
    this.reloadSuccessAt = new Gauge({ ...RELOAD_METRICS.successAt, registers: [this.registry] });
    this.reloaded(true);
    this.heartbeatAt = new Gauge({
      name: 'notifier_watchdog_last_heartbeat_timestamp_seconds',
      help: 'When the last heartbeat (the always-firing Watchdog alert, POST /webhook/watchdog) arrived since start-up; 0 before the first.',
      registers: [this.registry],
    });
    this.silent = new Gauge({
      name: 'notifier_watchdog_silent',
      help: 'Whether the alerting pipeline is silent (1: no heartbeat for the watchdog timeout, its on-call paged) or not (0).',
      registers: [this.registry],
    });
    this.heartbeatAt.set(0);
    this.silent.set(0);
  }

  watchdogHeartbeat(at: number): void {
    this.heartbeatAt.set(at / 1000);
  }

  watchdogSilent(silent: boolean): void {
    this.silent.set(silent ? 1 : 0);
  }

  /** Records a configuration load attempt: start-up counts as a successful one. */
  reloaded(ok: boolean, at: number = Date.now()): void {
    this.reloadSuccessful.set(ok ? 1 : 0);
    if (ok) this.reloadSuccessAt.set(at / 1000);
  }

  /** notifier_incidents_open{short_code,state}, read from the book at each scrape. */
  watchIncidents(book: IncidentBook): void {
    new Gauge({
      name: 'notifier_incidents_open',
      help: 'Incidents not yet resolved, by short code (none for node and source incidents) and state (open: nobody acknowledged yet; acknowledged).',
      labelNames: ['short_code', 'state'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const i of book.open()) this.inc({ short_code: i.short_code ?? 'none', state: i.state });
      },
    });
  }

  reply(outcome: string): void {
    this.replies.inc({ outcome });
  }

  dlr(result: string): void {
    this.dlrs.inc({ result });
  }

  notification(channel: Channel, result: CountedResult): void {
    this.notifications.get(`${channel}|${result}`)!.inc();
  }

  webhook(result: WebhookResult): void {
    this.webhooks.get(result)!.inc();
  }

  refused(reason: string): void {
    (this.refusals.get(reason) ?? this.refusals.get('other')!).inc();
  }
}
