// `ussdwatch-simulate` options: parsed, checked and resolved into what the simulator
// runs with. Every mistake is reported with the option and the fix; nothing is guessed.
import { randomInt } from 'node:crypto';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseStartTime } from './algiers-time.js';
import { parseFaultSpec, SCENARIO_NAMES, type FaultRequest } from './faults.js';
import { NODE_FORMATS, type NodeFormat } from './line-format.js';
import type { RotationPolicy } from './rotating-log.js';
import type { NodeSpec } from './simulation.js';

export const USAGE = `usage: ussdwatch-simulate [options]
       ussdwatch-simulate fault start SCENARIO[:TARGET] [--share X] [--after S] [--for S] --control URL [access]
       ussdwatch-simulate fault stop ID --control URL [access]
       ussdwatch-simulate fault list --control URL [access]

Writes realistic USSD gateway logs (one file per node) and DPSS KPI files, with faults
injected on demand, so ussdwatch can be run, demonstrated and tested without Djezzy's data.

output:
  --out DIR             gateway logs, <node>.log (default: $USSDWATCH_LOG_DIR or ./.run/logs)
  --dpss-dir DIR        DPSS spool folder (default: $USSDWATCH_DPSS_DIR or ./.run/dpss)
  --nodes LIST          node:format,... with format cdr (ISO time with offset), cdr-local
                        (space form, no offset) or json
                        (default: gw01:cdr,gw02:cdr-local,gw03:json,gw04:cdr)
  --catalogue FILE      short-code catalogue YAML (default: the bundled Djezzy catalogue)
  --truth FILE          for every line written, a JSON line with its true class and cause
traffic:
  --rate N              dialogs per second at the evening peak (default: 200)
  --flat                no daily curve: --rate all day long
  --seed N              random seed: same seed and options, same dialogs (default: random,
                        printed at start)
time:
  --duration S          stop after S seconds (default: run until SIGINT/SIGTERM)
  --fast                generate --duration seconds of traffic as fast as possible,
                        starting at --start: the output is the same to the byte every time
  --start TIME          simulated start for --fast, e.g. 2026-11-21T20:00:00+01:00
                        (default: now, rounded down to the minute)
DPSS:
  --period-s N          DPSS period in seconds (default: 300)
  --dpss-lag-s N        a period's file is written this long after the period ends (default: 180)
rotation (rename: gw01.log -> gw01.log.1 -> ... -> gw01.log.KEEP, then a new gw01.log):
  --rotate-size SIZE    rotate when a file reaches SIZE bytes (k, M, G suffixes; default: 100M;
                        0: never by size)
  --rotate-interval S   also rotate every S seconds (default: never)
  --keep N              rotated files kept (default: 5)
faults (see docs/simulator.md):
  --fault SPEC          SCENARIO[:TARGET][,share=X][,after=S][,for=S], repeatable
                        scenarios: ${SCENARIO_NAMES.join(', ')}
  --control HOST:PORT   serve the control endpoint (GET /healthz, /status, /faults;
                        POST /faults; DELETE /faults/ID) on this address; TLS and
                        credentials from the web config USSDWATCH_WEB_CONFIG_FILE (SECURITY.md)
fault access (an endpoint with a web config; starting or stopping needs the act role):
  --token-file FILE     a bearer token, on the file's first line
  --user NAME --password-file FILE
                        basic auth, the password on the file's first line
  --ca-file FILE        the CA that signed the endpoint's certificate (https:// URLs)
  -h, --help            show this help

exit status: 0 done or interrupted, 2 bad usage or bad catalogue.`;

export class UsageError extends Error {}

export interface SimulateOptions {
  outDir: string;
  dpssDir: string;
  nodes: NodeSpec[];
  catalogueFile: string | null;
  truthFile: string | null;
  ratePerS: number;
  dailyCurve: boolean;
  seed: number;
  durationMs: number | null;
  fast: boolean;
  startMs: number | null;
  periodMs: number;
  dpssLagMs: number;
  rotation: RotationPolicy;
  faults: FaultRequest[];
  control: { host: string; port: number } | null;
}

const DEFAULT_NODES = 'gw01:cdr,gw02:cdr-local,gw03:json,gw04:cdr';
const NODE_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

function number(opt: string, text: string | undefined, fallback: number, check: (n: number) => boolean, expect: string): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || !check(n)) throw new UsageError(`--${opt}: expected ${expect}, got '${text}'`);
  return n;
}

export function parseSize(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*([kKmMgG]?)[bB]?$/.exec(text.trim());
  if (!m) return null;
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.floor(Number(m[1]) * unit);
}

export function parseNodes(text: string): NodeSpec[] {
  const nodes = text.split(',').map((part) => {
    const [name, format = 'cdr', extra] = part.trim().split(':');
    if (extra !== undefined || !NODE_NAME.test(name)) throw new UsageError(`--nodes: '${part}' is not node[:format] (e.g. gw01:cdr)`);
    if (!(NODE_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--nodes: ${name}: format '${format}' is not one of ${NODE_FORMATS.join(', ')}`);
    return { name, format: format as NodeFormat };
  });
  const names = nodes.map((n) => n.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new UsageError(`--nodes: node '${dup}' is listed twice`);
  return nodes;
}

export function parseControlAddress(text: string): { host: string; port: number } {
  const m = /^(.+):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new UsageError(`--control: expected HOST:PORT (e.g. 127.0.0.1:9718), got '${text}'`);
  return { host: m[1], port };
}

/** Parses the options of `ussdwatch-simulate`; 'help' for --help. Throws UsageError. */
export function parseSimulateArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): SimulateOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        out: { type: 'string' },
        'dpss-dir': { type: 'string' },
        nodes: { type: 'string' },
        catalogue: { type: 'string' },
        truth: { type: 'string' },
        rate: { type: 'string' },
        flat: { type: 'boolean' },
        seed: { type: 'string' },
        duration: { type: 'string' },
        fast: { type: 'boolean' },
        start: { type: 'string' },
        'period-s': { type: 'string' },
        'dpss-lag-s': { type: 'string' },
        'rotate-size': { type: 'string' },
        'rotate-interval': { type: 'string' },
        keep: { type: 'string' },
        fault: { type: 'string', multiple: true },
        control: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return 'help';

  const duration = number('duration', values.duration, NaN, (n) => n > 0, 'a number of seconds > 0');
  if (values.fast && Number.isNaN(duration)) throw new UsageError('--fast needs --duration: the span of time to generate');
  if (values.start !== undefined && !values.fast) throw new UsageError('--start only applies with --fast (live mode uses the wall clock)');
  const startMs = values.start === undefined ? null : parseStartTime(values.start);
  if (startMs === null && values.start !== undefined) throw new UsageError(`--start: '${values.start}' is not a time; write e.g. 2026-11-21T20:00:00+01:00`);
  const rotateSize = values['rotate-size'] === undefined ? 100 * 1024 ** 2 : parseSize(values['rotate-size']);
  if (rotateSize === null) throw new UsageError(`--rotate-size: expected a size like 100M, 512k or 1048576, got '${values['rotate-size']}'`);
  const rotateInterval = number('rotate-interval', values['rotate-interval'], NaN, (n) => n > 0, 'a number of seconds > 0');
  // Files are named to the minute, so a period is whole minutes that tile the day.
  const periodS = number('period-s', values['period-s'], 300, (n) => Number.isInteger(n) && n % 60 === 0 && 86_400 % n === 0, 'whole minutes in seconds that divide a day (60, 300, 900...)');

  let faults: FaultRequest[];
  try {
    faults = (values.fault ?? []).map(parseFaultSpec);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }

  return {
    outDir: resolve(values.out ?? env.USSDWATCH_LOG_DIR ?? './.run/logs'),
    dpssDir: resolve(values['dpss-dir'] ?? env.USSDWATCH_DPSS_DIR ?? './.run/dpss'),
    nodes: parseNodes(values.nodes ?? DEFAULT_NODES),
    catalogueFile: values.catalogue === undefined ? null : resolve(values.catalogue),
    truthFile: values.truth === undefined ? null : resolve(values.truth),
    ratePerS: number('rate', values.rate, 200, (n) => n > 0 && n <= 10_000_000, 'dialogs per second > 0'),
    dailyCurve: !values.flat,
    seed: number('seed', values.seed, randomInt(2 ** 31), (n) => Number.isInteger(n) && n >= 0 && n < 2 ** 32, 'an integer in [0, 2^32)'),
    durationMs: Number.isNaN(duration) ? null : duration * 1000,
    fast: values.fast === true,
    startMs,
    periodMs: periodS * 1000,
    dpssLagMs: number('dpss-lag-s', values['dpss-lag-s'], 180, (n) => n >= 0, 'a number of seconds >= 0') * 1000,
    rotation: {
      maxBytes: rotateSize === 0 ? null : rotateSize,
      intervalMs: Number.isNaN(rotateInterval) ? null : rotateInterval * 1000,
      keep: number('keep', values.keep, 5, (n) => Number.isInteger(n) && n >= 1 && n <= 1000, 'an integer from 1 to 1000'),
    },
    faults,
    control: values.control === undefined ? null : parseControlAddress(values.control),
  };
}
