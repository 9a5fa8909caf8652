// How a service decides, at start-up, how it is protected, the same for all of them:
// - with a web config: its TLS, headers, users and tokens, nobody anonymous;
// - without one, on loopback only: as open as `open` says (the demo and the tests);
// - never without one on another address, and never in production (USSDWATCH_PRODUCTION=1)
//   with a secret shipped in this repository or a token shorter than 32 characters.
// A refusal is an UnsafeStartError: the service does not start and says how to fix it.
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { ServerOptions as TlsOptions } from 'node:https';
import { ListenError, type Guard } from './http.js';
import { authGuard } from './web-auth.js';
import { loadWebConfig, MIN_TOKEN_LENGTH, type BearerToken, type Role, type WebConfig } from './web-config.js';

/** The service refuses to start as configured; the message says why and what to change. */
/** The `--help` lines of the web config option and of production mode, the same in every service. */
export const WEB_CONFIG_OPTION_USAGE = `  --web.config.file FILE
                      TLS and credentials, in the Prometheus web config format
                      (SECURITY.md); overrides web_config_file: in the config`;
export const PRODUCTION_USAGE = `environment: USSDWATCH_PRODUCTION=1 refuses to start without a web config or with a
demo or short secret.`;

export class UnsafeStartError extends ListenError {
  override name = 'UnsafeStartError';
}

export interface SecurityOptions {
  service: string;
  host: string;
  /** The web config file, when the operator gave one. */
  webConfigFile?: string | null;
  /** Where the operator gives it, for messages: "web_config_file: in the exporter config or --web.config.file". */
  setting: string;
  /** Tokens the service's own config brings (the notifier's Alertmanager token), with or without a web config. */
  tokens?: readonly BearerToken[];
  /** What a caller without credentials may do when there is no web config (loopback only). */
  open: Role | null;
  env?: NodeJS.ProcessEnv;
}

export interface Security {
  guard: Guard;
  tls?: TlsOptions;
  headers: Record<string, string>;
  webConfig: WebConfig | null;
}

/**
 * SHA-256 of the secrets this repository ships for the demo and the tests: whoever clones it
 * knows them. security/demo-secrets.test.ts fails when a secret file or a web config is
 * added to the repository without its digest here.
 */
export const DEMO_SECRET_DIGESTS: ReadonlySet<string> = new Set([
  // alertmanager/secrets/notifier.token
  '6f44a8acbb626aee7d41eaa796be032f92d459e916b3c0bcde15dba8a83627d1',
  // notifier/config/secrets/kannel-callback.token
  '92403698b959401c905ce93239ff494520cfe6e712e3133ab127b2e56429dbd1',
  // deploy/secrets/prometheus.password, grafana.password, grafana.token
  '576e755dab0030d0cda3d1a55c73373095eedf597946d9a2802fcca5b3576c45',
  '63bececf25fd93a2615d91aa8c405583e3853c95fb003514437a71809755d3b0',
  'c1144b416f3eb93eb1643936db978c5050a1c1fcb66deb4c2d98d4ceefaba65d',
  // their bcrypt hashes in deploy/web/*.yml (prometheus, grafana)
  '5e593a85f9743a7302f7e19cc91d0a5440dabb16273a7a1d370b31308a0c474f',
  'f48b203516f54ca6e9c20a867982dcee337cbf9053abb9072dbc537f13208bf3',
]);

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || host.startsWith('::ffff:127.');
}

export function isProduction(env: NodeJS.ProcessEnv): boolean {
  return ['1', 'true', 'yes'].includes((env.USSDWATCH_PRODUCTION ?? '').trim().toLowerCase());
}

/** Why a production start must not go on with these credentials (empty: it may). */
export function productionProblems(tokens: readonly BearerToken[], webConfig: WebConfig | null): string[] {
  const problems: string[] = [];
  for (const t of tokens) {
    if (DEMO_SECRET_DIGESTS.has(sha256(t.token))) problems.push(`token "${t.name}" (${t.source}) is the demo token shipped in the ussdwatch repository`);
    else if (t.token.length < MIN_TOKEN_LENGTH) problems.push(`token "${t.name}" (${t.source}) has ${t.token.length} characters, fewer than ${MIN_TOKEN_LENGTH}`);
  }
  for (const [name, u] of webConfig?.users ?? []) {
    if (DEMO_SECRET_DIGESTS.has(sha256(u.hash))) problems.push(`user "${name}" in ${webConfig!.file} has the demo password shipped in the ussdwatch repository`);
  }
  return problems;
}

/** The service's guard, TLS and headers, or an UnsafeStartError (a ConfigError for a bad web config). */
export function webSecurity(opts: SecurityOptions): Security {
  const env = opts.env ?? process.env;
  const production = isProduction(env);
  const ownTokens = opts.tokens ?? [];
  const file = opts.webConfigFile ?? null;
  if (!file) {
    if (!isLoopback(opts.host)) {
      throw new UnsafeStartError(
        `the ${opts.service} refuses to listen on ${opts.host} without a web config: anyone who reaches the port could use it; ` +
          `give one (${opts.setting}; see SECURITY.md) or listen on 127.0.0.1`,
      );
    }
    if (production) {
      throw new UnsafeStartError(`USSDWATCH_PRODUCTION is set but the ${opts.service} has no web config (TLS and credentials); give one (${opts.setting}; see SECURITY.md)`);
    }
  }
  const webConfig = file ? loadWebConfig(file) : null;
  const tokens = [...ownTokens, ...(webConfig?.tokens ?? [])];
  if (production) {
    const problems = productionProblems(tokens, webConfig);
    if (problems.length > 0) {
      throw new UnsafeStartError(
        `USSDWATCH_PRODUCTION is set and the ${opts.service} refuses to start: ${problems.join('; ')}. ` +
          'Write a new secret (`openssl rand -hex 32 > FILE`, a new bcrypt hash for a password) and point the config at it; see SECURITY.md',
      );
    }
  }
  const guard = authGuard({ service: opts.service, users: webConfig?.users ?? new Map(), tokens, anonymous: webConfig ? null : opts.open });
  return { guard, tls: webConfig?.tls ?? undefined, headers: webConfig?.headers ?? {}, webConfig };
}
