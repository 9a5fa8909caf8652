// Sample dialogs from the exporter's events API, shown with the reason for their class.
import { maskMsisdn } from '@ussdwatch/common/mask.js';

export interface DialogEvent {
  at: number;
  node: string;
  session: string;
  msisdn: string;
  ussd: string;
  menu: string;
  status: string;
  mapError: string;
  appMs: number | undefined;
  dialogMs: number | undefined;
  cls: string;
  cause: string;
  shortCode: string;
  nearCode: string;
  source: string;
  reason: string;
  /** For unclassified dialogs, the exporter's learned second opinion (docs/learn.md), e.g. "user/abandoned, 93 %, confident"; '' when none. */
  guess: string;
}

type Raw = Record<string, unknown>;
const text = (v: unknown) => (v === undefined || v === null ? '' : String(v));
const num = (v: unknown) => (v === undefined || v === null || v === '' ? undefined : Number(v));

/**
 * The exporter masks MSISDNs; a number that still looks whole (only digits, longer than a
 * short code) is masked again here, because a screenshot of this page leaves the building.
 */
export function ensureMasked(msisdn: string): string {
  const s = msisdn.trim();
  return /^\+?\d{7,}$/.test(s) ? maskMsisdn(s) : s;
}

function eventOf(r: Raw): DialogEvent {
  const ts = r.ts;
  return {
    at: typeof ts === 'number' ? ts : Date.parse(text(ts)),
    node: text(r.node),
    session: text(r.session),
    msisdn: ensureMasked(text(r.msisdn)),
    ussd: text(r.ussd),
    menu: text(r.menu),
    status: text(r.status),
    mapError: text(r.map_error),
    appMs: num(r.app_ms),
    dialogMs: num(r.dialog_ms),
    cls: text(r.class),
    cause: text(r.cause),
    shortCode: text(r.short_code),
    nearCode: text(r.near_code),
    source: text(r.source),
    reason: text(r.reason),
    guess: guessText(r.guess),
  };
}

function guessText(g: unknown): string {
  if (g === null || typeof g !== 'object') return '';
  const { class: cls, cause, confidence, confident } = g as Raw;
  const share = typeof confidence === 'number' ? `${Math.round(confidence * 100)} %` : '?';
  return `${text(cls)}/${text(cause)}, ${share}${confident === true ? ', confident' : ', unsure'}`;
}

/** Accepts a bare array or {events: [...]}. */
export function parseEvents(body: unknown): DialogEvent[] {
  const list = Array.isArray(body) ? body : (body as Raw | null)?.events;
  if (!Array.isArray(list)) throw new Error('the exporter events API did not answer with a list of events');
  return list.map((r) => eventOf(r as Raw));
}

export interface MalformedSample {
  source: string;
  reason: string;
  file: string;
  at: number;
  line: string;
}

export function parseMalformed(body: unknown): MalformedSample[] {
  const list = Array.isArray(body) ? body : ((body as Raw | null)?.samples ?? (body as Raw | null)?.malformed);
  if (!Array.isArray(list)) throw new Error('the exporter malformed API did not answer with a list of samples');
  return list.map((r: Raw) => ({
    source: text(r.source),
    reason: text(r.reason),
    file: text(r.file),
    at: typeof r.at === 'number' ? r.at : Date.parse(text(r.at)),
    line: text(r.line),
  }));
}
