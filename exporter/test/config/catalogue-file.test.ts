import { describe, expect, it } from 'vitest';
import { parseCatalogue } from '../../src/config/catalogue-file.js';
import { parseYaml } from '@ussdwatch/common/config-file.js';
import { configErrorOf, SPEC_CATALOGUE } from '../core/fixtures.js';

describe('parseCatalogue', () => {
  const errorOf = (yaml: string) => configErrorOf(yaml, 'catalogue.yaml', parseCatalogue);

  it('applies defaults', () => {
    const e = SPEC_CATALOGUE.get('*720#')!;
    expect(e).toEqual({ code: '*720#', name: 'Forfaits', team: 'offers', slowMs: 3000, objective: 0.99 });
    expect(SPEC_CATALOGUE.get('*710#')!.slowMs).toBe(2000);
  });

  it('accepts codes starting with #, distinct from the same digits starting with *', () => {
    const y = parseYaml('short_codes:\n  - { code: "#123#", name: Hash, team: care }\n  - { code: "*123#", name: Star, team: care }\n  - { code: "#1*2#", name: Sub, team: care }\n', 'catalogue.yaml');
    const cat = parseCatalogue(y.value, y.file, y.lineOf);
    expect(cat.entries.map((e) => e.code)).toEqual(['#123#', '*123#', '#1*2#']);
    expect(cat.get('#123#')!.name).toBe('Hash');
    expect(cat.shortCodeOf('#123*9#')).toBe('#123#');
  });

  it.each([
    ['short_codes:\n  - { code: "*710", name: a, team: b }\n', /^catalogue\.yaml:2: short_codes\[0\]\.code: "\*710" is not a short code; write it like "\*710#", "\*720\*1#" or "#123#"/],
    ['short_codes:\n  - { code: "#123", name: a, team: b }\n', /^catalogue\.yaml:2: short_codes\[0\]\.code: "#123" is not a short code/],
    ['short_codes:\n  - { code: "*#123#", name: a, team: b }\n', /^catalogue\.yaml:2: short_codes\[0\]\.code: "\*#123#" is not a short code/],
    ['short_codes:\n  - { code: "##", name: a, team: b }\n', /^catalogue\.yaml:2: short_codes\[0\]\.code: "##" is not a short code/],
    ['short_codes:\n  - code: #123#\n    name: a\n    team: b\n', /^catalogue\.yaml:2: short_codes\[0\]\.code: has no value; quote the code \("#123#", "\*710#"\)/],
    ['short_codes:\n  - { code: "*710#", name: a, team: b }\n  - { code: "*710#", name: c, team: d }\n', /^catalogue\.yaml:3: short_codes\[1\]\.code: "\*710#" is already listed as short_codes\[0\]/],
    ['short_codes:\n  - { code: "*710#", name: a }\n', /^catalogue\.yaml:2: short_codes\[0\]\.team: missing/],
    ['short_codes:\n  - { code: "*710#", name: a, team: b, slow: 2 }\n', /^catalogue\.yaml:2: short_codes\[0\]\.slow: unknown key; allowed keys here: code, name, team, slow_ms, objective/],
    ['short_codes:\n  - code: "*710#"\n    name: a\n    team: b\n    slow_ms: fast\n', /^catalogue\.yaml:5: short_codes\[0\]\.slow_ms: expected an integer from 1 to 600000; got "fast"/],
    ['short_codes: []\n', /^catalogue\.yaml:1: short_codes: the catalogue is empty/],
    ['codes: []\n', /^catalogue\.yaml:1: codes: unknown key; allowed keys here: short_codes/],
  ])('%j', (yaml, message) => {
    expect(errorOf(yaml)).toMatch(message);
  });
});
