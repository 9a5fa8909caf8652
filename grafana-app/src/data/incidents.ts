// The notifier's incidents (GET /api/incidents -> {incidents}): one fault's alerts, who was
// told, the escalations, the acknowledgement and the end, as a list and a timeline each.
// Recipients and the acknowledger arrive masked by the notifier.

export type IncidentState = 'open' | 'acknowledged' | 'resolved';

export interface IncidentAlert {
  alertname: string;
  tier: number;
  startsAt: number;
  endsAt: number | undefined;
}

export interface IncidentNotice {
  recipient: string;
  channel: string;
  at: number;
  /** sent, failed, delivered, undelivered, held; a held mail later released or cancelled. */
  result: string;
  /** 0 the first page, k the chain's k-th step; undefined for notices (acknowledged, resolved). */
  step: number | undefined;
  /** A held message: when it may go again, and why it waits (`business hours`, `SMS cap`). */
  until: number | undefined;
  reason: string | undefined;
}

export interface Incident {
  id: number;
  shortCode: string | undefined;
  node: string | undefined;
  source: string | undefined;
  tier: number;
  state: IncidentState;
  startedAt: number;
  resolvedAt: number | undefined;
  acknowledgedAt: number | undefined;
  acknowledgedBy: string | undefined;
  alerts: IncidentAlert[];
  notified: IncidentNotice[];
  escalations: Array<{ at: number; step: number; to: string }>;
}

const STATES = new Set<string>(['open', 'acknowledged', 'resolved']);

/** An ISO time, or undefined for null/absent; garbage is the notifier's fault and says so. */
function time(v: unknown, what: string): number | undefined {
  if (v === null || v === undefined) return undefined;
  const ms = typeof v === 'string' ? Date.parse(v) : NaN;
  if (!Number.isFinite(ms)) throw new Error(`${what}: "${String(v)}" is not an ISO-8601 time`);
  return ms;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const list = (v: unknown): Array<Record<string, unknown>> => (Array.isArray(v) ? (v as Array<Record<string, unknown>>) : []);

export function parseIncidents(body: unknown): Incident[] {
  const raw = (body as { incidents?: unknown } | null)?.incidents;
  if (!Array.isArray(raw)) throw new Error('the notifier did not answer with {incidents: [...]}');
  return (raw as Array<Record<string, unknown>>).map((i) => {
    const what = `incident ${String(i.id)}`;
    if (typeof i.id !== 'number' || !STATES.has(String(i.state))) throw new Error(`${what}: no numeric id or no state open|acknowledged|resolved`);
    return {
      id: i.id,
      shortCode: text(i.short_code),
      node: text(i.node),
      source: text(i.source),
      tier: Number(i.tier) || 0,
      state: i.state as IncidentState,
      startedAt: time(i.started_at, `${what} started_at`) ?? NaN,
      resolvedAt: time(i.resolved_at, `${what} resolved_at`),
      acknowledgedAt: time(i.acknowledged_at, `${what} acknowledged_at`),
      acknowledgedBy: text(i.acknowledged_by),
      alerts: list(i.alerts).map((a) => ({
        alertname: String(a.alertname ?? ''),
        tier: Number(a.tier) || 0,
        startsAt: time(a.starts_at, `${what} alert starts_at`) ?? NaN,
        endsAt: time(a.ends_at, `${what} alert ends_at`),
      })),
      notified: list(i.notified).map((n) => ({
        recipient: String(n.recipient ?? ''),
        channel: String(n.channel ?? ''),
        at: time(n.at, `${what} notified at`) ?? NaN,
        result: String(n.result ?? ''),
        step: typeof n.step === 'number' ? n.step : undefined,
        until: time(n.until, `${what} notified until`),
        reason: text(n.reason),
      })),
      escalations: list(i.escalations).map((e) => ({ at: time(e.at, `${what} escalation at`) ?? NaN, step: Number(e.step), to: String(e.to ?? '') })),
    };
  });
}

/** What failed: the short code with its service name, else the node, else the log source. */
export function subjectOf(i: Incident, serviceNames: ReadonlyMap<string, string>): string {
  if (i.shortCode) {
    const name = serviceNames.get(i.shortCode);
    return name ? `${i.shortCode} ${name}` : i.shortCode;
  }
  if (i.node) return `node ${i.node}`;
  return i.source ? `source ${i.source}` : 'unattributed';
}

/** How long it lasted, or has lasted until `nowMs` while not resolved. */
export function durationS(i: Incident, nowMs: number): number {
  return ((i.resolvedAt ?? nowMs) - i.startedAt) / 1000;
}

export type TimelineKind = 'alert' | 'notified' | 'escalation' | 'acknowledged' | 'resolved';

export interface TimelineEvent {
  at: number;
  kind: TimelineKind;
  text: string;
  /** A held message's release time: shown as "held until <local time> (<why>)". */
  heldUntil?: number;
  heldFor?: string;
}

const HELD_THEN: Record<string, string> = { released: 'then released', cancelled: 'not sent: the incident resolved first' };

function noticeText(n: IncidentNotice): string {
  const step = n.step === undefined ? 'notice' : n.step === 0 ? 'first page' : `escalation step ${n.step}`;
  const result = HELD_THEN[n.result] ? `held${n.reason ? ` (${n.reason})` : ''}, ${HELD_THEN[n.result]}` : n.result;
  return `${n.channel} to ${n.recipient} (${step}): ${result}`;
}

/** Everything that happened to the incident, oldest first. */
export function timelineOf(i: Incident): TimelineEvent[] {
  const events: TimelineEvent[] = [];
  for (const a of i.alerts) {
    events.push({ at: a.startsAt, kind: 'alert', text: `${a.alertname} firing (tier ${a.tier})` });
    if (a.endsAt !== undefined) events.push({ at: a.endsAt, kind: 'alert', text: `${a.alertname} resolved` });
  }
  for (const n of i.notified) events.push({ at: n.at, kind: 'notified', text: noticeText(n), ...(n.result === 'held' && { heldUntil: n.until, heldFor: n.reason }) });
  for (const e of i.escalations) events.push({ at: e.at, kind: 'escalation', text: `escalated to step ${e.step}: ${e.to}` });
  if (i.acknowledgedAt !== undefined) events.push({ at: i.acknowledgedAt, kind: 'acknowledged', text: `acknowledged by ${i.acknowledgedBy ?? 'someone'}` });
  if (i.resolvedAt !== undefined) events.push({ at: i.resolvedAt, kind: 'resolved', text: 'resolved' });
  return events.sort((a, b) => a.at - b.at);
}
