// The simulator's control endpoint: start and stop faults while it runs, and see what
// it writes. On the services' HTTP layer, so it is as safe as they are.
import { bodyText, createService, HttpError, listen, sendText, type Listening, type Request, type Route } from '@ussdwatch/common/http.js';
import type { Logger } from '@ussdwatch/common/log.js';
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

function jsonBody(req: Request): unknown {
  try {
    return JSON.parse(bodyText(req));
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

/** A FaultError (a request the simulator cannot honour) is the caller's mistake: 400 with the reason. */
function asRefusal(err: unknown): never {
  if (err instanceof FaultError) throw new HttpError(400, 'bad_fault', err.message);
  throw err;
}

export function startControlServer(target: ControlTarget, host: string, port: number, logger: Logger): Promise<Listening> {
  const routes: Route[] = [
    { method: 'GET', path: '/healthz', access: 'read', handle: (_req, res) => sendText(res, 'text/plain; charset=utf-8', 'ok\n') },
    { method: 'GET', path: '/status', access: 'read', handle: (_req, res) => void res.json(target.status()) },
    { method: 'GET', path: '/faults', access: 'read', handle: (_req, res) => void res.json({ faults: target.faults().map(faultView) }) },
    {
      method: 'POST',
      path: '/faults',
      access: 'act',
      handle: (req, res) => {
        let fault;
        try {
          fault = target.startFault(faultRequestFrom(jsonBody(req)));
        } catch (err) {
          asRefusal(err);
        }
        res.status(201).json(faultView(fault));
      },
    },
    {
      method: 'DELETE',
      path: '/faults/:id',
      access: 'act',
      handle: (req, res) => {
        const id = String(req.params.id);
        if (!target.stopFault(id)) throw new HttpError(404, 'not_found', `no fault '${id}' (GET /faults lists them)`);
        res.json({ stopped: id });
      },
    },
  ];
  return listen(createService({ name: 'simulator', logger, routes, bodyLimit: { bytes: MAX_BODY } }), { host, port, setting: '--control' });
}
