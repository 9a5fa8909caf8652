// The shapes every part of the exporter agrees on (../shared/spec/classification.md,
// log-formats.md). Parsing and classifying are pure functions over these types; I/O
// (tailing, HTTP, files) lives in other folders and only consumes them.
import type { Cause, DialogClass } from '@ussdwatch/common/causes.js';

// The classes and causes are the project's, shared with the Grafana app.
export {
  CLASSES,
  INTERNAL_CAUSES,
  USER_CAUSES,
  type Cause,
  type DialogClass,
  type InternalCause,
  type UserCause,
} from '@ussdwatch/common/causes.js';

/** The short_code label of a dialed string that no catalogue code prefixes. */
export const UNKNOWN_CODE = 'unknown';
/** The near_code of a wrong code that is not one edit away from any catalogue code. */
export const NO_NEAR_CODE = 'none';

/** Why a line is not a dialog. Kept as plain strings so a parser can return one without allocating. */
export const MALFORMED_REASONS = [
  'empty', // blank line
  'too_long', // over 64 KiB
  'binary', // NUL or other control bytes, invalid UTF-8
  'field_count', // ussd-cdr: not twelve fields
  'bad_json', // ussd-json: not a JSON object
  'missing_field', // ts, ussd or status absent or empty (ussd-json: not a string either; regex: group not matched)
  'bad_timestamp', // not ISO 8601 (or the vendor time format), or a date that does not exist
  // map_error, steps, app_ms or dialog_ms not a plain non-negative decimal up to 2^53. A
  // map_error is a MAP code: `abc` there is a broken line, not an unknown error to guess at.
  'bad_number',
  'no_match', // regex format: the line does not match the vendor pattern
] as const;
export type MalformedReason = (typeof MALFORMED_REASONS)[number];

/** One finished USSD dialog, as the gateway wrote it (log-formats.md, the twelve fields). */
export interface Dialog {
  /** End of the dialog, epoch milliseconds. */
  ts: number;
  node: string;
  session: string;
  /** Personal data: never a label, masked wherever shown (see @ussdwatch/common/mask.js). */
  msisdn: string;
  /** The dialed string, parameters included. Typed by a subscriber: never a label. */
  ussd: string;
  type: string;
  menu: string;
  status: string;
  mapError: number | null;
  steps: number | null;
  appMs: number | null;
  dialogMs: number | null;
}

/**
 * What a parser returns for one line: the dialog, or the reason it is malformed.
 * A string result means malformed; this keeps the per-line path free of wrapper objects.
 */
export type ParseResult = Dialog | MalformedReason;

export interface LineParser {
  parse(line: string): ParseResult;
}

/**
 * The class of a dialog. Instances are interned by the classifier (one object per
 * distinct combination), so classifying a line allocates nothing and callers must not
 * mutate them.
 */
export interface Classification {
  readonly cls: DialogClass;
  readonly cause: Cause;
  /** A catalogue code, or UNKNOWN_CODE. */
  readonly shortCode: string;
  /** Set only for user/wrong_code: a catalogue code or NO_NEAR_CODE. */
  readonly nearCode: string | null;
}

export interface CatalogueEntry {
  code: string;
  name: string;
  team: string;
  /** App responses slower than this are internal/slow_response. Default 3000. */
  slowMs: number;
  /** Share of dialogs that must not be internal errors (the SLO the burn-rate alerts use). Default 0.99. */
  objective: number;
}

/** One row of a DPSS KPI file (log-formats.md section 3). */
export interface DpssRow {
  periodStart: number; // epoch ms
  periodS: number;
  shortCode: string;
  attempts: number;
  success: number;
  failures: number;
  rtAvgMs: number;
  rtP95Ms: number;
  rtMaxMs: number;
}
