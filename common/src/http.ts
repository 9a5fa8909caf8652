// The HTTP layer every ussdwatch service stands on (exporter, notifier, simulator control):
// express, given a table of routes, made safe by default.
// - No request can throw out of the server: a handler's error, a malformed request target
//   (`GET //[`), bad percent-encoding, an oversized body all become JSON answers; a
//   handler's failure is logged and answered 500 without its details.
// - JSON errors with a `reason` for 404 and 405 (with `allow`); HEAD wherever GET is;
//   `cache-control: no-store` on every answer (these are live numbers, never cached).
// - Bodies are read as text, up to a limit, and only for the methods that carry one.
// - The two seams for issue 10: `guard` runs on every route before its body is read, told
//   whether the route reads or acts (authentication goes there); listen() takes `tls`.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type ServerOptions as TlsOptions } from 'node:https';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { Logger } from './log.js';

export type { Request, Response } from 'express';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * What a route does: `read` only shows (metrics, events, journal), `act` changes something or
 * pages someone; `open` says nothing but "alive" (/healthz), so the guard lets everyone in.
 */
export type Access = 'open' | 'read' | 'act';

export interface Route {
  method: Method;
  /** An express path: `/metrics`, `/faults/:id` (parameters arrive decoded in req.params). */
  path: string;
  access: Access;
  /** Answers with res.json / res.send, or throws (an HttpError to refuse). */
  handle(req: Request, res: Response): void | Promise<void>;
}

/** A refusal (4xx) or failure (5xx) with what the caller should read: `{error, reason, ...body}`. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    /** A short stable word (too_large, not_found...): for metrics and for programs. */
    readonly reason: string,
    message: string,
    readonly extra: { headers?: Record<string, string>; body?: Record<string, unknown> } = {},
  ) {
    super(message);
  }
}

/** Decides whether a request may reach its route; throws an HttpError (401, 403) to refuse it. */
export type Guard = (req: Request, access: Exclude<Access, 'open'>) => void | Promise<void>;

export interface ServiceOptions {
  /** The service, as messages name it: "internal error; see the notifier log". */
  name: string;
  logger: Logger;
  routes: readonly Route[];
  /** Runs before every route, ahead of its body: the place for authentication. */
  guard?: Guard;
  /** Largest request body accepted (default 64 KiB); `setting` names the config key that changes it. */
  bodyLimit?: { bytes: number; setting?: string };
  /** Added to every answer, refusals included (a web config's http_server_config.headers). */
  headers?: Record<string, string>;
  /** Told of every error answer (4xx and 5xx) before it is sent: to count or record refusals. */
  onError?: (req: Request, err: HttpError) => void | Promise<void>;
}

const DEFAULT_BODY_BYTES = 64 * 1024;
const WITH_BODY: ReadonlySet<Method> = new Set(['POST', 'PUT']);

/** A service as node's HTTP server calls it; listen() serves it. */
export interface Service {
  (req: IncomingMessage, res: ServerResponse): void;
  /** Resolves once no handler (nor error hook) is running: a handler may outlive its client. */
  settled(): Promise<void>;
}

/** The service: its routes on express, behind the safety described above. */
export function createService(opts: ServiceOptions): Service {
  // Work started by requests, so that closing waits for it (a journal write after the
  // client went away must not meet a closed journal).
  const running = new Set<Promise<unknown>>();
  const track = <T>(work: () => T | Promise<T>): Promise<T> => {
    const p = Promise.resolve().then(work);
    const done = () => void running.delete(p);
    running.add(p);
    p.then(done, done);
    return p;
  };

  const app = express();
  app.disable('x-powered-by');
  // An ETag would hash every /metrics answer (megabytes) for clients that never send If-None-Match.
  app.set('etag', false);
  // One query parser for every handler: searchParams(req), flat like URLSearchParams.
  app.set('query parser', false);
  const headers = { ...opts.headers, 'cache-control': 'no-store' };
  app.use((_req, res, next) => {
    res.set(headers);
    next();
  });

  const limit = opts.bodyLimit?.bytes ?? DEFAULT_BODY_BYTES;
  const readBody = express.text({ type: () => true, limit, defaultCharset: 'utf-8' });
  const guard = opts.guard;
  const paths = [...new Set(opts.routes.map((r) => r.path))];
  for (const path of paths) {
    const routes = opts.routes.filter((r) => r.path === path);
    const route = app.route(path);
    for (const r of routes) {
      const chain: RequestHandler[] = [];
      const access = r.access;
      if (guard && access !== 'open') {
        chain.push(async (req, _res, next) => {
          await guard(req, access);
          next();
        });
      }
      if (WITH_BODY.has(r.method)) chain.push(readBody);
      chain.push((req, res) => track(() => r.handle(req, res)));
      route[r.method.toLowerCase() as Lowercase<Method>](...chain);
    }
    const methods = routes.map((r) => r.method);
    const allow = [...new Set(methods.flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m])))].join(', ');
    route.all((req) => {
      throw new HttpError(405, 'method_not_allowed', `${req.method} is not allowed on ${path}; use ${allow}`, { headers: { allow } });
    });
  }
  app.use((req) => {
    throw new HttpError(404, 'not_found', `no route ${pathOf(req)}`, { body: { routes: paths } });
  });

  const answerError = (req: IncomingMessage, res: ServerResponse, err: unknown) => {
    const e = httpErrorOf(err, opts, limit);
    if (e.status >= 500) opts.logger.log('error', 'request failed', { method: req.method, path: pathOf(req), error: (err as Error)?.stack ?? String(err) });
    void track(() => opts.onError?.(req as Request, e))
      .catch((hookErr: unknown) => opts.logger.log('error', 'recording a refused request failed', { error: (hookErr as Error)?.message ?? String(hookErr) }))
      .finally(() => sendError(res, e));
  };
  // Express calls a four-argument function with the error.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => answerError(req, res, err));
  // Express's last resort, reached when it cannot even read the path (`GET http://[/`),
  // answers in HTML and logs to the console: ours answers like every other error.
  const unreadable = new HttpError(400, 'bad_request', 'the request target cannot be read; send a path such as /metrics');
  const service = (req: IncomingMessage, res: ServerResponse) => {
    try {
      app(req as Request, res as Response, (err?: unknown) => answerError(req, res, err ?? unreadable));
    } catch (err) {
      answerError(req, res, err);
    }
  };
  const settled = async () => {
    while (running.size > 0) await Promise.allSettled(running);
  };
  return Object.assign(service, { settled });
}

/** The query string of a request, never throwing on bad percent-encoding. */
export function searchParams(req: Request): URLSearchParams {
  const url = req.originalUrl;
  const q = url.indexOf('?');
  return new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
}

/**
 * Answers 200 with text in exactly this content type: express's send would reorder its
 * parameters (Prometheus' `text/plain; version=0.0.4; charset=utf-8` among them).
 */
export function sendText(res: Response, contentType: string, body: string): void {
  res.status(200).setHeader('content-type', contentType);
  res.end(body);
}

/** The outcome of a configuration reload: refused with the reason, the running one kept. */
export type ReloadResult = { ok: true } | { ok: false; error: string };

/**
 * `POST /-/reload` (act), the Prometheus convention every ussdwatch service follows: 200
 * once reloaded, 500 with the reason when the new configuration is refused.
 */
export function reloadRoute(reload: (trigger: string) => ReloadResult | Promise<ReloadResult>): Route {
  return {
    method: 'POST',
    path: '/-/reload',
    access: 'act',
    handle: async (_req, res) => {
      const r = await reload('POST /-/reload');
      if (r.ok) res.json({ status: 'reloaded' });
      else res.status(500).json({ error: r.error, reason: 'config_refused' });
    },
  };
}

/** The body read for a POST or PUT route ('' when there was none). */
export function bodyText(req: Request): string {
  return typeof req.body === 'string' ? req.body : '';
}

function pathOf(req: IncomingMessage): string {
  try {
    return (req as Request).path ?? req.url;
  } catch {
    return req.url ?? '';
  }
}

/** What the client is told: ours as thrown, the framework's 4xx (bad encoding, body) in our shape, anything else 500. */
function httpErrorOf(err: unknown, opts: ServiceOptions, limit: number): HttpError {
  if (err instanceof HttpError) return err;
  const e = (err ?? {}) as { type?: string; status?: unknown; length?: unknown; message?: string };
  if (e.type === 'entity.too.large') {
    const size = typeof e.length === 'number' ? `body of ${e.length} bytes` : 'body';
    const setting = opts.bodyLimit?.setting ? ` (${opts.bodyLimit.setting})` : '';
    return new HttpError(413, 'too_large', `${size} is over the ${limit}-byte limit${setting}`);
  }
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) return new HttpError(e.status, 'bad_request', e.message ?? 'bad request');
  return new HttpError(500, 'internal', `internal error; see the ${opts.name} log`);
}

/** Plain node calls: this also answers where express could not set up its own response. */
function sendError(res: ServerResponse, e: HttpError): void {
  // Headers gone (a handler failed mid-answer): the only honest signal left is a cut connection.
  if (res.headersSent) {
    res.destroy();
    return;
  }
  try {
    const body = JSON.stringify({ error: e.message, reason: e.reason, ...e.extra.body });
    res.writeHead(e.status, { ...e.extra.headers, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  } catch {
    // A header node refuses (a handler's bad value): still nothing may escape.
    res.destroy();
  }
}

export class ListenError extends Error {
  override name = 'ListenError';
}

export interface ListenOptions {
  host: string;
  port: number;
  /** Serve HTTPS with this certificate and key instead of HTTP. */
  tls?: TlsOptions;
  /** Where the operator changes the address, for the message when it cannot be used. */
  setting?: string;
}

export interface Listening {
  /** Base URL, e.g. http://127.0.0.1:9716 */
  readonly url: string;
  readonly port: number;
  /** Stops accepting, lets the requests in flight be answered, then closes every connection. */
  close(): Promise<void>;
}

/** How long answers already written may take to reach their clients when closing (a client may have stopped reading). */
const CLOSE_GRACE_MS = 5_000;

/** Listens and resolves once bound; a busy or forbidden address becomes a ListenError naming the fix. */
export function listen(service: Service, opts: ListenOptions): Promise<Listening> {
  let inFlight = 0;
  let closing = false;
  let allSent: () => void = () => {};
  const answersSent = (graceMs: number) =>
    inFlight === 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, graceMs);
          allSent = () => {
            clearTimeout(timer);
            resolve();
          };
        });
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    inFlight++;
    res.once('close', () => {
      if (--inFlight === 0) allSent();
    });
    if (closing) res.setHeader('connection', 'close');
    service(req, res);
  };
  const server: Server = opts.tls ? createHttpsServer(opts.tls, onRequest) : createHttpServer(onRequest);
  const setting = opts.setting ?? 'listen: in the config';
  const where = `${opts.host}:${opts.port}`;
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') {
        reject(new ListenError(`cannot listen on ${where}: the port is already in use (another ussdwatch?); stop it or set ${setting} to a free port`));
      } else if (err.code === 'EACCES') {
        reject(new ListenError(`cannot listen on ${where}: permission denied; use a port above 1023 in ${setting}`));
      } else if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') {
        reject(new ListenError(`cannot listen on ${where}: no such local address; check ${setting}`));
      } else {
        reject(new ListenError(`cannot listen on ${where}: ${err.message}`));
      }
    };
    server.once('error', onError);
    server.listen(opts.port, opts.host, () => {
      server.off('error', onError);
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : opts.port;
      const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
      resolve({
        url: `${opts.tls ? 'https' : 'http'}://${host}:${port}`,
        port,
        close: async () => {
          closing = true;
          const closed = new Promise<void>((done) => server.close(() => done()));
          server.closeIdleConnections();
          // Every handler has finished (even one whose client left), then its answer goes out.
          await service.settled();
          await answersSent(CLOSE_GRACE_MS);
          server.closeAllConnections();
          await closed;
        },
      });
    });
  });
}
