import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, EMBEDDED_DEFAULTS, loadConfig } from '../../src/config/config.js';

const dir = mkdtempSync(join(tmpdir(), 'ussdwatch-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function write(text: string, name = `config${++n}.yaml`): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function errorOf(text: string, env: NodeJS.ProcessEnv = {}): { message: string; file: string } {
  const file = write(text);
  try {
    loadConfig(file, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return { message: (err as Error).message, file };
  }
  throw new Error('loadConfig accepted it');
}

const CATALOGUE = 'catalogue:\n  short_codes:\n    - { code: "*710#", name: Solde, team: billing }\n';

describe('loadConfig', () => {
  it('the embedded defaults: four gateways, DPSS spool, paths from the current directory and the environment', () => {
    const c = loadConfig(undefined, { USSDWATCH_LOG_DIR: '/data/logs' });
    expect(c.file).toBe(EMBEDDED_DEFAULTS);
    expect(c.listen).toEqual({ host: '127.0.0.1', port: 9716 });
    expect(c.nodes).toEqual(['gw01', 'gw02', 'gw03', 'gw04']);
    expect(c.sources.map((s) => [s.name, s.path, s.format, s.utcOffsetMinutes, s.startAt])).toEqual([
      ['gw01', '/data/logs/gw01.log', 'auto', 60, 'end'],
      ['gw02', '/data/logs/gw02.log', 'auto', 60, 'end'],
      ['gw03', '/data/logs/gw03.log', 'auto', 60, 'end'],
      ['gw04', '/data/logs/gw04.log', 'auto', 60, 'end'],
    ]);
    expect(c.dpss).toEqual({ spool: join(process.cwd(), '.run/dpss'), utcOffsetMinutes: 60 });
    expect(c.stateDir).toBe(join(process.cwd(), '.run/state'));
    expect(c.catalogue.get('*710#')).toMatchObject({ name: 'Solde', team: 'billing', slowMs: 2000 });
    expect(c.catalogue.entries.length).toBeGreaterThanOrEqual(15);
    expect(c.statusMap.rule('SUCCESS')).toBeDefined();
  });

  it('the commented example loads', () => {
    const c = loadConfig(new URL('../../config/example.yaml', import.meta.url).pathname, {});
    const vendorx = c.sources.find((s) => s.name === 'vendorx');
    expect(vendorx).toMatchObject({ format: 'regex', timeFormat: 'dd/MM/yyyy HH:mm:ss' });
    expect(vendorx?.statusMap?.rule('noroute')?.whenUnknownCode?.name).toBe('user/wrong_code');
    expect(c.statusMap.rule('FAILED_SERVICE_NOT_PROVISIONED')?.outcome.name).toBe('user/subscriber');
  });

  it('resolves relative paths against the config folder, a catalogue file included', () => {
    write('short_codes:\n  - { code: "*600#", name: Flexy, team: vas }\n', 'cat.yaml');
    const c = loadConfig(write('catalogue: ./cat.yaml\nsources:\n  - { name: a, path: logs/*.log }\ndpss: { spool: spool }\nstate_dir: st\n'), {});
    expect(c.catalogue.entries.map((e) => e.code)).toEqual(['*600#']);
    expect(c.sources[0].path).toBe(join(dir, 'logs/*.log'));
    expect(c.dpss?.spool).toBe(join(dir, 'spool'));
    expect(c.stateDir).toBe(join(dir, 'st'));
    expect(c.nodes).toEqual([]);
  });

  it('expands ${VAR} and ${VAR:-default}; $${ is a literal', () => {
    const c = loadConfig(write(`${CATALOGUE}sources:\n  - { name: a, path: "\${LOGS}/a.log" }\n  - { name: b, path: "\${NOPE:-/x}/b$\${c}.log" }\nlisten: "\${HOST:-0.0.0.0}:9100"\n`), { LOGS: '/l' });
    expect(c.sources.map((s) => s.path)).toEqual(['/l/a.log', '/x/b${c}.log']);
    expect(c.listen).toEqual({ host: '0.0.0.0', port: 9100 });
  });

  it('the gateway node: "local" by default; an exporter naming its node counts that node under its name', () => {
    expect(loadConfig(write(''), {})).toMatchObject({ node: 'local', nodes: [] });
    expect(loadConfig(write('node: gw03\n'), {})).toMatchObject({ node: 'gw03', nodes: ['gw03'] });
    expect(loadConfig(write('node: gw03\nnodes: [gw03, gw04]\n'), {})).toMatchObject({ node: 'gw03', nodes: ['gw03', 'gw04'] });
    expect(loadConfig(undefined, {}).node).toBe('local');
  });

  it('a reload may change the catalogue, sources and node, but not what only a restart applies', () => {
    const first = write(`listen: 127.0.0.1:9100\n${CATALOGUE}`);
    const running = loadConfig(first, {});
    writeFileSync(first, `listen: 127.0.0.1:9100\nnode: gw02\ncatalogue:\n  short_codes:\n    - { code: "*600#", name: Flexy, team: vas }\n`);
    expect(loadConfig(first, {}, { running })).toMatchObject({ node: 'gw02', nodes: ['gw02'] });
    for (const [text, key] of [
      ['listen: 127.0.0.1:9101\n', ':1: listen: cannot change while the exporter runs (it runs with "127.0.0.1:9100")'],
      ['listen: 127.0.0.1:9100\nstate_dir: /elsewhere\n', ':2: state_dir: cannot change while the exporter runs'],
      ['listen: 127.0.0.1:9100\nevents_per_key: 7\n', ':2: events_per_key: cannot change while the exporter runs (it runs with 50)'],
      ['listen: 127.0.0.1:9100\nweb_config_file: ./web.yml\n', ':2: web_config_file: cannot change while the exporter runs (it runs with null)'],
    ]) {
      writeFileSync(first, text);
      expect(() => loadConfig(first, {}, { running })).toThrow(first + key);
    }
    // --web.config.file given again on reload is the same value, whatever the file says.
    const withFlag = loadConfig(first, {}, { webConfigFile: 'w.yml' });
    writeFileSync(first, 'listen: 127.0.0.1:9100\nweb_config_file: ./other.yml\n');
    expect(loadConfig(first, {}, { webConfigFile: 'w.yml', running: withFlag }).webConfigFile).toBe(withFlag.webConfigFile);
  });

  it('an empty file is all defaults', () => {
    const c = loadConfig(write(''), {});
    expect(c.sources).toEqual([]);
    expect(c.dpss).toBeNull();
    expect(c.eventsPerKey).toBe(50);
  });
});

describe('loadConfig errors name the file, the line, the key and the fix', () => {
  it.each([
    ['sources:\n  - { name: a, path: a.log }\n  - name: b\n    path: b.log\n    format: csv\n', ':5: sources[1].format: expected one of ussd-cdr, ussd-json, auto, regex; got "csv"'],
    ['node: "gw 1"\n', ':1: node: "gw 1" is used as a metric label'],
    ['listen: 127.0.0.1:9716\nsoruces: []\n', ':2: soruces: unknown key; allowed keys here: catalogue, sources,'],
    ['sources:\n  - { name: a, path: a.log }\n  - { name: a, path: b.log }\n', ':3: sources[1].name: source name "a" is already used by sources[0]'],
    ['sources:\n  - { name: a }\n', ':2: sources[0].path: missing; this key is required'],
    ['sources:\n  - { name: "a b", path: x }\n', ':2: sources[0].name: "a b" is used as a metric label'],
    ['sources: gw01.log\n', ':1: sources: expected a list; got "gw01.log"'],
    ['events_per_key: many\n', ':1: events_per_key: expected an integer from 1 to 10000; got "many"'],
    ['listen: 9716\n', ':1: listen: expected host:port such as "127.0.0.1:9716"'],
    ['utc_offset: 60\n', ':1: utc_offset: expected a UTC offset written as a quoted string like "+01:00"'],
    ['nodes: [gw01, gw01]\n', ':1: nodes[1]: node "gw01" is listed twice'],
    ['catalogue:\n  short_codes:\n    - { code: "*710#", name: a, team: b }\n    - { code: "*710#", name: c, team: d }\n', ':4: catalogue.short_codes[1].code: "*710#" is already listed as short_codes[0]'],
    ['catalogue:\n  short_codes:\n    - { code: "710", name: a, team: b }\n', ':3: catalogue.short_codes[0].code: "710" is not a short code'],
    ['catalogue: ./missing.yaml\n', ':1: catalogue: catalogue file'],
    ['sources:\n  - name: v\n    path: v.log\n    format: regex\n    regex: "(?<ts>\\\\S+) (?<status>\\\\S+)"\n', ':5: sources[0].regex: the pattern lacks the named group(s) (?<ussd>...)'],
    ['sources:\n  - { name: v, path: v.log, format: regex }\n', ':2: sources[0].regex: missing; format regex needs a pattern'],
    ['sources:\n  - { name: v, path: v.log, time_format: iso }\n', ':2: sources[0].time_format: only used with format regex'],
    ['sources:\n  - { name: v, path: v.log, status_map: { statuses: { OK: fine } } }\n', ':2: sources[0].status_map.statuses.OK: expected class/cause'],
    ['status_map:\n  statuses:\n    OK: fine\n', ':3: status_map.statuses.OK: expected class/cause'],
    ['dpss: {}\n', ':1: dpss.spool: missing; this key is required'],
    ['state_dir: ${STATE}\n', ':1: state_dir: environment variable STATE is not set; set it, or write ${STATE:-default}'],
    ['sources:\n  - name: a\n   path: x\n', ':3: (syntax): '],
    ['catalogue:\n  short_codes:\n    - { code: *710#, name: a, team: b }\n', ':3: (syntax): *710# is read as a YAML alias (an unquoted value cannot start with *); quote it: "*710#"'],
    [
      'a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n',
      ': (syntax): Excessive alias count indicates a resource exhaustion attack; fix the YAML',
    ],
    [`sources: ${'x'.repeat(500)}\n`, `:1: sources: expected a list; got "${'x'.repeat(60)}"...`],
  ])('%j', (text, expected) => {
    const { message, file } = errorOf(text);
    expect(message.startsWith(file + expected), message).toBe(true);
  });

  it('an unreadable config file', () => {
    expect(() => loadConfig(join(dir, 'nope.yaml'))).toThrow(/nope\.yaml: \(file\): cannot read: ENOENT; check the path given to --config/);
  });

  it('errors inside a referenced catalogue file name that file and line', () => {
    const cat = write('short_codes:\n  - { code: "*710#", name: a, team: b }\n  - { code: "*7x0#", name: a, team: b }\n', 'badcat.yaml');
    const { message } = errorOf('catalogue: badcat.yaml\n');
    expect(message).toMatch(new RegExp(`^${cat}:3: short_codes\\[1\\]\\.code: "\\*7x0#" is not a short code`));
  });
});
