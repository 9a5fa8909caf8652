// What can happen to a dialog, as the gateway records it, and what it means
// (classification.md). The simulator picks an outcome first and derives the record's
// fields from it, so it knows the true class of every line it writes: that truth is
// what the classifier's accuracy is measured against.
import type { Cause, DialogClass } from '@ussdwatch/exporter/core/types.js';

export interface Truth {
  cls: DialogClass;
  cause: Cause;
}

export interface Outcome {
  /** Unique name, used in tests and docs. */
  id: string;
  status: string;
  truth: Truth;
  /** The MAP error written with this status, or null. */
  mapError: number | null;
  /** Whether the application answered at all (app_ms present). */
  answered: boolean;
  /** SUCCESS above the code's slow_ms. */
  slow?: boolean;
  /** The subscriber typed a menu entry that does not exist. */
  invalidMenu?: boolean;
  /** Whole-dialog duration range in ms when it is not driven by menu steps (timeouts, rejections). */
  dialogMs?: [number, number];
}

const o = (id: string, status: string, cls: DialogClass, cause: Cause, rest: Partial<Outcome> = {}): Outcome => ({
  id,
  status,
  truth: { cls, cause },
  mapError: null,
  answered: false,
  ...rest,
});

const REJECTED: [number, number] = [150, 900];

export const OUTCOMES = {
  ok: o('ok', 'SUCCESS', 'ok', 'ok', { answered: true }),
  slow: o('slow', 'SUCCESS', 'internal', 'slow_response', { answered: true, slow: true }),
  invalidInput: o('invalid_input', 'INVALID_INPUT', 'user', 'invalid_input', { answered: true, invalidMenu: true }),
  userAbort: o('user_abort', 'FAILED_DIALOG_USER_ABORT', 'user', 'abandoned', { answered: true }),
  dialogTimeout: o('dialog_timeout', 'FAILED_DIALOG_TIMEOUT', 'user', 'abandoned', { answered: true, dialogMs: [60_000, 62_000] }),
  absent: o('absent', 'FAILED_ABSENT_SUBSCRIBER', 'user', 'subscriber', { mapError: 27, dialogMs: REJECTED }),
  busy: o('busy', 'FAILED_USSD_BUSY', 'user', 'subscriber', { dialogMs: REJECTED }),
  barred: o('barred', 'FAILED_CALL_BARRED', 'user', 'subscriber', { mapError: 13, dialogMs: REJECTED }),
  illegal: o('illegal', 'FAILED_ILLEGAL_SUBSCRIBER', 'user', 'subscriber', { mapError: 9, dialogMs: REJECTED }),
  mapUser: o('map_user', 'FAILED_MAP_ERROR_COMPONENT', 'user', 'subscriber', { mapError: 1, dialogMs: REJECTED }),
  wrongCode: o('wrong_code', 'NO_ROUTING_RULE', 'user', 'wrong_code', { dialogMs: REJECTED }),
  routing: o('routing', 'NO_ROUTING_RULE', 'internal', 'routing', { dialogMs: REJECTED }),
  appTimeout: o('app_timeout', 'FAILED_APP_TIMEOUT', 'internal', 'app_timeout', { dialogMs: [25_000, 25_400] }),
  invokeTimeout: o('invoke_timeout', 'FAILED_INVOKE_TIMEOUT', 'internal', 'network_timeout', { dialogMs: [30_000, 30_500] }),
  systemFailure: o('system_failure', 'FAILED_SYSTEM_FAILURE', 'internal', 'system_failure', { dialogMs: REJECTED }),
  mapSystem: o('map_system', 'FAILED_MAP_ERROR_COMPONENT', 'internal', 'system_failure', { mapError: 34, dialogMs: REJECTED }),
  abortApp: o('abort_app', 'ABORT_APP', 'internal', 'system_failure', { answered: true }),
  transportError: o('transport_error', 'FAILED_TRANSPORT_ERROR', 'internal', 'connector', { dialogMs: [2_000, 5_000] }),
  providerAbort: o('provider_abort', 'FAILED_PROVIDER_ABORT', 'internal', 'connector', { dialogMs: [500, 3_000] }),
  overloaded: o('overloaded', 'SERVER_OVERLOADED', 'internal', 'overload', { dialogMs: [20, 120] }),
} as const satisfies Record<string, Outcome>;

/**
 * The everyday mix for a catalogued code, as shares of its dialogs: a few percent user
 * errors, well under one percent internal ones. Whatever is left is `ok`. Wrong codes are
 * not here: they are separate arrivals (the subscriber never reached a catalogued code).
 */
export const BASELINE_MIX: ReadonlyArray<[Outcome, number]> = [
  [OUTCOMES.invalidInput, 0.012],
  [OUTCOMES.userAbort, 0.008],
  [OUTCOMES.dialogTimeout, 0.004],
  [OUTCOMES.absent, 0.003],
  [OUTCOMES.busy, 0.002],
  [OUTCOMES.barred, 0.001],
  [OUTCOMES.illegal, 0.0005],
  [OUTCOMES.mapUser, 0.0005],
  [OUTCOMES.slow, 0.0012],
  [OUTCOMES.appTimeout, 0.0005],
  [OUTCOMES.invokeTimeout, 0.0004],
  [OUTCOMES.systemFailure, 0.0003],
  [OUTCOMES.mapSystem, 0.0002],
  [OUTCOMES.abortApp, 0.0002],
  [OUTCOMES.transportError, 0.0002],
  [OUTCOMES.overloaded, 0.0001],
];

/** Share of all arrivals that are a mistyped code (user/wrong_code). */
export const WRONG_CODE_SHARE = 0.012;
/** Of those, the share that is not one edit from anything (near code `none`). */
export const FAR_WRONG_CODE_SHARE = 0.1;
