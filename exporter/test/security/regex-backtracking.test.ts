// A vendor regex with nested quantifiers used to block the whole exporter (every source,
// /metrics, /healthz) for 30 s per line, doubling with each character. Such a pattern is
// now refused at start-up, naming the file, the line and the fix.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { compileVendorRegex } from '../../src/parsers/regex.js';
import { removeTempDirsAfterAll, writeSetup } from '../serve/helpers.js';
import { exitCode, spawnServe } from './serve-process.js';

removeTempDirsAfterAll();

const FIELDS = String.raw`^(?<ts>\S+ \S+) (?<node>\w+) `;
/** The attack: ^(a+)+$ in a vendor layout; V8 needs 2^n steps to fail on "aaaa…!". */
const EXPONENTIAL = FIELDS + String.raw`(?<ussd>([*#\d]+)+) (?<status>\w+)$`;
/** Three greedy .* separated by spaces: cubic in the line's length, minutes on a 64 KiB line. */
const CUBIC = String.raw`^(?<ts>.*) (?<ussd>.*) (?<status>.*)$`;

describe('vendor regex that can backtrack', { timeout: 60_000 }, () => {
  it('refuses exponential and polynomial patterns with the fix', () => {
    expect(() => compileVendorRegex(EXPONENTIAL)).toThrow(/can backtrack catastrophically: its matching time grows exponentially.*make them exclusive/);
    expect(() => compileVendorRegex(CUBIC)).toThrow(/grows as the line's length to the power 3.*\\S\+ or \[\^ \]\* rather than \.\*/);
  });

  it('accepts the patterns of a usual vendor layout', () => {
    expect(compileVendorRegex(String.raw`^(?<ts>\S+ \S+) (?<node>\w+) (?<msisdn>\d+) (?<ussd>[*#\d]+) (?<status>\w+) (?<app_ms>\d*)$`)).toBeInstanceOf(RegExp);
    expect(compileVendorRegex(String.raw`^(?<ts>[^|]*)\|(?<ussd>[^|]*)\|(?<status>[^|]*)(?:\|(?<app_ms>\d+))?$`)).toBeInstanceOf(RegExp);
  });

  it('a config holding one is refused at load, naming file and line', async () => {
    const s = await writeSetup();
    writeFileSync(s.configFile, `sources:\n  - { name: vendor, path: ./vendor/*.log, format: regex, regex: '${EXPONENTIAL}' }\n`);
    let err: unknown;
    try {
      loadConfig(s.configFile);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(new RegExp(`^${s.configFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: sources\\[0\\]\\.regex: the pattern can backtrack catastrophically`));
  });

  it('serve exits 2 on it and says why, instead of starting and blocking', async () => {
    const s = await writeSetup();
    writeFileSync(s.configFile, `listen: 127.0.0.1:${s.port}\nsources:\n  - name: vendor\n    path: ./vendor/*.log\n    format: regex\n    regex: '${CUBIC}'\n`);
    const p = await spawnServe(s.configFile);
    expect(await exitCode(p)).toBe(2);
    expect(p.output()).toContain(`${path.basename(s.configFile)}:6: sources[0].regex: the pattern can backtrack catastrophically`);
  });
});
