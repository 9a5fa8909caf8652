// From one webhook notification to messages in people's hands: file its alerts into
// incidents, resolve who an incident's phase pages (the on-call chain's first step, or the
// team lists), skip those who already got that phase, deliver the rest with retries, and
// journal the receipt, the incidents and every attempt before answering. The on-call loop
// (oncall-loop.ts) uses the same delivery for escalations, acknowledgements and ends.
import { maskEmail, maskMsisdn, maskMsisdns } from '@ussdwatch/common/mask.js';
import type { NotifierConfig } from './config.js';
import type { EmailSender } from './email.js';
import { acknowledgedSms, firingSms, resolvedSms, whatIsWrong, type MessageContext } from './incident-messages.js';
import { firing, phaseOf, type Incident, type Notified } from './incidents.js';
import type { AlertSummary, Channel, Journal, NewEntry } from './journal.js';
import { keyedHash } from './keyed-hash.js';
import { mailMessage, type MailExtra, type RenderedEmail } from './mail-body.js';
import { chainFor, stepPeople, type Language } from './oncall.js';
import type { NotifierMetrics } from './metrics.js';
import type { WebhookAlert, WebhookPayload } from './payload.js';
import { withRetry, type Outcome } from './retry.js';
import { capSummarySms, SMS_CAP_WINDOW_MS, smsAllowance } from './sms-cap.js';
import { ackLink } from './ack-link.js';
import { BUSINESS_HOURS, holdUntil } from './business-hold.js';
import type { FittedSms } from './sms-fit.js';
import type { SmsSender } from './sms.js';

export type Tier = '1' | '2' | '3';

export interface Recipient {
  channel: Channel;
  team: string;
  address: string;
  language?: Language;
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
  /** SMS not sent: the recipient reached the hourly cap (the mail still went); or tier-1 mail held for business hours. */
  held: number;
  /** Given up for good (4xx, SMTP 5xx): Alertmanager retrying would not help. */
  refused: number;
  /** Still failing after the retries on a transient error: worth Alertmanager's retry. */
  unavailable: number;
  /** Incidents the notification's alerts belong to. */
  incidents: number[];
}

export interface DispatchDeps {
  cfg: NotifierConfig;
  journal: Journal;
  sms: SmsSender;
  email: EmailSender;
  metrics: NotifierMetrics;
}

/** One message of an incident's phase (or of the notifier's own watchdog) to one recipient. */
export interface Delivery {
  r: Recipient;
  /** Absent for the watchdog's pages, which are no incident: the phase alone is then their identity. */
  inc?: Incident;
  /** What the recipient is told, the unit of deduplication: t3, resolved, ack, t3/s1, watchdog/silent/<since>... */
  phase: string;
  /** Chain step paged (0 first page), null for notices. */
  step: number | null;
  /** seq of the journal entry that caused it (the webhook's receipt, or the incident's change). */
  notification: number;
  /** A mail that waits for business hours: journaled held until then, not sent. */
  holdUntil?: number | null;
  sms(lang: Language): FittedSms;
  mail(): RenderedEmail;
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

/** Records of messages that did not reach the person (a released mail has its own record). */
const NOT_TOLD: ReadonlySet<string> = new Set(['failed', 'held', 'released', 'cancelled']);

const uniq = (xs: (string | undefined | null)[]): string[] => [...new Set(xs.filter((x): x is string => !!x))];

export const emptyResult = (notification: number): DispatchResult => ({ notification, sent: 0, duplicates: 0, inDoubt: 0, held: 0, refused: 0, unavailable: 0, incidents: [] });

/** A webhook payload made from an incident, for the mails the notifier sends on its own (escalation, end). */
export function incidentPayload(inc: Incident, words: string): WebhookPayload {
  const alerts: WebhookAlert[] = inc.alerts.map((a) => ({
    status: inc.state === 'resolved' ? 'resolved' : a.ends_at ? 'resolved' : 'firing',
    labels: {
      alertname: a.alertname, tier: String(a.tier), team: a.team, ...(a.class && { class: a.class }), ...(a.cause && { cause: a.cause }),
      ...(inc.short_code && { short_code: inc.short_code }), ...(inc.node && { node: inc.node }), ...(inc.source && { source: inc.source }),
    },
    annotations: { summary: words },
    startsAt: a.starts_at ?? inc.started_at, endsAt: a.ends_at ?? '', generatorURL: '', fingerprint: a.fingerprint,
  }));
  const first = alerts[0]?.labels ?? { alertname: inc.key, tier: String(inc.tier) };
  return {
    version: '4', groupKey: `incident/${inc.id}`, truncatedAlerts: 0, status: inc.state === 'resolved' ? 'resolved' : 'firing', receiver: 'incident',
    groupLabels: { alertname: first.alertname, ...(inc.short_code && { short_code: inc.short_code }) }, commonLabels: { ...first, tier: String(inc.tier) },
    commonAnnotations: { summary: words }, externalURL: '', alerts,
  };
}

export class Dispatcher {
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(readonly deps: DispatchDeps) {}

  /** One recipient (or the incident book) at a time: two copies of a notification (HA pair) must not both pass the dedup check. */
  exclusive<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(key) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(key, tail);
    return run.finally(() => {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    });
  }

  context(lang: Language): MessageContext {
    const { cfg } = this.deps;
    return { lang, timezone: cfg.oncall?.timezone ?? 'Africa/Algiers', services: cfg.services };
  }

  /** The team whose chain an incident of this tier pages: tier 3 the critical team; an unknown team falls to it too. */
  chainTeam(inc: Incident, tier = inc.tier): string {
    const { cfg } = this.deps;
    return tier >= 3 || !cfg.teams.has(inc.team) ? cfg.criticalTeam : inc.team;
  }

  /**
   * The first page of every tier the incident's alerts reached (its own tier included): a
   * slow code whose timeouts also raise a tier-3 alert still pages the owning team's on-call
   * (tier 2) beside the critical chain, each person once.
   */
  pageRecipients(inc: Incident): Recipient[] {
    const clamp = (t: number) => Math.min(3, Math.max(1, t));
    const tiers = new Set([clamp(inc.tier), ...inc.alerts.filter(firing).map((a) => clamp(a.tier))]);
    const out = new Map<string, Recipient>();
    for (const t of [...tiers].sort().reverse()) {
      for (const r of this.tierPage(inc, t)) if (!out.has(`${r.channel}|${r.address}`)) out.set(`${r.channel}|${r.address}`, r);
    }
    return [...out.values()];
  }

  /** One tier's first page: chain step 0 when the on-call file has a chain, else the team lists; the mail lists. */
  private tierPage(inc: Incident, t: number): Recipient[] {
    const { cfg } = this.deps;
    const tier = String(t) as Tier;
    const lists = recipientsFor(tier, [inc.team], cfg);
    const chain = tier === '1' ? undefined : chainFor(cfg.oncall, this.chainTeam(inc, t), tier);
    if (!chain) return lists;
    return [...this.stepRecipients(inc, 0, t), ...lists.filter((r) => r.channel === 'email')];
  }

  /** The people of chain step k for a tier (the incident's, by default), by SMS. */
  stepRecipients(inc: Incident, k: number, tier = Math.min(3, inc.tier)): Recipient[] {
    const { cfg } = this.deps;
    const team = this.chainTeam(inc, tier);
    const chain = chainFor(cfg.oncall, team, String(tier));
    const step = chain?.[k];
    if (!step || !cfg.oncall) return [];
    return stepPeople(cfg.oncall, step, Date.parse(inc.tier_since)).flatMap((p) => [
      ...(p.sms ? [{ channel: 'sms' as const, team, address: p.sms, language: p.language }] : []),
      ...(!p.sms && p.email ? [{ channel: 'email' as const, team, address: p.email, language: p.language }] : []),
    ]);
  }

  /** Every recipient told of the incident so far, back from their keyed hashes (addresses are never journaled in clear). */
  everyoneTold(inc: Incident, except?: string): Recipient[] {
    const known = this.addressBook();
    const out = new Map<string, Recipient>();
    for (const n of inc.notified) {
      if (n.recipientKey === except || NOT_TOLD.has(n.result)) continue;
      const r = known.get(n.recipientKey);
      if (r) out.set(n.recipientKey, r);
    }
    return [...out.values()];
  }

  /** Who a keyed hash stands for, among the configured numbers and addresses. */
  recipientOf(recipientKey: string): Recipient | undefined {
    return this.addressBook().get(recipientKey);
  }

  private addressBook(): Map<string, Recipient> {
    const { cfg } = this.deps;
    const book = new Map<string, Recipient>();
    const add = (channel: Channel, team: string, address: string, language?: Language) => book.set(this.recipientKey(channel, address), { channel, team, address, language });
    for (const [name, t] of cfg.teams) {
      for (const a of [...t.emails, ...t.criticalEmails]) add('email', name, a);
      for (const a of [...t.oncallSms, ...t.criticalSms]) add('sms', name, a);
    }
    for (const p of cfg.oncall?.people.values() ?? []) {
      if (p.sms) add('sms', '', p.sms, p.language);
      if (p.email) add('email', '', p.email, p.language);
    }
    return book;
  }

  recipientKey(channel: Channel, address: string): string {
    return keyedHash(this.deps.cfg.token, `${channel}|${address}`);
  }

  /** Journals incidents as they are now, with what changed; the book takes them from the journal. */
  async record(incidents: Incident[], change: string): Promise<number[]> {
    if (incidents.length === 0) return [];
    const entries = await this.deps.journal.append(incidents.map((incident) => ({
      kind: 'incident' as const, change, incident, shortCodes: uniq([incident.short_code]), tiers: [String(incident.tier)],
    })));
    return entries.map((e) => e.seq);
  }

  /** Changes an incident under the book's lock: `fn` edits a copy; the copy is journaled unless fn returns false. */
  async change(id: number, change: string, fn: (inc: Incident) => boolean | void): Promise<{ inc: Incident; seq: number } | undefined> {
    return this.exclusive('incidents', async () => {
      const current = this.deps.journal.incidents.get(id);
      if (!current) return undefined;
      const inc = structuredClone(current);
      if (fn(inc) === false) return undefined;
      const [seq] = await this.record([inc], change);
      return { inc, seq };
    });
  }

  async dispatch(tier: Tier, p: WebhookPayload): Promise<DispatchResult> {
    const { journal } = this.deps;
    const shortCodes = uniq(p.alerts.map((a) => a.labels.short_code));
    const tiers = uniq([tier, ...p.alerts.map((a) => a.labels.tier)]);
    const [received] = await journal.append([{
      kind: 'received', receiver: p.receiver, groupKey: p.groupKey, status: p.status, alerts: alertSummaries(p), shortCodes, tiers,
    }]);
    const incidents = await this.exclusive('incidents', async () => {
      const { touched, changed } = journal.incidents.apply(p.alerts, Number(tier), Date.now());
      await this.record(changed, `notification ${received.seq}`);
      return touched;
    });
    const result = emptyResult(received.seq);
    result.incidents = incidents.map((i) => i.id);
    for (const inc of incidents) {
      const phase = phaseOf(inc);
      const recipients = phase === 'resolved' ? this.everyoneTold(inc) : this.pageRecipients(inc);
      const holdMail = phase === 't1' ? holdUntil(this.deps.cfg.oncall, inc, Date.now()) : null;
      await this.deliverAll(recipients.map((r) => ({
        r, inc, phase, step: phase === 'resolved' ? null : 0, notification: received.seq, holdUntil: r.channel === 'email' ? holdMail : null,
        sms: (lang: Language) => (phase === 'resolved' ? resolvedSms(inc, this.context(lang)) : firingSms(inc, this.context(lang))),
        // The incident's tier, whichever alert's notification this is.
        mail: () => mailMessage({ ...p, commonLabels: { ...p.commonLabels, tier: String(inc.tier) } }, this.mailExtra(inc)),
      })), result);
    }
    return result;
  }

  mailExtra(inc: Incident): MailExtra {
    const { cfg } = this.deps;
    const url = inc.state === 'open' && cfg.links.baseUrl ? ackLink(cfg.links.baseUrl, cfg.token, inc.id, Date.now() + cfg.links.validHours * 3_600_000) : undefined;
    return { incident: `incident #${inc.id} (${inc.state})`, ackUrl: url, alerts: inc.alerts };
  }

  /** The end told to everyone told of the incident (but `except`), when the notifier sees it itself. */
  endNotices(inc: Incident, notification: number, except?: string): Delivery[] {
    return this.everyoneTold(inc, except).map((r) => ({
      r, inc, phase: 'resolved', step: null, notification,
      sms: (lang: Language) => resolvedSms(inc, this.context(lang)),
      mail: () => mailMessage(incidentPayload(inc, whatIsWrong(inc, 'en')), this.mailExtra(inc)),
    }));
  }

  /** The acknowledgement told to the others paged, in their language. */
  ackNotices(inc: Incident, by: string, except: string | undefined, notification: number): Delivery[] {
    return this.everyoneTold(inc, except).map((r) => ({
      r, inc, phase: 'ack', step: null, notification,
      sms: (lang: Language) => acknowledgedSms(inc, by, this.context(lang)),
      mail: () => mailMessage(incidentPayload(inc, acknowledgedSms(inc, by, this.context('en')).text), this.mailExtra(inc)),
    }));
  }

  /** An SMS of the incident was not delivered: its person gets the same by mail, when the on-call file has their address. */
  async fallbackMail(id: number, recipientKey: string, phase: string): Promise<void> {
    const { cfg, journal } = this.deps;
    const inc = journal.incidents.get(id);
    const person = [...(cfg.oncall?.people.values() ?? [])].find((p) => p.sms && this.recipientKey('sms', p.sms) === recipientKey);
    if (!inc || !person?.email) return;
    await this.deliverAll([{
      r: { channel: 'email', team: this.chainTeam(inc), address: person.email, language: person.language }, inc, phase: `${phase}/mail`, step: null, notification: 0,
      sms: (lang) => firingSms(inc, this.context(lang)),
      mail: () => mailMessage(incidentPayload(inc, `SMS not delivered: ${firingSms(inc, this.context(person.language)).text}`), this.mailExtra(inc)),
    }], emptyResult(0));
  }

  /** Delivers each, then journals who was told what in the incident (one snapshot for all). */
  async deliverAll(deliveries: Delivery[], result: DispatchResult): Promise<Notified[]> {
    if (deliveries.length === 0) return [];
    const told: Notified[] = [];
    await Promise.all(deliveries.map(async (d) => {
      const n = await this.deliver(d, result);
      if (n) told.push(n);
    }));
    const inc = deliveries[0].inc;
    if (!inc) return told;
    if (told.length) {
      await this.change(inc.id, `told ${told.length}: ${deliveries[0].phase}`, (inc) => {
        inc.notified.push(...told);
      });
    }
    // An SMS the gateway refused for good: the person's mail now (the chain's next step follows on the tick).
    for (const n of told) if (n.channel === 'sms' && n.result === 'failed') await this.fallbackMail(inc.id, n.recipientKey, n.phase);
    return told;
  }

  /** One message through the dedup, the SMS cap and the retries; the Notified record when something was attempted. */
  private deliver(d: Delivery, result: DispatchResult): Promise<Notified | undefined> {
    const { cfg, journal } = this.deps;
    const { r } = d;
    return this.exclusive(`${r.channel}|${r.address}`, async () => {
      const recipientKey = this.recipientKey(r.channel, r.address);
      const { inc } = d;
      const dedupKeys = [keyedHash(cfg.token, inc ? `incident|${inc.id}|${d.phase}` : d.phase)];
      const shortCodes = inc ? uniq([inc.short_code]) : [];
      const tiers = inc ? [String(inc.tier)] : [];
      const masked = r.channel === 'sms' ? maskMsisdn(r.address) : maskEmail(r.address);
      const base = {
        kind: 'attempt' as const, notification: d.notification, channel: r.channel, team: r.team, recipient: masked,
        recipientKey, dedupKeys, shortCodes, tiers, incidentId: inc?.id, phase: d.phase,
      };
      const since = Date.now() - cfg.dedupWindowMs;
      if (dedupKeys.every((k) => journal.wasSent(r.channel, recipientKey, k, since))) {
        await journal.append([{ ...base, result: 'duplicate', attempt: 0, durationMs: 0 }]);
        this.deps.metrics.notification(r.channel, 'duplicate');
        result.duplicates++;
        return undefined;
      }
      const interrupted = journal.interruptedAt(r.channel, recipientKey, dedupKeys, since);
      if (interrupted) {
        await journal.append([{
          ...base, result: 'in_doubt', attempt: 0, durationMs: 0,
          message: `previous attempt interrupted at ${interrupted}; not resent to avoid a duplicate`,
        }]);
        this.deps.metrics.notification(r.channel, 'in_doubt');
        result.inDoubt++;
        return undefined;
      }
      const told = (res: string): Notified => ({ recipient: masked, recipientKey, channel: r.channel === 'sms' ? 'sms' : 'mail', at: new Date().toISOString(), result: res, step: d.step, phase: d.phase });
      if (d.holdUntil) {
        const until = new Date(d.holdUntil).toISOString();
        // Alertmanager repeats a notification while its alert fires: the mail is held once.
        const already = (inc && journal.incidents.get(inc.id))?.notified.some((n) => n.recipientKey === recipientKey && n.phase === d.phase && n.result === 'held');
        await journal.append([{ ...base, result: already ? 'duplicate' : 'held', attempt: 0, durationMs: 0, until, message: `outside business hours (${cfg.oncall!.file}): held until ${until}, sooner if the fault grows` }]);
        this.deps.metrics.notification(r.channel, already ? 'duplicate' : 'held');
        if (already) {
          result.duplicates++;
          return undefined;
        }
        result.held++;
        return { ...told('held'), until, reason: BUSINESS_HOURS };
      }
      let capSummary: FittedSms | undefined;
      if (r.channel === 'sms') {
        const now = Date.now();
        const cap = cfg.sms.maxPerRecipientPerHour;
        const allowance = smsAllowance(journal.smsDeliveries(recipientKey, now - SMS_CAP_WINDOW_MS), cap, now);
        if (allowance.send === 'none') {
          const until = new Date(allowance.resumeAt).toISOString();
          await journal.append([{ ...base, result: 'held', attempt: 0, durationMs: 0, until, message: `${cap} SMS in the last hour: held, the summary was sent; the mail still goes` }]);
          this.deps.metrics.notification('sms', 'held');
          result.held++;
          return { ...told('held'), until, reason: 'SMS cap' };
        }
        if (allowance.send === 'summary') capSummary = capSummarySms(cap, 1, allowance.resumeAt);
      }
      const entryBase = capSummary
        ? { ...base, capSummary: true as const, message: `${cfg.sms.maxPerRecipientPerHour} SMS/h cap reached: this summary was sent instead of the alert` }
        : base;
      let sms: FittedSms | undefined;
      let email: RenderedEmail | undefined;
      // Kannel's delivery reports name an incident: a watchdog page has none to report to.
      const dlr = cfg.callback && inc && `${cfg.callback.url}/api/sms/dlr?token=${encodeURIComponent(cfg.callback.token)}&incident=${inc.id}&phase=${encodeURIComponent(d.phase)}&to=${recipientKey}&type=%d`;
      const send = (): Promise<Outcome> => r.channel === 'sms'
        ? this.deps.sms(r.address, capSummary ?? (sms ??= d.sms(r.language ?? 'fr')), dlr)
        : this.deps.email.send(r.address, (email ??= d.mail()));
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
      return told(outcome.ok ? 'sent' : 'failed');
    });
  }
}
