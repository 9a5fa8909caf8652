// `ussdwatch serve [--config FILE]`: the long-running exporter. Exit codes: 0 after
// SIGTERM/SIGINT, 2 for a bad config or an unusable listen address, 1 for a failed start-up.
// SIGHUP reloads the configuration, as POST /-/reload does.
import { runCommand } from '@ussdwatch/common/cli.js';
import { runUntilSignal } from '@ussdwatch/common/lifecycle.js';
import { jsonLogger, maskingLogger } from '@ussdwatch/common/log.js';
import { PRODUCTION_USAGE, WEB_CONFIG_OPTION_USAGE } from '@ussdwatch/common/web-security.js';
import { loadConfig } from '../config/config.js';
import type { ExporterConfig } from '../config/types.js';
import { startServer } from '../serve/server.js';

const USAGE = `usage: ussdwatch serve [--config FILE] [--web.config.file FILE]

Tails the configured gateway logs and the DPSS spool, classifies every dialog and serves
/metrics, /healthz, /ready, /api/events and /api/malformed. SIGHUP or POST /-/reload
reads the configuration again (catalogue, status maps, nodes, sources, DPSS) without
losing a read position or a count; a bad one is refused and the running one stays.

options:
  -c, --config FILE   YAML configuration (default: $USSDWATCH_CONFIG, else the embedded
                      defaults: listen 127.0.0.1:9716, logs in ./.run/logs)
${WEB_CONFIG_OPTION_USAGE}
  -h, --help          this help

${PRODUCTION_USAGE}
`;

const COMMAND = { program: 'ussdwatch serve', usage: USAGE, options: { config: { type: 'string', short: 'c' }, 'web.config.file': { type: 'string' } } } as const;

export function run(argv: string[]): Promise<number> {
  return runCommand(COMMAND, argv, ({ values }) => serve(values.config ?? (process.env.USSDWATCH_CONFIG || undefined), values['web.config.file']));
}

async function serve(configFile: string | undefined, webConfigFile: string | undefined): Promise<number> {
  const logger = maskingLogger(jsonLogger());
  const config = loadConfig(configFile, process.env, { webConfigFile });
  const reloadConfig = (running: ExporterConfig) => loadConfig(configFile, process.env, { webConfigFile, running });
  const code = await runUntilSignal(logger, () => startServer(config, { logger, reloadConfig }), { config: config.file }, (server) => server.reload('SIGHUP'));
  // prom-client's event-loop monitor and open fds must not keep a stopped exporter alive.
  setImmediate(() => process.exit(code)).unref();
  return code;
}
