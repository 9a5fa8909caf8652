// Command-line mistakes get a clear message and exit status 2; --help prints the usage.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../src/cli.js';

let stderr = '';
let stdout = '';
const spies = () => [
  vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((stderr += String(c)), true)),
  vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((stdout += String(c)), true)),
];

afterEach(() => {
  vi.restoreAllMocks();
  stderr = '';
  stdout = '';
});

describe('ussdwatch simulate options', () => {
  it('--help prints the usage with every scenario', async () => {
    spies();
    expect(await run(['--help'])).toBe(0);
    expect(stdout).toContain('usage: ussdwatch-simulate');
    for (const s of ['slow_app', 'app_down', 'connector', 'node_overload', 'routing_broken', 'typo_storm', 'node_silent', 'malformed_burst', 'dpss_stop', 'dpss_corrupt']) {
      expect(stdout).toContain(s);
    }
  });

  it.each([
    [['--rate', 'fast'], "--rate: expected dialogs per second > 0, got 'fast'"],
    [['--bogus'], "Unknown option '--bogus'"],
    [['--fast'], '--fast needs --duration'],
    [['--start', '2026-11-21T20:00:00+01:00'], '--start only applies with --fast'],
    [['--fast', '--duration', '10', '--start', '2026-13-01T00:00:00'], "--start: '2026-13-01T00:00:00' is not a time"],
    [['--period-s', '90'], '--period-s: expected whole minutes'],
    [['--rotate-size', 'huge'], '--rotate-size: expected a size like 100M'],
    [['--keep', '0'], '--keep: expected an integer from 1 to 1000'],
    [['--nodes', 'gw01:xml'], "--nodes: gw01: format 'xml' is not one of cdr, cdr-local, json"],
    [['--nodes', 'gw01,gw01'], "--nodes: node 'gw01' is listed twice"],
    [['--control', 'localhost'], '--control: expected HOST:PORT'],
    [['--fault', 'app_down:*710#,share=lots'], "'share=lots' is not key=number"],
    [['--fast', '--duration', '1', '--fault', 'meteor'], "unknown scenario 'meteor'"],
    [['--fast', '--duration', '1', '--fault', 'app_down:*999#'], "app_down: '*999#' is not a catalogue code"],
    [['--fast', '--duration', '1', '--fault', 'node_silent:gw01,share=0.5'], 'node_silent takes no share'],
    [['--fast', '--duration', '1', '--catalogue', '/nonexistent/catalogue.yaml'], '/nonexistent/catalogue.yaml'],
  ])('%j -> exit 2: %s', async (args, message) => {
    spies();
    expect(await run(['--out', '/tmp/ussdwatch-never/logs', '--dpss-dir', '/tmp/ussdwatch-never/dpss', ...args])).toBe(2);
    expect(stderr).toContain(message);
  });

  it('fault client without --control says how to give it', async () => {
    spies();
    expect(await run(['fault', 'list'])).toBe(2);
    expect(stderr).toContain('--control URL is required');
  });

  it.each([
    [['--user', 'ops'], '--user and --password-file go together'],
    [['--password-file', '/etc/hostname'], '--user and --password-file go together'],
    [['--token-file', '/etc/hostname', '--user', 'ops', '--password-file', '/etc/hostname'], 'give --token-file, or --user with --password-file, not both'],
    [['--token-file', '/nonexistent/ops.token'], '--token-file /nonexistent/ops.token: cannot read it (ENOENT); check the path'],
    [['--token-file', '/dev/null'], '--token-file /dev/null: the file is empty'],
    [['--ca-file', '/etc/hostname'], '--ca-file /etc/hostname: no PEM certificate in it'],
  ])('fault client access %j -> exit 2: %s', async (args, message) => {
    spies();
    expect(await run(['fault', 'list', '--control', 'https://127.0.0.1:1', ...args])).toBe(2);
    expect(stderr).toContain(message);
  });

  it('fault client never sends credentials in clear beyond loopback', async () => {
    spies();
    expect(await run(['fault', 'list', '--control', 'http://192.0.2.1:9718', '--token-file', '/etc/hostname'])).toBe(1);
    expect(stderr).toContain('refusing to send credentials in clear to 192.0.2.1:9718; use https://');
  });
});
