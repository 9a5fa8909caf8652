// What the harness's settings endpoint accepts. The proxy adds the app's tokens to what it
// forwards to the exporter's and notifier's URLs, and those URLs are settings: a URL to any
// host would hand the tokens, and the harness's place in the network, to whoever saves the
// settings. So an upstream URL is http or https, carries no credentials, and names a host
// the operator gave at start (a backend's URL or --allow-upstream).

export class SettingsError extends Error {
  override name = 'SettingsError';
}

export interface SettingsUpdate {
  jsonData: Record<string, string>;
  secureJsonData: Record<string, string>;
}

/** `host:port` as a URL's `host` writes it (lower case, default port dropped), or null when it is no host. */
export function hostOf(hostPort: string): string | null {
  try {
    const u = new URL(`http://${hostPort}`);
    return u.host && u.pathname === '/' && !u.search && !u.username ? u.host : null;
  } catch {
    return null;
  }
}

/** The hosts upstream URLs may name: those of the URLs given at start, and the extra ones. */
export function allowedHosts(urls: readonly string[], extra: readonly string[] = []): ReadonlySet<string> {
  return new Set([...urls.map((u) => new URL(u).host), ...extra.map((h) => hostOf(h) ?? h)]);
}

/** Why `url` may not be an upstream (phrased as the fix), or null when it may. */
export function upstreamProblem(url: string, allowed: ReadonlySet<string>): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'is not a URL; give one such as http://127.0.0.1:9716';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return `has scheme ${u.protocol}; only http: and https: are proxied`;
  if (u.username || u.password) return 'carries credentials; the proxy adds the app token itself, remove user:password@';
  if (!allowed.has(u.host)) return `names ${u.host}, which is not an upstream the harness was started with (${[...allowed].join(', ')}); start it with --allow-upstream ${u.host} to allow it`;
  return null;
}

const KEY = /^[A-Za-z][A-Za-z0-9_]*$/;
const TOP_KEYS = new Set(['enabled', 'pinned', 'jsonData', 'secureJsonData']);

/** A mapping of identifier keys to strings, as the config page sends jsonData and secureJsonData. */
function strings(v: unknown, what: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new SettingsError(`${what} must be an object of strings`);
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) {
    if (!KEY.test(k)) throw new SettingsError(`${what}: "${k}" is not a setting name`);
    if (typeof x !== 'string') throw new SettingsError(`${what}.${k} must be a string`);
    out[k] = x;
  }
  return out;
}

/** The POSTed settings, checked: every `...Url` an allowed upstream (or empty: no route). Throws SettingsError. */
export function parseSettingsUpdate(body: string, allowed: ReadonlySet<string>): SettingsUpdate {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body || '{}');
  } catch {
    throw new SettingsError('the body is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new SettingsError('expected a JSON object with jsonData and secureJsonData');
  const unknown = Object.keys(parsed).filter((k) => !TOP_KEYS.has(k));
  if (unknown.length > 0) throw new SettingsError(`unknown field(s) ${unknown.join(', ')}; allowed: ${[...TOP_KEYS].join(', ')}`);
  const p = parsed as Record<string, unknown>;
  const jsonData = strings(p.jsonData, 'jsonData');
  for (const [k, v] of Object.entries(jsonData)) {
    const problem = k.endsWith('Url') && v.trim() !== '' ? upstreamProblem(v.trim(), allowed) : null;
    if (problem) throw new SettingsError(`jsonData.${k} "${v}" ${problem}`);
  }
  return { jsonData, secureJsonData: strings(p.secureJsonData, 'secureJsonData') };
}
