// The ussdwatch command line: one binary, subcommands loaded on demand so that
// `classify` never pays for the HTTP server. (The simulator is its own workspace: simulator/.)
import { reportUsageError, UsageError } from '@ussdwatch/common/cli.js';

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run(argv: string[]): Promise<number> }> }> = {
  serve: { summary: 'tail the gateway logs and DPSS files, expose /metrics (default)', load: () => import('./serve.js') },
  classify: { summary: 'classify log lines to JSON, one object per line', load: () => import('./classify.js') },
  train: { summary: 'learn the second opinion on unclassified dialogs from classified logs', load: () => import('./train.js') },
  backfill: { summary: 'turn archived gateway logs into Prometheus history (TSDB blocks or a push)', load: () => import('./backfill.js') },
};

function usage(): string {
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return ['usage: ussdwatch [command] [options]', '', 'commands:', ...rows, '', 'ussdwatch COMMAND --help for its options.'].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(usage() + '\n');
    return 0;
  }
  // No command, or an option first: serve is the default command.
  const name = first === undefined || first.startsWith('-') ? 'serve' : first;
  const command = COMMANDS[name];
  if (!command) return reportUsageError('ussdwatch', usage(), new UsageError(`unknown command '${name}'`));
  const args = name === first ? rest : argv;
  const mod = await command.load();
  return mod.run(args);
}
