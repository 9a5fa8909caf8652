#!/usr/bin/env node
// Command line: ussdwatch-notifier [--config FILE]. The configuration is NOTIFIER_CONFIG
// or the file shipped in notifier/config/ when neither is given.
import { ConfigError, DEFAULT_CONFIG_FILE, loadConfig } from './config.js';
import { startNotifier } from './service.js';

function configPath(argv: string[]): string {
  const i = argv.indexOf('--config');
  if (i >= 0) {
    if (!argv[i + 1]) throw new ConfigError('--config needs a file: ussdwatch-notifier --config notifier.yaml');
    return argv[i + 1];
  }
  const eq = argv.find((a) => a.startsWith('--config='));
  return eq?.slice('--config='.length) || process.env.NOTIFIER_CONFIG || DEFAULT_CONFIG_FILE;
}

async function main(): Promise<void> {
  const cfg = loadConfig(configPath(process.argv.slice(2)));
  const running = await startNotifier(cfg);
  console.log(`notifier: listening on ${running.url} (config ${cfg.file}, journal ${cfg.journal.dir})`);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`notifier: ${signal}: finishing requests in flight`);
    running.stop().then(() => process.exit(0), (err: Error) => {
      console.error(`notifier: shutdown failed: ${err.message}`);
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: Error) => {
  const known = err instanceof ConfigError;
  console.error(`notifier: ${known ? err.message : err.stack}`);
  process.exit(2);
});
