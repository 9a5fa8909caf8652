// What the learned second opinion sees of a dialog: the fields the issue names (status
// text, MAP error, steps, app and dialog times, node, code, hour) as numbers a tree can
// split. The status text becomes one 0/1 feature per word seen in training
// (`FAILED_APP_TIMEOUT` -> FAILED, APP, TIMEOUT), so a status nobody mapped still shares
// words with known ones; the app time is also given against the code's slow threshold,
// the one the rules compare it with.
import { BoundedCache } from '../core/bounded-cache.js';
import type { Catalogue } from '../core/catalogue.js';
import { menuDepth } from '../core/menu-depth.js';
import type { Dialog } from '../core/types.js';

/** The fixed features, in order; the status words follow them. A missing value is -1. */
export const NUMERIC_FEATURES = [
  'map_error',
  'steps',
  'app_ms',
  'dialog_ms',
  'app_over_slow',
  'over_slow',
  'hour',
  'menu_depth',
  'push',
  'node',
  'short_code',
  'catalogued',
] as const;
export const NUMERIC_COUNT = NUMERIC_FEATURES.length;
const MISSING = -1;
/** Distinct statuses whose word features are remembered (statuses are vendor-written, so bounded here). */
const STATUS_CACHE = 1_000;
/** Distinct node names given their own index in training; more share MISSING. */
export const MAX_NODES = 256;

/** What turns fields into feature positions: saved in the model file, so serving encodes as training did. */
export interface FeatureSpace {
  /** Status words, each one 0/1 feature after the fixed ones. */
  readonly words: readonly string[];
  /** Short codes by index (the catalogue at training time). */
  readonly codes: readonly string[];
  /** Gateway nodes by index. */
  readonly nodes: readonly string[];
  /** For the hour of day: minutes east of UTC. */
  readonly utcOffsetMinutes: number;
}

/** The words of a status as the rules would match it (trimmed, upper-cased), split on anything but letters and digits. */
export function statusWords(status: string): string[] {
  return [...new Set(status.trim().toUpperCase().split(/[^A-Z0-9]+/).filter((w) => w !== ''))];
}

export function featureNames(space: FeatureSpace): string[] {
  return [...NUMERIC_FEATURES, ...space.words.map((w) => `status_word:${w}`)];
}

/** Encodes dialogs into rows for a fixed FeatureSpace. */
export class Featurizer {
  readonly width: number;
  private readonly codeIndex: Map<string, number>;
  private readonly nodeIndex: Map<string, number>;
  private readonly wordIndex: Map<string, number>;
  private readonly statusCache = new BoundedCache<Int32Array>(STATUS_CACHE);

  constructor(
    readonly space: FeatureSpace,
    private readonly catalogue: Catalogue,
  ) {
    this.width = NUMERIC_COUNT + space.words.length;
    this.codeIndex = new Map(space.codes.map((c, i) => [c, i]));
    this.nodeIndex = new Map(space.nodes.map((n, i) => [n, i]));
    this.wordIndex = new Map(space.words.map((w, i) => [w, NUMERIC_COUNT + i]));
  }

  /** Writes the dialog's row into out[offset, offset + width). */
  encode(d: Dialog, out: Float64Array, offset = 0): void {
    writeNumeric(d, this.catalogue, this.nodeIndex.get(d.node.trim()) ?? MISSING, this.codeIndex, this.space.utcOffsetMinutes, out, offset);
    this.writeWords(d.status, out, offset);
  }

  /** The 0/1 word features of a status, after the fixed features. */
  writeWords(status: string, out: Float64Array, offset: number): void {
    out.fill(0, offset + NUMERIC_COUNT, offset + this.width);
    let at = this.statusCache.get(status);
    if (at === undefined) {
      at = Int32Array.from(statusWords(status).flatMap((w) => this.wordIndex.get(w) ?? []));
      this.statusCache.set(status, at);
    }
    for (let i = 0; i < at.length; i++) out[offset + at[i]] = 1;
  }
}

/** The fixed features of a dialog (NUMERIC_FEATURES order) into out[offset, offset + NUMERIC_COUNT). */
export function writeNumeric(
  d: Dialog,
  catalogue: Catalogue,
  node: number,
  codeIndex: ReadonlyMap<string, number>,
  utcOffsetMinutes: number,
  out: Float64Array,
  offset: number,
): void {
  const res = catalogue.resolve(d.ussd);
  out[offset] = d.mapError ?? MISSING;
  out[offset + 1] = d.steps ?? MISSING;
  out[offset + 2] = d.appMs ?? MISSING;
  out[offset + 3] = d.dialogMs ?? MISSING;
  out[offset + 4] = d.appMs === null ? MISSING : d.appMs / res.slowMs;
  // The ratio says how slow; the flag is the rules' own test, which binned cuts may miss.
  out[offset + 5] = d.appMs === null ? MISSING : d.appMs > res.slowMs ? 1 : 0;
  out[offset + 6] = hourOfDay(d.ts, utcOffsetMinutes);
  out[offset + 7] = menuDepth(d.menu);
  out[offset + 8] = d.type.trim().toUpperCase() === 'PUSH' ? 1 : 0;
  out[offset + 9] = node;
  out[offset + 10] = res.entry === undefined ? MISSING : (codeIndex.get(res.shortCode) ?? MISSING);
  out[offset + 11] = res.entry === undefined ? 0 : 1;
}

export function hourOfDay(ts: number, utcOffsetMinutes: number): number {
  const minutes = Math.floor(ts / 60_000) + utcOffsetMinutes;
  return Math.floor((((minutes % 1440) + 1440) % 1440) / 60);
}
