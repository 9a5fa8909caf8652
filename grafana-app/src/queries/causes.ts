// The classes and causes, and the words an on-call engineer reads for each, are the
// project's one list (@ussdwatch/common/causes.js, the same the exporter explains with);
// what is the app's own is how a class looks.
import type { DialogClass } from '@ussdwatch/common/causes.js';

export { CAUSES, causeInfo, causeSentence, type DialogClass } from '@ussdwatch/common/causes.js';

/** Series colours by class, so "us" and "them" read the same on every page. */
export const CLASS_COLORS: Readonly<Record<DialogClass, string>> = {
  ok: 'green',
  user: 'blue',
  internal: 'red',
  unclassified: 'orange',
};
