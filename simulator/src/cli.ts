// `ussdwatch-simulate`: realistic gateway logs and DPSS files with fault injection
// (docs/simulator.md). This file is the edge: options, signals, the control endpoint.
import { reportUsageError } from '@ussdwatch/common/cli.js';
import { ConfigError } from '@ussdwatch/common/config-file.js';
import { ListenError } from '@ussdwatch/common/http.js';
import { jsonLogger } from '@ussdwatch/common/log.js';
import { BUNDLED_CATALOGUE, loadCatalogueFile } from '@ussdwatch/exporter/config/files.js';
import { startControlServer } from './control-server.js';
import { runFaultClient } from './fault-command.js';
import { FaultError } from './faults.js';
import { parseSimulateArgs, UsageError, USAGE } from './options.js';
import { Runner } from './runner.js';
import { Simulation } from './simulation.js';

const log = (msg: string) => process.stderr.write(`ussdwatch-simulate: ${msg}\n`);

export async function run(argv: string[]): Promise<number> {
  try {
    return argv[0] === 'fault' ? await runFaultClient(argv.slice(1)) : await simulate(argv);
  } catch (err) {
    if (err instanceof UsageError) return reportUsageError('ussdwatch-simulate', USAGE, err);
    if (err instanceof ConfigError || err instanceof FaultError || err instanceof ListenError) {
      log(err.message);
      return 2;
    }
    log((err as Error).message);
    return 1;
  }
}

async function simulate(argv: string[]): Promise<number> {
  const opts = parseSimulateArgs(argv);
  if (opts === 'help') {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (opts.fast && opts.control) throw new UsageError('--control is for live mode: with --fast, give faults with --fault ...,after=S,for=S');
  const catalogue = loadCatalogueFile(opts.catalogueFile ?? BUNDLED_CATALOGUE);
  const startMs = opts.fast ? (opts.startMs ?? Math.floor(Date.now() / 60_000) * 60_000) : Date.now();
  const sim = new Simulation({ ...opts, catalogue, startMs });
  const runner = new Runner(sim, log);
  log(
    `seed ${opts.seed}, ${opts.ratePerS} dialogs/s at peak${opts.dailyCurve ? '' : ' (flat)'}, nodes ${opts.nodes.map((n) => `${n.name}:${n.format}`).join(',')}, ` +
      `logs in ${opts.outDir}, DPSS in ${opts.dpssDir}`,
  );
  for (const f of runner.faults()) log(`fault ${f.id}: ${f.scenario}${f.target ? ' on ' + f.target : ''}, share ${f.share}`);

  let stopRequested = false;
  let onStop: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (onStop = resolve));
  const handler = (sig: NodeJS.Signals) => {
    log(`${sig}: flushing and stopping`);
    stopRequested = true;
    onStop();
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);

  // An environment variable: the options belong to options.ts, shared with the fault client.
  const webConfigFile = process.env.USSDWATCH_WEB_CONFIG_FILE || undefined;
  const control = opts.control ? await startControlServer(runner, opts.control.host, opts.control.port, jsonLogger(), webConfigFile) : null;
  if (control) log(`control endpoint on ${control.url}`);
  try {
    if (opts.fast) await runner.runFast(startMs + opts.durationMs!, () => stopRequested);
    else await runner.runLive(opts.durationMs === null ? null : startMs + opts.durationMs, stopped);
  } finally {
    sim.close();
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
    if (control) await control.close();
  }
  return 0;
}
