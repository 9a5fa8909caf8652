// What an incident's SMS say, in French (the NOC's language) or English: tier, short code
// and service name (or node, or source), what is wrong in words, local start time, and the
// reply codes; RESOLVED says how long it lasted and that the code is back to normal. Each
// fits one GSM-7 part (sms-fit.ts cuts the words first, never the codes).
// e2e/messages.ts reads these words back: change both together.
import { firing, lasted, type Incident } from './incidents.js';
import type { Language } from './oncall.js';
import { localTime } from './oncall.js';
import { fitSms, type FittedSms } from './sms-fit.js';

const WORDS: Record<string, [fr: string, en: string]> = {
  ShortCodeAppTimeouts: ["l'appli ne répond pas", 'application timeouts'],
  ShortCodeInternalErrors: ['erreurs internes', 'internal errors'],
  ShortCodeRoutingBroken: ['routage cassé', 'routing broken'],
  ShortCodeSlow: ['réponses lentes', 'slow responses'],
  ShortCodeTrafficCollapsed: ['trafic effondré', 'traffic collapsed'],
  ShortCodeTrafficDrop: ['baisse de trafic', 'traffic drop'],
  ShortCodeTrafficSpike: ['pic de trafic', 'traffic spike'],
  WrongCodeSurge: ['hausse des codes erronés', 'wrong-code surge'],
  DpssCodeStale: ['absent des fichiers DPSS', 'missing from DPSS files'],
  DpssFeedStale: ['fichiers DPSS en retard', 'DPSS files late'],
  DpssLatencyDisagreement: ['latence DPSS divergente', 'DPSS latency disagrees'],
  LogSourceSilent: ['logs muets', 'logs silent'],
  LogSourceMalformedLines: ['lignes de log illisibles', 'malformed log lines'],
  NodeOverloaded: ['noeud surchargé', 'node overloaded'],
};

export interface MessageContext {
  lang: Language;
  timezone: string;
  /** Short code -> service name, from the catalogue. */
  services: ReadonlyMap<string, string>;
}

const idx = (lang: Language) => (lang === 'en' ? 1 : 0);

/** `*720# Forfaits`, `noeud gw02`, `source gw03`. */
export function subjectOf(inc: Incident, c: MessageContext): string {
  if (inc.short_code) return [inc.short_code, c.services.get(inc.short_code)].filter(Boolean).join(' ');
  if (inc.node) return `${c.lang === 'en' ? 'node' : 'noeud'} ${inc.node}`;
  if (inc.source) return `source ${inc.source}`;
  return inc.alerts[0]?.alertname ?? inc.key;
}

/** What is wrong, from the alerts still firing (all of them once resolved). */
export function whatIsWrong(inc: Incident, lang: Language): string {
  const live = inc.alerts.filter(firing);
  const names = [...new Set((live.length ? live : inc.alerts).map((a) => a.alertname))];
  return names.map((n) => WORDS[n]?.[idx(lang)] ?? n).join(' + ');
}

const since = (inc: Incident, c: MessageContext) => localTime(Date.parse(inc.started_at), c.timezone);

/** `ALERTE T3 *720# Forfaits: l'appli ne répond pas. Depuis 14:02. #12 répondez 12a=je prends, 12c=clore` */
export function firingSms(inc: Incident, c: MessageContext): FittedSms {
  const head = `${c.lang === 'en' ? 'ALERT' : 'ALERTE'} T${inc.tier} ${subjectOf(inc, c)}:`;
  const tail = c.lang === 'en'
    ? `Since ${since(inc, c)}. #${inc.id} reply ${inc.id}a=ack ${inc.id}c=close`
    : `Depuis ${since(inc, c)}. #${inc.id} répondez ${inc.id}a=je prends ${inc.id}c=clore`;
  return fitSms(`${head} ${whatIsWrong(inc, c.lang)}.`, tail);
}

/** `RESOLU T3 *720# Forfaits: retour à la normale. #12 a duré 14 min (depuis 14:02)` */
export function resolvedSms(inc: Incident, c: MessageContext): FittedSms {
  const head = `${c.lang === 'en' ? 'RESOLVED' : 'RESOLU'} T${inc.tier} ${subjectOf(inc, c)}:`;
  const body = c.lang === 'en'
    ? `back to normal${inc.closed ? ' (closed by hand)' : ''}. #${inc.id} lasted ${lasted(inc, 'en')} (from ${since(inc, c)})`
    : `retour à la normale${inc.closed ? ' (clos à la main)' : ''}. #${inc.id} a duré ${lasted(inc, 'fr')} (depuis ${since(inc, c)})`;
  return fitSms(`${head} ${body}`);
}

/** Told to the rest of the chain: `#12 *720# Forfaits pris en charge par amina à 14:10` */
export function acknowledgedSms(inc: Incident, by: string, c: MessageContext): FittedSms {
  const at = localTime(Date.parse(inc.acknowledged_at ?? new Date().toISOString()), c.timezone);
  return fitSms(c.lang === 'en' ? `#${inc.id} ${subjectOf(inc, c)} acknowledged by ${by} at ${at}` : `#${inc.id} ${subjectOf(inc, c)} pris en charge par ${by} à ${at}`);
}

/** The answer to a reply, sent back by Kannel. */
export function replyAnswer(kind: 'ack' | 'close' | 'already' | 'unknown' | 'help', inc: Incident | undefined, c: MessageContext): string {
  const what = inc ? `#${inc.id} ${subjectOf(inc, c)}` : '';
  const en = {
    ack: `OK, ${what} is yours; its alerts are silenced. Reply ${inc?.id}c to close.`,
    close: `OK, ${what} closed.`,
    already: `${what} is already ${inc?.state === 'resolved' ? 'over' : `acknowledged by ${inc?.acknowledged_by}`}.`,
    unknown: 'No such open incident. Reply with its number and a (ack) or c (close), e.g. 12a.',
    help: 'Reply with the incident number and a (ack) or c (close), e.g. 12a.',
  };
  const fr = {
    ack: `OK, ${what} est pour vous; ses alertes sont en silence. Répondez ${inc?.id}c pour clore.`,
    close: `OK, ${what} clos.`,
    already: `${what} est déjà ${inc?.state === 'resolved' ? 'terminé' : `pris par ${inc?.acknowledged_by}`}.`,
    unknown: "Pas d'incident ouvert de ce numéro. Répondez numéro + a (je prends) ou c (clore), ex. 12a.",
    help: 'Répondez le numéro + a (je prends) ou c (clore), ex. 12a.',
  };
  return fitSms((c.lang === 'en' ? en : fr)[kind]).text;
}

/** `12a`, `12 A`, `#12c`: the incident and what to do; null when the text is no reply code. */
export function parseReply(text: string): { id: number; action: 'ack' | 'close' } | null {
  const m = /^\s*#?(\d{1,9})\s*([ac])\b/i.exec(text);
  return m ? { id: Number(m[1]), action: m[2].toLowerCase() === 'a' ? 'ack' : 'close' } : null;
}
