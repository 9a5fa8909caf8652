// Catalogue and status-map files, and the way a config key refers to one: a path string
// (relative to the referring file's folder) or the document written inline.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fail, readYamlFile, type KeyPath, type LineOf, type Place } from '@ussdwatch/common/config-file.js';
import { isMapping } from '@ussdwatch/common/config-values.js';
import type { Catalogue } from '../core/catalogue.js';
import type { StatusMap } from '../core/status-map.js';
import { parseCatalogue } from './catalogue-file.js';
import { compileStatusMap } from './status-map-file.js';

/** The Djezzy catalogue shipped with the exporter, used when a config names none. */
export const BUNDLED_CATALOGUE = fileURLToPath(new URL('../../config/catalogue.yaml', import.meta.url));

type Compile<T> = (raw: unknown, file: string, lineOf: LineOf, at: KeyPath) => T;

function loadFile<T>(file: string, compile: Compile<T>): T {
  const y = readYamlFile(file);
  return compile(y.value, file, y.lineOf, []);
}

export function loadCatalogueFile(file: string): Catalogue {
  return loadFile(file, parseCatalogue);
}

export function loadStatusMapFile(file: string): StatusMap {
  return loadFile(file, compileStatusMap);
}

function fileOrInline<T>(value: unknown, at: Place, baseDir: string, what: string, compile: Compile<T>): T {
  if (typeof value === 'string') {
    const path = resolve(baseDir, value);
    if (!existsSync(path)) fail(at, `${what} file ${path} does not exist; fix the path (relative paths start from the config file's folder)`);
    return loadFile(path, compile);
  }
  if (!isMapping(value)) fail(at, `expected the path of a ${what} file or an inline ${what}; got ${JSON.stringify(value)}`);
  return compile(value, at.file, at.lineOf, at.path);
}

export function catalogueFrom(value: unknown, at: Place, baseDir: string): Catalogue {
  return fileOrInline(value, at, baseDir, 'catalogue', parseCatalogue);
}

export function statusMapFrom(value: unknown, at: Place, baseDir: string): StatusMap {
  return fileOrInline(value, at, baseDir, 'status map', compileStatusMap);
}
