import { describe, expect, it } from 'vitest';
import { BoundedCache } from '../../src/core/bounded-cache.js';
import { Catalogue, isOneEdit, parseCatalogue } from '../../src/core/catalogue.js';
import { configErrorOf, SPEC_CATALOGUE } from './fixtures.js';

describe('shortCodeOf: longest prefix by * segments', () => {
  it.each([
    ['*710#', '*710#'],
    ['*720*1*3#', '*720*1#'],
    ['*720*9#', '*720#'],
    ['*720*1#', '*720*1#'],
    ['*710*1#', '*710#'], // parameters of *710#
    ['*7101#', 'unknown'], // one segment 7101, not 710 followed by 1
    ['*72#', 'unknown'],
    ['  *710#  ', '*710#'], // surrounding spaces trimmed
    ['*710', '*710#'], // the # is optional
    ['*720*1', '*720*1#'],
    ['*710#junk', '*710#'], // nothing after the first # counts
    ['710#', '*710#'],
    ['**710#', 'unknown'],
    ['', 'unknown'],
    ['#', 'unknown'],
  ])('%j -> %s', (dialed, code) => {
    expect(SPEC_CATALOGUE.shortCodeOf(dialed)).toBe(code);
  });
});

describe('nearCodeOf: one edit on the first segment', () => {
  it.each([
    ['*719#', '*710#'], // substitution
    ['*7100#', '*710#'], // insertion
    ['*71#', '*710#'], // deletion
    ['*701#', '*710#'], // adjacent transposition
    ['*7101*2#', '*710#'], // only the first segment matters
    ['*721#', '*720#'], // *720# comes before *720*1# in catalogue order
    ['*999#', 'none'],
    ['*7#', 'none'], // two deletions
    ['*107#', 'none'], // not adjacent: two edits
    ['*710#', 'none'], // a catalogued string has no near code
  ])('%s -> %s', (dialed, near) => {
    expect(SPEC_CATALOGUE.nearCodeOf(dialed)).toBe(near);
  });

  it('first in catalogue order wins when several are one edit away', () => {
    const entry = (code: string) => ({ code, name: code, team: 't', slowMs: 3000, objective: 0.99 });
    expect(new Catalogue([entry('*711#'), entry('*712#')]).nearCodeOf('*713#')).toBe('*711#');
    expect(new Catalogue([entry('*712#'), entry('*711#')]).nearCodeOf('*713#')).toBe('*712#');
  });

  it('codes of every first-segment length are candidates, and catalogue order still decides', () => {
    const entry = (code: string) => ({ code, name: code, team: 't', slowMs: 3000, objective: 0.99 });
    const cat = new Catalogue([entry('*7100#'), entry('*71#'), entry('*710#'), entry('*7#')]);
    expect(cat.nearCodeOf('*711#')).toBe('*71#'); // deletion; *710# (substitution) comes later
    expect(cat.nearCodeOf('*7101#')).toBe('*7100#');
    expect(cat.nearCodeOf('*71000#')).toBe('*7100#');
    expect(cat.nearCodeOf('*70#')).toBe('*71#');
    expect(cat.nearCodeOf('*8#')).toBe('*7#');
    expect(cat.nearCodeOf('*99999#')).toBe('none');
  });

  it('isOneEdit is exact', () => {
    expect(isOneEdit('710', '710')).toBe(false);
    expect(isOneEdit('12', '21')).toBe(true);
    expect(isOneEdit('123', '321')).toBe(false);
    expect(isOneEdit('', '7')).toBe(true);
    expect(isOneEdit('1234', '1243')).toBe(true);
    expect(isOneEdit('1234', '2134')).toBe(true);
    expect(isOneEdit('1234', '1324')).toBe(true);
  });
});

describe('bounded memory for subscriber-typed strings', () => {
  it('100,000 distinct wrong codes keep the cache bounded and answers right', () => {
    const cat = parseCatalogue({ short_codes: [{ code: '*710#', name: 'Solde', team: 'billing' }] }, 'c.yaml');
    let wrong = 0;
    for (let i = 0; i < 100_000; i++) if (cat.shortCodeOf(`*9${i}#`) !== 'unknown') wrong++;
    expect(wrong).toBe(0);
    const size = (cat as unknown as { cache: BoundedCache<unknown> }).cache.size;
    expect(size).toBeLessThanOrEqual(40_000);
    expect(cat.nearCodeOf('*719#')).toBe('*710#');
  });

  it('BoundedCache keeps recent keys and never exceeds two generations', () => {
    const c = new BoundedCache<number>(2);
    c.set('a', 1);
    c.set('b', 2);
    c.set('c', 3); // a, b become the old generation
    expect(c.get('a')).toBe(1); // promoted back
    c.set('d', 4);
    c.set('e', 5);
    expect(c.size).toBeLessThanOrEqual(4);
    expect(c.get('e')).toBe(5);
  });
});

describe('parseCatalogue validation', () => {
  const errorOf = (yaml: string) => configErrorOf(yaml, 'catalogue.yaml', parseCatalogue);

  it('applies defaults', () => {
    const e = SPEC_CATALOGUE.get('*720#')!;
    expect(e).toEqual({ code: '*720#', name: 'Forfaits', team: 'offers', slowMs: 3000, objective: 0.99 });
    expect(SPEC_CATALOGUE.get('*710#')!.slowMs).toBe(2000);
  });

  it.each([
    ['short_codes:\n  - { code: "*710", name: a, team: b }\n', /^catalogue\.yaml:2: short_codes\[0\]\.code: "\*710" is not a short code; write it like "\*710#"/],
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
