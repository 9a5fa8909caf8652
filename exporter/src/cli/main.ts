// The ussdwatch command line: one binary, subcommands loaded on demand so that
// `classify` never pays for the HTTP server. Any other command runs, git-style, the program
// `ussdwatch-<command>` (`ussdwatch report` runs ussdwatch-report, from the reports
// workspace): other workspaces add commands without this one depending on them.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportUsageError, UsageError } from '@ussdwatch/common/cli.js';

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run(argv: string[]): Promise<number> }> }> = {
  serve: { summary: 'tail the gateway logs and DPSS files, expose /metrics (default)', load: () => import('./serve.js') },
  classify: { summary: 'classify log lines to JSON, one object per line', load: () => import('./classify.js') },
  train: { summary: 'learn the second opinion on unclassified dialogs from classified logs', load: () => import('./train.js') },
  backfill: { summary: 'turn archived gateway logs into Prometheus history (TSDB blocks or a push)', load: () => import('./backfill.js') },
};

function usage(): string {
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return [
    'usage: ussdwatch [command] [options]',
    '',
    'commands:',
    ...rows,
    '  OTHER      runs the program ussdwatch-OTHER (report, simulate...) from PATH',
    '',
    'ussdwatch COMMAND --help for its options.',
  ].join('\n');
}

// The workspaces' programs are linked here; searched after PATH, so `node exporter/bin/ussdwatch.js report` works from a clone.
const REPO_BIN = fileURLToPath(new URL('../../../node_modules/.bin', import.meta.url));

/** The executable `ussdwatch-<name>` on PATH (then in the repository's node_modules/.bin), or null. */
export function findExternal(name: string, path = process.env.PATH ?? ''): string | null {
  // A command name is a word: never a path that would run something else.
  if (!/^[a-z][a-z0-9-]*$/.test(name)) return null;
  for (const dir of [...path.split(delimiter).filter(Boolean), REPO_BIN]) {
    const file = join(dir, `ussdwatch-${name}`);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not in this directory
    }
  }
  return null;
}

/** Runs an external command with our terminal, and exits as it does (128 + signal number when killed). */
function runExternal(file: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { stdio: 'inherit' });
    // The terminal's Ctrl-C reaches the child too; we wait for it to finish.
    const ignore = () => {};
    process.on('SIGINT', ignore);
    process.on('SIGTERM', ignore);
    const done = (code: number) => {
      process.off('SIGINT', ignore);
      process.off('SIGTERM', ignore);
      resolve(code);
    };
    child.on('error', (err) => {
      process.stderr.write(`ussdwatch: cannot run ${file}: ${err.message}\n`);
      done(1);
    });
    child.on('exit', (code, signal) => done(code ?? 128 + (signal ? osConstants.signals[signal] : 0)));
  });
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
  if (!command) {
    const external = findExternal(name);
    if (external) return runExternal(external, rest);
    return reportUsageError('ussdwatch', usage(), new UsageError(`unknown command '${name}' (no built-in, and no program ussdwatch-${name} on PATH)`));
  }
  const args = name === first ? rest : argv;
  const mod = await command.load();
  return mod.run(args);
}
