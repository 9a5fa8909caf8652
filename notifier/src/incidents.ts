// Incidents: the alerts of one fault, told to people once. Alerts with the same short code
// (else the same node, else the same log source) that fire while an incident of that key
// is open belong to it; people hear of the incident, its tier rising, its acknowledgement
// and its end, never once per rule. Pure: the book changes in memory, and the caller
// journals every changed incident (a whole snapshot), which is what a restart reads back.
import type { WebhookAlert } from './payload.js';

export type IncidentState = 'open' | 'acknowledged' | 'resolved';

export interface IncidentAlert {
  fingerprint: string;
  alertname: string;
  tier: number;
  team: string;
  /** The alert's class and cause labels (absent from incidents journaled before they were kept). */
  class?: string;
  cause?: string;
  starts_at: string | null;
  ends_at: string | null;
}

/** One message to one person about the incident; `recipientKey` (a keyed hash) stays internal. */
export interface Notified {
  recipient: string;
  recipientKey: string;
  channel: 'sms' | 'mail';
  at: string;
  /**
   * sent (gateway accepted), failed, delivered / undelivered (delivery report), held; a
   * held mail becomes released (sent again, as a record of its own) or cancelled (the
   * incident resolved before).
   */
  result: string;
  /** 0 for the first page, k for the chain's step k; null for notices (acknowledged, resolved). */
  step: number | null;
  phase: string;
  /** A held message: when it may go again (ISO-8601 UTC), and why it waits (`business hours`, `SMS cap`). */
  until?: string;
  reason?: string;
}

export interface Incident {
  id: number;
  key: string;
  short_code: string | null;
  node: string | null;
  source: string | null;
  /** The team of the alert that opened it: whose chain is paged. */
  team: string;
  tier: number;
  /** When the incident reached its tier: the chain's delays count from there. */
  tier_since: string;
  state: IncidentState;
  started_at: string;
  resolved_at: string | null;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  /** Closed by a person (reply `c`) rather than by its alerts resolving. */
  closed: boolean;
  alerts: IncidentAlert[];
  notified: Notified[];
  /** Chain steps paged after the first, with the tier whose chain it was. */
  escalations: Array<{ at: string; step: number; to: string; tier: number }>;
  /** The Alertmanager silence of an acknowledged incident, until it is removed. */
  silence: { id: string; until: string } | null;
}

/** What the caller must tell people after a change. */
export type Phase = `t${number}` | 'resolved';

export const phaseOf = (i: Incident): Phase => (i.state === 'resolved' ? 'resolved' : `t${i.tier}`);

/** short_code (not `unknown`), else node, else source, else the alert name. */
export function incidentKey(labels: Record<string, string>): { key: string; short_code: string | null; node: string | null; source: string | null } {
  const code = labels.short_code && labels.short_code !== 'unknown' ? labels.short_code : null;
  const node = labels.node || null;
  const source = labels.source || null;
  // A log source before its node: every series of a per-node exporter carries the node as a
  // target label, so keying source alerts by node would make one node-wide incident of
  // unrelated faults, which ends only when the last of them does.
  const key = code ? `short_code=${code}` : source ? `source=${source}` : node ? `node=${node}` : `alertname=${labels.alertname}`;
  return { key, short_code: code, node: code || source ? null : node, source: code ? null : source };
}

/** An alert of the incident that has not ended. */
export const firing = (a: IncidentAlert) => a.ends_at === null;
const tierOf = (labels: Record<string, string>, route: number) => Number(labels.tier) || route;

export class IncidentBook {
  private readonly byId = new Map<number, Incident>();
  private readonly openByKey = new Map<string, Incident>();
  /** The incident each alert last belonged to: a resolved alert's copy or retry finds its incident over. */
  private readonly byFingerprint = new Map<string, number>();
  /** Delivery reports by incident|recipientKey|phase, the newest. */
  private readonly receipts = new Map<string, string>();
  private lastId = 0;

  /** A snapshot read back from the journal (or just written): the newest wins. */
  restore(i: Incident): void {
    this.byId.set(i.id, i);
    this.lastId = Math.max(this.lastId, i.id);
    for (const a of i.alerts) this.byFingerprint.set(a.fingerprint, i.id);
    this.applyReceipts(i);
    if (i.state === 'resolved') {
      if (this.openByKey.get(i.key)?.id === i.id) this.openByKey.delete(i.key);
    } else this.openByKey.set(i.key, i);
  }

  /**
   * A delivery report: the SMS of that phase to that person is now delivered, or not. It
   * can come before the incident records the SMS (Kannel is quick): kept until it does.
   */
  delivered(id: number, recipientKey: string, phase: string, result: string): void {
    this.receipts.set(`${id}|${recipientKey}|${phase}`, result);
    const inc = this.byId.get(id);
    if (inc) this.applyReceipts(inc);
  }

  private applyReceipts(inc: Incident): void {
    for (const n of inc.notified) {
      const r = n.channel === 'sms' ? this.receipts.get(`${inc.id}|${n.recipientKey}|${n.phase}`) : undefined;
      // A final word (delivered, undelivered) is not taken back by a late "accepted".
      if (r && n.result !== 'delivered' && n.result !== 'undelivered') n.result = r;
    }
  }

  get(id: number): Incident | undefined {
    return this.byId.get(id);
  }

  all(): Incident[] {
    return [...this.byId.values()];
  }

  open(): Incident[] {
    return [...this.openByKey.values()];
  }

  /**
   * Files the alerts of one notification into incidents: each incident they belong to (a
   * copy, changed or not: its phase is told again, deduplicated), and which of them changed
   * (to be journaled). `route` is the tier of the webhook, for alerts without a tier label.
   */
  apply(alerts: readonly WebhookAlert[], route: number, now: number): { touched: Incident[]; changed: Incident[] } {
    const touched = new Map<number, Incident>();
    const before = new Map<number, string>();
    const iso = new Date(now).toISOString();
    const take = (i: Incident) => {
      if (!touched.has(i.id)) {
        before.set(i.id, JSON.stringify(i));
        touched.set(i.id, structuredClone(i));
      }
      return touched.get(i.id)!;
    };
    for (const a of alerts) {
      const k = incidentKey(a.labels);
      const open = this.openByKey.get(k.key);
      let inc = open && take(open);
      if (!inc) {
        // A resolved alert whose incident is over: a copy or a retry, told again (deduplicated).
        const over = this.byId.get(this.byFingerprint.get(a.fingerprint) ?? -1);
        if (a.status === 'resolved') {
          if (over) take(over);
          continue;
        }
        // A late copy of a firing state that already ended (an HA peer's, a retry): the same
        // episode (Prometheus gives a new episode a new start), so no new incident, no page.
        const ended = over?.alerts.find((x) => x.fingerprint === a.fingerprint);
        if (over && ended?.ends_at && ended.starts_at === validIso(a.startsAt)) {
          take(over);
          continue;
        }
        inc = {
          id: ++this.lastId, ...k, team: a.labels.team ?? '', tier: tierOf(a.labels, route), tier_since: iso, state: 'open',
          started_at: validIso(a.startsAt) ?? iso, resolved_at: null, acknowledged_at: null, acknowledged_by: null, closed: false,
          alerts: [], notified: [], escalations: [], silence: null,
        };
        this.openByKey.set(k.key, inc);
        before.set(inc.id, '');
        touched.set(inc.id, inc);
      }
      const tier = tierOf(a.labels, route);
      const ends = a.status === 'resolved' ? validIso(a.endsAt) ?? iso : null;
      const known = inc.alerts.find((x) => x.fingerprint === a.fingerprint);
      if (known) {
        known.ends_at = ends;
        known.tier = tier;
      } else {
        inc.alerts.push({
          fingerprint: a.fingerprint, alertname: a.labels.alertname, tier, team: a.labels.team ?? '',
          ...(a.labels.class && { class: a.labels.class }), ...(a.labels.cause && { cause: a.labels.cause }),
          starts_at: validIso(a.startsAt), ends_at: ends,
        });
      }
    }
    for (const inc of touched.values()) settle(inc, iso);
    const all = [...touched.values()];
    return { touched: all, changed: all.filter((i) => before.get(i.id) !== JSON.stringify(i)) };
  }
}

/** Tier and state from the incident's alerts: the tier only rises; no alert firing ends it. */
export function settle(inc: Incident, iso: string): void {
  const live = inc.alerts.filter(firing);
  const top = Math.max(0, ...live.map((a) => a.tier));
  if (top > inc.tier) {
    inc.tier = top;
    inc.tier_since = iso;
  }
  if (live.length === 0 && inc.alerts.length > 0 && inc.state !== 'resolved') {
    inc.state = 'resolved';
    inc.resolved_at = iso;
  }
}

function validIso(s: string): string | null {
  const t = Date.parse(s);
  // Alertmanager's "no end" is 0001-01-01.
  return Number.isNaN(t) || t <= 0 ? null : new Date(t).toISOString();
}

/** How long it lasted, in words: `14 min`, `2 h 05`. */
export function lasted(inc: Incident, lang: 'fr' | 'en'): string {
  const ms = Date.parse(inc.resolved_at ?? new Date().toISOString()) - Date.parse(inc.started_at);
  const min = Math.max(1, Math.round(ms / 60_000));
  if (min < 60) return `${min} min`;
  return lang === 'en' ? `${Math.floor(min / 60)} h ${min % 60} min` : `${Math.floor(min / 60)} h ${String(min % 60).padStart(2, '0')}`;
}
