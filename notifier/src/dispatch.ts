// From one webhook notification to messages in people's hands: resolve the recipients
// of the tier and teams, skip those who already got this alert state, deliver the rest
// with retries, and journal the receipt and every attempt before answering.
import { maskEmail, maskMsisdn, maskMsisdns } from '@ussdwatch/common/mask.js';
import type { NotifierConfig } from './config.js';
import type { EmailSender } from './email.js';
import type { AlertSummary, Channel, Journal, NewEntry } from './journal.js';
import { keyedHash } from './keyed-hash.js';
import { mailMessage, type RenderedEmail } from './mail-body.js';
import { smsMessage } from './messages.js';
import type { NotifierMetrics } from './metrics.js';
import type { WebhookPayload } from './payload.js';
import { withRetry, type Outcome } from './retry.js';
import { capSummarySms, SMS_CAP_WINDOW_MS, smsAllowance } from './sms-cap.js';
import type { FittedSms } from './sms-fit.js';
import type { SmsSender } from './sms.js';

export type Tier = '1' | '2' | '3';

export interface Recipient {
  channel: Channel;
  team: string;
  address: string;
}

/**
 * tier 1: email to the owning teams; tier 2: the teams' on-call SMS and email; tier 3:
 * the critical team's critical SMS and email lists. A team the config does not know is
 * replaced by the critical team, so an alert is never addressed to nobody.
 */
export function recipientsFor(tier: Tier, teamLabels: string[], cfg: Pick<NotifierConfig, 'teams' | 'criticalTeam'>): Recipient[] {
  const out = new Map<string, Recipient>();
  const add = (channel: Channel, team: string, list: string[]) => {
    for (const address of list) if (!out.has(`${channel}|${address}`)) out.set(`${channel}|${address}`, { channel, team, address });
  };
  if (tier === '3') {
    const crit = cfg.teams.get(cfg.criticalTeam)!;
    add('sms', cfg.criticalTeam, crit.criticalSms);
    add('email', cfg.criticalTeam, crit.criticalEmails.length ? crit.criticalEmails : crit.emails);
    return [...out.values()];
  }
  const teams = new Set(teamLabels.map((t) => (cfg.teams.has(t) ? t : cfg.criticalTeam)));
  if (teams.size === 0) teams.add(cfg.criticalTeam);
  for (const name of teams) {
    const team = cfg.teams.get(name)!;
    if (tier === '2') add('sms', name, team.oncallSms);
    add('email', name, team.emails);
  }
  return [...out.values()];
}

export interface DispatchResult {
  notification: number;
  sent: number;
  duplicates: number;
  /** Not resent: an earlier attempt was interrupted mid-request and may have been delivered. */
  inDoubt: number;
  /** SMS not sent: the recipient reached the hourly cap (the mail still went). */
  held: number;
  /** Given up for good (4xx, SMTP 5xx): Alertmanager retrying would not help. */
  refused: number;
  /** Still failing after the retries on a transient error: worth Alertmanager's retry. */
  unavailable: number;
}

export interface DispatchDeps {
  cfg: NotifierConfig;
  journal: Journal;
  sms: SmsSender;
  email: EmailSender;
  metrics: NotifierMetrics;
}

function alertSummaries(p: WebhookPayload): AlertSummary[] {
  return p.alerts.map((a) => ({
    fingerprint: a.fingerprint,
    status: a.status,
    alertname: a.labels.alertname,
    short_code: a.labels.short_code,
    tier: a.labels.tier,
    team: a.labels.team,
    severity: a.labels.severity,
    // A number quoted in a rule's summary stays out of the journal, as it does out of messages.
    summary: a.annotations.summary === undefined ? undefined : maskMsisdns(a.annotations.summary),
    startsAt: a.startsAt,
  }));
}

const uniq = (xs: (string | undefined)[]): string[] => [...new Set(xs.filter((x): x is string => !!x))];

export class Dispatcher {
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: DispatchDeps) {}

  /** One recipient at a time: two copies of a notification (HA pair) must not both pass the dedup check. */
  private async exclusive<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(key) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    }
  }

  async dispatch(tier: Tier, p: WebhookPayload): Promise<DispatchResult> {
    const { cfg, journal } = this.deps;
    const shortCodes = uniq(p.alerts.map((a) => a.labels.short_code));
    const tiers = uniq([tier, ...p.alerts.map((a) => a.labels.tier)]);
    const [received] = await journal.append([{
      kind: 'received', receiver: p.receiver, groupKey: p.groupKey, status: p.status, alerts: alertSummaries(p), shortCodes, tiers,
    }]);
    const recipients = recipientsFor(tier, p.alerts.map((a) => a.labels.team), cfg);
    // startsAt tells firing episodes apart: Prometheus keeps it across Alertmanager
    // retries and HA peers, and gives an alert that fires again a new one.
    const dedupKeys = p.alerts.map((a) => keyedHash(cfg.token, `${p.groupKey}|${a.fingerprint}|${a.startsAt}|${a.status}`));
    let sms: FittedSms | undefined;
    let email: RenderedEmail | undefined;
    const result: DispatchResult = { notification: received.seq, sent: 0, duplicates: 0, inDoubt: 0, held: 0, refused: 0, unavailable: 0 };

    await Promise.all(recipients.map((r) => this.exclusive(`${r.channel}|${r.address}`, async () => {
      const recipientKey = keyedHash(cfg.token, `${r.channel}|${r.address}`);
      const base = {
        kind: 'attempt' as const, notification: received.seq, channel: r.channel, team: r.team,
        recipient: r.channel === 'sms' ? maskMsisdn(r.address) : maskEmail(r.address),
        recipientKey, dedupKeys, shortCodes, tiers,
      };
      const since = Date.now() - cfg.dedupWindowMs;
      if (dedupKeys.every((k) => journal.wasSent(r.channel, recipientKey, k, since))) {
        await journal.append([{ ...base, result: 'duplicate', attempt: 0, durationMs: 0 }]);
        this.deps.metrics.notification(r.channel, 'duplicate');
        result.duplicates++;
        return;
      }
      const interrupted = journal.interruptedAt(r.channel, recipientKey, dedupKeys, since);
      if (interrupted) {
        await journal.append([{
          ...base, result: 'in_doubt', attempt: 0, durationMs: 0,
          message: `previous attempt interrupted at ${interrupted}; not resent to avoid a duplicate`,
        }]);
        this.deps.metrics.notification(r.channel, 'in_doubt');
        result.inDoubt++;
        return;
      }
      let capSummary: FittedSms | undefined;
      if (r.channel === 'sms') {
        const now = Date.now();
        const cap = cfg.sms.maxPerRecipientPerHour;
        const allowance = smsAllowance(journal.smsDeliveries(recipientKey, now - SMS_CAP_WINDOW_MS), cap, now);
        if (allowance.send === 'none') {
          await journal.append([{ ...base, result: 'held', attempt: 0, durationMs: 0, message: `${cap} SMS in the last hour: held, the summary was sent; the mail still goes` }]);
          this.deps.metrics.notification('sms', 'held');
          result.held++;
          return;
        }
        if (allowance.send === 'summary') capSummary = capSummarySms(cap, p.alerts.length, allowance.resumeAt);
      }
      const entryBase = capSummary
        ? { ...base, capSummary: true as const, message: `${cfg.sms.maxPerRecipientPerHour} SMS/h cap reached: this summary was sent instead of the alert` }
        : base;
      const send = (): Promise<Outcome> => r.channel === 'sms'
        ? this.deps.sms(r.address, capSummary ?? (sms ??= smsMessage(p)))
        : this.deps.email.send(r.address, (email ??= mailMessage(p)));
      const outcome = await withRetry(r.channel === 'sms' ? cfg.sms.retry : cfg.email.retry, send, {
        started: async (attempt) => {
          await journal.append([{ ...entryBase, result: 'started', attempt, durationMs: 0 }]);
        },
        finished: async (attempt, o, willRetry, durationMs) => {
          const res = o.ok ? 'sent' : willRetry ? 'retry' : 'failed';
          const entry: NewEntry = { ...entryBase, result: res, attempt, gatewayStatus: o.status, gatewayAnswer: o.answer, durationMs };
          await journal.append([entry]);
          this.deps.metrics.notification(r.channel, res);
        },
      });
      if (outcome.ok) result.sent++;
      else if (outcome.transient) result.unavailable++;
      else result.refused++;
    })));
    return result;
  }
}
