// The notifier's alert journal (GET /api/journal -> {entries}), turned into "who was told,
// by which channel, when, and was it delivered". The journal records a `received` entry per
// Alertmanager notification, an `attempt` entry per message sent for it, and a `rejected`
// entry per webhook call it could not accept.

export interface JournalEntry {
  at: number;
  /** Alert names of the notification, with its status (firing/resolved). */
  alertname: string;
  shortCodes: string[];
  tier: number | undefined;
  /** "sms", "email"; empty for a rejected notification. */
  channel: string;
  team: string;
  /** Masked by the notifier. */
  recipient: string;
  /** sent, retry, failed, duplicate or rejected. */
  status: string;
  /** true delivered, false failed, undefined not (yet) known. */
  delivered: boolean | undefined;
  detail: string;
}

interface RawAlert {
  alertname?: string;
}

interface RawEntry {
  kind?: string;
  seq?: number;
  ts?: string;
  shortCodes?: string[];
  tiers?: string[];
  status?: string;
  alerts?: RawAlert[];
  notification?: number;
  channel?: string;
  team?: string;
  recipient?: string;
  result?: string;
  attempt?: number;
  gatewayStatus?: number;
  gatewayAnswer?: string;
  reason?: string;
  message?: string;
  httpStatus?: number;
}

// in_doubt: the notifier died mid-request and did not resend; whether it arrived is unknown.
const DELIVERED: Record<string, boolean | undefined> = { sent: true, failed: false, rejected: false, in_doubt: undefined };

function maxTier(tiers: string[] | undefined): number | undefined {
  const n = (tiers ?? []).map(Number).filter((t) => t > 0);
  return n.length ? Math.max(...n) : undefined;
}

function alertNames(received: RawEntry | undefined): string {
  if (!received) return '';
  const names = [...new Set((received.alerts ?? []).map((a) => a.alertname).filter(Boolean))].join(', ');
  return received.status ? `${names} (${received.status})` : names;
}

export function parseJournal(body: unknown): JournalEntry[] {
  const list = (body as { entries?: unknown } | null)?.entries;
  if (!Array.isArray(list)) throw new Error('the notifier journal did not answer with {entries: [...]}');
  const entries = list as RawEntry[];
  const received = new Map(entries.filter((e) => e.kind === 'received').map((e) => [e.seq, e]));
  const out: JournalEntry[] = [];
  for (const e of entries) {
    if (e.kind !== 'attempt' && e.kind !== 'rejected') continue;
    // 'started' is the notifier's crash bookkeeping: the attempt's outcome follows in its
    // own entry (or, after a crash, an in_doubt one), so it would only double every row.
    if (e.result === 'started') continue;
    const status = e.kind === 'rejected' ? 'rejected' : (e.result ?? '');
    const gateway = [e.gatewayStatus, e.gatewayAnswer].filter((x) => x !== undefined && x !== '').join(' ');
    out.push({
      at: Date.parse(e.ts ?? ''),
      alertname: alertNames(e.notification === undefined ? undefined : received.get(e.notification)),
      shortCodes: e.shortCodes ?? [],
      tier: maxTier(e.tiers),
      channel: e.channel ?? '',
      team: e.team ?? '',
      recipient: e.recipient ?? '',
      status,
      delivered: DELIVERED[status],
      detail: e.kind === 'rejected' ? `HTTP ${e.httpStatus}: ${e.message ?? e.reason ?? ''}` : `${e.attempt && e.attempt > 1 ? `attempt ${e.attempt}; ` : ''}${gateway || e.message || ''}`,
    });
  }
  return out.sort((a, b) => b.at - a.at);
}

export interface JournalFilter {
  tier?: string;
  channel?: string;
  code?: string;
}

export function filterJournal(entries: JournalEntry[], f: JournalFilter): JournalEntry[] {
  return entries.filter(
    (e) =>
      (!f.tier || String(e.tier) === f.tier) &&
      (!f.channel || e.channel.toLowerCase() === f.channel.toLowerCase()) &&
      (!f.code || e.shortCodes.includes(f.code)),
  );
}

export function channelsOf(entries: JournalEntry[]): string[] {
  return [...new Set(entries.map((e) => e.channel).filter(Boolean))].sort();
}

export function codesOf(entries: JournalEntry[]): string[] {
  return [...new Set(entries.flatMap((e) => e.shortCodes))].sort();
}
