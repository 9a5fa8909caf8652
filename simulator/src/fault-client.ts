// `ussdwatch-simulate fault start|stop|list`: the command-line face of the control endpoint.
import { parseArgs } from 'node:util';
import { parseFaultSpec } from './faults.js';
import { UsageError } from './options.js';

interface FaultView {
  id: string;
  scenario: string;
  target: string | null;
  share: number;
  starts: string;
  ends: string | null;
}

function baseUrl(control: string | undefined): string {
  if (!control) throw new UsageError('--control URL is required (or set USSDWATCH_SIM_CONTROL), e.g. --control http://127.0.0.1:9718');
  return (/^https?:\/\//.test(control) ? control : `http://${control}`).replace(/\/+$/, '');
}

async function call(url: string, init?: RequestInit): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (err) {
    throw new Error(`cannot reach the simulator at ${url}: ${((err as Error).cause as Error | undefined)?.message ?? (err as Error).message}`);
  }
  const body = (await res.json().catch(() => ({}))) as { error?: string };
  if (!res.ok) throw new Error(body.error ?? `${url}: HTTP ${res.status}`);
  return body;
}

const describe = (f: FaultView) =>
  `${f.id}\t${f.scenario}\t${f.target ?? '-'}\tshare ${f.share}\tfrom ${f.starts}${f.ends ? ` to ${f.ends}` : ''}`;

/** Runs `fault start|stop|list`; returns the exit status. */
export async function runFaultClient(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      control: { type: 'string' },
      share: { type: 'string' },
      after: { type: 'string' },
      for: { type: 'string' },
    },
  });
  const base = baseUrl(values.control ?? env.USSDWATCH_SIM_CONTROL);
  const [action, arg] = positionals;
  if (action === 'list' && positionals.length === 1) {
    const { faults } = (await call(`${base}/faults`)) as { faults: FaultView[] };
    process.stdout.write(faults.length === 0 ? 'no faults\n' : faults.map(describe).join('\n') + '\n');
    return 0;
  }
  if (action === 'stop' && arg && positionals.length === 2) {
    await call(`${base}/faults/${encodeURIComponent(arg)}`, { method: 'DELETE' });
    process.stdout.write(`stopped ${arg}\n`);
    return 0;
  }
  if (action === 'start' && arg && positionals.length === 2) {
    const params = (['share', 'after', 'for'] as const).filter((k) => values[k] !== undefined).map((k) => `,${k}=${values[k]}`);
    const req = parseFaultSpec(arg + params.join(''));
    const body = { scenario: req.scenario, target: req.target, share: req.share, after_s: req.afterS, duration_s: req.durationS };
    const f = (await call(`${base}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })) as FaultView;
    process.stdout.write(`${f.id}\n`);
    process.stderr.write(`started ${describe(f)}\n`);
    return 0;
  }
  throw new UsageError(`fault: expected 'start SCENARIO[:TARGET]', 'stop ID' or 'list', got '${positionals.join(' ')}'`);
}
