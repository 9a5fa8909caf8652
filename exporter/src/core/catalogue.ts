// The short-code catalogue: which code a dialed string belongs to, and for a string that
// belongs to none, which code the subscriber probably meant (classification.md).
//
// Reading of a dialed string: surrounding spaces are trimmed; its leading character (`*` or
// `#`) is its family, and it belongs only to codes of that family (`#123#` is not `*123#`);
// a string that starts with a digit is read as if it started with `*` (some gateways log
// `710#` for `*710#`). After the leading character, everything from the next `#` on is
// ignored (the closing `#` is optional: some gateways log `*710` for `*710#`), and the rest
// is split on `*` into segments compared as exact strings. So `*710*1#` belongs to `*710#`
// (segments 710, 1) while `*7101#` (one segment, 7101) is unknown and one edit from
// `*710#`. A dialed string that belongs to a catalogue code has no near code
// (NO_NEAR_CODE): the near code only explains unknown strings.
import { BoundedCache } from './bounded-cache.js';
import { NO_NEAR_CODE, UNKNOWN_CODE, type CatalogueEntry } from './types.js';

export const DEFAULT_SLOW_MS = 3000;
export const DEFAULT_OBJECTIVE = 0.99;
const CODE_SYNTAX = /^[*#]\d+(?:\*\d+)*#$/;
const STAR = '*';
const HASH = '#';
/** Distinct dialed strings remembered per cache generation. */
const CACHE_GENERATION = 20_000;

/** True for a catalogue code as classification.md writes them: `*710#`, `*720*1#`, `#123#`. */
export function isShortCode(code: string): boolean {
  return CODE_SYNTAX.test(code);
}

/** Where a dialed string belongs. Interned: one object per (short code, near code). */
export interface Resolution {
  readonly shortCode: string;
  readonly nearCode: string;
  /** The catalogue entry, undefined for UNKNOWN_CODE. */
  readonly entry: CatalogueEntry | undefined;
  /** Position in resolutions(), so per-resolution tables can be arrays. */
  readonly index: number;
}

interface TrieNode {
  entry?: CatalogueEntry;
  children: Map<string, TrieNode>;
}

/** A dialed string read as classification.md says: its family (`*` or `#`) and its segments. */
interface Dialed {
  family: string;
  segments: string[];
}

export class Catalogue {
  readonly entries: readonly CatalogueEntry[];
  /** Children of the root are the families; below them, one level per segment. */
  private readonly root: TrieNode = { children: new Map() };
  /** The Resolution of each catalogue code, by the code as written. */
  private readonly known = new Map<string, Resolution>();
  private readonly unknownNear = new Map<string, Resolution>();
  private readonly cache = new BoundedCache<Resolution>(CACHE_GENERATION);
  private readonly near: NearCodeIndex;

  constructor(entries: CatalogueEntry[]) {
    this.entries = Object.freeze(entries.map((e) => Object.freeze({ ...e })));
    for (const e of this.entries) {
      const { family, segments } = readDialed(e.code);
      let node = this.root;
      for (const key of [family, ...segments]) {
        let next = node.children.get(key);
        if (!next) node.children.set(key, (next = { children: new Map() }));
        node = next;
      }
      node.entry = e;
      this.known.set(e.code, Object.freeze({ shortCode: e.code, nearCode: NO_NEAR_CODE, entry: e, index: this.known.size }));
    }
    this.near = new NearCodeIndex(this.entries);
    for (const near of [...this.entries.map((e) => e.code), NO_NEAR_CODE]) {
      const index = this.known.size + this.unknownNear.size;
      this.unknownNear.set(near, Object.freeze({ shortCode: UNKNOWN_CODE, nearCode: near, entry: undefined, index }));
    }
  }

  get(code: string): CatalogueEntry | undefined {
    return this.known.get(code)?.entry;
  }

  /** Every Resolution resolve() can return, for building tables up front. */
  resolutions(): Resolution[] {
    return [...this.known.values(), ...this.unknownNear.values()];
  }

  resolve(ussd: string): Resolution {
    // Nearly every dialed string is a catalogue code written exactly: one small Map answers.
    let r = this.known.get(ussd);
    if (r !== undefined) return r;
    r = this.cache.get(ussd);
    if (r === undefined) {
      r = this.compute(ussd);
      this.cache.set(ussd, r);
    }
    return r;
  }

  shortCodeOf(ussd: string): string {
    return this.resolve(ussd).shortCode;
  }

  nearCodeOf(ussd: string): string {
    return this.resolve(ussd).nearCode;
  }

  private compute(ussd: string): Resolution {
    const { family, segments } = readDialed(ussd);
    let node = this.root.children.get(family);
    let best: CatalogueEntry | undefined;
    for (let i = 0; node !== undefined && i < segments.length; i++) {
      node = node.children.get(segments[i]);
      if (node?.entry) best = node.entry;
    }
    if (best) return this.known.get(best.code)!;
    const near = this.near.find(family, segments[0]);
    return this.unknownNear.get(near ? near.code : NO_NEAR_CODE)!;
  }
}

/**
 * Finds the first catalogue code (in catalogue order) whose first segment is one edit from a
 * dialed first segment, at a cost that depends on the segment's length, not on the size of
 * the catalogue (a symmetric-delete index).
 *
 * Two strings one edit apart always share a string that both reach by deleting at most one
 * character: a substitution at i (both delete i), an insertion or deletion (the longer one
 * deletes the extra character), an adjacent swap `ab`/`ba` (one deletes its `a`, the other
 * its `a` too). So each first segment is filed under itself and each of its one-deletion
 * variants, a lookup lists the buckets of the dialed segment and of its own one-deletion
 * variants, and every candidate is checked with isOneEdit, since sharing a variant does not
 * imply one edit (`123` and `231` share `23`).
 */
class NearCodeIndex {
  /** Distinct (family, first segment) pairs, numbered in catalogue order of their first code. */
  private readonly firsts: string[] = [];
  private readonly codes: CatalogueEntry[] = [];
  /** By family + (first segment or one of its one-deletion variants): ids in ascending order. */
  private readonly buckets = new Map<string, number[]>();
  /** Longer dialed segments cannot be one edit from any code: bounds the work a long string costs. */
  private readonly maxLength: number;

  constructor(entries: readonly CatalogueEntry[]) {
    const ids = new Map<string, number>();
    let maxLength = 0;
    for (const e of entries) {
      const { family, segments } = readDialed(e.code);
      const first = segments[0];
      if (ids.has(family + first)) continue; // a later code with the same first segment never wins
      const id = this.firsts.length;
      ids.set(family + first, id);
      this.firsts.push(first);
      this.codes.push(e);
      maxLength = Math.max(maxLength, first.length);
      forEachKey(first, (key) => {
        const k = family + key;
        const bucket = this.buckets.get(k);
        if (bucket === undefined) this.buckets.set(k, [id]);
        else bucket.push(id);
      });
    }
    this.maxLength = maxLength + 1;
  }

  find(family: string, dialed: string): CatalogueEntry | undefined {
    if (dialed.length > this.maxLength) return undefined;
    let best = Infinity;
    forEachKey(dialed, (key) => {
      const bucket = this.buckets.get(family + key);
      if (bucket === undefined) return;
      // Ascending ids: the first candidate one edit away is this bucket's best.
      for (let i = 0; i < bucket.length && bucket[i] < best; i++) {
        if (isOneEdit(dialed, this.firsts[bucket[i]])) {
          best = bucket[i];
          break;
        }
      }
    });
    return best === Infinity ? undefined : this.codes[best];
  }
}

/** Calls `visit` with `s` and each distinct string `s` gives by deleting one character. */
function forEachKey(s: string, visit: (key: string) => void): void {
  visit(s);
  for (let i = 0; i < s.length; i++) {
    // Deleting any character of a run gives the same string: once per run.
    if (i > 0 && s.charCodeAt(i) === s.charCodeAt(i - 1)) continue;
    visit(s.slice(0, i) + s.slice(i + 1));
  }
}

function readDialed(dialed: string): Dialed {
  const s = dialed.trim();
  const family = s.startsWith(HASH) ? HASH : STAR;
  const from = s.startsWith(HASH) || s.startsWith(STAR) ? 1 : 0;
  const end = s.indexOf(HASH, from);
  return { family, segments: s.slice(from, end < 0 ? s.length : end).split(STAR) };
}

/** True when a and b differ by exactly one substitution, insertion, deletion or adjacent swap. */
export function isOneEdit(a: string, b: string): boolean {
  const la = a.length;
  const lb = b.length;
  if (la < lb) return isOneEdit(b, a);
  if (la - lb > 1) return false;
  let i = 0;
  while (i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (la > lb) return sameFrom(a, i + 1, b, i); // b is a with a[i] deleted
  if (i === la) return false; // equal
  if (sameFrom(a, i + 1, b, i + 1)) return true; // substitution at i
  // Adjacent swap of i and i + 1.
  return i + 1 < la && a.charCodeAt(i) === b.charCodeAt(i + 1) && a.charCodeAt(i + 1) === b.charCodeAt(i) && sameFrom(a, i + 2, b, i + 2);
}

/** a from index i equals b from index j; callers pass positions that leave equal lengths. */
function sameFrom(a: string, i: number, b: string, j: number): boolean {
  while (i < a.length) if (a.charCodeAt(i++) !== b.charCodeAt(j++)) return false;
  return true;
}
