// Client of a running simulator's control endpoint (GET /status, GET|POST /faults,
// DELETE /faults/ID). The `fault` command, the end-to-end test and `npm start` all inject
// faults through it: no other code speaks that API. An endpoint with a web config
// (SECURITY.md) takes credentials and HTTPS with a private CA: node's own client, which
// takes a CA, rather than fetch.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isLoopback } from '@ussdwatch/common/web-security.js';

/** A fault as POST /faults takes it (docs/simulator.md lists the scenarios). */
export interface FaultSpec {
  scenario: string;
  target?: string;
  /** Share of the target's dialogs affected (the scenario's default when absent). */
  share?: number;
  after_s?: number;
  duration_s?: number;
}

/** A fault as the endpoint shows it. */
export interface FaultView {
  id: string;
  scenario: string;
  target: string | null;
  share: number;
  starts: string;
  ends: string | null;
}

export interface FaultClient {
  /** Base URL of the endpoint, e.g. http://127.0.0.1:9718. */
  readonly url: string;
  /** Starts a fault; resolves with it and the wall-clock ms at which it takes effect. */
  start(fault: FaultSpec): Promise<FaultView & { startedAt: number }>;
  stop(id: string): Promise<void>;
  list(): Promise<FaultView[]>;
  status(): Promise<unknown>;
}

/** How to reach an endpoint that has a web config. */
export interface ControlAccess {
  /** The `Authorization` header sent with every call: `Bearer <token>` or `Basic <base64>`. */
  authorization?: string;
  /** PEM certificate(s) of the CA that signed the endpoint's certificate (https). */
  ca?: Buffer;
}

/** `127.0.0.1:9718` or `http://127.0.0.1:9718/` as a base URL without a trailing slash. */
export function controlUrl(control: string): string {
  return (/^https?:\/\//.test(control) ? control : `http://${control}`).replace(/\/+$/, '');
}

/** Node's codes for a certificate the client cannot trust. */
const UNTRUSTED = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID']);

/** Why the connection failed, phrased as the fix. */
function unreachable(url: URL, err: NodeJS.ErrnoException): Error {
  const at = `the simulator at ${url.origin}`;
  if (err.code && UNTRUSTED.has(err.code)) return new Error(`cannot trust the certificate of ${at} (${err.message}); give --ca-file with the CA that signed it`);
  if (url.protocol === 'https:' && /wrong version number|EPROTO/i.test(`${err.code} ${err.message}`)) return new Error(`${at} does not speak TLS (${err.message}); use http://`);
  const hint = url.protocol === 'http:' && err.code === 'ECONNRESET' ? ' (does it speak TLS? then use https://)' : '';
  return new Error(`cannot reach ${at}: ${err.message}${hint}`);
}

/** What a refused call says: the server's reason, and for 401 and 403 what to give instead. */
function refusal(method: string, url: URL, status: number, text: string): Error {
  let said: string | undefined;
  try {
    said = (JSON.parse(text) as { error?: string }).error;
  } catch {
    // not JSON: the status and text say what went wrong
  }
  if (status === 401) return new Error(`the simulator refused the credentials (401: ${said ?? text.trim()}); give --token-file FILE, or --user NAME with --password-file FILE`);
  if (status === 403) return new Error(`the simulator refused ${method} ${url.pathname} (403): these credentials only read; starting or stopping a fault needs the act role (roles: in its web config)`);
  return new Error(said ?? `${method} ${url.href}: HTTP ${status} ${text}`.trim());
}

function call(url: string, access: ControlAccess, method = 'GET', body?: string): Promise<unknown> {
  const u = new URL(url);
  if (access.authorization && u.protocol === 'http:' && !isLoopback(u.hostname.replace(/^\[|\]$/g, ''))) {
    return Promise.reject(new Error(`refusing to send credentials in clear to ${u.host}; use https://`));
  }
  const headers: Record<string, string> = { accept: 'application/json' };
  if (access.authorization) headers.authorization = access.authorization;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(u, { method, headers, ca: access.ca, timeout: 10_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('error', (err) => reject(unreachable(u, err)));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (status < 200 || status > 299) return reject(refusal(method, u, status, text));
        try {
          resolve(text ? JSON.parse(text) : null);
        } catch {
          reject(new Error(`${method} ${u.href}: the answer is not JSON: ${text.slice(0, 200)}`));
        }
      });
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('no answer in 10 s'), { code: 'ETIMEDOUT' })));
    req.on('error', (err) => reject(unreachable(u, err)));
    req.end(body);
  });
}

export function faultClient(control: string, access: ControlAccess = {}): FaultClient {
  const url = controlUrl(control);
  return {
    url,
    async start(fault) {
      const sent = Date.now();
      const view = (await call(`${url}/faults`, access, 'POST', JSON.stringify(fault))) as FaultView;
      return { ...view, startedAt: view.starts ? Date.parse(view.starts) : sent };
    },
    async stop(id) {
      await call(`${url}/faults/${encodeURIComponent(id)}`, access, 'DELETE');
    },
    list: async () => ((await call(`${url}/faults`, access)) as { faults: FaultView[] }).faults,
    status: () => call(`${url}/status`, access),
  };
}
