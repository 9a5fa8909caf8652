// The cause list of classification.md, with the class each cause belongs to and the
// words an on-call engineer reads. The status map is vendor data, but the causes are fixed.
export type DialogClass = 'ok' | 'user' | 'internal' | 'unclassified';

export interface CauseInfo {
  cls: DialogClass;
  label: string;
}

export const CAUSES: Readonly<Record<string, CauseInfo>> = {
  wrong_code: { cls: 'user', label: 'Dialed a code that does not exist' },
  invalid_input: { cls: 'user', label: 'Invalid menu input' },
  abandoned: { cls: 'user', label: 'Subscriber walked away' },
  subscriber: { cls: 'user', label: 'Subscriber line state forbids it' },
  slow_response: { cls: 'internal', label: 'Application slower than the code threshold' },
  routing: { cls: 'internal', label: 'Routing rule missing for a catalogued code' },
  app_timeout: { cls: 'internal', label: 'Application did not answer' },
  network_timeout: { cls: 'internal', label: 'Network (MAP invoke) timeout' },
  system_failure: { cls: 'internal', label: 'System failure' },
  connector: { cls: 'internal', label: 'Connector / transport broken' },
  overload: { cls: 'internal', label: 'Platform overloaded' },
  unknown_status: { cls: 'unclassified', label: 'Status nobody mapped' },
};

export function causeInfo(cause: string): CauseInfo {
  return CAUSES[cause] ?? { cls: 'unclassified', label: cause };
}

/** Series colours by class, so "us" and "them" read the same on every page. */
export const CLASS_COLORS: Readonly<Record<DialogClass, string>> = {
  ok: 'green',
  user: 'blue',
  internal: 'red',
  unclassified: 'orange',
};
