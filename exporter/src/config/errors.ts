// Moved to @ussdwatch/common/config-file.js. Kept only so that core/catalogue.ts (whose YAML
// reading another branch moves out of core/) and prometheus/generate compile until they
// import from common: new code imports from common.
export * from '@ussdwatch/common/config-file.js';
