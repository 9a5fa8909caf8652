// GET JSON from Prometheus or the notifier, with what production needs: a bearer token or
// basic auth, a private CA for HTTPS, a timeout. node:http(s) rather than fetch, because
// fetch takes no CA without an extra dependency.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface Endpoint {
  url: string;
  bearerToken?: string;
  basicAuth?: { username: string; password: string };
  /** PEM of the CA that signed the server's certificate. */
  ca?: string;
  timeoutMs?: number;
}

/** The server could not be reached or answered an error: the report cannot be built now (retry). */
export class UnreachableError extends Error {
  override name = 'UnreachableError';
  constructor(message: string, readonly status?: number) {
    super(message);
  }
}

const MAX_BODY = 256 * 1024 * 1024;

export function getJson(ep: Endpoint, path: string, params: Record<string, string> = {}): Promise<unknown> {
  const url = new URL(path.replace(/^\//, ''), ep.url.endsWith('/') ? ep.url : ep.url + '/');
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (ep.bearerToken) headers.authorization = `Bearer ${ep.bearerToken}`;
  else if (ep.basicAuth) headers.authorization = `Basic ${Buffer.from(`${ep.basicAuth.username}:${ep.basicAuth.password}`).toString('base64')}`;
  const where = `${url.origin}${url.pathname}`;
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { headers, ca: ep.ca, timeout: ep.timeoutMs ?? 60_000 }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY) req.destroy(new Error(`answer larger than ${MAX_BODY} bytes`));
        else chunks.push(c);
      });
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300 && body !== undefined) return resolve(body);
        const detail = (body as { error?: string } | undefined)?.error ?? text.slice(0, 200);
        reject(new UnreachableError(`${where} answered ${status}: ${detail}`, status));
      });
      res.on('error', (err) => reject(new UnreachableError(`${where}: ${err.message}`)));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${ep.timeoutMs ?? 60_000} ms`)));
    req.on('error', (err) => reject(new UnreachableError(`cannot reach ${where}: ${err.message}`)));
    req.end();
  });
}
