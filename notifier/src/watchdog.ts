// The far end of the dead man's switch. Prometheus fires `Watchdog` always and Alertmanager
// posts it to /webhook/watchdog every minute; when it stops, Prometheus, Alertmanager or the
// network to the notifier is gone and no other alert can reach anyone, so the notifier, the
// last link, pages the watchdog team's on-call itself: once when the heartbeat stops for the
// timeout, once when it comes back. Heartbeats are only remembered (no incident, no journal
// line); the state changes are journaled, and a restart reads the last one back. A pure
// core (watchdogCheck, the texts, who is paged) and the Watchdog class doing the I/O.
import type { Logger } from '@ussdwatch/common/log.js';
import type { NotifierConfig } from './config.js';
import { emptyResult, type Dispatcher, type Recipient } from './dispatch.js';
import { escapeHtml, type RenderedEmail } from './mail-body.js';
import type { NotifierMetrics } from './metrics.js';
import { chainFor, localTime, stepPeople, type Language } from './oncall.js';
import { fitSms, type FittedSms } from './sms-fit.js';

/** The alert a heartbeat carries (prometheus/rules/watchdog.yml). */
export const HEARTBEAT_ALERT = 'Watchdog';

export interface WatchdogState {
  /** The notifier's start: a pipeline that never came up is silent too. */
  startedAt: number;
  lastHeartbeat: number | null;
  /** While the silence has been paged: the time the page said the heartbeat stopped. */
  silentSince: number | null;
}

/** A state change to journal and tell: `since` the last heartbeat (or start-up), `at` the first heartbeat back. */
export type WatchdogChange = { state: 'silent'; since: number } | { state: 'back'; since: number; at: number };

/** What the tick must do at `now`: page a silence once the timeout passed, tell the first heartbeat after it. */
export function watchdogCheck(s: WatchdogState, now: number, timeoutMs: number): WatchdogChange | null {
  if (s.silentSince === null) {
    const since = s.lastHeartbeat ?? s.startedAt;
    return now - since >= timeoutMs ? { state: 'silent', since } : null;
  }
  return s.lastHeartbeat !== null && s.lastHeartbeat > s.silentSince ? { state: 'back', since: s.silentSince, at: s.lastHeartbeat } : null;
}

/** The SMS, in the person's language, fitted to one part (the checks are cut first). */
export function watchdogSms(c: WatchdogChange, lang: Language, timezone: string): FittedSms {
  const since = localTime(c.since, timezone);
  if (c.state === 'silent') {
    return fitSms(lang === 'en'
      ? `ussdwatch: no heartbeat from Prometheus/Alertmanager since ${since} (${timezone}): alerts cannot reach you; check Prometheus, Alertmanager and network`
      : `ussdwatch: aucun signal de Prometheus/Alertmanager depuis ${since} (${timezone}): les alertes ne vous joignent plus; vérifiez Prometheus, Alertmanager, réseau`);
  }
  const at = localTime(c.at, timezone);
  return fitSms(lang === 'en'
    ? `ussdwatch: heartbeat from Prometheus/Alertmanager back at ${at} (silent since ${since}): alerts reach you again`
    : `ussdwatch: signal de Prometheus/Alertmanager revenu à ${at} (muet depuis ${since}): les alertes vous parviennent de nouveau`);
}

export function watchdogMail(c: WatchdogChange, timezone: string): RenderedEmail {
  const sms = watchdogSms(c, 'en', timezone).text;
  const subject = c.state === 'silent'
    ? `[ussdwatch] pipeline silent: no heartbeat since ${localTime(c.since, timezone)} (${timezone})`
    : `[ussdwatch] pipeline back at ${localTime(c.at, timezone)} (${timezone})`;
  const more = c.state === 'silent'
    ? 'Until the message "pipeline back", no alert can reach anyone: watch the platform by other means. What to check: docs/runbooks/Watchdog.md.'
    : 'Alerts raised meanwhile reach you now, if they still fire.';
  return { subject, text: `${sms}\n\n${more}\n`, html: `<p>${escapeHtml(sms)}</p><p>${escapeHtml(more)}</p>` };
}

/**
 * Who hears of it: the first step of the team's chain (tier 3's when it has one, else tier
 * 2's) at `at` by SMS, and the team's mail list (critical_emails first), like a tier-3 page;
 * without a chain, the team's on-call (or critical) numbers.
 */
export function watchdogRecipients(cfg: Pick<NotifierConfig, 'oncall' | 'teams'>, team: string, at: number): Recipient[] {
  const t = cfg.teams.get(team);
  if (!t) return [];
  const chain = chainFor(cfg.oncall, team, '3') ?? chainFor(cfg.oncall, team, '2');
  const out = new Map<string, Recipient>();
  const add = (r: Recipient) => out.set(`${r.channel}|${r.address}`, r);
  if (chain && cfg.oncall) {
    for (const p of stepPeople(cfg.oncall, chain[0], at)) {
      if (p.sms) add({ channel: 'sms', team, address: p.sms, language: p.language });
      else if (p.email) add({ channel: 'email', team, address: p.email, language: p.language });
    }
  } else {
    for (const n of t.oncallSms.length ? t.oncallSms : t.criticalSms) add({ channel: 'sms', team, address: n });
  }
  for (const a of t.criticalEmails.length ? t.criticalEmails : t.emails) add({ channel: 'email', team, address: a });
  return [...out.values()];
}

export class Watchdog {
  private readonly state: WatchdogState;

  /** Started at `now`: silent as the journal last said, else given one timeout's grace from now. */
  constructor(
    private readonly d: Dispatcher,
    private readonly metrics: NotifierMetrics,
    private readonly logger: Logger,
    now: number,
  ) {
    const last = d.deps.journal.watchdog;
    this.state = { startedAt: now, lastHeartbeat: null, silentSince: last?.state === 'silent' ? Date.parse(last.since) : null };
    metrics.watchdogSilent(this.state.silentSince !== null);
  }

  heartbeat(now: number): void {
    this.state.lastHeartbeat = now;
    this.metrics.watchdogHeartbeat(now);
  }

  /** On the on-call tick: journals a state change first (a restart then neither pages twice nor misses the end), then tells it. */
  async check(now: number): Promise<void> {
    const { cfg, journal } = this.d.deps;
    if (!cfg.watchdog) return;
    const change = watchdogCheck(this.state, now, cfg.watchdog.timeoutMs);
    if (!change) return;
    const timezone = cfg.oncall?.timezone ?? 'Africa/Algiers';
    const since = new Date(change.since).toISOString();
    const message = watchdogSms(change, 'en', timezone).text;
    await journal.append([{ kind: 'watchdog', state: change.state, since, message, shortCodes: [], tiers: [] }]);
    this.state.silentSince = change.state === 'silent' ? change.since : null;
    this.metrics.watchdogSilent(change.state === 'silent');
    this.logger.log(change.state === 'silent' ? 'error' : 'info', change.state === 'silent' ? 'alerting pipeline silent: paging' : 'alerting pipeline back', { since, team: cfg.watchdog.team });
    const recipients = watchdogRecipients(cfg, cfg.watchdog.team, change.since);
    // One phase per silence: its page and its end are each sent once, even across a restart.
    const phase = `watchdog/${change.state}/${since}`;
    await this.d.deliverAll(recipients.map((r) => ({
      r, phase, step: null, notification: 0,
      sms: (lang: Language) => watchdogSms(change, lang, timezone),
      mail: () => watchdogMail(change, timezone),
    })), emptyResult(0));
  }
}
