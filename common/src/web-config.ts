// The web config file: TLS and who may call a service, in the format the Prometheus
// ecosystem already uses (exporter-toolkit's docs/web-configuration.md: tls_server_config,
// http_server_config.headers, basic_auth_users with bcrypt hashes), plus what ussdwatch adds
// for machine callers and for its two kinds of routes:
//   bearer_tokens: [{ name, token_file, role }]   tokens read from files
//   roles: { <user>: read | act }                 a user not listed only reads
// Read once at start-up: every mistake is a ConfigError naming file, line and fix.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { ServerOptions as TlsOptions } from 'node:https';
import { createSecureContext } from 'node:tls';
import { child, fail, readYamlFile, topOf, type Place } from './config-file.js';
import { describe, isMapping, readBoolean, readEnum, readList, readMapping, readString } from './config-values.js';
import type { Access } from './http.js';

/** What a credential allows: `read` shows, `act` also changes or pages (act implies read). */
export type Role = Exclude<Access, 'open'>;
export const ROLES: readonly Role[] = ['read', 'act'];

export interface BasicUser {
  /** The bcrypt hash as written ($2a$, $2b$ or $2y$). */
  hash: string;
  role: Role;
}

export interface BearerToken {
  /** Names the caller in logs and messages (alertmanager, prometheus). */
  name: string;
  /** Where the token came from, for the messages that refuse it. */
  source: string;
  token: string;
  role: Role;
}

export interface WebConfig {
  file: string;
  /** HTTPS when present, as node's https server takes it. */
  tls: TlsOptions | null;
  /** Added to every answer (http_server_config.headers). */
  headers: Record<string, string>;
  users: Map<string, BasicUser>;
  tokens: BearerToken[];
}

const TOP_KEYS = ['tls_server_config', 'http_server_config', 'basic_auth_users', 'bearer_tokens', 'roles'];
const TLS_KEYS = ['cert_file', 'key_file', 'cert', 'key', 'client_ca_file', 'client_ca', 'client_auth_type', 'min_version', 'max_version'];
const HTTP_KEYS = ['headers', 'http2'];
const TOKEN_KEYS = ['name', 'token_file', 'role'];
/** The headers exporter-toolkit lets an operator set, with the values it accepts (null: any). */
const HEADERS: Record<string, readonly string[] | null> = {
  'Content-Security-Policy': null,
  'X-Frame-Options': ['deny', 'sameorigin'],
  'X-Content-Type-Options': ['nosniff'],
  'X-XSS-Protection': null,
  'Strict-Transport-Security': null,
};
const TLS_VERSIONS = { TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' } as const;
type TlsVersion = keyof typeof TLS_VERSIONS;
/**
 * Go's client auth policies that node can honour. The three others (RequestClientCert,
 * RequireAnyClientCert, VerifyClientCertIfGiven) let an unverified certificate through:
 * exporter-toolkit itself warns they are insecure, so they are refused.
 */
const CLIENT_AUTH = ['NoClientCert', 'RequireAndVerifyClientCert'] as const;
const BCRYPT = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;
/** Shorter tokens can be guessed; production refuses them (see productionProblems). */
export const MIN_TOKEN_LENGTH = 32;

/** Reads and validates a web config file. Throws ConfigError. */
export function loadWebConfig(file: string): WebConfig {
  const y = readYamlFile(file, 'check the path given as the web config file');
  const top = topOf(y);
  const doc = readMapping(y.value ?? {}, top, TOP_KEYS);
  const at = (key: string) => child(top, key);
  const rel = (p: string) => (isAbsolute(p) ? p : resolve(dirname(file), p));
  const readFile = (v: unknown, place: Place): Buffer => {
    const path = rel(readString(v, place));
    try {
      return readFileSync(path);
    } catch (err) {
      return fail(place, `cannot read ${path} (${(err as NodeJS.ErrnoException).code}); create the file or fix the path (relative paths start from the web config's folder)`);
    }
  };

  const tls = doc.tls_server_config === undefined ? null : readTls(doc.tls_server_config, at('tls_server_config'), readFile);
  const headers = doc.http_server_config === undefined ? {} : readHeaders(doc.http_server_config, at('http_server_config'));

  const users = new Map<string, BasicUser>();
  const roles = doc.roles === undefined ? {} : namesTo(doc.roles, at('roles'));
  for (const [name, hash] of Object.entries(doc.basic_auth_users === undefined ? {} : namesTo(doc.basic_auth_users, at('basic_auth_users')))) {
    const place = child(at('basic_auth_users'), name);
    const h = readString(hash, place);
    if (!BCRYPT.test(h)) fail(place, 'not a bcrypt hash; make one with `htpasswd -nBC 10 "" | tr -d \':\\n\'` (see SECURITY.md)');
    users.set(name, { hash: h, role: 'read' });
  }
  for (const [name, role] of Object.entries(roles)) {
    const place = child(at('roles'), name);
    const user = users.get(name);
    if (!user) fail(place, `no user "${name}" under basic_auth_users; add the user or remove this line`);
    user.role = readEnum(role, place, ROLES);
  }

  const tokens: BearerToken[] = [];
  if (doc.bearer_tokens !== undefined) {
    readList(doc.bearer_tokens, at('bearer_tokens')).forEach((item, i) => {
      const place = child(at('bearer_tokens'), i);
      const m = readMapping(item, place, TOKEN_KEYS, TOKEN_KEYS);
      const name = readString(m.name, child(place, 'name'));
      if (tokens.some((t) => t.name === name) || users.has(name)) fail(child(place, 'name'), `"${name}" is already a user or token; give each caller its own name`);
      const token = readFile(m.token_file, child(place, 'token_file')).toString('utf8').trim();
      if (token === '' || /\s/.test(token)) fail(child(place, 'token_file'), 'the file must hold one token without spaces; write one with `openssl rand -hex 32 > FILE`');
      tokens.push({ name, source: rel(String(m.token_file)), token, role: readEnum(m.role, child(place, 'role'), ROLES) });
    });
  }
  if (users.size === 0 && tokens.length === 0) {
    fail(top, 'no basic_auth_users nor bearer_tokens: anyone who reaches the port could act; add at least one (see SECURITY.md)');
  }
  return { file, tls, headers, users, tokens };
}

/** A mapping whose keys are names the operator chose (users). */
function namesTo(v: unknown, at: Place): Record<string, unknown> {
  if (!isMapping(v)) fail(at, `expected name: value lines; got ${describe(v)}`);
  return v;
}

function readTls(v: unknown, at: Place, readFile: (v: unknown, p: Place) => Buffer): TlsOptions {
  const m = readMapping(v, at, TLS_KEYS);
  const pem = (inline: string, fileKey: string): Buffer => {
    if (m[inline] !== undefined && m[fileKey] !== undefined) fail(child(at, inline), `give ${inline} or ${fileKey}, not both`);
    if (m[inline] !== undefined) return Buffer.from(readString(m[inline], child(at, inline)));
    if (m[fileKey] === undefined) return fail(child(at, fileKey), 'missing; tls_server_config needs a certificate and its key (cert_file and key_file)');
    return readFile(m[fileKey], child(at, fileKey));
  };
  const opts: TlsOptions = { cert: pem('cert', 'cert_file'), key: pem('key', 'key_file') };
  const version = (key: string, dflt: TlsVersion) => TLS_VERSIONS[m[key] === undefined ? dflt : readEnum(m[key], child(at, key), Object.keys(TLS_VERSIONS) as TlsVersion[])];
  opts.minVersion = version('min_version', 'TLS12');
  opts.maxVersion = version('max_version', 'TLS13');
  const clientAuth = m.client_auth_type === undefined ? 'NoClientCert' : readEnum(m.client_auth_type, child(at, 'client_auth_type'), CLIENT_AUTH);
  if (clientAuth === 'RequireAndVerifyClientCert') {
    opts.ca = pem('client_ca', 'client_ca_file');
    opts.requestCert = true;
    opts.rejectUnauthorized = true;
  } else if (m.client_ca_file !== undefined || m.client_ca !== undefined) {
    fail(child(at, 'client_auth_type'), 'a client CA is given but client certificates are not checked; set client_auth_type: RequireAndVerifyClientCert');
  }
  // Node refuses a key that does not match its certificate only when it is used: check now.
  try {
    createSecureContext(opts);
  } catch (err) {
    fail(at, `the certificate or key cannot be used (${(err as Error).message}); check cert_file and key_file (PEM)`);
  }
  return opts;
}

function readHeaders(v: unknown, at: Place): Record<string, string> {
  const m = readMapping(v, at, HTTP_KEYS);
  // http2 is accepted for files shared with Prometheus tools; ussdwatch serves HTTP/1.1.
  if (m.http2 !== undefined) readBoolean(m.http2, child(at, 'http2'));
  if (m.headers === undefined) return {};
  const hAt = child(at, 'headers');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(readMapping(m.headers, hAt, Object.keys(HEADERS)))) {
    const s = readString(value, child(hAt, name));
    const allowed = HEADERS[name];
    if (allowed && !allowed.includes(s)) fail(child(hAt, name), `must be one of ${allowed.join(', ')}`);
    if (s !== '') headers[name] = s;
  }
  return headers;
}
