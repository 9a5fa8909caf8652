// The HTTP edge: a route table of GET handlers on node:http (five routes do not need a
// framework), JSON errors for everything else, and a listen() that turns "port in use"
// into a message an operator can act on.
import { createServer, type Server } from 'node:http';
import type { Logger } from './log.js';

export interface HttpAnswer {
  status: number;
  contentType: string;
  body: string;
}

export type Handler = (url: URL) => HttpAnswer | Promise<HttpAnswer>;

export function json(status: number, body: unknown): HttpAnswer {
  return { status, contentType: 'application/json; charset=utf-8', body: JSON.stringify(body) + '\n' };
}

export function createHttpServer(routes: ReadonlyMap<string, Handler>, logger: Logger): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (a: HttpAnswer, headers: Record<string, string> = {}) => {
      res.writeHead(a.status, { 'content-type': a.contentType, 'cache-control': 'no-store', ...headers });
      res.end(req.method === 'HEAD' ? undefined : a.body);
    };
    const handler = routes.get(url.pathname);
    if (!handler) {
      send(json(404, { error: `no route ${url.pathname}`, routes: [...routes.keys()] }));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(json(405, { error: `method ${req.method} not allowed on ${url.pathname}; use GET` }), { allow: 'GET, HEAD' });
      return;
    }
    Promise.resolve()
      .then(() => handler(url))
      .then(send, (err: unknown) => {
        logger.log('error', 'request failed', { path: url.pathname, error: (err as Error).stack ?? String(err) });
        send(json(500, { error: 'internal error, see the exporter log' }));
      });
  });
}

export class ListenError extends Error {}

/** Listens and resolves with the bound port; a busy or forbidden address becomes a ListenError naming the fix. */
export function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const where = `${host}:${port}`;
      if (err.code === 'EADDRINUSE') {
        reject(new ListenError(`cannot listen on ${where}: the port is already in use (another ussdwatch?); stop it or set listen: to a free port in the config`));
      } else if (err.code === 'EACCES') {
        reject(new ListenError(`cannot listen on ${where}: permission denied; use a port above 1023`));
      } else if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') {
        reject(new ListenError(`cannot listen on ${where}: no such local address; check listen: in the config`));
      } else {
        reject(new ListenError(`cannot listen on ${where}: ${err.message}`));
      }
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}
