// The simulator's control endpoint: start and stop faults while it runs, and see what
// it writes. Plain node:http: five routes do not need a framework.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultError, type Fault, type FaultRequest } from './faults.js';

export interface ControlTarget {
  /** Current time in the simulation's clock. */
  now(): number;
  startFault(req: FaultRequest): Fault;
  stopFault(id: string): boolean;
  faults(): Fault[];
  status(): unknown;
}

const MAX_BODY = 64 * 1024;

/** A fault as the API shows it: times as ISO strings. */
export function faultView(f: Fault) {
  return {
    id: f.id,
    scenario: f.scenario,
    target: f.target || null,
    share: f.share,
    starts: new Date(f.startMs).toISOString(),
    ends: f.endMs === null ? null : new Date(f.endMs).toISOString(),
  };
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body) + '\n';
  res.writeHead(code, { 'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json' });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new FaultError(`request body over ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new FaultError('the body is not JSON; send e.g. {"scenario":"app_down","target":"*710#"}');
  }
}

/** Checks a POST /faults body: {scenario, target?, share?, after_s?, duration_s?}. */
export function faultRequestFrom(body: unknown): FaultRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new FaultError('expected a JSON object like {"scenario":"app_down","target":"*710#"}');
  const b = body as Record<string, unknown>;
  const allowed = ['scenario', 'target', 'share', 'after_s', 'duration_s'];
  const unknown = Object.keys(b).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) throw new FaultError(`unknown field(s) ${unknown.join(', ')}; allowed: ${allowed.join(', ')}`);
  if (typeof b.scenario !== 'string') throw new FaultError('"scenario" (a string) is required');
  if (b.target !== undefined && b.target !== null && typeof b.target !== 'string') throw new FaultError('"target" must be a string');
  for (const k of ['share', 'after_s', 'duration_s']) {
    if (b[k] !== undefined && b[k] !== null && typeof b[k] !== 'number') throw new FaultError(`"${k}" must be a number`);
  }
  const opt = <T>(v: unknown) => (v === null ? undefined : (v as T | undefined));
  return {
    scenario: b.scenario,
    target: opt<string>(b.target),
    share: opt<number>(b.share),
    afterS: opt<number>(b.after_s),
    durationS: opt<number>(b.duration_s),
  };
}

async function route(target: ControlTarget, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://simulator').pathname;
  const method = req.method ?? 'GET';
  if (path === '/healthz' && method === 'GET') return send(res, 200, 'ok\n');
  if (path === '/status' && method === 'GET') return send(res, 200, target.status());
  if (path === '/faults' && method === 'GET') return send(res, 200, { faults: target.faults().map(faultView) });
  if (path === '/faults' && method === 'POST') {
    const fault = target.startFault(faultRequestFrom(await readJson(req)));
    return send(res, 201, faultView(fault));
  }
  const m = /^\/faults\/([^/]+)$/.exec(path);
  if (m && method === 'DELETE') {
    const id = decodeURIComponent(m[1]);
    return target.stopFault(id) ? send(res, 200, { stopped: id }) : send(res, 404, { error: `no fault '${id}' (GET /faults lists them)` });
  }
  const known = ['/healthz', '/status', '/faults'].includes(path) || m !== null;
  send(res, known ? 405 : 404, { error: `${method} ${path}: not a route; try GET /healthz, GET /status, GET|POST /faults, DELETE /faults/ID` });
}

export function startControlServer(target: ControlTarget, host: string, port: number): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    route(target, req, res).catch((err: unknown) => {
      if (err instanceof FaultError) send(res, 400, { error: err.message });
      else send(res, 500, { error: (err as Error).message });
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const a = server.address() as AddressInfo;
      resolve({ server, url: `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}` });
    });
  });
}
