// A small HTTP forwarder the e2e puts on a wire to watch it: between Alertmanager and the
// notifier it records what Alertmanager sent; between the notifier and Kannel it can hold
// requests back (a slow SMS gateway) so the notifier can be killed while it delivers.
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { freePort } from '@ussdwatch/testkit';

export interface Exchange {
  at: number;
  method: string;
  path: string;
  body: string;
  /** The upstream's status, or 502 when it could not be reached. */
  status: number;
}

export interface Forwarder {
  url: string;
  /** Requests that got an answer, oldest first. */
  readonly exchanges: Exchange[];
  /** Requests currently held or in flight upstream. */
  inFlight(): number;
  /** Holds each request this long before forwarding it (0: forward at once). */
  setDelay(ms: number): void;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((done, fail) => {
    const parts: Buffer[] = [];
    req.on('data', (b: Buffer) => parts.push(b));
    req.on('end', () => done(Buffer.concat(parts)));
    req.on('error', fail);
  });
}

export async function startForwarder(upstream: string): Promise<Forwarder> {
  const target = new URL(upstream);
  const exchanges: Exchange[] = [];
  let delayMs = 0;
  let inFlight = 0;
  const relay = (path: string, method: string | undefined, headers: IncomingHttpHeaders, body: Buffer) =>
    new Promise<{ status: number; headers: Record<string, string>; body: Buffer }>((done) => {
      const failed = (err: Error) => done({ status: 502, headers: { 'content-type': 'text/plain' }, body: Buffer.from(`forwarder: ${err.message}`) });
      const up = request({ host: target.hostname, port: target.port, method, path, headers: { ...headers, host: target.host } }, (r) => {
        readBody(r).then((b) => done({ status: r.statusCode ?? 502, headers: { 'content-type': String(r.headers['content-type'] ?? 'text/plain') }, body: b }), failed);
      });
      up.on('error', failed);
      up.end(body);
    });
  const forward = async (req: IncomingMessage, res: ServerResponse) => {
    inFlight++;
    try {
      const body = await readBody(req);
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      const path = req.url ?? '/';
      const answer = await relay(path, req.method, req.headers, body);
      exchanges.push({ at: Date.now(), method: req.method ?? 'GET', path, body: body.toString(), status: answer.status });
      res.writeHead(answer.status, answer.headers).end(answer.body);
    } catch (err) {
      // The caller hung up mid-request: nothing to relay, nothing to record.
      res.destroy(err as Error);
    } finally {
      inFlight--;
    }
  };
  const server: Server = createServer((req, res) => void forward(req, res));
  const port = await freePort();
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    inFlight: () => inFlight,
    setDelay: (ms) => {
      delayMs = ms;
    },
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
