// `ussdwatch serve [--config FILE]`: the long-running exporter. Exit codes: 0 after
// SIGTERM/SIGINT, 2 for a bad config or an unusable listen address, 1 for a failed start-up.
import { runCommand } from '@ussdwatch/common/cli.js';
import { ListenError } from '@ussdwatch/common/http.js';
import { jsonLogger } from '@ussdwatch/common/log.js';
import { loadConfig } from '../config/config.js';
import { startServer } from '../serve/server.js';

const USAGE = `usage: ussdwatch serve [--config FILE]

Tails the configured gateway logs and the DPSS spool, classifies every dialog and serves
/metrics, /healthz, /ready, /api/events and /api/malformed.

options:
  -c, --config FILE   YAML configuration (default: $USSDWATCH_CONFIG, else the embedded
                      defaults: listen 127.0.0.1:9716, logs in ./.run/logs)
  -h, --help          this help
`;

const COMMAND = { program: 'ussdwatch serve', usage: USAGE, options: { config: { type: 'string', short: 'c' } } } as const;

export function run(argv: string[]): Promise<number> {
  return runCommand(COMMAND, argv, ({ values }) => serve(values.config ?? (process.env.USSDWATCH_CONFIG || undefined)));
}

async function serve(configFile: string | undefined): Promise<number> {
  const logger = jsonLogger();
  const config = loadConfig(configFile);
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
