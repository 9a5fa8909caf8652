// loadConfig: one YAML file -> the validated ExporterConfig (see config/example.yaml).
// Everything is checked here, at start-up, so a running exporter never meets a bad value.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { child, fail, readYamlFile, refuseRestartOnlyChanges, topOf, type Place, type RestartOnly } from '@ussdwatch/common/config-file.js';
import { readBoolean, readEnum, readList, readMapping, readNumber, readString, readUtcOffset } from '@ussdwatch/common/config-values.js';
import { readLearnConfig } from '../learn/learn-config.js';
import { compileTimeFormat } from '../parsers/timestamp.js';
import { compileVendorRegex } from '../parsers/regex.js';
import { expandEnv } from './env.js';
import { BUNDLED_CATALOGUE, catalogueFrom, loadCatalogueFile, statusMapFrom } from './files.js';
import { defaultStatusMap } from './status-map-file.js';
import type { DpssConfig, ExporterConfig, LineFormat, SourceConfig } from './types.js';

export { ConfigError } from '@ussdwatch/common/config-file.js';

export const EMBEDDED_DEFAULTS = '<embedded defaults>';
const DEFAULT_FILE = fileURLToPath(new URL('../../config/default.yaml', import.meta.url));

export const DEFAULT_LISTEN = '127.0.0.1:9716';
/** The node of the one-machine demo, where one exporter reads every gateway's logs. */
export const DEFAULT_NODE = 'local';
export const DEFAULT_UTC_OFFSET_MINUTES = 60; // Africa/Algiers, no daylight saving
const FORMATS: readonly LineFormat[] = ['ussd-cdr', 'ussd-json', 'auto', 'regex'];
const TOP_KEYS = ['catalogue', 'sources', 'nodes', 'node', 'status_map', 'listen', 'state_dir', 'dpss', 'events_per_key', 'malformed_per_source', 'utc_offset', 'web_config_file', 'learn'];
const SOURCE_KEYS = ['name', 'path', 'format', 'regex', 'time_format', 'status_map', 'utc_offset', 'start_at', 'follow_symlinks_outside'];
const LABEL_VALUE = /^[A-Za-z0-9_.-]+$/;

export interface LoadOptions {
  /** --web.config.file: replaces the file's web_config_file. */
  webConfigFile?: string;
  /** The configuration running now, for a reload: what only a restart can change must be left as it is. */
  running?: ExporterConfig;
}

/**
 * Reads and validates the config file; without one, the embedded defaults (whose relative
 * paths start from the current directory, as a launcher expects). Throws ConfigError.
 */
export function loadConfig(file?: string, env: NodeJS.ProcessEnv = process.env, opts: LoadOptions = {}): ExporterConfig {
  const y = readYamlFile(file ?? DEFAULT_FILE, 'check the path given to --config');
  const baseDir = file ? dirname(resolve(file)) : process.cwd();
  const top = topOf(y);
  const doc = readMapping(expandEnv(y.value ?? {}, top, env), top, TOP_KEYS);
  const at = (key: string) => child(top, key);
  const path = (v: unknown, p: Place) => resolve(baseDir, readString(v, p));

  const utcOffset = doc.utc_offset === undefined ? DEFAULT_UTC_OFFSET_MINUTES : readUtcOffset(doc.utc_offset, at('utc_offset'));
  const statusMap = doc.status_map === undefined ? defaultStatusMap() : statusMapFrom(doc.status_map, at('status_map'), baseDir);

  const node = doc.node === undefined ? DEFAULT_NODE : readLabelValue(doc.node, at('node'));
  const config: ExporterConfig = {
    file: file ?? EMBEDDED_DEFAULTS,
    node,
    listen: readListen(doc.listen ?? DEFAULT_LISTEN, at('listen')),
    webConfigFile: opts.webConfigFile !== undefined ? resolve(opts.webConfigFile) : doc.web_config_file === undefined ? undefined : path(doc.web_config_file, at('web_config_file')),
    stateDir: path(doc.state_dir ?? './.run/state', at('state_dir')),
    catalogue: doc.catalogue === undefined ? loadCatalogueFile(BUNDLED_CATALOGUE) : catalogueFrom(doc.catalogue, at('catalogue'), baseDir),
    statusMap,
    // An exporter beside one gateway counts that gateway's dialogs under its own name.
    nodes: readNames(doc.nodes ?? (doc.node === undefined ? [] : [node]), at('nodes'), 'node'),
    sources: readSources(doc.sources ?? [], at('sources'), baseDir, utcOffset),
    dpss: doc.dpss === undefined || doc.dpss === null ? null : readDpss(doc.dpss, at('dpss'), baseDir, utcOffset),
    eventsPerKey: doc.events_per_key === undefined ? 50 : readNumber(doc.events_per_key, at('events_per_key'), { min: 1, max: 10_000, integer: true }),
    malformedPerSource:
      doc.malformed_per_source === undefined ? 50 : readNumber(doc.malformed_per_source, at('malformed_per_source'), { min: 1, max: 10_000, integer: true }),
    learn: doc.learn === undefined || doc.learn === null ? null : readLearnConfig(doc.learn, at('learn'), baseDir),
  };
  if (opts.running) refuseRestartOnlyChanges('exporter', RESTART_ONLY, opts.running, config, top);
  return config;
}

/** What a running exporter holds open or has sized (its socket, its state folder, its stores): only a restart changes it. */
const RESTART_ONLY: ReadonlyArray<RestartOnly<ExporterConfig>> = [
  { key: 'listen', value: (c) => `${c.listen.host}:${c.listen.port}` },
  { key: 'web_config_file', value: (c) => c.webConfigFile ?? null },
  { key: 'state_dir', value: (c) => c.stateDir },
  { key: 'events_per_key', value: (c) => c.eventsPerKey },
  { key: 'malformed_per_source', value: (c) => c.malformedPerSource },
  // The model is loaded at start, with its metric: a new model needs a restart.
  { key: 'learn', value: (c) => JSON.stringify(c.learn && [c.learn.modelFile, c.learn.minConfidence, c.learn.proposeAfter]) },
];

function readLabelValue(v: unknown, at: Place): string {
  const name = readString(v, at);
  if (!LABEL_VALUE.test(name)) fail(at, `"${name}" is used as a metric label: use letters, digits, _ . - only`);
  return name;
}

function readListen(v: unknown, at: Place): { host: string; port: number } {
  const s = typeof v === 'string' ? v.trim() : '';
  const colon = s.lastIndexOf(':');
  const host = s.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  const port = Number(s.slice(colon + 1));
  if (colon <= 0 || host === '' || !/^\d+$/.test(s.slice(colon + 1)) || port > 65535) {
    fail(at, `expected host:port such as "${DEFAULT_LISTEN}" (use 0.0.0.0:9716 to listen on every interface); got ${JSON.stringify(v)}`);
  }
  return { host, port };
}

function readNames(v: unknown, at: Place, what: string): string[] {
  const names = readList(v, at).map((n, i) => readString(n, child(at, i)));
  names.forEach((n, i) => {
    if (names.indexOf(n) !== i) fail(child(at, i), `${what} "${n}" is listed twice; remove one`);
  });
  return names;
}

function readSources(v: unknown, at: Place, baseDir: string, utcOffset: number): SourceConfig[] {
  const seen = new Map<string, number>();
  return readList(v, at).map((item, i) => {
    const s = child(at, i);
    const m = readMapping(item, s, SOURCE_KEYS, ['name', 'path']);
    const name = readLabelValue(m.name, child(s, 'name'));
    const dup = seen.get(name);
    if (dup !== undefined) fail(child(s, 'name'), `source name "${name}" is already used by sources[${dup}]; give each source its own name`);
    seen.set(name, i);
    const format = m.format === undefined ? 'auto' : readEnum(m.format, child(s, 'format'), FORMATS);
    const source: SourceConfig = {
      name,
      path: resolve(baseDir, readString(m.path, child(s, 'path'))),
      format,
      utcOffsetMinutes: m.utc_offset === undefined ? utcOffset : readUtcOffset(m.utc_offset, child(s, 'utc_offset')),
      startAt: m.start_at === undefined ? 'end' : readEnum(m.start_at, child(s, 'start_at'), ['end', 'beginning'] as const),
      followSymlinksOutside: m.follow_symlinks_outside === undefined ? false : readBoolean(m.follow_symlinks_outside, child(s, 'follow_symlinks_outside')),
    };
    if (format === 'regex') {
      if (m.regex === undefined) fail(child(s, 'regex'), 'missing; format regex needs a pattern with named groups (?<ts>...), (?<ussd>...), (?<status>...)');
      source.regex = readString(m.regex, child(s, 'regex'));
      try {
        compileVendorRegex(source.regex);
      } catch (err) {
        fail(child(s, 'regex'), (err as Error).message);
      }
      if (m.time_format !== undefined) {
        source.timeFormat = readString(m.time_format, child(s, 'time_format'));
        try {
          compileTimeFormat(source.timeFormat);
        } catch (err) {
          fail(child(s, 'time_format'), (err as Error).message);
        }
      }
    } else {
      for (const key of ['regex', 'time_format']) {
        if (m[key] !== undefined) fail(child(s, key), `only used with format regex (this source's format is ${format}); remove it or set format: regex`);
      }
    }
    if (m.status_map !== undefined) source.statusMap = statusMapFrom(m.status_map, child(s, 'status_map'), baseDir);
    return source;
  });
}

function readDpss(v: unknown, at: Place, baseDir: string, utcOffset: number): DpssConfig {
  const m = readMapping(v, at, ['spool', 'utc_offset'], ['spool']);
  return {
    spool: resolve(baseDir, readString(m.spool, child(at, 'spool'))),
    utcOffsetMinutes: m.utc_offset === undefined ? utcOffset : readUtcOffset(m.utc_offset, child(at, 'utc_offset')),
  };
}
