// The notifier's one configuration file: transports, the journal, and the teams (who gets
// which email and SMS). Validated once at start-up; every error names the file, the line,
// the key and the fix, so the service never starts half-configured.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument, isMap, isSeq, type Node } from 'yaml';

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
  token: string;
  journal: { dir: string; retentionDays: number; segmentMaxBytes: number };
  maxBodyBytes: number;
  dedupWindowMs: number;
  requiredLabels: string[];
  sms: { sendsmsUrl: string; user: string; password: string; sender: string; timeoutMs: number; retry: RetryPolicy };
  email: { host: string; port: number; secure: boolean; user?: string; password?: string; from: string; timeoutMs: number; retry: RetryPolicy };
  teams: Map<string, Team>;
  /** Team whose critical lists receive tier 3, and who gets alerts of unknown teams. */
  criticalTeam: string;
}

export class ConfigError extends Error {}

/** The configuration shipped with the package, used when neither --config nor NOTIFIER_CONFIG is given. */
export const DEFAULT_CONFIG_FILE = fileURLToPath(new URL('../config/notifier.yaml', import.meta.url));

type Path = (string | number)[];

/** Reads typed values out of the parsed YAML, failing with file:line: key: problem; fix. */
class Reader {
  constructor(
    private readonly file: string,
    private readonly root: unknown,
    private readonly lineOf: (path: Path) => number | undefined,
  ) {}

  fail(path: Path, problem: string): never {
    const line = this.lineOf(path);
    const key = path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '(top level)';
    throw new ConfigError(`${this.file}${line ? `:${line}` : ''}: ${key}: ${problem}`);
  }

  get(path: Path): unknown {
    let v: unknown = this.root;
    for (const p of path) v = v && typeof v === 'object' ? (v as Record<string | number, unknown>)[p] : undefined;
    return v;
  }

  /** The keys of the mapping at path; any key outside `allowed` (when given) is an error. */
  keys(path: Path, allowed?: string[]): string[] {
    const v = this.get(path);
    if (v === undefined || v === null) return [];
    if (typeof v !== 'object' || Array.isArray(v)) this.fail(path, 'expected a mapping (key: value lines)');
    for (const k of Object.keys(v)) if (allowed && !allowed.includes(k)) this.fail([...path, k], `unknown key; allowed here: ${allowed.join(', ')}`);
    return Object.keys(v);
  }

  str(path: Path, dflt?: string): string {
    const v = this.get(path);
    if (v === undefined || v === null) {
      if (dflt === undefined) this.fail(path, 'missing; this key is required');
      return dflt;
    }
    if (typeof v !== 'string' || v.trim() === '') this.fail(path, `expected a non-empty string, got ${JSON.stringify(v)}`);
    return v.trim();
  }

  optStr(path: Path): string | undefined {
    return this.get(path) === undefined ? undefined : this.str(path);
  }

  int(path: Path, dflt: number, min: number, max: number): number {
    const v = this.get(path) ?? dflt;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) this.fail(path, `expected a whole number from ${min} to ${max}, got ${JSON.stringify(v)}`);
    return v;
  }

  bool(path: Path, dflt: boolean): boolean {
    const v = this.get(path) ?? dflt;
    if (typeof v !== 'boolean') this.fail(path, `expected true or false, got ${JSON.stringify(v)}`);
    return v;
  }

  list(path: Path, check: (s: string) => string | null, fix: string): string[] {
    const v = this.get(path);
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) this.fail(path, `expected a list, e.g. [${fix}]`);
    return v.map((item, i) => {
      const s = typeof item === 'number' ? String(item) : item;
      if (typeof s !== 'string') this.fail([...path, i], `expected a string like ${fix}`);
      const bad = check(s.trim());
      if (bad) this.fail([...path, i], `${JSON.stringify(s)} ${bad}; write it like ${fix}`);
      return s.trim();
    });
  }
}

const MSISDN = /^\+?[1-9]\d{7,14}$/;
const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
const checkMsisdn = (s: string) => (MSISDN.test(s) ? null : 'is not an international number (8 to 15 digits, no spaces)');
const checkEmail = (s: string) => (EMAIL.test(s) ? null : 'is not an email address');

function lineIndex(text: string) {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  const lineOf = (path: Path): number | undefined => {
    let node: unknown = doc.contents;
    let line: number | undefined;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === seg);
        if (!pair) break;
        line = counter.linePos((pair.key as Node).range?.[0] ?? 0).line;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number' && node.items[seg]) {
        node = node.items[seg];
        line = counter.linePos((node as Node).range?.[0] ?? 0).line;
      } else break;
    }
    return line;
  };
  return { doc, counter, lineOf };
}

function readRetry(r: Reader, path: Path, dflt: RetryPolicy): RetryPolicy {
  r.keys(path, ['attempts', 'initial_backoff_ms', 'max_backoff_ms']);
  return {
    attempts: r.int([...path, 'attempts'], dflt.attempts, 1, 10),
    initialBackoffMs: r.int([...path, 'initial_backoff_ms'], dflt.initialBackoffMs, 1, 60_000),
    maxBackoffMs: r.int([...path, 'max_backoff_ms'], dflt.maxBackoffMs, 1, 300_000),
  };
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 4, initialBackoffMs: 500, maxBackoffMs: 4000 };

/** Parses and validates a configuration text; `file` is used for messages and relative paths. */
export function parseConfig(text: string, file: string, env: NodeJS.ProcessEnv = process.env): NotifierConfig {
  const { doc, counter, lineOf } = lineIndex(text);
  if (doc.errors.length) {
    const e = doc.errors[0];
    throw new ConfigError(`${file}:${counter.linePos(e.pos[0]).line}: (syntax): ${e.message.split('\n')[0]}; fix the YAML syntax`);
  }
  const r: Reader = new Reader(file, doc.toJS() ?? {}, lineOf);
  const rel = (p: string) => (isAbsolute(p) ? p : resolve(dirname(file), p));
  const readSecret = (path: Path): string | undefined => {
    const f = r.optStr(path);
    if (f === undefined) return undefined;
    try {
      return readFileSync(rel(f), 'utf8').trim();
    } catch (err) {
      return r.fail(path, `cannot read ${rel(f)} (${(err as NodeJS.ErrnoException).code}); create the file or fix the path`);
    }
  };

  r.keys([], ['listen', 'auth', 'journal', 'limits', 'dedup', 'required_labels', 'sms', 'email', 'teams', 'critical_team']);
  r.keys(['listen'], ['host', 'port']);
  r.keys(['auth'], ['token', 'token_file']);
  r.keys(['journal'], ['dir', 'retention_days', 'segment_max_bytes']);
  r.keys(['limits'], ['max_body_bytes']);
  r.keys(['dedup'], ['window_minutes']);
  r.keys(['sms'], ['sendsms_url', 'user', 'password', 'password_file', 'sender', 'timeout_ms', 'retry']);
  r.keys(['email'], ['host', 'port', 'secure', 'user', 'password', 'password_file', 'from', 'timeout_ms', 'retry']);

  const token = env.NOTIFIER_TOKEN?.trim() || r.optStr(['auth', 'token']) || readSecret(['auth', 'token_file']);
  if (!token) r.fail(['auth'], 'no bearer token: set auth.token_file (the file Alertmanager also reads) or the NOTIFIER_TOKEN environment variable');

  const sendsmsUrl = r.str(['sms', 'sendsms_url'], 'http://127.0.0.1:13013/cgi-bin/sendsms');
  if (!URL.canParse(sendsmsUrl)) r.fail(['sms', 'sendsms_url'], 'not a URL; write it like http://127.0.0.1:13013/cgi-bin/sendsms');

  const teamNames = r.keys(['teams']);
  if (teamNames.length === 0) r.fail(['teams'], 'no teams: list each team with its emails and oncall_sms (see notifier/README.md)');
  const teams = new Map<string, Team>();
  for (const name of teamNames) {
    const p = ['teams', name];
    r.keys(p, ['emails', 'oncall_sms', 'critical_sms', 'critical_emails']);
    const team: Team = {
      emails: r.list([...p, 'emails'], checkEmail, 'noc-billing@djezzy.dz'),
      oncallSms: r.list([...p, 'oncall_sms'], checkMsisdn, '213770123456'),
      criticalSms: r.list([...p, 'critical_sms'], checkMsisdn, '213770123456'),
      criticalEmails: r.list([...p, 'critical_emails'], checkEmail, 'noc-critical@djezzy.dz'),
    };
    if (team.emails.length === 0) r.fail([...p, 'emails'], 'every team needs at least one email address (tier 1 and 2 alerts go there)');
    if (team.oncallSms.length === 0) r.fail([...p, 'oncall_sms'], "every team needs its on-call number (tier 2 SMS go there)");
    teams.set(name, team);
  }
  const criticalTeam = r.str(['critical_team'], 'technical');
  const crit = teams.get(criticalTeam);
  if (!crit) r.fail(['critical_team'], `team "${criticalTeam}" is not under teams; add it there or name an existing team`);
  if (crit.criticalSms.length === 0) r.fail(['teams', criticalTeam, 'critical_sms'], 'the critical team needs at least one number for tier 3 SMS');

  const requiredLabels = r.list(['required_labels'], (s) => (/^[a-zA-Z_]\w*$/.test(s) ? null : 'is not a label name'), 'team');
  const emailPort = r.int(['email', 'port'], 2525, 1, 65535);
  return {
    file,
    listen: { host: r.str(['listen', 'host'], '127.0.0.1'), port: r.int(['listen', 'port'], 9717, 0, 65535) },
    token,
    journal: {
      dir: r.get(['journal', 'dir']) === undefined ? resolve('.run/notifier') : rel(r.str(['journal', 'dir'])),
      retentionDays: r.int(['journal', 'retention_days'], 30, 1, 3650),
      segmentMaxBytes: r.int(['journal', 'segment_max_bytes'], 16 * 1024 * 1024, 4096, 1024 * 1024 * 1024),
    },
    maxBodyBytes: r.int(['limits', 'max_body_bytes'], 1024 * 1024, 1024, 64 * 1024 * 1024),
    dedupWindowMs: r.int(['dedup', 'window_minutes'], 20, 1, 24 * 60) * 60_000,
    requiredLabels: requiredLabels.length ? requiredLabels : ['alertname', 'tier', 'severity', 'team'],
    sms: {
      sendsmsUrl,
      user: r.str(['sms', 'user'], 'ussdwatch'),
      password: env.NOTIFIER_SMS_PASSWORD?.trim() || r.optStr(['sms', 'password']) || readSecret(['sms', 'password_file']) || '',
      sender: r.str(['sms', 'sender'], 'Djezzy'),
      timeoutMs: r.int(['sms', 'timeout_ms'], 5000, 100, 60_000),
      retry: readRetry(r, ['sms', 'retry'], DEFAULT_RETRY),
    },
    email: {
      host: r.str(['email', 'host'], '127.0.0.1'),
      port: emailPort,
      secure: r.bool(['email', 'secure'], emailPort === 465),
      user: r.optStr(['email', 'user']),
      password: env.NOTIFIER_SMTP_PASSWORD?.trim() || r.optStr(['email', 'password']) || readSecret(['email', 'password_file']),
      from: r.str(['email', 'from'], 'ussdwatch <ussdwatch@localhost>'),
      timeoutMs: r.int(['email', 'timeout_ms'], 10_000, 100, 120_000),
      retry: readRetry(r, ['email', 'retry'], DEFAULT_RETRY),
    },
    teams,
    criticalTeam,
  };
}

export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): NotifierConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${file}: cannot read the configuration (${(err as NodeJS.ErrnoException).code}); pass --config FILE or set NOTIFIER_CONFIG`);
  }
  return parseConfig(text, file, env);
}
