// `ussdwatch-simulate fault start|stop|list`: the command-line face of the control endpoint.
import { parseArgs } from 'node:util';
import { faultClient, type FaultView } from './fault-client.js';
import { parseFaultSpec } from './faults.js';
import { UsageError } from './options.js';

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
  const control = values.control ?? env.USSDWATCH_SIM_CONTROL;
  if (!control) throw new UsageError('--control URL is required (or set USSDWATCH_SIM_CONTROL), e.g. --control http://127.0.0.1:9718');
  const client = faultClient(control);
  const [action, arg] = positionals;
  if (action === 'list' && positionals.length === 1) {
    const faults = await client.list();
    process.stdout.write(faults.length === 0 ? 'no faults\n' : faults.map(describe).join('\n') + '\n');
    return 0;
  }
  if (action === 'stop' && arg && positionals.length === 2) {
    await client.stop(arg);
    process.stdout.write(`stopped ${arg}\n`);
    return 0;
  }
  if (action === 'start' && arg && positionals.length === 2) {
    const params = (['share', 'after', 'for'] as const).filter((k) => values[k] !== undefined).map((k) => `,${k}=${values[k]}`);
    const req = parseFaultSpec(arg + params.join(''));
    const f = await client.start({ scenario: req.scenario, target: req.target, share: req.share, after_s: req.afterS, duration_s: req.durationS });
    process.stdout.write(`${f.id}\n`);
    process.stderr.write(`started ${describe(f)}\n`);
    return 0;
  }
  throw new UsageError(`fault: expected 'start SCENARIO[:TARGET]', 'stop ID' or 'list', got '${positionals.join(' ')}'`);
}
