// One way for every ussdwatch command to read its options (node:util parseArgs) and to
// answer a mistake: the problem, then the usage, on stderr, and exit status 2. A bad
// configuration file also exits 2: both are the operator's to fix, and retrying cannot help.
import { parseArgs } from 'node:util';
import { ConfigError } from './config-file.js';

/** A mistake on the command line; its message says which option and what would be accepted. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const EXIT_USAGE = 2;

interface Option {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  default?: string | boolean | string[] | boolean[];
}
/** parseArgs' option table. */
export type Options = Record<string, Option>;
type Value<O extends Option> = O['type'] extends 'string' ? string : boolean;
/** Each option's value: always there when it has a default, else possibly undefined. */
export type Values<O extends Options> = {
  [K in keyof O]: (O[K]['multiple'] extends true ? Value<O[K]>[] : Value<O[K]>) | (undefined extends O[K]['default'] ? undefined : never);
};
export interface Parsed<O extends Options> {
  values: Values<O>;
  positionals: string[];
}

export interface Command<O extends Options> {
  /** As the user types it, e.g. `ussdwatch serve`: starts every message. */
  program: string;
  /** The full help text, printed for --help and after a usage error. */
  usage: string;
  /** The options, without help: -h/--help is added to every command. */
  options: O;
  /** Whether operands (e.g. log files) may follow the options. */
  positionals?: boolean;
}

const HELP = { help: { type: 'boolean', short: 'h' } } as const;

/** Parses argv strictly; 'help' when -h/--help was given. Throws UsageError. */
export function parseOptions<O extends Options>(cmd: Command<O>, argv: string[]): Parsed<O> | 'help' {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...cmd.options, ...HELP }, allowPositionals: cmd.positionals ?? false, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if ((parsed.values as { help?: boolean }).help) return 'help';
  return parsed as unknown as Parsed<O>;
}

/** Writes a usage mistake as every command does: the problem, a blank line, the usage. */
export function reportUsageError(program: string, usage: string, err: Error): number {
  process.stderr.write(`${program}: ${err.message}\n\n${usage.trimEnd()}\n`);
  return EXIT_USAGE;
}

/**
 * Runs a command's body with its parsed options: --help prints the usage (exit 0); a
 * UsageError prints the problem and the usage, a ConfigError the problem (exit 2). Other
 * errors are the body's own to report, and are rethrown.
 */
export async function runCommand<O extends Options>(
  cmd: Command<O>,
  argv: string[],
  body: (parsed: Parsed<O>) => number | Promise<number>,
): Promise<number> {
  try {
    const parsed = parseOptions(cmd, argv);
    if (parsed === 'help') {
      process.stdout.write(`${cmd.usage.trimEnd()}\n`);
      return 0;
    }
    return await body(parsed);
  } catch (err) {
    if (err instanceof UsageError) return reportUsageError(cmd.program, cmd.usage, err);
    if (err instanceof ConfigError) {
      process.stderr.write(`${cmd.program}: ${err.message}\n`);
      return EXIT_USAGE;
    }
    throw err;
  }
}
