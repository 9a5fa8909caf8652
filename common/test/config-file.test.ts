// Every configuration mistake is reported as `file:line: key.path: problem; fix`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { child, ConfigError, fail, formatKeyPath, parseYaml, readYamlFile, topOf, type Place } from '../src/config-file.js';
import { readBoolean, readEnum, readList, readMapping, readNumber, readString, readUtcOffset } from '../src/config-values.js';

const dir = mkdtempSync(join(tmpdir(), 'ussdwatch-common-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The message of the ConfigError `f` throws. */
function problem(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('no ConfigError thrown');
}

const DOC = `listen:
  host: 127.0.0.1
  port: 99999
teams:
  billing:
    emails: [a@x.dz, 7]
    oncall: yes
sources:
  - name: gw01
  - name: gw02
    format: xml
`;

describe('parseYaml', () => {
  const y = parseYaml(DOC, '/etc/ussdwatch/svc.yaml');
  const top = topOf(y);

  it('finds the line of any key path, and the nearest known line for a missing key', () => {
    expect(y.lineOf(['listen', 'port'])).toBe(3);
    expect(y.lineOf(['teams', 'billing', 'emails', 1])).toBe(6);
    expect(y.lineOf(['sources', 1, 'format'])).toBe(11);
    expect(y.lineOf(['sources', 1, 'nope'])).toBe(10);
    expect(formatKeyPath(['sources', 1, 'format'])).toBe('sources[1].format');
    expect(formatKeyPath([])).toBe('(top level)');
  });

  const valueAt = (path: Array<string | number>) => path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], y.value);
  const placeAt = (path: Array<string | number>) => path.reduce((p, k) => child(p, k), top);
  const read = <T>(path: Array<string | number>, reader: (v: unknown, at: Place) => T) => () => reader(valueAt(path), placeAt(path));

  it.each([
    ['a number out of range', read(['listen', 'port'], (v, at) => readNumber(v, at, { min: 1, max: 65535, integer: true })), '/etc/ussdwatch/svc.yaml:3: listen.port: expected an integer from 1 to 65535; got 99999'],
    ['an unknown key', read(['listen'], (v, at) => readMapping(v, at, ['host'])), '/etc/ussdwatch/svc.yaml:3: listen.port: unknown key; allowed keys here: host'],
    ['a missing key', read(['listen'], (v, at) => readMapping(v, at, ['host', 'port', 'tls'], ['tls'])), '/etc/ussdwatch/svc.yaml:1: listen.tls: missing; this key is required'],
    ['a list item of the wrong type', read(['teams', 'billing', 'emails', 1], readString), 'svc.yaml:6: teams.billing.emails[1]: expected a non-empty string; got 7'],
    ['a word for a boolean', read(['teams', 'billing', 'oncall'], readBoolean), 'svc.yaml:7: teams.billing.oncall: expected true or false; got "yes"'],
    ['a value outside a set', read(['sources', 1, 'format'], (v, at) => readEnum(v, at, ['auto', 'ussd-cdr'])), 'svc.yaml:11: sources[1].format: expected one of auto, ussd-cdr; got "xml"'],
    ['a mapping where a list goes', read(['teams'], readList), 'svc.yaml:4: teams: expected a list; got a mapping'],
    ['an offset without quotes', () => readUtcOffset(60, child(top, 'utc_offset')), 'expected a UTC offset written as a quoted string like "+01:00"'],
    ['a problem of the caller', () => fail(child(top, 'teams'), 'no team pages tier 3; add critical_sms to one'), 'svc.yaml:4: teams: no team pages tier 3; add critical_sms to one'],
  ])('%s', (_what, f, message) => {
    expect(problem(f)).toContain(message);
  });

  it('shows a long value cut short', () => {
    expect(problem(() => readNumber('x'.repeat(500), top, { min: 0, max: 1 }))).toMatch(/got "x{60}"\.\.\.$/);
  });

  it('names the line of a syntax error', () => {
    expect(problem(() => parseYaml('a: 1\nb: [\n', 'bad.yaml'))).toMatch(/^bad\.yaml:\d: \(syntax\): .*; fix the YAML syntax$/);
  });

  it('explains an unquoted short code read as an alias', () => {
    expect(problem(() => parseYaml('codes:\n  - *710#\n', 'cat.yaml'))).toBe('cat.yaml:2: (syntax): *710# is read as a YAML alias (an unquoted value cannot start with *); quote it: "*710#"');
  });
});

describe('readYamlFile', () => {
  it('reads a file with its lines', () => {
    const file = join(dir, 'ok.yaml');
    writeFileSync(file, '# comment\nport: 1\n');
    const y = readYamlFile(file);
    expect(y.value).toEqual({ port: 1 });
    expect(y.lineOf(['port'])).toBe(2);
  });

  it('names the file and the fix when it cannot be read', () => {
    expect(problem(() => readYamlFile(join(dir, 'missing.yaml'), 'pass --config FILE'))).toBe(`${join(dir, 'missing.yaml')}: (file): cannot read: ENOENT; pass --config FILE`);
  });
});
