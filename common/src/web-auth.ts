// Who is calling, and may they: the guard of common/http built from a web config's users
// and tokens. Basic auth (bcrypt) for people and Prometheus, bearer tokens for machine
// callers; a route that acts needs the `act` role, one that reads either role.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { HttpError, type Guard, type Request } from './http.js';
import type { BasicUser, BearerToken, Role } from './web-config.js';

export interface AuthOptions {
  /** Names the service in the challenge: `Basic realm="ussdwatch exporter"`. */
  service: string;
  users: ReadonlyMap<string, BasicUser>;
  tokens: readonly BearerToken[];
  /** What a request without credentials may do: null (the default with a web config) refuses it. */
  anonymous: Role | null;
  /** Successful basic-auth checks remembered (bcrypt costs ~70 ms a request at cost 10). */
  cacheSize?: number;
}

/**
 * Compared when the user is unknown, so that a wrong name costs as long as a wrong password
 * (cost 10, as htpasswd -C 10 makes them). The hash of random bytes nobody kept: no password
 * matches it.
 */
const DUMMY_HASH = '$2b$10$X3wkJNiFm9nIOntOZN3GPOog5yK7oyLaCkYhp4CT4s7qalvoDOTEy';
const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Remembers the (user, password) pairs bcrypt accepted, keyed by an HMAC under a key that
 * lives only in this process: neither the password nor an offline-guessable hash of it is
 * kept. Oldest first out once full.
 */
export class VerifiedCache {
  private readonly key = randomBytes(32);
  private readonly seen = new Set<string>();
  constructor(private readonly size: number) {}

  keyOf(user: string, password: string, hash: string): string {
    return createHmac('sha256', this.key).update(`${user}\0${hash}\0${password}`).digest('base64');
  }

  has(k: string): boolean {
    return this.seen.has(k);
  }

  add(k: string): void {
    if (this.seen.size >= this.size) this.seen.delete(this.seen.values().next().value!);
    this.seen.add(k);
  }

  get length(): number {
    return this.seen.size;
  }
}

const allows = (role: Role, access: Role) => role === 'act' || access === 'read';

const callers = new WeakMap<Request, string>();

/** Who the guard let this request in as: the web config's user or token name; undefined when anonymous. */
export function callerOf(req: Request): string | undefined {
  return callers.get(req);
}

export function authGuard(opts: AuthOptions): Guard {
  const cache = new VerifiedCache(opts.cacheSize ?? 1024);
  const tokens = opts.tokens.map((t) => ({ ...t, digest: digest(t.token) }));
  const schemes = [opts.users.size > 0 ? `Basic realm="ussdwatch ${opts.service}", charset="UTF-8"` : '', tokens.length > 0 ? `Bearer realm="ussdwatch ${opts.service}"` : '']
    .filter(Boolean)
    .join(', ');
  const unauthorized = (why: string) => new HttpError(401, 'unauthorized', `${why}; see SECURITY.md`, { headers: { 'www-authenticate': schemes || 'Bearer' } });

  /** Who sent these credentials and their role, or null for none or wrong ones. */
  const callerFor = async (authorization: string): Promise<{ name: string; role: Role } | null> => {
    const space = authorization.indexOf(' ');
    const scheme = authorization.slice(0, space).toLowerCase();
    const value = authorization.slice(space + 1).trim();
    if (scheme === 'bearer') {
      const d = digest(value);
      // Every token compared, so that the time taken says nothing about which one is near.
      let caller: { name: string; role: Role } | null = null;
      for (const t of tokens) if (timingSafeEqual(d, t.digest)) caller = { name: t.name, role: t.role };
      return caller;
    }
    if (scheme !== 'basic') return null;
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return null;
    const name = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const user = opts.users.get(name);
    const hash = user?.hash ?? DUMMY_HASH;
    const k = cache.keyOf(name, password, hash);
    if (user && cache.has(k)) return { name, role: user.role };
    const ok = await bcrypt.compare(password, hash);
    if (!ok || !user) return null;
    cache.add(k);
    return { name, role: user.role };
  };

  return async (req: Request, access: Role) => {
    const authorization = req.headers.authorization;
    if (!authorization) {
      if (opts.anonymous && allows(opts.anonymous, access)) return;
      throw unauthorized(`no credentials: this route ${access === 'act' ? 'acts and needs a user or bearer token with the act role' : 'needs a user or bearer token'}`);
    }
    const caller = await callerFor(authorization);
    if (caller === null) throw unauthorized(/^bearer /i.test(authorization) ? 'wrong bearer token' : 'wrong user or password');
    if (!allows(caller.role, access)) throw new HttpError(403, 'forbidden', 'these credentials only read; this route acts and needs the act role (roles: in the web config)');
    callers.set(req, caller.name);
  };
}
