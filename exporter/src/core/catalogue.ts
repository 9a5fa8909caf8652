// The short-code catalogue: which code a dialed string belongs to, and for a string that
// belongs to none, which code the subscriber probably meant (classification.md).
//
// Reading of a dialed string: surrounding spaces are trimmed; everything from the first
// `#` on is ignored (the `#` is optional: some gateways log `*710` for `*710#`); one leading
// `*` is dropped; the rest is split on `*` into segments compared as exact strings. So
// `*710*1#` belongs to `*710#` (segments 710, 1) while `*7101#` (one segment, 7101) is
// unknown and one edit from `*710#`. A dialed string that belongs to a catalogue code has
// no near code (NO_NEAR_CODE): the near code only explains unknown strings.
import { child, fail, NO_LINES, type KeyPath, type LineOf, type Place } from '../config/errors.js';
import { readList, readMapping, readNumber, readString } from '../config/validate.js';
import { BoundedCache } from './bounded-cache.js';
import { NO_NEAR_CODE, UNKNOWN_CODE, type CatalogueEntry } from './types.js';

export const DEFAULT_SLOW_MS = 3000;
export const DEFAULT_OBJECTIVE = 0.99;
const CODE_SYNTAX = /^\*\d+(?:\*\d+)*#$/;
/** Distinct dialed strings remembered per cache generation. */
const CACHE_GENERATION = 20_000;

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

export class Catalogue {
  readonly entries: readonly CatalogueEntry[];
  private readonly root: TrieNode = { children: new Map() };
  /** The Resolution of each catalogue code, by the code as written. */
  private readonly known = new Map<string, Resolution>();
  private readonly unknownNear = new Map<string, Resolution>();
  private readonly cache = new BoundedCache<Resolution>(CACHE_GENERATION);
  /**
   * For near codes: by length of a dialed first segment, the entries whose first segment is
   * at most one character longer or shorter (the others cannot be one edit away), in
   * catalogue order, with that segment.
   */
  private readonly nearCandidates = new Map<number, Array<{ entry: CatalogueEntry; first: string }>>();

  constructor(entries: CatalogueEntry[]) {
    this.entries = Object.freeze(entries.map((e) => Object.freeze({ ...e })));
    for (const e of this.entries) {
      let node = this.root;
      for (const seg of segmentsOf(e.code)) {
        let next = node.children.get(seg);
        if (!next) node.children.set(seg, (next = { children: new Map() }));
        node = next;
      }
      node.entry = e;
      this.known.set(e.code, Object.freeze({ shortCode: e.code, nearCode: NO_NEAR_CODE, entry: e, index: this.known.size }));
    }
    for (const entry of this.entries) {
      const first = segmentsOf(entry.code)[0];
      for (let len = Math.max(0, first.length - 1); len <= first.length + 1; len++) {
        let list = this.nearCandidates.get(len);
        if (!list) this.nearCandidates.set(len, (list = []));
        list.push({ entry, first });
      }
    }
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
    const segs = segmentsOf(ussd);
    let node: TrieNode | undefined = this.root;
    let best: CatalogueEntry | undefined;
    for (const seg of segs) {
      node = node.children.get(seg);
      if (!node) break;
      if (node.entry) best = node.entry;
    }
    if (best) return this.known.get(best.code)!;
    const first = segs[0];
    const near = this.nearCandidates.get(first.length)?.find((c) => isOneEdit(first, c.first));
    return this.unknownNear.get(near ? near.entry.code : NO_NEAR_CODE)!;
  }
}

function segmentsOf(dialed: string): string[] {
  let s = dialed.trim();
  const hash = s.indexOf('#');
  if (hash >= 0) s = s.slice(0, hash);
  if (s.startsWith('*')) s = s.slice(1);
  return s.split('*');
}

/** True when a and b differ by exactly one substitution, insertion, deletion or adjacent swap. */
export function isOneEdit(a: string, b: string): boolean {
  if (a === b) return false;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a[i] === b[i]) i++;
  if (la === lb) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true; // substitution
    return i + 1 < la && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2); // transposition
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/**
 * Validates a catalogue document (`short_codes:` list, classification.md) read from `file`.
 * `at` is where the document sits inside that file (empty for a catalogue file of its own).
 */
export function parseCatalogue(raw: unknown, file: string, lineOf: LineOf = NO_LINES, at: KeyPath = []): Catalogue {
  const doc = readMapping(raw, { file, lineOf, path: at }, ['short_codes'], ['short_codes']);
  const listAt: Place = { file, lineOf, path: [...at, 'short_codes'] };
  const items = readList(doc.short_codes, listAt);
  if (items.length === 0) fail(listAt, 'the catalogue is empty; list at least one short code');
  const seen = new Map<string, number>();
  const entries = items.map((item, i) => {
    const itemAt = child(listAt, i);
    const m = readMapping(item, itemAt, ['code', 'name', 'team', 'slow_ms', 'objective'], ['code', 'name', 'team']);
    const code = readString(m.code, child(itemAt, 'code'));
    if (!CODE_SYNTAX.test(code)) fail(child(itemAt, 'code'), `"${code}" is not a short code; write it like "*710#" or "*720*1#" (digits separated by *, ending in #)`);
    const dup = seen.get(code);
    if (dup !== undefined) fail(child(itemAt, 'code'), `"${code}" is already listed as short_codes[${dup}]; remove one of them`);
    seen.set(code, i);
    return {
      code,
      name: readString(m.name, child(itemAt, 'name')),
      team: readString(m.team, child(itemAt, 'team')),
      slowMs: m.slow_ms === undefined ? DEFAULT_SLOW_MS : readNumber(m.slow_ms, child(itemAt, 'slow_ms'), { min: 1, max: 600_000, integer: true }),
      objective: m.objective === undefined ? DEFAULT_OBJECTIVE : readNumber(m.objective, child(itemAt, 'objective'), { min: 0.5, max: 0.99999 }),
    };
  });
  return new Catalogue(entries);
}
