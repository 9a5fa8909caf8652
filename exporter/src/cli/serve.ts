// `ussdwatch serve [--config FILE]`: the long-running exporter. Exit codes: 0 after
// SIGTERM/SIGINT, 2 for a bad config or an unusable listen address, 1 for a failed start-up.
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.js';
import { ConfigError } from '../config/errors.js';
import { ListenError } from '../serve/http.js';
import { jsonLogger } from '../serve/log.js';
import { startServer } from '../serve/server.js';

const USAGE = `usage: ussdwatch serve [--config FILE]

Tails the configured gateway logs and the DPSS spool, classifies every dialog and serves
/metrics, /healthz, /ready, /api/events and /api/malformed.

options:
  -c, --config FILE   YAML configuration (default: $USSDWATCH_CONFIG, else the embedded
                      defaults: listen 127.0.0.1:9716, logs in ./.run/logs)
  -h, --help          this help
`;

export async function run(argv: string[]): Promise<number> {
  let values: { config?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: false,
    }));
  } catch (err) {
    process.stderr.write(`ussdwatch serve: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const logger = jsonLogger();
  let config;
  try {
    config = loadConfig(values.config ?? (process.env.USSDWATCH_CONFIG || undefined));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`ussdwatch serve: invalid configuration: ${err.message}\n`);
    return 2;
  }
  let server;
  try {
    server = await startServer(config, { logger });
  } catch (err) {
    if (!(err instanceof ListenError)) throw err;
    logger.log('error', err.message, { config: config.file });
    return 2;
  }
  const running = server;
  const stopped = new Promise<number>((resolve) => {
    const shutdown = (signal: string) => {
      logger.log('info', 'shutting down', { signal });
      running.stop().then(
        () => resolve(0),
        (err: unknown) => {
          logger.log('error', 'shutdown failed', { error: (err as Error).message });
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });
  const failed = running.ready.then(
    () => new Promise<number>(() => {}),
    async (err: unknown) => {
      logger.log('error', 'start-up failed', { error: (err as Error).message });
      await running.stop();
      return 1;
    },
  );
  const code = await Promise.race([stopped, failed]);
  // prom-client's event-loop monitor and open fds must not keep a stopped exporter alive.
  setImmediate(() => process.exit(code)).unref();
  return code;
}
