#!/usr/bin/env node
// Command line: ussdwatch-notifier [--config FILE]. The configuration is NOTIFIER_CONFIG
// or the file shipped in notifier/config/ when neither is given.
import { runCommand } from '@ussdwatch/common/cli.js';
import { ListenError } from '@ussdwatch/common/http.js';
import { jsonLogger } from '@ussdwatch/common/log.js';
import { DEFAULT_CONFIG_FILE, loadConfig } from './config.js';
import { startNotifier } from './service.js';

const USAGE = `usage: ussdwatch-notifier [--config FILE]

Receives Alertmanager's webhooks, sends the SMS (Kannel) and e-mails, keeps the journal,
and serves /webhook/tier1..3, /api/journal, /metrics, /healthz and /ready.

options:
  -c, --config FILE   configuration (default: $NOTIFIER_CONFIG, else the shipped
                      notifier/config/notifier.yaml)
  -h, --help          this help

exit status: 0 after SIGTERM/SIGINT, 2 for bad usage, configuration or listen address, 1 for
any other failure.
`;

const COMMAND = { program: 'ussdwatch-notifier', usage: USAGE, options: { config: { type: 'string', short: 'c' } } } as const;

async function serve(configFile: string): Promise<number> {
  const logger = jsonLogger();
  const cfg = loadConfig(configFile);
  let started;
  try {
    started = await startNotifier(cfg, { logger });
  } catch (err) {
    if (!(err instanceof ListenError)) throw err;
    logger.log('error', err.message, { config: cfg.file });
    return 2;
  }
  const running = started;
  logger.log('info', 'listening', { url: running.url, config: cfg.file, journal: cfg.journal.dir });
  return new Promise((resolve) => {
    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.log('info', 'shutting down: finishing requests in flight', { signal });
      running.stop().then(
        () => resolve(0),
        (err: Error) => {
          logger.log('error', 'shutdown failed', { error: err.message });
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    process.on('SIGINT', () => shutdown('SIGINT'));
  });
}

runCommand(COMMAND, process.argv.slice(2), ({ values }) => serve(values.config ?? (process.env.NOTIFIER_CONFIG || DEFAULT_CONFIG_FILE))).then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`ussdwatch-notifier: ${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
