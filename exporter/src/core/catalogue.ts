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
  /**
   * The entry's slow_ms, DEFAULT_SLOW_MS for UNKNOWN_CODE: read on every line, and with a
   * large catalogue, reaching it through the entry was one more cache miss per line.
   */
  readonly slowMs: number;
  /** From 0 to resolutionCount - 1, so per-resolution tables can be arrays. */
  readonly index: number;
}

export class Catalogue {
  readonly entries: readonly CatalogueEntry[];
  /** The Resolution of each catalogue code, by the code as written. */
  private readonly known = new Map<string, Resolution>();
  /** The Resolution of each catalogue code, by its key (keyOf): `*720*1`, `#123`. */
  private readonly byKey = new Map<string, Resolution>();
  /** By catalogue position, the Resolution of an unknown string near that code; last, near none. */
  private readonly unknownNear: Resolution[];
  private readonly cache = new BoundedCache<Resolution>(CACHE_GENERATION);
  private readonly near: NearCodeIndex;

  constructor(entries: CatalogueEntry[]) {
    this.entries = Object.freeze(entries.map((e) => Object.freeze({ ...e })));
    for (const e of this.entries) {
      const r = Object.freeze({ shortCode: e.code, nearCode: NO_NEAR_CODE, entry: e, slowMs: e.slowMs, index: this.known.size });
      this.known.set(e.code, r);
      this.byKey.set(keyOf(e.code), r);
    }
    this.near = new NearCodeIndex(this.entries);
    this.unknownNear = [...this.entries.map((e) => e.code), NO_NEAR_CODE].map((near, i) =>
      Object.freeze({ shortCode: UNKNOWN_CODE, nearCode: near, entry: undefined, slowMs: DEFAULT_SLOW_MS, index: this.known.size + i }),
    );
  }

  get(code: string): CatalogueEntry | undefined {
    return this.known.get(code)?.entry;
  }

  /** How many distinct Resolutions resolve() can return: one per code, and one per near code. */
  get resolutionCount(): number {
    return this.known.size + this.unknownNear.length;
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
    return this.unknownNear[near < 0 ? this.entries.length : near];
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
 * deletes the extra character), an adjacent swap `ab`/`ba` at i (one deletes its `a` at i,
 * the other its `a` at i + 1). So each first segment is filed under itself and under each of
 * its one-deletion variants, with the position and the character deleted; a lookup reads the
 * postings of the dialed segment and of each of its one-deletion variants. Sharing a variant
 * does not imply one edit (`123` and `231` share `23`): which deletions met tells, without
 * reading the candidate's text (see oneEditVia), so a candidate costs two integers read from
 * one typed array, which matters once the catalogue outgrows the processor's caches.
 */
class NearCodeIndex {
  /** The catalogue position of each distinct (family, first segment) pair's first code, by pair id. */
  private readonly positions: number[] = [];
  /** Per family, by first segment or one-deletion variant: its slot. */
  private readonly slots = new Map<string, Map<string, number>>();
  /**
   * Postings of slot k: postings[2 * starts[k]] up to postings[2 * starts[k + 1]], pairs of
   * (pair id, how the variant was made: ITSELF or deletedAt) in ascending id order.
   */
  private readonly starts: Int32Array;
  private readonly postings: Int32Array;
  /** Longer dialed segments cannot be one edit from any code: bounds the work a long string costs. */
  private readonly maxLength: number;

  constructor(entries: readonly CatalogueEntry[]) {
    // Gathered in arrays, then packed: a Map of small integers and two typed arrays hold
    // 100,000 codes in a few MB, where an array per key took tens.
    const lists = new Map<string, Map<string, number[]>>();
    const seen = new Set<string>();
    let maxLength = 0;
    for (const [position, e] of entries.entries()) {
      const key = keyOf(e.code);
      const end = key.indexOf(STAR, 1);
      const family = key[0];
      const first = key.slice(1, end < 0 ? key.length : end);
      if (seen.has(family + first)) continue; // a later code with the same first segment never wins
      seen.add(family + first);
      const id = this.positions.length;
      this.positions.push(position);
      maxLength = Math.max(maxLength, first.length);
      let byKey = lists.get(family);
      if (byKey === undefined) lists.set(family, (byKey = new Map()));
      // Every position, runs included: `xaa` meets `xac` only by deleting the last `a`.
      for (let i = -1; i < first.length; i++) {
        const variant = i < 0 ? first : first.slice(0, i) + first.slice(i + 1);
        const how = i < 0 ? ITSELF : deletedAt(i, first.charCodeAt(i));
        const list = byKey.get(variant);
        if (list === undefined) byKey.set(variant, [id, how]);
        else list.push(id, how);
      }
    }
    this.maxLength = maxLength + 1;
    let slotCount = 0;
    let length = 0;
    for (const byKey of lists.values()) {
      slotCount += byKey.size;
      for (const list of byKey.values()) length += list.length;
    }
    this.starts = new Int32Array(slotCount + 1);
    this.postings = new Int32Array(length);
    let slot = 0;
    for (const [family, byKey] of lists) {
      const slots = new Map<string, number>();
      for (const [variant, list] of byKey) {
        slots.set(variant, slot);
        this.postings.set(list, 2 * this.starts[slot]);
        this.starts[slot + 1] = this.starts[slot] + list.length / 2;
        slot++;
      }
      this.slots.set(family, slots);
    }
  }

  /** The catalogue position of the near code, or -1 when no code is one edit away. */
  find(family: string, dialed: string): number {
    const slots = this.slots.get(family);
    if (slots === undefined || dialed.length > this.maxLength) return -1;
    const own = slots.get(dialed);
    // The pair whose first segment is the dialed one itself: equal is not one edit.
    const same = own === undefined ? -1 : this.itselfIn(own);
    const postings = this.postings;
    let best = this.positions.length;
    for (let i = -1; i < dialed.length; i++) {
      const slot = i < 0 ? own : slots.get(dialed.slice(0, i) + dialed.slice(i + 1));
      if (slot === undefined) continue;
      const c = i < 0 ? -1 : dialed.charCodeAt(i);
      // Ascending ids: the first candidate one edit away is this slot's best.
      for (let p = 2 * this.starts[slot], end = 2 * this.starts[slot + 1]; p < end && postings[p] < best; p += 2) {
        if (postings[p] !== same && oneEditVia(i, c, postings[p + 1])) {
          best = postings[p];
          break;
        }
      }
    }
    return best < this.positions.length ? this.positions[best] : -1;
  }

  private itselfIn(slot: number): number {
    for (let p = 2 * this.starts[slot], end = 2 * this.starts[slot + 1]; p < end; p += 2) {
      if (this.postings[p + 1] === ITSELF) return this.postings[p];
    }
    return -1;
  }
}

/** How a first segment is filed under itself. */
const ITSELF = 0;

/** How a first segment is filed under its variant without the character `c` at `i`. */
function deletedAt(i: number, c: number): number {
  return ((i + 1) << 16) | c;
}

/**
 * Whether a dialed segment d and a code's first segment f, d itself excluded, are one edit
 * apart, given that d without its character c at i (i = -1: d whole) equals f as `how`
 * says. Every f one edit away meets d in at least one way that answers yes, and f != d
 * makes each yes right: lengths one apart are an insertion or a deletion; both deleted at
 * the same i leaves them different at i only, a substitution; d deleted one place after f,
 * the same character, is a swap (`ab`/`ba` at k: d drops its b at k + 1, f its b at k).
 */
function oneEditVia(i: number, c: number, how: number): boolean {
  if (how === ITSELF || i < 0) return true;
  const j = (how >>> 16) - 1;
  return i === j || (i === j + 1 && c === (how & 0xffff));
}
