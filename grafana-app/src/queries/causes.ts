// The classes and causes, the words an on-call engineer reads for each and their colours
// are the project's one list (@ussdwatch/common/causes.js and colours.js, the same the
// exporter explains with and the dashboards paint with).
export { CAUSES, causeInfo, causeSentence, type DialogClass } from '@ussdwatch/common/causes.js';
export { CAUSE_COLOURS, causeColour, CLASS_COLOURS, healthBand, HEALTH_BANDS } from '@ussdwatch/common/colours.js';
