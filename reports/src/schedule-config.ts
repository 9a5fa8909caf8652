// The schedule file of `ussdwatch report serve`: where the data is, which reports go to
// whom and when, the archive. Validated at start-up; every mistake names file, line, fix.
// Mail goes through the notifier: its SMTP settings and its teams' addresses are read from
// the notifier's own config, the one place they are written.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { child, fail, readYamlFile, refuseRestartOnlyChanges, topOf, type Place, type RestartOnly } from '@ussdwatch/common/config-file.js';
import { readEnum, readList, readMapping, readNumber, readString } from '@ussdwatch/common/config-values.js';
import { loadConfig as loadNotifierConfig, type NotifierConfig } from '@ussdwatch/notifier/config.js';
import type { Endpoint } from './http-client.js';
import { LANGS, type Lang } from './i18n.js';
import { defaultSource, METRICS_SOURCES, type MetricsSource } from './metrics-source.js';
import { MONDAY, WEEKDAYS, type Weekday } from './period.js';
import { parseScope, ScopeError, type Scope } from './scope.js';

export type ScheduledKind = 'day' | 'week' | 'month';

export interface ScheduledReport {
  name: string;
  period: ScheduledKind;
  /** Minutes after local midnight of the day it is sent: the day after a day, the day after a week's last, the 1st for a month. */
  atMinutes: number;
  /** A week's first day: Monday (the ISO week, sent on Monday) unless `week_start` says otherwise. */
  weekStart: Weekday;
  scope: Scope;
  lang: Lang;
  /** Where its numbers come from: `source:`, else the store for a month when there is one, else Prometheus. */
  source: MetricsSource;
  /** Resolved addresses: the teams' emails (from the notifier config) and the extra ones. */
  recipients: string[];
}

export interface ScheduleConfig {
  file: string;
  prometheus: Endpoint;
  /** The long-term store (`longterm:`), null when there is none. */
  longterm: Endpoint | null;
  notifier: Endpoint;
  notifierConfig: NotifierConfig;
  listen: { host: string; port: number };
  webConfigFile: string | null;
  /** Base of the links in mails (this service's address as recipients reach it). */
  publicUrl: string;
  archive: { dir: string; retentionDays: number };
  retryMinutes: number;
  reports: ScheduledReport[];
}

export const DEFAULT_SCHEDULE_FILE = resolve(import.meta.dirname, '../config/schedule.yaml');

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function str(m: Record<string, unknown>, key: string, at: Place, dflt?: string): string {
  if (m[key] === undefined) {
    if (dflt === undefined) fail(child(at, key), 'missing; this key is required');
    return dflt;
  }
  return readString(m[key], child(at, key));
}

function secretFile(m: Record<string, unknown>, key: string, at: Place, base: string): string | undefined {
  if (m[key] === undefined) return undefined;
  const file = resolve(base, readString(m[key], child(at, key)));
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    fail(child(at, key), `cannot read ${file}: ${(err as NodeJS.ErrnoException).code}; give the path of the file, relative to this config`);
  }
}

/** A PromQL API or the notifier: its URL (required without a default) and credentials. */
function endpoint(v: unknown, at: Place, base: string, dfltUrl?: string): Endpoint {
  const m = readMapping(v ?? {}, at, ['url', 'bearer_token_file', 'basic_auth', 'ca_file']);
  const url = str(m, 'url', at, dfltUrl);
  if (!/^https?:\/\/[^/]+/.test(url)) fail(child(at, 'url'), `${url} is not an http(s) URL; write it like http://127.0.0.1:9090`);
  let basicAuth;
  if (m.basic_auth !== undefined) {
    const bat = child(at, 'basic_auth');
    const b = readMapping(m.basic_auth, bat, ['username', 'password_file'], ['username', 'password_file']);
    basicAuth = { username: str(b, 'username', bat), password: secretFile(b, 'password_file', bat, base) ?? '' };
  }
  return { url, bearerToken: secretFile(m, 'bearer_token_file', at, base), basicAuth, ca: secretFile(m, 'ca_file', at, base) };
}

function clock(v: unknown, at: Place): number {
  const m = typeof v === 'string' ? /^([01]\d|2[0-3]):([0-5]\d)$/.exec(v) : null;
  if (!m) fail(at, `expected a time of day like "07:00" (Africa/Algiers), quoted`);
  return +m[1] * 60 + +m[2];
}

/** What the running service cannot take from a reload: its socket, its security, its archive. */
const RESTART_ONLY: ReadonlyArray<RestartOnly<ScheduleConfig>> = [
  { key: 'listen', value: (c) => `${c.listen.host}:${c.listen.port}` },
  { key: 'web_config_file', value: (c) => c.webConfigFile },
  { key: 'archive.dir', value: (c) => c.archive.dir },
];

/**
 * Reads and validates the schedule. With `running` (a reload), a change to a restart-only
 * key is refused at its line; `webConfigFile` stands for --web.config.file, which wins over the file.
 */
export function loadScheduleConfig(file: string, opts: { running?: ScheduleConfig; webConfigFile?: string } = {}): ScheduleConfig {
  const y = readYamlFile(file, 'give the schedule file with --config (reports/config/schedule.yaml is the example)');
  const top = topOf(y);
  const base = dirname(resolve(file));
  const m = readMapping(y.value, top, ['prometheus', 'longterm', 'notifier', 'listen', 'web_config_file', 'public_url', 'archive', 'retry_minutes', 'reports'], ['reports']);

  const nat = child(top, 'notifier');
  const nm = readMapping(m.notifier ?? {}, nat, ['url', 'bearer_token_file', 'ca_file', 'config_file']);
  const { config_file: _file, ...notifierEndpoint } = nm;
  const notifierConfigFile = resolve(base, str(nm, 'config_file', nat, '../../notifier/config/notifier.yaml'));
  let notifierConfig: NotifierConfig;
  try {
    notifierConfig = loadNotifierConfig(notifierConfigFile);
  } catch (err) {
    fail(child(nat, 'config_file'), `the notifier config ${notifierConfigFile} does not load (${(err as Error).message}); point config_file at the notifier's config`);
  }

  const lat = child(top, 'listen');
  const lm = readMapping(m.listen ?? {}, lat, ['host', 'port']);
  const listen = { host: str(lm, 'host', lat, '127.0.0.1'), port: lm.port === undefined ? 9720 : readNumber(lm.port, child(lat, 'port'), { min: 0, max: 65535, integer: true }) };

  const aat = child(top, 'archive');
  const am = readMapping(m.archive ?? {}, aat, ['dir', 'retention_days']);
  const archive = {
    dir: resolve(base, str(am, 'dir', aat, '../../.run/reports')),
    retentionDays: am.retention_days === undefined ? 400 : readNumber(am.retention_days, child(aat, 'retention_days'), { min: 1, max: 3650, integer: true }),
  };

  const longterm = m.longterm === undefined ? null : endpoint(m.longterm, child(top, 'longterm'), base);
  const teams = notifierConfig.teams;
  const rat = child(top, 'reports');
  const names = new Set<string>();
  const reports = readList(m.reports, rat).map((v, i): ScheduledReport => {
    const at = child(rat, i);
    const r = readMapping(v, at, ['name', 'period', 'at', 'week_start', 'scope', 'lang', 'source', 'teams', 'emails'], ['name', 'period']);
    const name = str(r, 'name', at);
    if (!/^[a-z0-9][a-z0-9_-]*$/.test(name)) fail(child(at, 'name'), 'use lower-case letters, digits, - and _ (it names the sent-state)');
    if (names.has(name)) fail(child(at, 'name'), `a second report named ${name}; names must be unique`);
    names.add(name);
    let scope: Scope;
    try {
      scope = parseScope(str(r, 'scope', at, 'all'));
    } catch (err) {
      if (err instanceof ScopeError) fail(child(at, 'scope'), err.message.replace('--scope ', ''));
      throw err;
    }
    const recipients = new Set<string>();
    if (r.teams !== undefined) {
      readList(r.teams, child(at, 'teams')).forEach((t, j) => {
        const team = readString(t, child(child(at, 'teams'), j));
        const known = teams.get(team);
        if (!known) fail(child(child(at, 'teams'), j), `no team ${team} in ${notifierConfigFile}; teams there: ${[...teams.keys()].join(', ')}`);
        for (const e of known.emails) recipients.add(e);
      });
    }
    if (r.emails !== undefined) {
      readList(r.emails, child(at, 'emails')).forEach((e, j) => {
        const addr = readString(e, child(child(at, 'emails'), j));
        if (!EMAIL.test(addr)) fail(child(child(at, 'emails'), j), `${addr} is not an email address; write it like noc-management@djezzy.dz`);
        recipients.add(addr);
      });
    }
    if (recipients.size === 0) fail(at, 'nobody receives this report: list teams (from the notifier config) or emails');
    const period = readEnum(r.period, child(at, 'period'), ['day', 'week', 'month'] as const);
    if (r.week_start !== undefined && period !== 'week') fail(child(at, 'week_start'), `only a week has a first day; remove it, or make the period week`);
    const source = r.source === undefined ? defaultSource(period, longterm !== null) : readEnum(r.source, child(at, 'source'), METRICS_SOURCES);
    if (source === 'longterm' && longterm === null) {
      fail(child(at, 'source'), 'this file has no longterm: block; add one at the top level (longterm: {url: https://victoriametrics:8428}, the store the Prometheus replicas remote_write to), or write source: prometheus');
    }
    return {
      name,
      period,
      atMinutes: r.at === undefined ? 7 * 60 : clock(r.at, child(at, 'at')),
      weekStart: r.week_start === undefined ? MONDAY : (WEEKDAYS.indexOf(readEnum(r.week_start, child(at, 'week_start'), WEEKDAYS)) as Weekday),
      scope,
      lang: r.lang === undefined ? 'fr' : readEnum(r.lang, child(at, 'lang'), LANGS),
      source,
      recipients: [...recipients],
    };
  });

  const publicUrl = str(m, 'public_url', top, `http://${listen.host}:${listen.port}`);
  const cfg: ScheduleConfig = {
    file,
    prometheus: endpoint(m.prometheus, child(top, 'prometheus'), base, 'http://127.0.0.1:9090'),
    longterm,
    notifier: endpoint(notifierEndpoint, nat, base, `http://${notifierConfig.listen.host}:${notifierConfig.listen.port}`),
    notifierConfig,
    listen,
    webConfigFile: opts.webConfigFile ?? (m.web_config_file === undefined ? null : resolve(base, readString(m.web_config_file, child(top, 'web_config_file')))),
    publicUrl: publicUrl.replace(/\/+$/, ''),
    archive,
    retryMinutes: m.retry_minutes === undefined ? 10 : readNumber(m.retry_minutes, child(top, 'retry_minutes'), { min: 1, max: 1440, integer: true }),
    reports,
  };
  if (opts.running) refuseRestartOnlyChanges('report service', RESTART_ONLY, opts.running, cfg, top);
  return cfg;
}
