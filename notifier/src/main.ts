#!/usr/bin/env node
// Command line: ussdwatch-notifier [--config FILE]. The configuration is NOTIFIER_CONFIG
// or the file shipped in notifier/config/ when neither is given.
import { runCommand } from '@ussdwatch/common/cli.js';
import { runUntilSignal } from '@ussdwatch/common/lifecycle.js';
import { jsonLogger } from '@ussdwatch/common/log.js';
import { PRODUCTION_USAGE, WEB_CONFIG_OPTION_USAGE } from '@ussdwatch/common/web-security.js';
import { DEFAULT_CONFIG_FILE, loadConfig, type NotifierConfig } from './config.js';
import { startNotifier } from './service.js';

const USAGE = `usage: ussdwatch-notifier [--config FILE] [--web.config.file FILE]

Receives Alertmanager's webhooks, sends the SMS (Kannel) and e-mails, keeps the journal,
and serves /webhook/tier1..3 and /webhook/watchdog (the pipeline's heartbeat), /api/journal, /api/incidents, /metrics, /healthz and /ready;
Kannel calls /api/sms/mo (replies) and /api/sms/dlr (delivery reports). SIGHUP or
POST /-/reload reads the configuration again (teams, on-call file, catalogue, SMS and mail
settings, Alertmanager); a bad file, or one changing what only a restart applies (listen,
auth, journal, limits, dedup, Kannel's callbacks), is refused and the running one stays.

options:
  -c, --config FILE   configuration (default: $NOTIFIER_CONFIG, else the shipped
                      notifier/config/notifier.yaml)
${WEB_CONFIG_OPTION_USAGE}
  -h, --help          this help

${PRODUCTION_USAGE}

exit status: 0 after SIGTERM/SIGINT, 2 for bad usage, configuration or listen address, 1 for
any other failure.
`;

const COMMAND = { program: 'ussdwatch-notifier', usage: USAGE, options: { config: { type: 'string', short: 'c' }, 'web.config.file': { type: 'string' } } } as const;

async function serve(configFile: string, webConfigFile: string | undefined): Promise<number> {
  const logger = jsonLogger();
  const cfg = loadConfig(configFile, process.env, { webConfigFile });
  const reloadConfig = (running: NotifierConfig) => loadConfig(configFile, process.env, { webConfigFile, running });
  return runUntilSignal(
    logger,
    async () => {
      const running = await startNotifier(cfg, { logger, reloadConfig });
      logger.log('info', 'listening', { url: running.url, config: cfg.file, journal: cfg.journal.dir });
      return running;
    },
    { config: cfg.file },
    // SIGHUP (the Prometheus convention, like POST /-/reload): a bad file is refused and the old one kept.
    (running) => running.reload('SIGHUP'),
  );
}

runCommand(COMMAND, process.argv.slice(2), ({ values }) => serve(values.config ?? (process.env.NOTIFIER_CONFIG || DEFAULT_CONFIG_FILE), values['web.config.file'])).then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`ussdwatch-notifier: ${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
