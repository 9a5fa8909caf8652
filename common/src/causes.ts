// The classes and causes of classification.md (../shared/spec/classification.md), with the
// words an on-call engineer reads for each: the exporter's explanations and the Grafana
// app's pages say the same thing. The status map is vendor data; the causes are fixed.
// Browser-safe (no node: imports): the Grafana app bundles it.

export const CLASSES = ['ok', 'user', 'internal', 'unclassified'] as const;
export type DialogClass = (typeof CLASSES)[number];

export const USER_CAUSES = ['wrong_code', 'invalid_input', 'abandoned', 'subscriber'] as const;
export const INTERNAL_CAUSES = ['slow_response', 'routing', 'app_timeout', 'network_timeout', 'system_failure', 'connector', 'overload'] as const;
export type UserCause = (typeof USER_CAUSES)[number];
export type InternalCause = (typeof INTERNAL_CAUSES)[number];
export type Cause = 'ok' | 'unknown_status' | UserCause | InternalCause;

/** The causes of each class, in the order they are listed everywhere. */
export const CAUSES_BY_CLASS: Readonly<Record<DialogClass, readonly Cause[]>> = {
  ok: ['ok'],
  user: USER_CAUSES,
  internal: INTERNAL_CAUSES,
  unclassified: ['unknown_status'],
};

/** Every cause, class by class. */
export const CAUSES: readonly Cause[] = CLASSES.flatMap((cls) => CAUSES_BY_CLASS[cls]);

export interface CauseInfo {
  cls: DialogClass;
  /** What happened, as the end of a sentence: "status FAILED_APP_TIMEOUT: the application did not answer". */
  text: string;
}

const TEXT: Record<Cause, string> = {
  ok: 'the dialog completed',
  unknown_status: 'nobody mapped this status',
  wrong_code: 'the subscriber dialed a code that does not exist',
  invalid_input: 'the subscriber chose an invalid menu entry',
  abandoned: 'the gateway was waiting on the subscriber, who went away',
  subscriber: "the subscriber's line does not allow it",
  slow_response: 'the application answered too slowly',
  routing: 'the gateway has no route for a code that exists',
  app_timeout: 'the application did not answer',
  network_timeout: 'the network did not answer in time',
  system_failure: 'the platform failed',
  connector: 'the connector or transport to the application failed',
  overload: 'the platform is overloaded',
};

const INFO = new Map<string, CauseInfo>(CLASSES.flatMap((cls) => CAUSES_BY_CLASS[cls].map((c) => [c, { cls, text: TEXT[c] }] as const)));

/** The class and words of a cause; a name that is not a cause (from a newer exporter?) is shown as it is, unclassified. */
export function causeInfo(cause: string): CauseInfo {
  return INFO.get(cause) ?? { cls: 'unclassified', text: cause };
}

/** The words of a cause as a sentence of their own: "The application did not answer." */
export function causeSentence(cause: string): string {
  const { text } = causeInfo(cause);
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}
