// Typed readers for untrusted YAML values. Each one either returns the value in the
// expected shape or throws a ConfigError that says where it is and what would be accepted.
import { child, fail, type Place } from './config-file.js';

const SHOWN_CHARS = 60;

/** A value as an error message shows it: short, even when a whole file was read as one string. */
export function describe(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string' && v.length > SHOWN_CHARS) return `${JSON.stringify(v.slice(0, SHOWN_CHARS))}...`;
  return JSON.stringify(v);
}

export function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A mapping whose keys are all in `allowed`; `required` keys must be present. */
export function readMapping(v: unknown, at: Place, allowed: readonly string[], required: readonly string[] = []): Record<string, unknown> {
  if (!isMapping(v)) fail(at, `expected a mapping with keys ${allowed.join(', ')}; got ${describe(v)}`);
  for (const key of Object.keys(v)) {
    if (!allowed.includes(key)) fail(child(at, key), `unknown key; allowed keys here: ${allowed.join(', ')}`);
  }
  for (const key of required) {
    if (v[key] === undefined || v[key] === null) fail(child(at, key), `missing; this key is required`);
  }
  return v;
}

export function readList(v: unknown, at: Place): unknown[] {
  if (!Array.isArray(v)) fail(at, `expected a list; got ${describe(v)}`);
  return v;
}

export function readString(v: unknown, at: Place): string {
  if (typeof v !== 'string' || v.trim() === '') fail(at, `expected a non-empty string; got ${describe(v)}`);
  return v.trim();
}

export function readBoolean(v: unknown, at: Place): boolean {
  if (typeof v !== 'boolean') fail(at, `expected true or false; got ${describe(v)}`);
  return v;
}

export function readEnum<T extends string>(v: unknown, at: Place, values: readonly T[]): T {
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
    fail(at, `expected one of ${values.join(', ')}; got ${describe(v)}`);
  }
  return v as T;
}

export function readNumber(v: unknown, at: Place, opts: { min: number; max: number; integer?: boolean }): number {
  const ok = typeof v === 'number' && Number.isFinite(v) && v >= opts.min && v <= opts.max && (!opts.integer || Number.isInteger(v));
  if (!ok) fail(at, `expected ${opts.integer ? 'an integer' : 'a number'} from ${opts.min} to ${opts.max}; got ${describe(v)}`);
  return v as number;
}

/** `+01:00`, `-05:30`, `Z`: minutes east of UTC. */
export function readUtcOffset(v: unknown, at: Place): number {
  const minutes = typeof v === 'string' ? parseUtcOffset(v) : null;
  if (minutes === null) fail(at, `expected a UTC offset written as a quoted string like "+01:00" (Algeria) or "Z"; got ${describe(v)}`);
  return minutes;
}

export function parseUtcOffset(s: string): number | null {
  const t = s.trim();
  if (t === 'Z' || t === 'UTC') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(t);
  if (!m) return null;
  const h = Number(m[2]);
  const min = Number(m[3]);
  if (h > 14 || min > 59) return null;
  return (m[1] === '-' ? -1 : 1) * (h * 60 + min);
}
