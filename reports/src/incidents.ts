// The incidents of a period, from the notifier: GET /api/incidents (issue 11's contract)
// or, from a notifier that does not serve it yet (404), derived from its alert journal:
// one incident per alert (fingerprint and start), its tier the highest seen, resolved when
// a resolved notification for it arrived, notified = the deliveries that went out.
import { getJson, UnreachableError, type Endpoint } from './http-client.js';

export interface Incident {
  id: string;
  shortCode: string | null;
  node: string | null;
  source: string | null;
  alertnames: string[];
  tier: number;
  state: 'open' | 'acknowledged' | 'resolved';
  startedMs: number;
  resolvedMs: number | null;
  acknowledgedMs: number | null;
  acknowledgedBy: string | null;
  /** First delivery that went out, and every recipient told (masked) with the channel. */
  firstNotifiedMs: number | null;
  told: Array<{ recipient: string; channel: string; atMs: number }>;
}

export interface IncidentList {
  incidents: Incident[];
  /** 'incidents': the notifier's incident API; 'journal': derived from the alert journal (said in the report). */
  origin: 'incidents' | 'journal';
}

const ms = (s: unknown): number | null => (typeof s === 'string' && !Number.isNaN(Date.parse(s)) ? Date.parse(s) : null);
const str = (s: unknown): string | null => (typeof s === 'string' && s !== '' ? s : null);

interface ApiIncident {
  id: string;
  short_code: string | null;
  node: string | null;
  source: string | null;
  tier: number;
  state: Incident['state'];
  started_at: string;
  resolved_at: string | null;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  alerts?: Array<{ alertname: string }>;
  notified?: Array<{ recipient: string; channel: string; at: string; result: string }>;
}

export function fromIncidentApi(body: unknown): Incident[] {
  const list = (body as { incidents?: ApiIncident[] })?.incidents;
  if (!Array.isArray(list)) throw new UnreachableError('/api/incidents answered without an incidents list');
  return list.map((i) => {
    const told = (i.notified ?? []).filter((n) => n.result === 'sent').map((n) => ({ recipient: n.recipient, channel: n.channel, atMs: ms(n.at) ?? 0 }));
    return {
      id: String(i.id),
      shortCode: str(i.short_code),
      node: str(i.node),
      source: str(i.source),
      alertnames: [...new Set((i.alerts ?? []).map((a) => a.alertname))],
      tier: Number(i.tier),
      state: i.state,
      startedMs: ms(i.started_at) ?? 0,
      resolvedMs: ms(i.resolved_at),
      acknowledgedMs: ms(i.acknowledged_at),
      acknowledgedBy: str(i.acknowledged_by),
      firstNotifiedMs: told.length ? Math.min(...told.map((t) => t.atMs)) : null,
      told,
    };
  });
}

interface JournalAlert {
  fingerprint: string;
  status: string;
  alertname: string;
  short_code?: string;
  tier?: string;
  startsAt?: string;
  node?: string;
  source?: string;
}
interface JournalEntry {
  kind: string;
  seq: number;
  ts: string;
  status?: string;
  alerts?: JournalAlert[];
  notification?: number;
  channel?: string;
  recipient?: string;
  result?: string;
}

/** Incidents from journal entries (any order). */
export function fromJournal(entries: readonly JournalEntry[]): Incident[] {
  const sorted = [...entries].sort((a, b) => a.seq - b.seq);
  const bySeq = new Map<number, Incident[]>();
  const open = new Map<string, Incident>();
  for (const e of sorted) {
    if (e.kind === 'received') {
      const touched: Incident[] = [];
      for (const a of e.alerts ?? []) {
        const key = `${a.fingerprint}@${a.startsAt ?? ''}`;
        let inc = open.get(key);
        if (!inc) {
          inc = {
            id: key,
            shortCode: str(a.short_code),
            node: str(a.node),
            source: str(a.source),
            alertnames: [a.alertname],
            tier: Number(a.tier) || 0,
            state: 'open',
            startedMs: ms(a.startsAt) ?? ms(e.ts) ?? 0,
            resolvedMs: null,
            acknowledgedMs: null,
            acknowledgedBy: null,
            firstNotifiedMs: null,
            told: [],
          };
          open.set(key, inc);
        }
        inc.tier = Math.max(inc.tier, Number(a.tier) || 0);
        if (a.status === 'resolved' && inc.resolvedMs === null) {
          inc.state = 'resolved';
          inc.resolvedMs = ms(e.ts);
        }
        touched.push(inc);
      }
      bySeq.set(e.seq, touched);
    } else if (e.kind === 'attempt' && e.result === 'sent' && e.notification !== undefined) {
      for (const inc of bySeq.get(e.notification) ?? []) {
        // A resolved notice tells people too, but "who was told" of the incident is about the alert.
        if (inc.resolvedMs !== null && (ms(e.ts) ?? 0) >= inc.resolvedMs) continue;
        const atMs = ms(e.ts) ?? 0;
        inc.told.push({ recipient: e.recipient ?? '', channel: e.channel ?? '', atMs });
        inc.firstNotifiedMs = inc.firstNotifiedMs === null ? atMs : Math.min(inc.firstNotifiedMs, atMs);
      }
    }
  }
  return [...open.values()].sort((a, b) => a.startedMs - b.startedMs);
}

/** The incidents that overlap [fromMs, toMs). */
export async function fetchIncidents(ep: Endpoint, fromMs: number, toMs: number): Promise<IncidentList> {
  const range = { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() };
  try {
    return { origin: 'incidents', incidents: fromIncidentApi(await getJson(ep, '/api/incidents', range)) };
  } catch (err) {
    if (!(err instanceof UnreachableError && err.status === 404)) throw err;
  }
  // The journal is newest first and capped per request: an incident that began before the
  // period but was still open in it is found by reading a day earlier.
  const body = (await getJson(ep, '/api/journal', { from: new Date(fromMs - 86_400_000).toISOString(), to: range.to, limit: '5000' })) as { entries?: JournalEntry[] };
  if (!Array.isArray(body?.entries)) throw new UnreachableError('/api/journal answered without an entries list');
  const all = fromJournal(body.entries);
  return { origin: 'journal', incidents: all.filter((i) => i.startedMs < toMs && (i.resolvedMs ?? Infinity) >= fromMs) };
}
