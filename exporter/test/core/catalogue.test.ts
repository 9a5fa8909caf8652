import { describe, expect, it } from 'vitest';
import { BoundedCache } from '../../src/core/bounded-cache.js';
import { Catalogue } from '../../src/core/catalogue.js';
import { SPEC_CATALOGUE } from './fixtures.js';

const entry = (code: string) => ({ code, name: code, team: 't', slowMs: 3000, objective: 0.99 });
const catalogueOf = (...codes: string[]) => new Catalogue(codes.map(entry));

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
    expect(new Catalogue([entry('*711#'), entry('*712#')]).nearCodeOf('*713#')).toBe('*711#');
    expect(new Catalogue([entry('*712#'), entry('*711#')]).nearCodeOf('*713#')).toBe('*712#');
  });

  it('codes of every first-segment length are candidates, and catalogue order still decides', () => {
    const cat = new Catalogue([entry('*7100#'), entry('*71#'), entry('*710#'), entry('*7#')]);
    expect(cat.nearCodeOf('*711#')).toBe('*71#'); // deletion; *710# (substitution) comes later
    expect(cat.nearCodeOf('*7101#')).toBe('*7100#');
    expect(cat.nearCodeOf('*71000#')).toBe('*7100#');
    expect(cat.nearCodeOf('*70#')).toBe('*71#');
    expect(cat.nearCodeOf('*8#')).toBe('*7#');
    expect(cat.nearCodeOf('*99999#')).toBe('none');
  });

  it('swaps, runs and empty segments', () => {
    const cat = catalogueOf('*1234#', '*321#', '*7#', '*1100#');
    expect(cat.nearCodeOf('*1243#')).toBe('*1234#');
    expect(cat.nearCodeOf('*2134#')).toBe('*1234#');
    expect(cat.nearCodeOf('*1324#')).toBe('*1234#');
    expect(cat.nearCodeOf('*123#')).toBe('*1234#'); // not *321#: reversed is two edits
    expect(cat.nearCodeOf('*#')).toBe('*7#'); // an empty first segment is one insertion from 7
    expect(cat.nearCodeOf('*1102#')).toBe('*1100#'); // the last of a run substituted
    expect(cat.nearCodeOf('*1010#')).toBe('*1100#'); // swap across the run's end
    expect(cat.nearCodeOf('*110#')).toBe('*1100#');
  });
});

describe('bounded memory for subscriber-typed strings', () => {
  it('100,000 distinct wrong codes keep the cache bounded and answers right', () => {
    const cat = catalogueOf('*710#');
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

describe('codes starting with # (classification.md: the leading character is part of the code)', () => {
  const cat = catalogueOf('*123#', '#123#', '#130*2#', '*710#');

  it.each([
    ['#123#', '#123#'],
    ['*123#', '*123#'],
    ['123#', '*123#'], // no leading character: read as *
    ['#123*4#', '#123#'],
    ['#123', '#123#'],
    ['#130*2*9#', '#130*2#'],
    ['#130#', 'unknown'],
    ['*130*2#', 'unknown'], // #130*2# exists, *130*2# does not
    ['#710#', 'unknown'],
    ['#', 'unknown'],
  ])('%j belongs to %s', (dialed, code) => {
    expect(cat.shortCodeOf(dialed)).toBe(code);
  });

  it.each([
    ['#124#', '#123#'],
    ['*124#', '*123#'],
    ['#719#', 'none'], // *710# is of the other family
    ['*131#', 'none'], // #130*2# is of the other family; *123# is two edits away
    ['#131#', '#130*2#'],
    ['#130#', 'none'], // the same first segment as #130*2#, which is not an edit
  ])('%j is near %s', (dialed, near) => {
    expect(cat.nearCodeOf(dialed)).toBe(near);
  });
});
