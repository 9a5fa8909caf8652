// The catalogue's indexes (segment trie, symmetric-delete near-code index, cache) against
// classification.md's rules written the straightforward way: scan every code, in order.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Catalogue } from '../../src/core/catalogue.js';
import { NO_NEAR_CODE, UNKNOWN_CODE } from '../../src/core/types.js';

interface Read {
  family: string;
  segments: string[];
}

/** classification.md's reading of a dialed string (and of a code), spelled out. */
function read(dialed: string): Read {
  const s = dialed.trim();
  const family = s[0] === '#' ? '#' : '*';
  const body = s[0] === '#' || s[0] === '*' ? s.slice(1) : s;
  return { family, segments: body.split('#')[0].split('*') };
}

/** Every string one substitution, insertion, deletion or adjacent swap away from `s`. */
function oneEditAway(s: string, alphabet: string): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i <= s.length; i++) {
    for (const c of alphabet) {
      out.add(s.slice(0, i) + c + s.slice(i));
      if (i < s.length) out.add(s.slice(0, i) + c + s.slice(i + 1));
    }
    if (i < s.length) out.add(s.slice(0, i) + s.slice(i + 1));
    if (i + 1 < s.length) out.add(s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2));
  }
  out.delete(s);
  return out;
}

function expected(codes: readonly string[], dialed: string): { shortCode: string; nearCode: string } {
  const d = read(dialed);
  let best: string | undefined;
  let bestLength = 0;
  for (const code of codes) {
    const c = read(code);
    const isPrefix = c.family === d.family && c.segments.length <= d.segments.length && c.segments.every((seg, i) => seg === d.segments[i]);
    if (isPrefix && c.segments.length > bestLength) [best, bestLength] = [code, c.segments.length];
  }
  if (best !== undefined) return { shortCode: best, nearCode: NO_NEAR_CODE };
  const alphabet = `0123456789${d.segments[0]}`;
  const near = codes.find((code) => {
    const c = read(code);
    return c.family === d.family && oneEditAway(c.segments[0], alphabet).has(d.segments[0]);
  });
  return { shortCode: UNKNOWN_CODE, nearCode: near ?? NO_NEAR_CODE };
}

// A small digit alphabet so that codes collide, share prefixes and sit one edit apart often.
const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom('0', '1', '2', '3'), minLength: min, maxLength: max });
const family = fc.constantFrom('*', '#');
const code = fc.tuple(family, digits(1, 3), fc.array(digits(1, 2), { maxLength: 2 })).map(([f, first, rest]) => `${f}${[first, ...rest].join('*')}#`);
const catalogue = fc.uniqueArray(code, { minLength: 1, maxLength: 12 });

/** Up to two random edits: at a position, a character inserted, or ('') one deleted. */
const edits = (units: string[]) => fc.array(fc.tuple(fc.nat(), fc.constantFrom(...units)), { maxLength: 2 });

function applyEdits(s: string, list: Array<[number, string]>): string {
  return list.reduce((t, [at, ch]) => {
    const i = at % (t.length + 1);
    return t.slice(0, i) + ch + t.slice(ch === '' ? i + 1 : i);
  }, s);
}

/** Strings a subscriber might type: a code with up to two random edits, or noise. */
function dialedFor(codes: string[]): fc.Arbitrary<string> {
  const edited = fc.tuple(fc.constantFrom(...codes), edits(['0', '1', '2', '3', '*', '#', ''])).map(([c, e]) => applyEdits(c, e));
  const noise = fc.string({ unit: fc.constantFrom('0', '1', '2', '3', '*', '#', ' ', 'x'), maxLength: 8 });
  return fc.oneof(edited, noise);
}

describe('Catalogue agrees with the straightforward definition', () => {
  it('short code and near code of random strings on random catalogues', () => {
    fc.assert(
      fc.property(
        catalogue.chain((codes) => fc.tuple(fc.constant(codes), fc.array(dialedFor(codes), { minLength: 1, maxLength: 30 }))),
        ([codes, dialed]) => {
          const cat = new Catalogue(codes.map((c) => ({ code: c, name: c, team: 't', slowMs: 3000, objective: 0.99 })));
          // Twice: the second answer comes from the cache (or the exact-code map).
          for (const d of [...dialed, ...dialed]) {
            expect({ shortCode: cat.shortCodeOf(d), nearCode: cat.nearCodeOf(d) }, `${JSON.stringify(d)} in ${codes.join(' ')}`).toEqual(expected(codes, d));
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
