// `ussdwatch classify` end to end: the real command line in a child process, from the
// TypeScript sources (run-cli.ts does what bin/ussdwatch.js does with dist/). Option and
// error variations run the same run() in this process, to keep the suite fast.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/classify.js';

const EXPORTER = fileURLToPath(new URL('../..', import.meta.url));
const CLI = fileURLToPath(new URL('./run-cli.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ussdwatch-classify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CATALOGUE = join(dir, 'catalogue.yaml');
writeFileSync(
  CATALOGUE,
  'short_codes:\n  - { code: "*710#", name: Solde, team: billing, slow_ms: 2000 }\n  - { code: "*720#", name: Forfaits, team: offers }\n  - { code: "*720*1#", name: Forfaits internet, team: offers }\n',
);

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the command; `input` is written to stdin (a generator is streamed, honouring backpressure). */
function classify(args: string[], input: string | Iterable<string> = '', nodeArgs: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', ...nodeArgs, CLI, 'classify', ...args], { cwd: EXPORTER, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.on('error', () => undefined); // the command may exit before reading (usage errors)
    const chunks = typeof input === 'string' ? [input][Symbol.iterator]() : input[Symbol.iterator]();
    const pump = () => {
      for (let next = chunks.next(); !next.done; next = chunks.next()) {
        if (!child.stdin.write(next.value)) return void child.stdin.once('drain', pump);
      }
      child.stdin.end();
    };
    pump();
  });
}

/** run() in this process, with stdout and stderr captured (file inputs only). */
async function classifyHere(args: string[]): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  try {
    const code = await run(args);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const rows = (stdout: string) => stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
const cdr = (ussd: string, status: string, appMs = '842', mapError = '') =>
  `2026-11-21T13:45:02.123+01:00|gw01|7f3a9c2e|213770123456|${ussd}|PULL|1|${status}|${mapError}|1|${appMs}|6120`;

describe.concurrent('ussdwatch classify, as a child process', () => {
  it('classifies stdin, one JSON object per line, exactly as classification.md shows', async () => {
    const input = [
      cdr('*710#', 'SUCCESS'),
      '2026-11-21 13:45:03.981|gw02|7f3a9c31|213791234567|*719#|PULL||NO_ROUTING_RULE||0||410',
      'not a dialog',
      '{"ts":"2026-11-21T13:45:04.002+01:00","ussd":"*720*1#","status":"FAILED_APP_TIMEOUT","app_ms":null}',
      cdr('*999#', 'NO_ROUTING_RULE'),
      cdr('*720*1*3#', 'SUCCESS', '3001'),
    ].join('\r\n');
    const r = await classify(['--catalogue', CATALOGUE], input + '\r\n');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        '{"line":1,"class":"ok","cause":"ok","short_code":"*710#","near_code":null}',
        '{"line":2,"class":"user","cause":"wrong_code","short_code":"unknown","near_code":"*710#"}',
        '{"line":3,"class":"malformed","cause":"field_count","short_code":null,"near_code":null}',
        '{"line":4,"class":"internal","cause":"app_timeout","short_code":"*720*1#","near_code":null}',
        '{"line":5,"class":"user","cause":"wrong_code","short_code":"unknown","near_code":"none"}',
        '{"line":6,"class":"internal","cause":"slow_response","short_code":"*720*1#","near_code":null}',
        '',
      ].join('\n'),
    );
  });

  it('counts lines across files in order, blank lines and unterminated last lines included', async () => {
    const a = join(dir, 'a.log');
    const b = join(dir, 'b.log');
    writeFileSync(a, `${cdr('*710#', 'SUCCESS')}\n\n${cdr('*720#', 'INVALID_INPUT')}`);
    writeFileSync(b, `   \n${cdr('*720#', 'SERVER_OVERLOADED')}\n`);
    const r = await classify(['--catalogue', CATALOGUE, '--format', 'ussd-cdr', a, b]);
    expect(r.code).toBe(0);
    expect(rows(r.stdout).map((x) => [x.line, x.class, x.cause])).toEqual([
      [1, 'ok', 'ok'],
      [2, 'malformed', 'empty'],
      [3, 'user', 'invalid_input'],
      [4, 'malformed', 'empty'],
      [5, 'internal', 'overload'],
    ]);
  });

  it('- reads standard input among the files, in order', async () => {
    const a = file('before-stdin.log', `${cdr('*710#', 'SUCCESS')}\n`);
    const r = await classify(['--catalogue', CATALOGUE, a, '-', a], `${cdr('*720#', 'INVALID_INPUT')}\n`);
    expect(r.stderr).toBe('');
    expect(rows(r.stdout).map((x) => [x.line, x.cause])).toEqual([
      [1, 'ok'],
      [2, 'invalid_input'],
      [3, 'ok'],
    ]);
  });

  it('an unknown option: exit 2 and the usage on stderr', async () => {
    const r = await classify(['--catalogue', CATALOGUE, '--frmat', 'auto']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/Unknown option '--frmat'[\s\S]*usage: ussdwatch classify/);
  });


  it('a bad catalogue: the ConfigError, with file and line', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'short_codes:\n  - { code: "*710#", name: a, team: b }\n  - { code: "*710#", name: a, team: b }\n');
    const r = await classify(['--catalogue', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`ussdwatch classify: ${bad}:3: short_codes[1].code: "*710#" is already listed as short_codes[0]; remove one of them\n`);
  });

  it('streams with bounded memory: 147 MB holding a 128 MiB line without a newline', async () => {
    const block = `${Array.from({ length: 1000 }, () => cdr('*710#', 'SUCCESS')).join('\n')}\n`; // ~95 KB
    function* input() {
      for (let i = 0; i < 100; i++) yield block;
      for (let i = 0; i < 128; i++) yield 'x'.repeat(1 << 20);
      yield '\n';
      for (let i = 0; i < 100; i++) yield block;
    }
    const rssFile = join(dir, 'rss');
    const r = await classify(['--catalogue', CATALOGUE], input(), ['--import', './test/cli-classify/report-rss.ts'], { USSDWATCH_TEST_RSS_FILE: rssFile });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(200_001);
    expect(lines[100_000]).toBe('{"line":100001,"class":"malformed","cause":"too_long","short_code":null,"near_code":null}');
    expect(lines[200_000]).toBe('{"line":200001,"class":"ok","cause":"ok","short_code":"*710#","near_code":null}');
    // Holding the long line, or the output, would need well over 128 MiB on top of the runtime.
    const peak = Number(readFileSync(rssFile, 'utf8'));
    expect(peak, `peak RSS ${peak} bytes`).toBeLessThan(200 * 1024 * 1024);
  });
});

describe('ussdwatch classify options and errors, in this process', () => {
  it('--format ussd-json refuses CDR lines; --status-map changes the table; --explain adds the reason', async () => {
    const map = file('map.yaml', 'statuses:\n  INVALID_INPUT: internal/system_failure\n');
    const log = file('json.log', `${cdr('*710#', 'SUCCESS')}\n{"ts":"2026-11-21 13:45:04","ussd":"*710#","status":"invalid_input"}\n`);
    const r = await classifyHere(['--catalogue', CATALOGUE, '--format', 'ussd-json', '--status-map', map, '--explain', log]);
    expect(rows(r.stdout)).toEqual([
      { line: 1, class: 'malformed', cause: 'bad_json', short_code: null, near_code: null },
      { line: 2, class: 'internal', cause: 'system_failure', short_code: '*710#', near_code: null, reason: 'status invalid_input: the platform failed' },
    ]);
  });

  it('--utc-offset applies to timestamps without one (checked through a vendor regex)', async () => {
    const log = file('vendor.log', '21/11/2026 13:45:02 *710# SUCCESS\n31/11/2026 13:45:02 *710# SUCCESS\n');
    const regex = '^(?<ts>\\S+ \\S+) (?<ussd>\\S+) (?<status>\\S+)$';
    const r = await classifyHere(['--catalogue', CATALOGUE, '--format', 'regex', '--regex', regex, '--time-format', 'dd/MM/yyyy HH:mm:ss', '--utc-offset', '+00:00', log]);
    expect(rows(r.stdout).map((x) => x.cause)).toEqual(['ok', 'bad_timestamp']);
  });

  it('files with a byte order mark, CRLF, no final newline, an empty file between them', async () => {
    const bom = '\uFEFF';
    const a = file('bom-a.log', `${bom}${cdr('*710#', 'SUCCESS')}\r\n\r\n${cdr('*720#', 'SUCCESS')}`);
    const empty = file('empty.log', '');
    const b = file('bom-b.jsonl', `${bom}{"ts":"2026-11-21T13:45:04","ussd":"*719#","status":"NO_ROUTING_RULE"}\r\n`);
    const r = await classifyHere(['--catalogue', CATALOGUE, a, empty, b]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        '{"line":1,"class":"ok","cause":"ok","short_code":"*710#","near_code":null}',
        '{"line":2,"class":"malformed","cause":"empty","short_code":null,"near_code":null}',
        '{"line":3,"class":"ok","cause":"ok","short_code":"*720#","near_code":null}',
        '{"line":4,"class":"user","cause":"wrong_code","short_code":"unknown","near_code":"*710#"}',
        '',
      ].join('\n'),
    );
  });

  it('a 64 KiB line with its CRLF across a read chunk border is a dialog; one byte more is too_long', async () => {
    const exact = (ussd: string) => {
      const line = cdr(ussd, 'SUCCESS');
      return line.replace('gw01', 'x'.repeat(64 * 1024 - Buffer.byteLength(line) + 4));
    };
    const filler = 'y'.repeat((1 << 20) - 1000); // files are read 1 MiB at a time: the next line straddles the border
    const log = file('border.log', `${filler}\n${exact('*710#')}\r\n${exact('*720#')}x\n${cdr('*720#', 'SUCCESS')}`);
    const r = await classifyHere(['--catalogue', CATALOGUE, log]);
    expect(rows(r.stdout).map((x) => [x.line, x.cause, x.short_code])).toEqual([
      [1, 'too_long', null],
      [2, 'ok', '*710#'],
      [3, 'too_long', null],
      [4, 'ok', '*720#'],
    ]);
  });

  it('--explain with non-ASCII text in the reason stays valid UTF-8 JSON', async () => {
    const log = file('accents.log', `${cdr('*710#', 'ÉCHEC_INCONNU')}\n`);
    const r = await classifyHere(['--catalogue', CATALOGUE, '--explain', log]);
    expect(rows(r.stdout)[0].reason).toBe('status "ÉCHEC_INCONNU" is not in the status map, so it is counted as unclassified/unknown_status');
  });

  it('classification.md, line by line: statuses, thresholds, prefixes and near codes', async () => {
    const cases: Array<[string, string, string, string | null]> = [
      // [line, class/cause, short_code, near_code]
      [cdr('*710#', ' success '), 'ok/ok', '*710#', null],
      [cdr('*710#', 'Success', '2000'), 'ok/ok', '*710#', null], // exactly slow_ms is not above it
      [cdr('*710#', 'SUCCESS', '2001'), 'internal/slow_response', '*710#', null],
      [cdr('*720#', 'SUCCESS', '3000'), 'ok/ok', '*720#', null], // default slow_ms 3000
      [cdr('*720#', 'SUCCESS', '3000.5'), 'internal/slow_response', '*720#', null],
      [cdr('*720#', 'SUCCESS', ''), 'ok/ok', '*720#', null], // the application never answered
      [cdr('*710*5#', 'NO_ROUTING_RULE'), 'internal/routing', '*710#', null],
      [cdr('*7101#', 'NO_ROUTING_RULE'), 'user/wrong_code', 'unknown', '*710#'],
      [cdr('*72#', 'NO_ROUTING_RULE'), 'user/wrong_code', 'unknown', '*720#'],
      [cdr('*719*1#', 'no_routing_rule'), 'user/wrong_code', 'unknown', '*710#'],
      [cdr('*701#', 'NO_ROUTING_RULE'), 'user/wrong_code', 'unknown', '*710#'],
      [cdr('*7100#', 'NO_ROUTING_RULE'), 'user/wrong_code', 'unknown', '*710#'],
      [cdr('*71#', 'NO_ROUTING_RULE'), 'user/wrong_code', 'unknown', '*710#'],
      [cdr('*107#', 'NO_ROUTING_RULE'), 'user/wrong_code', 'unknown', 'none'], // two edits
      [cdr('*720*1*3#', 'INVALID_INPUT'), 'user/invalid_input', '*720*1#', null],
      [cdr('*720*9#', 'FAILED_DIALOG_TIMEOUT'), 'user/abandoned', '*720#', null],
      [cdr('*999#', 'FAILED_USSD_BUSY'), 'user/subscriber', 'unknown', null],
      [cdr('*710#', 'failed_invoke_timeout'), 'internal/network_timeout', '*710#', null],
      [cdr('*710#', 'ABORT_APP'), 'internal/system_failure', '*710#', null],
      [cdr('*710#', 'FAILED_PROVIDER_ABORT'), 'internal/connector', '*710#', null],
      [cdr('*710#', 'SERVER_OVERLOADED'), 'internal/overload', '*710#', null],
      [cdr('*710#', 'FAILED_MAP_ERROR_COMPONENT', '842', '027'), 'user/subscriber', '*710#', null],
      [cdr('*710#', 'FAILED_MAP_ERROR_COMPONENT', '842', ' 72 '), 'user/subscriber', '*710#', null],
      [cdr('*710#', 'FAILED_MAP_ERROR_COMPONENT', '842', '34'), 'internal/system_failure', '*710#', null],
      [cdr('*710#', 'FAILED_MAP_ERROR_COMPONENT', '842', ''), 'internal/system_failure', '*710#', null],
      [cdr('*710#', 'SUCCESS', '842', '27'), 'ok/ok', '*710#', null], // map_error only matters where the map says so
      [cdr('*710#', 'FAILED_SOMETHING_NEW'), 'unclassified/unknown_status', '*710#', null],
    ];
    const log = file('table.log', cases.map(([line]) => line).join('\n'));
    const r = await classifyHere(['--catalogue', CATALOGUE, log]);
    expect(rows(r.stdout).map((x) => [`${x.class}/${x.cause}`, x.short_code, x.near_code])).toEqual(cases.map(([, outcome, code, near]) => [outcome, code, near]));
  });

  it('--help', async () => {
    const r = await classifyHere(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--format FORMAT       ussd-cdr | ussd-json | auto | regex (default: auto');
    expect(r.stdout).toContain(`--catalogue FILE      short-code catalogue YAML (default: the bundled Djezzy catalogue,\n                        ${join(EXPORTER, 'config/catalogue.yaml')})`);
  });

  it('without --catalogue, the bundled catalogue decides, as for serve and the simulator', async () => {
    // *711# is in the bundled catalogue, not in CATALOGUE: it tells them apart.
    const log = file('bundled.log', [cdr('*711#', 'SUCCESS'), cdr('*7111#', 'NO_ROUTING_RULE')].join('\n'));
    const r = await classifyHere([log]);
    expect(r.code).toBe(0);
    expect(rows(r.stdout).map((x) => [x.short_code, x.near_code])).toEqual([
      ['*711#', null],
      ['unknown', '*711#'],
    ]);
  });

  it('codes starting with # are their own family (classification.md)', async () => {
    const catalogue = file('hash.yaml', 'short_codes:\n  - { code: "*123#", name: Star, team: care }\n  - { code: "#123#", name: Hash, team: care }\n');
    const dialed = ['#123#', '*123#', '#123*4#', '#124#', '*124#', '#999#'];
    const r = await classifyHere(['--catalogue', catalogue, file('hash.log', dialed.map((d) => cdr(d, 'NO_ROUTING_RULE')).join('\n'))]);
    expect(rows(r.stdout).map((x) => [x.cause, x.short_code, x.near_code])).toEqual([
      ['routing', '#123#', null],
      ['routing', '*123#', null],
      ['routing', '#123#', null],
      ['wrong_code', 'unknown', '#123#'],
      ['wrong_code', 'unknown', '*123#'],
      ['wrong_code', 'unknown', 'none'],
    ]);
  });

  it.each([
    [['--catalogue', CATALOGUE, '--format', 'csv'], /--format must be one of ussd-cdr, ussd-json, auto, regex; got "csv"/],
    [['--catalogue', CATALOGUE, '--utc-offset', '1h'], /--utc-offset must look like \+01:00/],
    [['--catalogue', CATALOGUE, join(dir, 'missing.log')], /cannot read .*missing\.log: ENOENT/],
    [['--catalogue', CATALOGUE, dir], /is a directory, not a log file/],
    [['--catalogue', join(dir, 'nope.yaml')], /nope\.yaml: \(file\): cannot read: ENOENT/],
    [['--catalogue', file('unquoted.yaml', 'short_codes:\n  - { code: *710#, name: a, team: b }\n')], /unquoted\.yaml:2: \(syntax\): \*710# is read as a YAML alias .*; quote it: "\*710#"\n$/],
    [['--catalogue', file('not-yaml.log', `${cdr('*710#', 'SUCCESS')}\n`.repeat(50))], /not-yaml\.log:1: \(top level\): expected a mapping with keys short_codes; got "2026-11-21T13:45:02.{41}"\.\.\.\n$/],
  ])('exit 2 with a clear message: %j', async (args, message) => {
    const r = await classifyHere(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

});
