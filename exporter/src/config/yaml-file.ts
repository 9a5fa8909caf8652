// Moved to @ussdwatch/common/config-file.js. Kept only so that prometheus/generate, which
// imports it, compiles until it imports from common: new code imports from common.
export { parseYaml, readYamlFile, type YamlFile } from '@ussdwatch/common/config-file.js';
