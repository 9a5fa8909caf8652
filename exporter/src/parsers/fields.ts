// Turns the twelve named values of a JSON object or a regex match into a Dialog, with the
// same rules as ussd-cdr: strings trimmed, numbers as numbers or digit strings, empty -> null
// (a JSON number obeys the bounds numberField puts on a written one).
import type { ParseResult } from '../core/types.js';
import { dialog, numberField } from './line.js';
import type { TimeParser } from './timestamp.js';

/** The twelve field names of log-formats.md, as keys and regex group names. */
export const FIELD_NAMES = ['ts', 'node', 'session', 'msisdn', 'ussd', 'type', 'menu', 'status', 'map_error', 'steps', 'app_ms', 'dialog_ms'] as const;
export const REQUIRED_FIELDS = ['ts', 'ussd', 'status'] as const;

function text(v: unknown): string {
  if (typeof v === 'string') return v.trim();
  return typeof v === 'number' && Number.isFinite(v) ? String(v) : '';
}

function num(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v >= 0 && v <= Number.MAX_SAFE_INTEGER ? v : NaN;
  return typeof v === 'string' ? numberField(v, 0, v.length) : NaN;
}

export function dialogFromValues(v: Record<string, unknown>, parseTime: TimeParser, utcOffsetMinutes: number): ParseResult {
  const rawTs = typeof v.ts === 'string' ? v.ts.trim() : v.ts;
  const ussd = text(v.ussd);
  const status = text(v.status);
  if (rawTs === undefined || rawTs === null || rawTs === '' || ussd === '' || status === '') return 'missing_field';
  // Present but not text (a number, an object): there, but not a timestamp this format reads.
  const tsText = typeof rawTs === 'string' ? rawTs : '';
  const ts = parseTime(tsText, 0, tsText.length, utcOffsetMinutes);
  if (Number.isNaN(ts)) return 'bad_timestamp';
  const mapError = num(v.map_error);
  const steps = num(v.steps);
  const appMs = num(v.app_ms);
  const dialogMs = num(v.dialog_ms);
  if (Number.isNaN(mapError) || Number.isNaN(steps) || Number.isNaN(appMs) || Number.isNaN(dialogMs)) return 'bad_number';
  return dialog(ts, text(v.node), text(v.session), text(v.msisdn), ussd, text(v.type), text(v.menu), status, mapError, steps, appMs, dialogMs);
}
