// Every command answers a mistake the same way: the problem, the usage, exit status 2.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCommand, UsageError } from '../src/cli.js';
import { ConfigError } from '../src/config-file.js';

let out = '';
let err = '';
afterEach(() => {
  vi.restoreAllMocks();
  out = '';
  err = '';
});
function capture() {
  vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((out += String(c)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((err += String(c)), true));
}

const CMD = {
  program: 'ussdwatch demo',
  usage: 'usage: ussdwatch demo [--config FILE] [FILE...]\n',
  options: { config: { type: 'string', short: 'c' }, explain: { type: 'boolean', default: false } },
  positionals: true,
} as const;

describe('runCommand', () => {
  it('hands the typed options and operands to the body and returns its exit status', async () => {
    capture();
    const seen: unknown[] = [];
    const code = await runCommand(CMD, ['-c', 'x.yaml', 'a.log', '--explain'], ({ values, positionals }) => {
      seen.push(values.config, values.explain, positionals);
      return 3;
    });
    expect(code).toBe(3);
    expect(seen).toEqual(['x.yaml', true, ['a.log']]);
  });

  it('prints the usage on stdout for --help and -h, exit 0, without running the body', async () => {
    capture();
    for (const h of ['--help', '-h']) expect(await runCommand(CMD, [h], () => 1)).toBe(0);
    expect(out).toBe('usage: ussdwatch demo [--config FILE] [FILE...]\n'.repeat(2));
  });

  it.each([
    [['--nope'], "ussdwatch demo: Unknown option '--nope'"],
    [['--config'], "ussdwatch demo: Option '-c, --config <value>' argument missing"],
  ])('%j: the problem and the usage on stderr, exit 2', async (argv, message) => {
    capture();
    expect(await runCommand(CMD, argv, () => 0)).toBe(2);
    expect(err.startsWith(message)).toBe(true);
    expect(err.endsWith('\n\nusage: ussdwatch demo [--config FILE] [FILE...]\n')).toBe(true);
  });

  it('a UsageError from the body is answered the same way; a ConfigError without the usage', async () => {
    capture();
    expect(await runCommand(CMD, [], () => Promise.reject(new UsageError('--config and --explain do not go together')))).toBe(2);
    expect(err).toBe('ussdwatch demo: --config and --explain do not go together\n\nusage: ussdwatch demo [--config FILE] [FILE...]\n');
    err = '';
    expect(await runCommand(CMD, [], () => Promise.reject(new ConfigError('x.yaml', 3, 'listen', 'expected host:port')))).toBe(2);
    expect(err).toBe('ussdwatch demo: x.yaml:3: listen: expected host:port\n');
  });

  it('leaves any other error to the caller', async () => {
    capture();
    await expect(runCommand(CMD, [], () => Promise.reject(new Error('disk on fire')))).rejects.toThrow('disk on fire');
  });
});
