// What subscribers type. The catalogue's own rules (longest prefix, one-edit near codes)
// live in core/catalogue.ts; here they only filter candidates, so that every string the
// simulator writes means what the simulator intends: a variant of *720# really belongs
// to *720#, a typo of *710# really is unknown and one edit from *710#.
import type { Catalogue } from '@ussdwatch/exporter/core/catalogue.js';
import { NO_NEAR_CODE, UNKNOWN_CODE } from '@ussdwatch/exporter/core/types.js';
import { Rng } from './random.js';

export interface CodeVariants {
  code: string;
  /** Strings that belong to `code`, the bare code first (the usual way to dial it). */
  dialed: string[];
  /** Relative weights of `dialed`. */
  weights: number[];
}

export interface Typo {
  ussd: string;
  /** The catalogue code it is one edit from, or NO_NEAR_CODE. */
  near: string;
}

/** The first `*`-segment of a code: `*720*1#` -> `720`. */
function firstSegment(code: string): string {
  const body = code.endsWith('#') ? code.slice(1, -1) : code.slice(1);
  return body.split('*')[0];
}

/** Dialed forms of every catalogue code: the code itself and, rarely, with a parameter. */
export function codeVariants(catalogue: Catalogue): CodeVariants[] {
  return catalogue.entries.map((e) => {
    const dialed = [e.code];
    const weights = [1];
    if (e.code.endsWith('#')) {
      for (const param of ['1', '2', '3']) {
        const v = `${e.code.slice(0, -1)}*${param}#`;
        if (catalogue.shortCodeOf(v) === e.code) {
          dialed.push(v);
          weights.push(0.05);
        }
      }
    }
    return { code: e.code, dialed, weights };
  });
}

/**
 * One-edit typos of a segment, the likeliest first: the last digit hit on a neighbouring
 * key (*719#), the last digit dropped (*71#) or doubled (*7100#), two digits swapped
 * (*701#), then every other single edit.
 */
function oneEditTypos(seg: string): string[] {
  const out: string[] = [];
  const last = seg.length - 1;
  for (const d of '9812345670') if (d !== seg[last]) out.push(seg.slice(0, last) + d);
  out.push(seg.slice(0, last));
  out.push(seg + seg[last]);
  for (let i = last - 1; i >= 0; i--) out.push(seg.slice(0, i) + seg[i + 1] + seg[i] + seg.slice(i + 2));
  for (let i = 0; i <= seg.length; i++) {
    for (const d of '0123456789') {
      out.push(seg.slice(0, i) + d + seg.slice(i)); // insertion
      if (i < seg.length) out.push(seg.slice(0, i) + d + seg.slice(i + 1)); // substitution
    }
    if (i < seg.length) out.push(seg.slice(0, i) + seg.slice(i + 1)); // deletion
  }
  return [...new Set(out)].filter((s) => s.length > 0 && s !== seg);
}

/**
 * Typos near the most popular codes (catalogue order is popularity order), a few per
 * code, each checked against the catalogue: unknown, and one edit from that very code.
 */
export function nearTypos(catalogue: Catalogue, codes: number, perCode: number): Typo[][] {
  const seen = new Set<string>();
  const result: Typo[][] = [];
  for (const e of catalogue.entries) {
    if (result.length >= codes) break;
    const seg = firstSegment(e.code);
    if (seen.has(seg)) continue;
    seen.add(seg);
    const typos: Typo[] = [];
    for (const t of oneEditTypos(seg)) {
      const ussd = `*${t}#`;
      if (catalogue.shortCodeOf(ussd) === UNKNOWN_CODE && catalogue.nearCodeOf(ussd) === e.code) typos.push({ ussd, near: e.code });
      if (typos.length >= perCode) break;
    }
    if (typos.length > 0) result.push(typos);
  }
  return result;
}

/** Codes that are not near anything (a subscriber copying a code from another operator). */
export function farTypos(catalogue: Catalogue, seed: number, count: number): Typo[] {
  const rng = new Rng(seed ^ 0x5eed);
  const out: Typo[] = [];
  for (let tries = 0; out.length < count && tries < 10_000; tries++) {
    const ussd = `*${rng.between(1, 9)}${String(rng.int(10_000)).padStart(4, '0')}#`;
    if (catalogue.shortCodeOf(ussd) === UNKNOWN_CODE && catalogue.nearCodeOf(ussd) === NO_NEAR_CODE && !out.some((t) => t.ussd === ussd)) {
      out.push({ ussd, near: NO_NEAR_CODE });
    }
  }
  return out;
}

/** Checks a typo_storm target: it must be a wrong code, or the storm would not be user errors. */
export function typoOf(catalogue: Catalogue, ussd: string): Typo | string {
  const code = catalogue.shortCodeOf(ussd);
  if (code !== UNKNOWN_CODE) return `'${ussd}' is the catalogue code ${code}: a typo storm needs a code that is not in the catalogue (e.g. *719#)`;
  return { ussd, near: catalogue.nearCodeOf(ussd) };
}
