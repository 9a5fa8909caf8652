// `ussdwatch-simulate fault start|stop|list`: the command-line face of the control endpoint.
// Credentials and the CA come from files, never from the command line (ps shows it).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { faultClient, type ControlAccess, type FaultView } from './fault-client.js';
import { parseFaultSpec } from './faults.js';
import { UsageError } from './options.js';

const describe = (f: FaultView) =>
  `${f.id}\t${f.scenario}\t${f.target ?? '-'}\tshare ${f.share}\tfrom ${f.starts}${f.ends ? ` to ${f.ends}` : ''}`;

/** A file's content, or a UsageError naming the option and the fix. */
function readOptionFile(option: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new UsageError(`${option} ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); check the path`);
  }
}

/** The first line of a secret file, or a UsageError when there is none. */
function secretIn(option: string, file: string): string {
  const secret = readOptionFile(option, file).toString('utf8').split(/\r?\n/)[0].trim();
  if (!secret) throw new UsageError(`${option} ${file}: the file is empty; write the secret on its first line`);
  return secret;
}

/** How to reach the endpoint: the options of a control endpoint with a web config (SECURITY.md). Throws UsageError. */
export function controlAccess(values: { user?: string; 'password-file'?: string; 'token-file'?: string; 'ca-file'?: string }): ControlAccess {
  const { user, 'password-file': passwordFile, 'token-file': tokenFile, 'ca-file': caFile } = values;
  if (tokenFile !== undefined && (user !== undefined || passwordFile !== undefined)) throw new UsageError('give --token-file, or --user with --password-file, not both');
  if ((user === undefined) !== (passwordFile === undefined)) throw new UsageError('--user and --password-file go together (the password is read from the file, never given on the command line)');
  if (user?.includes(':')) throw new UsageError(`--user '${user}': a user name cannot contain ':'`);
  const access: ControlAccess = {};
  if (tokenFile !== undefined) access.authorization = `Bearer ${secretIn('--token-file', tokenFile)}`;
  if (user !== undefined) access.authorization = `Basic ${Buffer.from(`${user}:${secretIn('--password-file', passwordFile!)}`).toString('base64')}`;
  if (caFile !== undefined) {
    access.ca = readOptionFile('--ca-file', caFile);
    if (!access.ca.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`--ca-file ${caFile}: no PEM certificate in it (-----BEGIN CERTIFICATE-----)`);
  }
  return access;
}

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
      user: { type: 'string' },
      'password-file': { type: 'string' },
      'token-file': { type: 'string' },
      'ca-file': { type: 'string' },
    },
  });
  const control = values.control ?? env.USSDWATCH_SIM_CONTROL;
  if (!control) throw new UsageError('--control URL is required (or set USSDWATCH_SIM_CONTROL), e.g. --control http://127.0.0.1:9718');
  const client = faultClient(control, controlAccess(values));
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
