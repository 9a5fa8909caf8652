// The on-call file: people (numbers, mail, language), rotations by week or day, and each
// team's escalation chain per tier, with business hours. Local time is Africa/Algiers
// unless the file says otherwise. Parsed and validated once (file:line messages, like
// every ussdwatch config); then pure lookups: who is on call at an instant, who a step
// pages, who a number belongs to.
import { fail, readYamlFile, topOf, type Place, type YamlFile } from '@ussdwatch/common/config-file.js';
import { readList } from '@ussdwatch/common/config-values.js';
import { checkEmail, checkMsisdn, Section } from './config.js';

export type Language = 'fr' | 'en';

export interface Person {
  name: string;
  sms?: string;
  email?: string;
  language: Language;
}

export interface Rotation {
  name: string;
  every: 'day' | 'week';
  /** The instant the first person's first shift began (start date at the handoff time, local). */
  startMs: number;
  people: string[];
}

export interface Step {
  /** After the incident opened (or reached this tier), in ms. */
  afterMs: number;
  /** Person or rotation names. */
  notify: string[];
}

/** When tier-1 mail goes: inside these hours, or at once when its fault grows (releaseEarly). */
export interface BusinessHours {
  days: Set<number>;
  startMin: number;
  endMin: number;
  /** A held mail goes at once when its incident has this many alerts firing, or has fired this long. */
  releaseEarly: { alerts: number; firingForMs: number };
}

export interface OnCall {
  file: string;
  timezone: string;
  businessHours: BusinessHours;
  people: Map<string, Person>;
  rotations: Map<string, Rotation>;
  /** team -> tier ('2' | '3') -> steps, first one at 0. */
  chains: Map<string, Map<string, Step[]>>;
}

const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const DAY_MS = 86_400_000;

/** Minutes since midnight local of `at` in `tz`, and the local weekday (0 = Sunday). */
export function localClock(at: number, tz: string): { day: number; minute: number; offsetMs: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz, hourCycle: 'h23', weekday: 'long', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(at));
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  const asUtc = Date.UTC(+get('year'), +get('month') - 1, +get('day'), +get('hour'), +get('minute'), +get('second'));
  return { day: DAYS.indexOf(get('weekday').toLowerCase()), minute: +get('hour') * 60 + +get('minute'), offsetMs: asUtc - Math.floor(at / 1000) * 1000 };
}

/** `HH:MM` local time in `tz`, e.g. for messages. */
export function localTime(at: number, tz: string): string {
  const { minute } = localClock(at, tz);
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/** At most half a day: the notifier reads incidents back over 12 hours after a restart. */
const MAX_FIRING_FOR_MS = 12 * 3_600_000;

/** `90s`, `10m`, `4h`: the durations of the notifier's files. */
export function parseDuration(s: string): number | null {
  const m = /^(\d+)(s|m|h)$/.exec(s.trim());
  return m ? Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 's' | 'm' | 'h'] : null;
}

function parseClock(s: string): number | null {
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(s.trim());
  return m && (Number(m[1]) < 24 || m[2] === '00') ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/** Who of the rotation is on call at `at`. */
export function onCallAt(r: Rotation, at: number): string {
  const period = r.every === 'day' ? DAY_MS : 7 * DAY_MS;
  const n = Math.floor((at - r.startMs) / period);
  return r.people[((n % r.people.length) + r.people.length) % r.people.length];
}

/** The people a step pages at `at`: rotations resolved, each person once. */
export function stepPeople(oc: OnCall, step: Step, at: number): Person[] {
  const names = step.notify.map((n) => (oc.rotations.has(n) ? onCallAt(oc.rotations.get(n)!, at) : n));
  return [...new Set(names)].map((n) => oc.people.get(n)!);
}

/** The chain of `team` for `tier`, undefined when the file gives none. */
export function chainFor(oc: OnCall | undefined, team: string, tier: string): Step[] | undefined {
  return oc?.chains.get(team)?.get(tier);
}

export function personByNumber(oc: OnCall | undefined, msisdn: string): Person | undefined {
  const digits = msisdn.replace(/^\+|^00/, '');
  for (const p of oc?.people.values() ?? []) if (p.sms && p.sms.replace(/^\+/, '') === digits) return p;
  return undefined;
}

export function inBusinessHours(oc: OnCall, at: number): boolean {
  const { day, minute } = localClock(at, oc.timezone);
  return oc.businessHours.days.has(day) && minute >= oc.businessHours.startMin && minute < oc.businessHours.endMin;
}

/** When business hours are next open, from `at` (minute precision): `at` itself inside them. */
export function nextBusinessOpening(oc: OnCall, at: number): number {
  let t = at;
  for (let i = 0; i < 9; i++) {
    if (inBusinessHours(oc, t)) return t;
    const { day, minute } = localClock(t, oc.timezone);
    const top = t - (t % 60_000);
    t = oc.businessHours.days.has(day) && minute < oc.businessHours.startMin
      ? top + (oc.businessHours.startMin - minute) * 60_000
      : top + (1440 - minute + oc.businessHours.startMin) * 60_000;
  }
  return t;
}

function readNames(s: Section, key: string, known: (n: string) => boolean, what: string): string[] {
  const at = s.at(key);
  const list = readList(s.raw(key), at);
  if (list.length === 0) fail(at, `list at least one ${what}`);
  return list.map((v, i) => {
    if (typeof v !== 'string' || !known(v)) fail({ ...at, path: [...at.path, i] }, `${JSON.stringify(v)} is not a ${what} defined in this file`);
    return v;
  });
}

export function loadOnCall(file: string): OnCall {
  return onCallFrom(readYamlFile(file, 'fix oncall_file in the notifier config'));
}

export function onCallFrom(y: YamlFile): OnCall {
  const top: Place = topOf(y);
  const r = Section.of(y.value, top, ['timezone', 'business_hours', 'people', 'rotations', 'teams']);
  const timezone = r.str('timezone', 'Africa/Algiers');
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    r.fail('timezone', `unknown time zone "${timezone}"; write an IANA name like Africa/Algiers`);
  }
  const bh = r.section('business_hours', ['days', 'start', 'end', 'release_early']);
  const dayNames = bh.has('days') ? readList(bh.raw('days'), bh.at('days')) : DAYS.slice(0, 5);
  const days = new Set(dayNames.map((d, i) => {
    const n = typeof d === 'string' ? DAYS.indexOf(d.toLowerCase()) : -1;
    if (n < 0) fail({ ...bh.at('days'), path: [...bh.at('days').path, i] }, `${JSON.stringify(d)} is not a weekday; write sunday, monday, ...`);
    return n;
  }));
  const clock = (key: string, dflt: string) => {
    const v = parseClock(bh.str(key, dflt));
    return v ?? bh.fail(key, 'not a time; write it like "08:00" (local, 24 h)');
  };
  const early = bh.section('release_early', ['alerts', 'firing_for']);
  const firingForMs = parseDuration(early.str('firing_for', '4h')) ?? early.fail('firing_for', 'not a duration; write it like 4h or 90m');
  if (firingForMs < 600_000 || firingForMs > MAX_FIRING_FOR_MS) early.fail('firing_for', 'write between 10m and 12h (a fault firing half a day never waits longer)');
  const businessHours: BusinessHours = {
    days, startMin: clock('start', '08:00'), endMin: clock('end', '18:00'),
    releaseEarly: { alerts: early.int('alerts', 3, 2, 100), firingForMs },
  };
  if (businessHours.endMin <= businessHours.startMin) bh.fail('end', 'must be after start');

  const peopleAt = r.section('people', null);
  const people = new Map<string, Person>();
  for (const name of peopleAt.keys()) {
    const p = peopleAt.section(name, ['sms', 'email', 'language']);
    const one = (key: string, check: (s: string) => string | null, example: string) => {
      if (!p.has(key)) return undefined;
      const raw = p.raw(key);
      const v = typeof raw === 'number' ? String(raw) : p.str(key);
      const bad = check(v);
      return bad ? p.fail(key, `${JSON.stringify(v)} ${bad}; write it like ${example}`) : v;
    };
    const language = p.str('language', 'fr');
    if (language !== 'fr' && language !== 'en') p.fail('language', `"${language}": write fr or en`);
    const person: Person = { name, sms: one('sms', checkMsisdn, '"213770123456"'), email: one('email', checkEmail, 'amina@djezzy.dz'), language: language as Language };
    if (!person.sms && !person.email) peopleAt.fail(name, 'give this person an sms number or an email, or both');
    people.set(name, person);
  }
  if (people.size === 0) r.fail('people', 'no people: list each person with sms, email and language');

  const rotAt = r.section('rotations', null);
  const rotations = new Map<string, Rotation>();
  for (const name of rotAt.keys()) {
    if (people.has(name)) rotAt.fail(name, 'a rotation cannot have the name of a person; rename one of them');
    const s = rotAt.section(name, ['every', 'start', 'handoff', 'people']);
    const every = s.str('every', 'week');
    if (every !== 'week' && every !== 'day') s.fail('every', `"${every}": write week or day`);
    const start = s.str('start');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(start) || Number.isNaN(Date.parse(start))) s.fail('start', 'not a date; write it like 2026-11-01 (the first shift\'s day)');
    const handoff = parseClock(s.str('handoff', '08:00')) ?? s.fail('handoff', 'not a time; write it like "08:00" (local, 24 h)');
    const utcGuess = Date.parse(`${start}T00:00:00Z`) + handoff * 60_000;
    const startMs = utcGuess - localClock(utcGuess, timezone).offsetMs;
    rotations.set(name, { name, every: every as Rotation['every'], startMs, people: readNames(s, 'people', (n) => people.has(n), 'person') });
  }

  const teamsAt = r.section('teams', null);
  const chains = new Map<string, Map<string, Step[]>>();
  for (const team of teamsAt.keys()) {
    const t = teamsAt.section(team, ['tier2', 'tier3']);
    const byTier = new Map<string, Step[]>();
    for (const tier of ['2', '3']) {
      const key = `tier${tier}`;
      if (!t.has(key)) continue;
      const at = t.at(key);
      const steps = readList(t.raw(key), at).map((raw, i) => {
        const s = Section.of(raw, { ...at, path: [...at.path, i] }, ['after', 'notify']);
        const afterMs = i === 0 ? 0 : parseDuration(s.str('after')) ?? s.fail('after', 'not a delay; write it like 10m, 90s or 1h');
        if (i === 0 && s.has('after')) s.fail('after', 'the first step pages at once: remove after');
        return { afterMs, notify: readNames(s, 'notify', (n) => people.has(n) || rotations.has(n), 'person or rotation') };
      });
      if (steps.length === 0) t.fail(key, 'list at least one step');
      steps.forEach((s, i) => {
        if (i > 0 && s.afterMs <= steps[i - 1].afterMs) fail({ ...at, path: [...at.path, i, 'after'] }, 'each step must come later than the one before');
      });
      byTier.set(tier, steps);
    }
    chains.set(team, byTier);
  }
  return { file: y.file, timezone, businessHours, people, rotations, chains };
}
