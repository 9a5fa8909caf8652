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
  /** From 0 to resolutionCount - 1, so per-resolution tables can be arrays. */
  readonly index: number;
}

export class Catalogue {
  readonly entries: readonly CatalogueEntry[];
  /** The Resolution of each catalogue code, by the code as written. */
  private readonly known = new Map<string, Resolution>();
  /** The Resolution of each catalogue code, by its key (keyOf): `*720*1`, `#123`. */
  private readonly byKey = new Map<string, Resolution>();
  private readonly unknownNear = new Map<string, Resolution>();
  private readonly cache = new BoundedCache<Resolution>(CACHE_GENERATION);
  private readonly near: NearCodeIndex;

  constructor(entries: CatalogueEntry[]) {
    this.entries = Object.freeze(entries.map((e) => Object.freeze({ ...e })));
    for (const e of this.entries) {
      const r = Object.freeze({ shortCode: e.code, nearCode: NO_NEAR_CODE, entry: e, index: this.known.size });
      this.known.set(e.code, r);
      this.byKey.set(keyOf(e.code), r);
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

  /** How many distinct Resolutions resolve() can return: one per code, and one per near code. */
  get resolutionCount(): number {
    return this.known.size + this.unknownNear.size;
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
    const key = keyOf(ussd);
    // The longest prefix by segments: the whole key, then without its last segment, and so on.
    // A cut at 0 would leave only the family character: no code is that.
    for (let k = key, cut = k.length; cut > 0; cut = k.lastIndexOf(STAR)) {
      k = k.slice(0, cut);
      const r = this.byKey.get(k);
      if (r !== undefined) return r;
    }
    const firstEnd = key.indexOf(STAR, 1);
    const near = this.near.find(key[0], key.slice(1, firstEnd < 0 ? key.length : firstEnd));
    return this.unknownNear.get(near ? near.code : NO_NEAR_CODE)!;
  }
}

/**
 * A dialed string (or a code) as its family character followed by its segments joined by `*`:
 * `*720*1*3#` -> `*720*1*3`, `#123#` -> `#123`, `710` -> `*710`. Two strings that read the
 * same have the same key, and a code's key is a prefix by segments of the keys it owns.
 */
function keyOf(dialed: string): string {
  const s = dialed.trim();
  const first = s.charAt(0);
  const from = first === HASH || first === STAR ? 1 : 0;
  const end = s.indexOf(HASH, from);
  return (first === HASH ? HASH : STAR) + s.slice(from, end < 0 ? s.length : end);
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
 * variants, a lookup reads the postings of the dialed segment and of its own one-deletion
 * variants, and every candidate is checked with isOneEdit, since sharing a variant does not
 * imply one edit (`123` and `231` share `23`).
 */
class NearCodeIndex {
  /** Distinct (family, first segment) pairs, numbered in catalogue order of their first code. */
  private readonly firsts: string[] = [];
  private readonly codes: CatalogueEntry[] = [];
  /** Per family, by first segment or one-deletion variant: where its postings start in `ids`. */
  private readonly slots = new Map<string, Map<string, number>>();
  /** Postings of slot k: ids[starts[k]] up to ids[starts[k + 1]], in ascending order. */
  private readonly starts: Int32Array;
  private readonly ids: Int32Array;
  /** Longer dialed segments cannot be one edit from any code: bounds the work a long string costs. */
  private readonly maxLength: number;

  constructor(entries: readonly CatalogueEntry[]) {
    // Postings are gathered in arrays, then packed: a Map of small integers and two typed
    // arrays hold 100,000 codes in a few MB, where an array per key took tens.
    const postings = new Map<string, Map<string, number[]>>();
    const seen = new Set<string>();
    let maxLength = 0;
    for (const e of entries) {
      const key = keyOf(e.code);
      const end = key.indexOf(STAR, 1);
      const family = key[0];
      const first = key.slice(1, end < 0 ? key.length : end);
      if (seen.has(family + first)) continue; // a later code with the same first segment never wins
      seen.add(family + first);
      const id = this.firsts.length;
      this.firsts.push(first);
      this.codes.push(e);
      maxLength = Math.max(maxLength, first.length);
      let byKey = postings.get(family);
      if (byKey === undefined) postings.set(family, (byKey = new Map()));
      for (let i = -1; i < first.length; i = nextDeletion(first, i)) {
        const variant = i < 0 ? first : first.slice(0, i) + first.slice(i + 1);
        const list = byKey.get(variant);
        if (list === undefined) byKey.set(variant, [id]);
        else list.push(id);
      }
    }
    this.maxLength = maxLength + 1;
    let slotCount = 0;
    let idCount = 0;
    for (const byKey of postings.values()) {
      slotCount += byKey.size;
      for (const list of byKey.values()) idCount += list.length;
    }
    this.starts = new Int32Array(slotCount + 1);
    this.ids = new Int32Array(idCount);
    let slot = 0;
    for (const [family, byKey] of postings) {
      const slots = new Map<string, number>();
      for (const [variant, list] of byKey) {
        slots.set(variant, slot);
        this.ids.set(list, this.starts[slot]);
        this.starts[slot + 1] = this.starts[slot] + list.length;
        slot++;
      }
      this.slots.set(family, slots);
    }
  }

  find(family: string, dialed: string): CatalogueEntry | undefined {
    const slots = this.slots.get(family);
    if (slots === undefined || dialed.length > this.maxLength) return undefined;
    let best = this.codes.length;
    for (let i = -1; i < dialed.length; i = nextDeletion(dialed, i)) {
      const slot = slots.get(i < 0 ? dialed : dialed.slice(0, i) + dialed.slice(i + 1));
      if (slot === undefined) continue;
      // Ascending ids: the first candidate one edit away is this slot's best.
      for (let p = this.starts[slot], end = this.starts[slot + 1]; p < end && this.ids[p] < best; p++) {
        if (isOneEdit(dialed, this.firsts[this.ids[p]])) {
          best = this.ids[p];
          break;
        }
      }
    }
    return this.codes[best];
  }
}

/**
 * The position after i whose deletion gives a string not seen yet: deleting any character
 * of a run gives the same string, so once per run. From -1 (the string itself) to length.
 */
function nextDeletion(s: string, i: number): number {
  let j = i + 1;
  while (j > 0 && j < s.length && s.charCodeAt(j) === s.charCodeAt(j - 1)) j++;
  return j;
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
