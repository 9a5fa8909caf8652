// Client of a running simulator's control endpoint (GET /status, GET|POST /faults,
// DELETE /faults/ID). The `fault` command, the end-to-end test and `npm start` all inject
// faults through it: no other code speaks that API.

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

/** `127.0.0.1:9718` or `http://127.0.0.1:9718/` as a base URL without a trailing slash. */
export function controlUrl(control: string): string {
  return (/^https?:\/\//.test(control) ? control : `http://${control}`).replace(/\/+$/, '');
}

async function call(url: string, init?: RequestInit): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (err) {
    throw new Error(`cannot reach the simulator at ${url}: ${((err as Error).cause as Error | undefined)?.message ?? (err as Error).message}`);
  }
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: the status and text say what went wrong
  }
  if (!res.ok) throw new Error((body as { error?: string } | null)?.error ?? `${init?.method ?? 'GET'} ${url}: HTTP ${res.status} ${text}`.trim());
  return body;
}

export function faultClient(control: string): FaultClient {
  const url = controlUrl(control);
  return {
    url,
    async start(fault) {
      const sent = Date.now();
      const view = (await call(`${url}/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(fault),
      })) as FaultView;
      return { ...view, startedAt: view.starts ? Date.parse(view.starts) : sent };
    },
    async stop(id) {
      await call(`${url}/faults/${encodeURIComponent(id)}`, { method: 'DELETE' });
    },
    list: async () => ((await call(`${url}/faults`)) as { faults: FaultView[] }).faults,
    status: () => call(`${url}/status`),
  };
}
