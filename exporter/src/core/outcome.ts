// The (class, cause) pairs a status can lead to. There are only a dozen, so each exists
// once and carries a small index: the classifier's tables are arrays indexed by it.
import { CAUSES_BY_CLASS } from '@ussdwatch/common/causes.js';
import { CLASSES, type Cause, type DialogClass } from './types.js';

export interface Outcome {
  readonly cls: DialogClass;
  readonly cause: Cause;
  /** Position in ALL_OUTCOMES. */
  readonly id: number;
  /** `class/cause`, as written in status maps. */
  readonly name: string;
}

export const ALL_OUTCOMES: readonly Outcome[] = CLASSES.flatMap((cls) => CAUSES_BY_CLASS[cls].map((cause) => ({ cls, cause }))).map(
  (o, id) => Object.freeze({ ...o, id, name: `${o.cls}/${o.cause}` }),
);

const BY_NAME = new Map(ALL_OUTCOMES.map((o) => [o.name, o]));

export const UNKNOWN_STATUS = BY_NAME.get('unclassified/unknown_status')!;

/** The outcome written `class/cause`, or undefined when that pair does not exist. */
export function outcomeNamed(name: string): Outcome | undefined {
  return BY_NAME.get(name.trim());
}

export const OUTCOME_NAMES: readonly string[] = ALL_OUTCOMES.map((o) => o.name);
