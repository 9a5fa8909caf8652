// The notifier's own /metrics. Label children are created once, up front, so every
// series exists at zero from start-up and the request path allocates none.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AttemptResult, Channel } from './journal.js';

const WEBHOOK_RESULTS = [
  'accepted',
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
  'failed',
] as const;
export type WebhookResult = (typeof WEBHOOK_RESULTS)[number];

export function isWebhookResult(s: string): s is WebhookResult {
  return (WEBHOOK_RESULTS as readonly string[]).includes(s);
}
const CHANNELS: Channel[] = ['sms', 'email'];
/** A `started` entry is not an outcome: counting it would count every attempt twice. */
export type CountedResult = Exclude<AttemptResult, 'started'>;
const RESULTS: CountedResult[] = ['sent', 'retry', 'failed', 'duplicate', 'in_doubt'];

// prom-client creates a child's series on its first inc(); inc(0) makes it visible at 0.
function zeroed(child: Counter.Internal): Counter.Internal {
  child.inc(0);
  return child;
}

export class NotifierMetrics {
  readonly registry = new Registry();
  private readonly notifications = new Map<string, Counter.Internal>();
  private readonly webhooks = new Map<WebhookResult, Counter.Internal>();
  readonly journalWrite: Histogram;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'notifier_' });
    const notifications = new Counter({
      name: 'notifier_notifications_total',
      help: 'Delivery attempts by channel and result: sent, retry (transient failure, tried again), failed (given up), duplicate (suppressed by deduplication), in_doubt (not resent: an earlier attempt was interrupted after it may have reached the gateway).',
      labelNames: ['channel', 'result'],
      registers: [this.registry],
    });
    for (const c of CHANNELS) for (const r of RESULTS) this.notifications.set(`${c}|${r}`, zeroed(notifications.labels(c, r)));
    const webhooks = new Counter({
      name: 'notifier_webhook_requests_total',
      help: 'Webhook requests by result; anything but accepted was refused with a 4xx (or failed with a 5xx) and journaled.',
      labelNames: ['result'],
      registers: [this.registry],
    });
    for (const r of WEBHOOK_RESULTS) this.webhooks.set(r, zeroed(webhooks.labels(r)));
    this.journalWrite = new Histogram({
      name: 'notifier_journal_write_seconds',
      help: 'Time to make a batch of journal entries durable (write + fdatasync).',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [this.registry],
    });
  }

  notification(channel: Channel, result: CountedResult): void {
    this.notifications.get(`${channel}|${result}`)!.inc();
  }

  webhook(result: WebhookResult): void {
    this.webhooks.get(result)!.inc();
  }
}
