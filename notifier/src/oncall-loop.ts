// What happens to an incident after its first page, without a webhook: the chain's next
// step when nobody acknowledged in time (or every SMS of the steps before failed), the
// tier-1 mail held for business hours released (business-hold.ts), the
// acknowledgement (by SMS reply, mail link or the app) with its Alertmanager silence kept
// while the alerts fire, and the end of an acknowledged incident, which Alertmanager does
// not notify (#226) and is read from its API. Every decision is taken from the incidents
// as journaled, on a tick: a restart loses no timer, it only resumes the ticks.
import { maskMsisdn } from '@ussdwatch/common/mask.js';
import type { Logger } from '@ussdwatch/common/log.js';
import { releaseReason } from './business-hold.js';
import { emptyResult, incidentPayload, type Delivery, type Dispatcher } from './dispatch.js';
import { firingSms, whatIsWrong } from './incident-messages.js';
import type { Incident, Notified } from './incidents.js';
import { mailMessage } from './mail-body.js';
import { chainFor, type Language } from './oncall.js';
import type { AlertmanagerClient } from './silences.js';
import type { Watchdog } from './watchdog.js';

export interface Acknowledger {
  /** As the incident shows it: a masked number, `app (token name)`, `mail link`. */
  label: string;
  /** The person's name from the on-call file, for the notices. */
  name: string;
  /** The replier's recipient key: the others are told, not them. */
  recipientKey?: string;
}

export type AckOutcome = { result: 'ack' | 'close' | 'already' | 'unknown'; incident?: Incident };

const FAILED = new Set(['failed', 'undelivered']);
const heldMail = (n: Notified) => n.channel === 'mail' && n.result === 'held';

export class OnCallLoop {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private ticks = 0;

  constructor(
    private readonly d: Dispatcher,
    private readonly am: AlertmanagerClient,
    private readonly logger: Logger,
    private readonly watchdog?: Watchdog,
  ) {}

  start(intervalMs = 2000): void {
    this.timer = setInterval(() => {
      this.running ??= this.tick(Date.now()).catch((err: Error) => this.logger.log('error', 'on-call tick failed', { error: err.message })).finally(() => {
        this.running = undefined;
      });
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private get silenceMs(): number {
    return this.d.deps.cfg.alertmanager.silenceMinutes * 60_000;
  }

  async tick(now: number): Promise<void> {
    // First, and on its own: a failing escalation must not keep the pipeline's silence unpaged.
    await this.watchdog?.check(now).catch((err: Error) => this.logger.log('error', 'watchdog check failed; retried on the next tick', { error: err.message }));
    const book = this.d.deps.journal.incidents;
    for (const inc of book.open()) if (inc.state === 'open') await this.escalate(inc, now);
    for (const inc of book.all()) if (inc.notified.some(heldMail)) await this.releaseHeld(inc, now);
    // Alertmanager is asked every 5th tick (10 s by default), and only about silenced incidents.
    if (this.ticks++ % 5 !== 0 || !this.am.configured) return;
    for (const inc of book.all()) {
      if (inc.silence || (inc.state === 'acknowledged' && !inc.closed)) await this.followSilence(inc, now).catch((err: Error) => this.logger.log('warn', 'silence follow-up failed', { incident: inc.id, error: err.message }));
    }
  }

  /** Pages every chain step that is due and not yet paged; finishes one interrupted by a restart. */
  private async escalate(inc: Incident, now: number): Promise<void> {
    const tier = Math.min(3, inc.tier);
    const chain = chainFor(this.d.deps.cfg.oncall, this.d.chainTeam(inc), String(tier));
    if (!chain) return;
    const since = Date.parse(inc.tier_since);
    for (let k = 1; k < chain.length; k++) {
      const phase = `t${tier}/s${k}`;
      const done = inc.escalations.some((e) => e.step === k && e.tier === tier);
      if (done) {
        if (!inc.notified.some((n) => n.phase === phase)) await this.page(inc, k, phase);
        continue;
      }
      const before = inc.notified.filter((n) => n.channel === 'sms' && (n.phase === `t${tier}` || n.phase.startsWith(`t${tier}/s`)));
      const allFailed = before.length > 0 && before.every((n) => FAILED.has(n.result));
      if (since + chain[k].afterMs > now && !allFailed) return;
      const to = this.d.stepRecipients(inc, k).map((r) => (r.channel === 'sms' ? maskMsisdn(r.address) : r.address.replace(/^[^@]*/, '***')));
      const changed = await this.d.change(inc.id, `escalated to step ${k}${allFailed ? ' (every SMS before failed)' : ''}`, (x) => {
        if (x.state !== 'open' || x.escalations.some((e) => e.step === k && e.tier === tier)) return false;
        x.escalations.push({ at: new Date(now).toISOString(), step: k, to: to.join(', '), tier });
      });
      if (!changed) return;
      await this.page(changed.inc, k, phase);
      return;
    }
  }

  /**
   * The incident's held tier-1 mail: dropped (and journaled so) once the incident resolved,
   * sent once it may go. The mail goes first and is marked released after: a restart in
   * between resends nothing (the dedup has it), and no held mail is left behind.
   */
  private async releaseHeld(inc: Incident, now: number): Promise<void> {
    const held = inc.notified.filter(heldMail);
    const mark = (result: string) => (x: Incident) => {
      for (const n of x.notified) if (heldMail(n)) n.result = result;
    };
    if (inc.state === 'resolved') {
      await this.d.change(inc.id, `held tier-1 mail not sent: the incident resolved at ${inc.resolved_at} before business hours`, mark('cancelled'));
      return;
    }
    const why = releaseReason(this.d.deps.cfg.oncall, inc, Math.min(...held.map((n) => Date.parse(n.until ?? ''))), now);
    if (!why) return;
    // Whoever the higher tier's page reaches (the dispatcher sends it) gets no second mail.
    const paged = new Set(inc.tier > 1 ? this.d.pageRecipients(inc).map((r) => this.d.recipientKey(r.channel, r.address)) : []);
    const deliveries: Delivery[] = held.flatMap((n) => {
      const r = paged.has(n.recipientKey) ? undefined : this.d.recipientOf(n.recipientKey);
      return r ? [{
        r, inc, phase: n.phase, step: 0, notification: 0,
        sms: (lang: Language) => firingSms(inc, this.d.context(lang)),
        mail: () => mailMessage(incidentPayload(inc, whatIsWrong(inc, 'en')), this.d.mailExtra(inc)),
      }] : [];
    });
    await this.d.deliverAll(deliveries, emptyResult(0));
    await this.d.change(inc.id, `held tier-1 mail released: ${why}`, mark('released'));
  }

  private async page(inc: Incident, k: number, phase: string): Promise<void> {
    const deliveries: Delivery[] = this.d.stepRecipients(inc, k).map((r) => ({
      r, inc, phase, step: k, notification: 0,
      sms: (lang: Language) => firingSms(inc, this.d.context(lang)),
      mail: () => mailMessage(incidentPayload(inc, whatIsWrong(inc, 'en')), this.d.mailExtra(inc)),
    }));
    await this.d.deliverAll(deliveries, emptyResult(0));
  }

  /** Acknowledges (or closes) an incident: silence, then the others of the chain are told. */
  async acknowledge(id: number, who: Acknowledger, close: boolean): Promise<AckOutcome> {
    const now = new Date().toISOString();
    let outcome: AckOutcome['result'] = close ? 'close' : 'ack';
    const changed = await this.d.change(id, `${close ? 'closed' : 'acknowledged'} by ${who.label}`, (inc) => {
      if (inc.state === 'resolved' || (inc.state === 'acknowledged' && !close)) {
        outcome = 'already';
        return false;
      }
      if (inc.state === 'open') {
        inc.state = 'acknowledged';
        inc.acknowledged_at = now;
        inc.acknowledged_by = who.label;
      }
      if (close) {
        inc.state = 'resolved';
        inc.closed = true;
        inc.resolved_at = now;
      }
    });
    const current = this.d.deps.journal.incidents.get(id);
    if (!current) return { result: 'unknown' };
    if (!changed) return { result: outcome, incident: current };
    const inc = changed.inc;
    if (this.am.configured) await this.silence(inc, Date.now()).catch((err: Error) => this.logger.log('warn', 'silence not created; retried on the next tick', { incident: id, error: err.message }));
    const notices = this.d.ackNotices(inc, who.name, who.recipientKey, changed.seq);
    if (close) notices.push(...this.d.endNotices(inc, changed.seq, who.recipientKey));
    await this.d.deliverAll(notices, emptyResult(changed.seq));
    return { result: outcome, incident: this.d.deps.journal.incidents.get(id) };
  }

  /** Creates or extends the incident's silence. */
  private async silence(inc: Incident, now: number): Promise<void> {
    const until = now + this.silenceMs;
    const sid = await this.am.silence(inc, until, inc.acknowledged_by ?? 'notifier', inc.silence?.id);
    await this.d.change(inc.id, inc.silence ? 'silence extended' : 'silence created', (x) => {
      x.silence = { id: sid, until: new Date(until).toISOString() };
    });
  }

  /**
   * An acknowledged incident: its silence extended while its alerts fire; once none is
   * active any more, the silence goes and everyone paged is told it is over.
   */
  private async followSilence(inc: Incident, now: number): Promise<void> {
    const active = await this.am.activeFingerprints(inc);
    if (active.size > 0) {
      if (!inc.silence || Date.parse(inc.silence.until) - now < this.silenceMs / 2) await this.silence(inc, now);
      return;
    }
    if (inc.silence) await this.am.expire(inc.silence.id);
    const iso = new Date(now).toISOString();
    const changed = await this.d.change(inc.id, inc.state === 'resolved' ? 'silence removed' : 'resolved (its alerts ended under the silence)', (x) => {
      x.silence = null;
      for (const a of x.alerts) a.ends_at ??= iso;
      if (x.state !== 'resolved') {
        x.state = 'resolved';
        x.resolved_at = iso;
      }
    });
    if (!changed || inc.state === 'resolved') return;
    await this.d.deliverAll(this.d.endNotices(changed.inc, changed.seq), emptyResult(changed.seq));
  }
}
