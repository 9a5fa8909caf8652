// The report's words in French (the default) and English, and the number and time formats
// of each language. Times are always Africa/Algiers.
import { TIME_ZONE } from './period.js';

export type Lang = 'fr' | 'en';
export const LANGS: readonly Lang[] = ['fr', 'en'];

const FR = {
  title: 'Rapport USSD',
  periodKinds: { day: 'Journée', week: 'Semaine', month: 'Mois', range: 'Période' },
  scopeAll: 'tous les codes',
  scopeTeam: 'équipe',
  scopeCode: 'code',
  generated: 'Produit le',
  evaluated: 'Chiffres arrêtés au',
  partial: 'Rapport partiel : les données ne couvrent que',
  partialOf: 'de la période',
  running: 'La période n’est pas terminée : chiffres arrêtés au',
  journalOrigin: 'Incidents reconstitués depuis le journal des alertes du notifier (l’API des incidents n’est pas encore disponible) : pas d’acquittements.',
  summary: 'Synthèse',
  dialogs: 'Dialogues',
  ok: 'Réussis',
  user: 'Erreurs abonné',
  internal: 'Erreurs internes',
  unclassified: 'Non classés',
  successRatio: 'Taux de succès (hors erreurs abonné)',
  success: 'Succès',
  busyHour: 'Heure chargée',
  previous: 'Période précédente',
  change: 'Évolution',
  volumeChart: 'Volume de dialogues par minute',
  perCode: 'Par code court',
  perNode: 'Par nœud passerelle',
  code: 'Code',
  name: 'Service',
  team: 'Équipe',
  node: 'Nœud',
  userShare: 'Part abonné',
  internalShare: 'Part interne',
  topCauses: 'Principales causes d’erreur',
  cls: 'Classe',
  cause: 'Cause',
  count: 'Nombre',
  share: 'Part',
  latency: 'Temps de réponse',
  slowThreshold: 'Seuil lent',
  dpssP95: 'p95 DPSS',
  dpssAvg: 'Moyenne DPSS',
  worst: 'Codes les plus dégradés et évolution',
  successPrev: 'Succès précédent',
  dialogsPrev: 'Dialogues précédents',
  wrongCodes: 'Codes erronés, par code visé',
  nearCode: 'Code visé',
  incidents: 'Incidents',
  noIncident: 'Aucun incident sur la période.',
  start: 'Début',
  duration: 'Durée',
  tier: 'Niveau',
  alert: 'Alerte',
  target: 'Cible',
  told: 'Prévenus',
  timeToAck: 'Délai d’acquittement',
  leadDpss: 'Avance sur DPSS',
  state: 'État',
  states: { open: 'ouvert', acknowledged: 'acquitté', resolved: 'résolu' },
  objective: 'Respect de l’objectif',
  objectiveTarget: 'Objectif',
  objectiveMet: 'Temps dans l’objectif',
  health: 'Score de santé',
  nodesScopeNote: 'Les nœuds sont comptés pour tous les codes.',
  none: '—',
  sheets: { summary: 'Synthèse', codes: 'Codes', worst: 'Plus dégradés', nodes: 'Nœuds', causes: 'Causes', latency: 'Latence', wrong: 'Codes erronés', incidents: 'Incidents', volume: 'Volume' },
  time: 'Heure',
  perMinute: 'dialogues/min',
  value: 'Valeur',
  item: 'Indicateur',
  from: 'Du',
  to: 'Au',
  scope: 'Périmètre',
  incidentSource: 'Source des incidents',
};

const EN: typeof FR = {
  title: 'USSD report',
  periodKinds: { day: 'Day', week: 'Week', month: 'Month', range: 'Period' },
  scopeAll: 'all codes',
  scopeTeam: 'team',
  scopeCode: 'code',
  generated: 'Generated',
  evaluated: 'Figures as of',
  partial: 'Partial report: data covers only',
  partialOf: 'of the period',
  running: 'The period is not over: figures as of',
  journalOrigin: 'Incidents derived from the notifier’s alert journal (its incident API is not available yet): no acknowledgements.',
  summary: 'Summary',
  dialogs: 'Dialogs',
  ok: 'Successful',
  user: 'Subscriber errors',
  internal: 'Internal errors',
  unclassified: 'Unclassified',
  successRatio: 'Success ratio (subscriber errors excluded)',
  success: 'Success',
  busyHour: 'Busy hour',
  previous: 'Previous period',
  change: 'Change',
  volumeChart: 'Dialogs per minute',
  perCode: 'By short code',
  perNode: 'By gateway node',
  code: 'Code',
  name: 'Service',
  team: 'Team',
  node: 'Node',
  userShare: 'Subscriber share',
  internalShare: 'Internal share',
  topCauses: 'Top error causes',
  cls: 'Class',
  cause: 'Cause',
  count: 'Count',
  share: 'Share',
  latency: 'Response time',
  slowThreshold: 'Slow threshold',
  dpssP95: 'DPSS p95',
  dpssAvg: 'DPSS average',
  worst: 'Worst codes and what changed',
  successPrev: 'Previous success',
  dialogsPrev: 'Previous dialogs',
  wrongCodes: 'Wrong codes, by the code meant',
  nearCode: 'Code meant',
  incidents: 'Incidents',
  noIncident: 'No incident in the period.',
  start: 'Start',
  duration: 'Duration',
  tier: 'Tier',
  alert: 'Alert',
  target: 'Target',
  told: 'Told',
  timeToAck: 'Time to acknowledge',
  leadDpss: 'Lead over DPSS',
  state: 'State',
  states: { open: 'open', acknowledged: 'acknowledged', resolved: 'resolved' },
  objective: 'Objective met',
  objectiveTarget: 'Objective',
  objectiveMet: 'Time within objective',
  health: 'Health score',
  nodesScopeNote: 'Nodes are counted over every code.',
  none: '—',
  sheets: { summary: 'Summary', codes: 'Codes', worst: 'Worst codes', nodes: 'Nodes', causes: 'Causes', latency: 'Latency', wrong: 'Wrong codes', incidents: 'Incidents', volume: 'Volume' },
  time: 'Time',
  perMinute: 'dialogs/min',
  value: 'Value',
  item: 'Item',
  from: 'From',
  to: 'To',
  scope: 'Scope',
  incidentSource: 'Incident source',
};

export type Words = typeof FR;
export const WORDS: Record<Lang, Words> = { fr: FR, en: EN };

const LOCALE: Record<Lang, string> = { fr: 'fr-FR', en: 'en-GB' };

export interface Formats {
  int(v: number): string;
  pct(v: number | null): string;
  seconds(v: number | null): string;
  dateTime(ms: number): string;
  date(ms: number): string;
  hour(ms: number): string;
  duration(s: number | null): string;
}

export function formats(lang: Lang): Formats {
  const loc = LOCALE[lang];
  const int = new Intl.NumberFormat(loc, { maximumFractionDigits: 0 });
  const pct = new Intl.NumberFormat(loc, { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const sec = new Intl.NumberFormat(loc, { maximumFractionDigits: 3 });
  const dt = new Intl.DateTimeFormat(loc, { timeZone: TIME_ZONE, dateStyle: 'medium', timeStyle: 'short' });
  const d = new Intl.DateTimeFormat(loc, { timeZone: TIME_ZONE, dateStyle: 'long' });
  const h = new Intl.DateTimeFormat(loc, { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit' });
  const none = WORDS[lang].none;
  return {
    int: (v) => int.format(Math.round(v)),
    pct: (v) => (v === null ? none : pct.format(v)),
    seconds: (v) => (v === null ? none : `${sec.format(v)} s`),
    dateTime: (ms) => dt.format(ms),
    date: (ms) => d.format(ms),
    hour: (ms) => h.format(ms),
    duration: (s) => {
      if (s === null) return none;
      const sign = s < 0 ? '-' : '';
      const a = Math.round(Math.abs(s));
      const hh = Math.floor(a / 3600);
      const mm = Math.floor((a % 3600) / 60);
      const ss = a % 60;
      return `${sign}${hh ? `${hh} h ` : ''}${hh || mm ? `${mm} min ` : ''}${ss} s`.trim();
    },
  };
}
