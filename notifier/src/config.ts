// The notifier's one configuration file: transports, the journal, and the teams (who gets
// which email and SMS). Validated once at start-up; every error names the file, the line,
// the key and the fix, so the service never starts half-configured.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { child, fail, parseYaml, readYamlFile, refuseRestartOnlyChanges, topOf, type Place, type RestartOnly, type YamlFile } from '@ussdwatch/common/config-file.js';
import { describe, isMapping, readBoolean, readList, readMapping, readNumber, readString } from '@ussdwatch/common/config-values.js';
import { parse as parseYamlText } from 'yaml';
import { chainFor, loadOnCall, parseDuration, type OnCall } from './oncall.js';

export { ConfigError } from '@ussdwatch/common/config-file.js';

export interface RetryPolicy {
  attempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

export interface Team {
  emails: string[];
  oncallSms: string[];
  criticalSms: string[];
  criticalEmails: string[];
}

export interface NotifierConfig {
  file: string;
  listen: { host: string; port: number };
  /** Alertmanager's bearer token (role act), also the key of the journal's hashes. */
  token: string;
  /** Where the token came from, for the messages that refuse it. */
  tokenSource?: string;
  /** TLS and more credentials (common/web-config); without one the notifier only listens on loopback. */
  webConfigFile?: string;
  journal: { dir: string; retentionDays: number; segmentMaxBytes: number; memoryMaxBytes: number };
  maxBodyBytes: number;
  dedupWindowMs: number;
  requiredLabels: string[];
  /** maxPerRecipientPerHour: SMS to one number in any hour, the last being the summary of those held. */
  sms: { sendsmsUrl: string; user: string; password: string; sender: string; timeoutMs: number; retry: RetryPolicy; maxPerRecipientPerHour: number };
  /** requireTls: refuse to send (or log in) unless STARTTLS succeeds; tlsCa: PEM trusted beside the system's CAs. */
  email: {
    host: string; port: number; secure: boolean; requireTls: boolean; tlsCa?: string;
    user?: string; password?: string; from: string; timeoutMs: number; retry: RetryPolicy;
  };
  teams: Map<string, Team>;
  /** Team whose critical lists receive tier 3, and who gets alerts of unknown teams. */
  criticalTeam: string;
  /** People, rotations and escalation chains (oncall_file); without one, the teams' lists are paged once. */
  oncall?: OnCall;
  /** Short code -> service name, from the catalogue (catalogue_file), for messages. */
  services: Map<string, string>;
  /** Where Kannel calls back (dlr-url, the replies' sms-service) and the token it passes; replies and receipts are off without it. */
  callback?: { url: string; token: string };
  /** Alertmanagers whose API v2 takes the silences of acknowledged incidents (any one of a cluster will do), and the user their web config asks for. */
  alertmanager: { urls: string[]; silenceMinutes: number; basicAuth?: { username: string; password: string } };
  /** How the mail's acknowledgement link reaches the notifier, and how long it is valid. */
  links: { baseUrl?: string; validHours: number };
  /**
   * The dead man's switch: Alertmanager posts the always-firing Watchdog alert to
   * /webhook/watchdog; no heartbeat for timeoutMs pages `team`'s on-call. Off without the section.
   */
  watchdog?: { timeoutMs: number; team: string };
}

/** The configuration shipped with the package, used when neither --config nor NOTIFIER_CONFIG is given. */
export const DEFAULT_CONFIG_FILE = fileURLToPath(new URL('../config/notifier.yaml', import.meta.url));

const MSISDN = /^\+?[1-9]\d{7,14}$/;
const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
export const checkMsisdn = (s: string) => (MSISDN.test(s) ? null : 'is not an international number (8 to 15 digits, no spaces)');
export const checkEmail = (s: string) => (EMAIL.test(s) ? null : 'is not an email address');

const TOP_KEYS = [
  'listen', 'auth', 'journal', 'limits', 'dedup', 'required_labels', 'sms', 'email', 'teams', 'critical_team', 'web_config_file',
  'oncall_file', 'catalogue_file', 'alertmanager', 'links', 'watchdog',
];
const RETRY_KEYS = ['attempts', 'initial_backoff_ms', 'max_backoff_ms'];
const DEFAULT_RETRY: RetryPolicy = { attempts: 4, initialBackoffMs: 500, maxBackoffMs: 4000 };

/** One mapping of the file, its keys read with their defaults by the readers of common/config-values. */
export class Section {
  private constructor(
    private readonly at_: Place,
    private readonly m: Record<string, unknown>,
  ) {}

  /** The mapping at `at` (absent: one without keys); `keys` null lets any key in (team names). */
  static of(v: unknown, at: Place, keys: readonly string[] | null): Section {
    if (v === undefined || v === null) return new Section(at, {});
    if (keys === null && !isMapping(v)) fail(at, `expected a mapping (name: value lines); got ${describe(v)}`);
    return new Section(at, keys === null ? (v as Record<string, unknown>) : readMapping(v, at, keys));
  }

  section(key: string, keys: readonly string[] | null): Section {
    return Section.of(this.m[key], child(this.at_, key), keys);
  }

  keys(): string[] {
    return Object.keys(this.m);
  }

  has(key: string): boolean {
    return this.m[key] !== undefined && this.m[key] !== null;
  }

  /** Where `key` sits, for readers of common/config-values. */
  at(key: string): Place {
    return child(this.at_, key);
  }

  raw(key: string): unknown {
    return this.m[key];
  }

  str(key: string, dflt?: string): string {
    if (this.has(key)) return readString(this.m[key], child(this.at_, key));
    if (dflt === undefined) this.fail(key, 'missing; this key is required');
    return dflt;
  }

  optStr(key: string): string | undefined {
    return this.has(key) ? this.str(key) : undefined;
  }

  int(key: string, dflt: number, min: number, max: number): number {
    return this.has(key) ? readNumber(this.m[key], child(this.at_, key), { min, max, integer: true }) : dflt;
  }

  bool(key: string, dflt: boolean): boolean {
    return this.has(key) ? readBoolean(this.m[key], child(this.at_, key)) : dflt;
  }

  /** A list of strings (numbers written without quotes count), each passing `check`; `example` shows a good one. */
  list(key: string, check: (s: string) => string | null, example: string): string[] {
    if (!this.has(key)) return [];
    const at = child(this.at_, key);
    return readList(this.m[key], at).map((item, i) => {
      const s = typeof item === 'number' ? String(item) : item;
      if (typeof s !== 'string') fail(child(at, i), `expected a string like ${example}`);
      const bad = check(s.trim());
      if (bad) fail(child(at, i), `${JSON.stringify(s)} ${bad}; write it like ${example}`);
      return s.trim();
    });
  }

  fail(key: string, problem: string): never {
    return fail(child(this.at_, key), problem);
  }
}

function readRetry(s: Section, dflt: RetryPolicy): RetryPolicy {
  return {
    attempts: s.int('attempts', dflt.attempts, 1, 10),
    initialBackoffMs: s.int('initial_backoff_ms', dflt.initialBackoffMs, 1, 60_000),
    maxBackoffMs: s.int('max_backoff_ms', dflt.maxBackoffMs, 1, 300_000),
  };
}

/** Parses and validates a configuration text; `file` is used for messages and relative paths. */
export function parseConfig(text: string, file: string, env: NodeJS.ProcessEnv = process.env): NotifierConfig {
  return configFrom(parseYaml(text, file), env);
}

export interface LoadOptions {
  /** --web.config.file: replaces the file's web_config_file. */
  webConfigFile?: string;
  /** The configuration running now, for a reload: what only a restart can change must be left as it is. */
  running?: NotifierConfig;
}

/** Reads and validates the configuration file. Throws ConfigError. */
export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env, opts: LoadOptions = {}): NotifierConfig {
  const y = readYamlFile(file, 'pass --config FILE or set NOTIFIER_CONFIG');
  const cfg = configFrom(y, env);
  if (opts.webConfigFile !== undefined) cfg.webConfigFile = resolve(opts.webConfigFile);
  if (opts.running) refuseRestartOnlyChanges('notifier', RESTART_ONLY, opts.running, cfg, topOf(y));
  return cfg;
}

/**
 * What the running notifier holds open or has sized: its socket and credentials, the
 * journal (opened with a state window sized by the dedup window), the body limit, and
 * Kannel's callbacks (their URL and token are also in kannel.conf). Everything else
 * (teams, on-call file, catalogue, SMS and mail settings, caps, Alertmanager, links)
 * a reload applies.
 */
const RESTART_ONLY: ReadonlyArray<RestartOnly<NotifierConfig>> = [
  { key: 'listen', value: (c) => `${c.listen.host}:${c.listen.port}` },
  { key: 'web_config_file', value: (c) => c.webConfigFile ?? null },
  { key: 'auth', value: (c) => c.token, secret: true },
  { key: 'journal.dir', value: (c) => c.journal.dir },
  { key: 'journal.retention_days', value: (c) => c.journal.retentionDays },
  { key: 'journal.segment_max_bytes', value: (c) => c.journal.segmentMaxBytes },
  { key: 'journal.memory_max_bytes', value: (c) => c.journal.memoryMaxBytes },
  { key: 'limits.max_body_bytes', value: (c) => c.maxBodyBytes },
  { key: 'dedup.window_minutes', value: (c) => c.dedupWindowMs / 60_000 },
  { key: 'sms.callback_url', value: (c) => c.callback?.url ?? null },
  { key: 'sms.callback_token_file', value: (c) => c.callback?.token ?? null, secret: true },
];

function configFrom(y: YamlFile, env: NodeJS.ProcessEnv): NotifierConfig {
  const file = y.file;
  const r = Section.of(y.value, topOf(y), TOP_KEYS);
  const rel = (p: string) => (isAbsolute(p) ? p : resolve(dirname(file), p));
  const readSecret = (s: Section, key: string): string | undefined => {
    const f = s.optStr(key);
    if (f === undefined) return undefined;
    try {
      return readFileSync(rel(f), 'utf8').trim();
    } catch (err) {
      return s.fail(key, `cannot read ${rel(f)} (${(err as NodeJS.ErrnoException).code}); create the file or fix the path`);
    }
  };

  const listen = r.section('listen', ['host', 'port']);
  const auth = r.section('auth', ['token', 'token_file']);
  const journal = r.section('journal', ['dir', 'retention_days', 'segment_max_bytes', 'memory_max_bytes']);
  const limits = r.section('limits', ['max_body_bytes']);
  const dedup = r.section('dedup', ['window_minutes']);
  const sms = r.section('sms', [
    'sendsms_url', 'user', 'password', 'password_file', 'sender', 'timeout_ms', 'retry', 'max_per_recipient_per_hour', 'callback_url', 'callback_token', 'callback_token_file',
  ]);
  const email = r.section('email', ['host', 'port', 'secure', 'require_tls', 'tls_ca_file', 'user', 'password', 'password_file', 'from', 'timeout_ms', 'retry']);

  const fromEnv = env.NOTIFIER_TOKEN?.trim();
  const tokenFile = auth.optStr('token_file');
  const token = fromEnv || auth.optStr('token') || readSecret(auth, 'token_file');
  const tokenSource = fromEnv ? 'NOTIFIER_TOKEN' : auth.optStr('token') ? `auth.token in ${file}` : tokenFile && rel(tokenFile);
  if (!token) return r.fail('auth', 'no bearer token: set auth.token_file (the file Alertmanager also reads) or the NOTIFIER_TOKEN environment variable');

  const sendsmsUrl = sms.str('sendsms_url', 'http://127.0.0.1:13013/cgi-bin/sendsms');
  if (!URL.canParse(sendsmsUrl)) sms.fail('sendsms_url', 'not a URL; write it like http://127.0.0.1:13013/cgi-bin/sendsms');

  const oncallFile = r.optStr('oncall_file');
  let oncall: OnCall | undefined;
  if (oncallFile !== undefined) oncall = loadOnCall(rel(oncallFile));

  const teamsAt = r.section('teams', null);
  const teamNames = teamsAt.keys();
  if (teamNames.length === 0) r.fail('teams', 'no teams: list each team with its emails and oncall_sms (see notifier/README.md)');
  const teams = new Map<string, Team>();
  for (const name of teamNames) {
    const t = teamsAt.section(name, ['emails', 'oncall_sms', 'critical_sms', 'critical_emails']);
    const team: Team = {
      emails: t.list('emails', checkEmail, 'noc-billing@djezzy.dz'),
      oncallSms: t.list('oncall_sms', checkMsisdn, '213770123456'),
      criticalSms: t.list('critical_sms', checkMsisdn, '213770123456'),
      criticalEmails: t.list('critical_emails', checkEmail, 'noc-critical@djezzy.dz'),
    };
    if (team.emails.length === 0) t.fail('emails', 'every team needs at least one email address (tier 1 and 2 alerts go there)');
    if (team.oncallSms.length === 0 && !chainFor(oncall, name, '2')) t.fail('oncall_sms', 'every team needs its on-call number (tier 2 SMS go there), or a tier2 chain in the oncall_file');
    teams.set(name, team);
  }
  const criticalTeam = r.str('critical_team', 'technical');
  const crit = teams.get(criticalTeam);
  if (!crit) return r.fail('critical_team', `team "${criticalTeam}" is not under teams; add it there or name an existing team`);
  if (crit.criticalSms.length === 0 && !chainFor(oncall, criticalTeam, '3')) teamsAt.section(criticalTeam, null).fail('critical_sms', 'the critical team needs at least one number for tier 3 SMS');

  const requiredLabels = r.list('required_labels', (s) => (/^[a-zA-Z_]\w*$/.test(s) ? null : 'is not a label name'), 'team');
  const emailPort = email.int('port', 2525, 1, 65535);
  const tlsCa = readSecret(email, 'tls_ca_file');
  if (tlsCa !== undefined && !tlsCa.includes('-----BEGIN CERTIFICATE-----')) {
    email.fail('tls_ca_file', 'is not a PEM certificate (-----BEGIN CERTIFICATE-----); give the CA that signed the mail server\'s certificate');
  }
  const callbackUrl = sms.optStr('callback_url');
  if (callbackUrl !== undefined && !URL.canParse(callbackUrl)) sms.fail('callback_url', 'not a URL; write the notifier\'s address as Kannel reaches it, like http://127.0.0.1:9717');
  const callbackToken = env.NOTIFIER_CALLBACK_TOKEN?.trim() || sms.optStr('callback_token') || readSecret(sms, 'callback_token_file');
  if (callbackUrl !== undefined && !callbackToken) sms.fail('callback_url', 'Kannel\'s calls need a token: set callback_token_file (the same value goes in kannel.conf\'s get-url and the notifier\'s dlr-url)');
  const am = r.section('alertmanager', ['urls', 'silence_minutes', 'basic_auth']);
  const amAuth = am.section('basic_auth', ['username', 'password_file']);
  const links = r.section('links', ['base_url', 'valid_hours']);
  const catalogueFile = r.optStr('catalogue_file');
  return {
    watchdog: r.has('watchdog') ? readWatchdog(r.section('watchdog', ['timeout', 'team']), teams, criticalTeam) : undefined,
    file,
    oncall,
    services: catalogueFile === undefined ? new Map() : readServices(rel(catalogueFile), (problem) => r.fail('catalogue_file', problem)),
    callback: callbackUrl && callbackToken ? { url: callbackUrl.replace(/\/$/, ''), token: callbackToken } : undefined,
    alertmanager: {
      urls: am.list('urls', (u) => (URL.canParse(u) ? null : 'is not a URL'), 'http://127.0.0.1:9093').map((u) => u.replace(/\/$/, '')),
      silenceMinutes: am.int('silence_minutes', 60, 5, 24 * 60),
      basicAuth: am.has('basic_auth') ? { username: amAuth.str('username'), password: readSecret(amAuth, 'password_file') ?? '' } : undefined,
    },
    links: { baseUrl: links.optStr('base_url')?.replace(/\/$/, ''), validHours: links.int('valid_hours', 24, 1, 24 * 7) },
    listen: { host: listen.str('host', '127.0.0.1'), port: listen.int('port', 9717, 0, 65535) },
    token,
    tokenSource,
    webConfigFile: r.optStr('web_config_file') === undefined ? undefined : rel(r.str('web_config_file')),
    journal: {
      dir: journal.optStr('dir') === undefined ? resolve('.run/notifier') : rel(journal.str('dir')),
      retentionDays: journal.int('retention_days', 30, 1, 3650),
      segmentMaxBytes: journal.int('segment_max_bytes', 16 * 1024 * 1024, 4096, 1024 * 1024 * 1024),
      memoryMaxBytes: journal.int('memory_max_bytes', 32 * 1024 * 1024, 64 * 1024, 1024 * 1024 * 1024),
    },
    maxBodyBytes: limits.int('max_body_bytes', 1024 * 1024, 1024, 64 * 1024 * 1024),
    dedupWindowMs: dedup.int('window_minutes', 20, 1, 24 * 60) * 60_000,
    requiredLabels: requiredLabels.length ? requiredLabels : ['alertname', 'tier', 'severity', 'team'],
    sms: {
      sendsmsUrl,
      user: sms.str('user', 'ussdwatch'),
      password: env.NOTIFIER_SMS_PASSWORD?.trim() || sms.optStr('password') || readSecret(sms, 'password_file') || '',
      sender: sms.str('sender', 'Djezzy'),
      timeoutMs: sms.int('timeout_ms', 5000, 100, 60_000),
      retry: readRetry(sms.section('retry', RETRY_KEYS), DEFAULT_RETRY),
      // 2 at least: one alert and the summary.
      maxPerRecipientPerHour: sms.int('max_per_recipient_per_hour', 20, 2, 3600),
    },
    email: {
      host: email.str('host', '127.0.0.1'),
      port: emailPort,
      secure: email.bool('secure', emailPort === 465),
      requireTls: email.bool('require_tls', true),
      tlsCa,
      user: email.optStr('user'),
      password: env.NOTIFIER_SMTP_PASSWORD?.trim() || email.optStr('password') || readSecret(email, 'password_file'),
      from: email.str('from', 'ussdwatch <ussdwatch@localhost>'),
      timeoutMs: email.int('timeout_ms', 10_000, 100, 120_000),
      retry: readRetry(email.section('retry', RETRY_KEYS), DEFAULT_RETRY),
    },
    teams,
    criticalTeam,
  };
}

/** Seconds let a test watch a real pipeline die; past an hour the pipeline is blind too long. */
const WATCHDOG_TIMEOUT_MS = { min: 10_000, max: 3_600_000 };

function readWatchdog(s: Section, teams: Map<string, Team>, criticalTeam: string): NonNullable<NotifierConfig['watchdog']> {
  const timeoutMs = parseDuration(s.str('timeout', '5m')) ?? s.fail('timeout', 'not a duration; write it like 5m or 90s');
  if (timeoutMs < WATCHDOG_TIMEOUT_MS.min || timeoutMs > WATCHDOG_TIMEOUT_MS.max) {
    s.fail('timeout', 'write between 10s and 1h, longer than the Watchdog route\'s repeat_interval in alertmanager.yml (1m) with margin: 5m');
  }
  const team = s.str('team', criticalTeam);
  if (!teams.has(team)) s.fail('team', `team "${team}" is not under teams; name the team whose on-call is paged when the pipeline goes silent`);
  return { timeoutMs, team };
}

/** The catalogue's short codes and their names (exporter/config/catalogue.yaml's format). */
function readServices(file: string, problem: (p: string) => never): Map<string, string> {
  let doc: { short_codes?: Array<{ code?: unknown; name?: unknown }> };
  try {
    doc = parseYamlText(readFileSync(file, 'utf8')) as typeof doc;
  } catch (err) {
    return problem(`cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); point it at the exporter's catalogue.yaml`);
  }
  const out = new Map<string, string>();
  for (const c of doc?.short_codes ?? []) if (typeof c.code === 'string' && typeof c.name === 'string') out.set(c.code, c.name);
  return out;
}
