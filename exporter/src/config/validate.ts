// Moved to @ussdwatch/common/config-values.js. Kept only so that core/catalogue.ts, whose YAML
// reading another change is moving out of core/, compiles meanwhile: import from common.
export * from '@ussdwatch/common/config-values.js';
