// The model file `ussdwatch train` writes and `serve` loads: JSON, versioned, and checked
// whole at load (every index in range, children after their parent so no walk can loop,
// every class/cause one the rules know), so a damaged or foreign file stops start-up with
// its path and the fix instead of misleading the operator later.
import { readFileSync, writeFileSync } from 'node:fs';
import { child, ConfigError, fail, NO_LINES, type Place } from '@ussdwatch/common/config-file.js';
import { describe, readList, readMapping, readNumber, readString } from '@ussdwatch/common/config-values.js';
import { outcomeNamed } from '../core/outcome.js';
import { NUMERIC_COUNT, type FeatureSpace } from './features.js';
import type { Evaluation } from './evaluate.js';
import type { Forest, Tree } from './forest.js';

export const MODEL_FORMAT = 'ussdwatch-second-opinion';
export const MODEL_VERSION = 1;
const FIX = 'write it again with `ussdwatch train --out FILE LOGFILE...` (see docs/learn.md)';

export interface Model {
  readonly trainedAt: string;
  readonly space: FeatureSpace;
  /** class/cause by class index. */
  readonly outcomes: readonly string[];
  readonly forest: Forest;
  /** What it was trained on and how it scored, for the operator (`/api/proposals` shows it). */
  readonly training: Record<string, number>;
  readonly evaluation: Evaluation | null;
}

const round = (v: number) => Math.round(v * 1e4) / 1e4;

export function modelJson(m: Model): unknown {
  const k = m.outcomes.length;
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    trained_at: m.trainedAt,
    outcomes: m.outcomes,
    features: { words: m.space.words, codes: m.space.codes, nodes: m.space.nodes, utc_offset_minutes: m.space.utcOffsetMinutes },
    training: m.training,
    evaluation: m.evaluation,
    trees: m.forest.trees.map((t) => ({
      feature: [...t.feature],
      threshold: [...t.threshold],
      left: [...t.left],
      right: [...t.right],
      // Leaves only: split nodes carry no distribution.
      value: [...t.feature].map((f, i) => (f >= 0 ? null : [...t.value.subarray(i * k, (i + 1) * k)].map(round))),
    })),
  };
}

export function writeModelFile(file: string, m: Model): void {
  writeFileSync(file, JSON.stringify(modelJson(m)) + '\n');
}

export function loadModelFile(file: string): Model {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, undefined, '(top level)', `cannot read the model file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; check the path, or ${FIX}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(file, undefined, '(top level)', `not JSON (${(err as Error).message}); ${FIX}`);
  }
  try {
    return parseModel(raw, file);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    throw new ConfigError(err.file, err.line, err.keyPath, `${err.problem}; ${FIX}`);
  }
}

const TOP_KEYS = ['format', 'version', 'trained_at', 'outcomes', 'features', 'training', 'evaluation', 'trees'];

export function parseModel(raw: unknown, file: string): Model {
  const top: Place = { file, lineOf: NO_LINES, path: [] };
  const at = (key: string) => child(top, key);
  const doc = readMapping(raw, top, TOP_KEYS, ['format', 'version', 'outcomes', 'features', 'trees']);
  if (doc.format !== MODEL_FORMAT) fail(at('format'), `expected "${MODEL_FORMAT}"; got ${describe(doc.format)}`);
  if (doc.version !== MODEL_VERSION) fail(at('version'), `this ussdwatch reads version ${MODEL_VERSION}; got ${describe(doc.version)}`);
  const outcomes = readList(doc.outcomes, at('outcomes')).map((o, i) => {
    const name = readString(o, child(at('outcomes'), i));
    const outcome = outcomeNamed(name);
    if (!outcome || outcome.cls === 'unclassified') fail(child(at('outcomes'), i), `not a class/cause the rules give: ${describe(o)}`);
    return outcome.name;
  });
  if (outcomes.length === 0 || outcomes.length > 255) fail(at('outcomes'), `expected 1 to 255 class/cause names; got ${outcomes.length}`);
  const space = readSpace(doc.features, at('features'));
  const width = NUMERIC_COUNT + space.words.length;
  const trees = readList(doc.trees, at('trees')).map((t, i) => readTree(t, child(at('trees'), i), width, outcomes.length));
  if (trees.length === 0) fail(at('trees'), 'expected at least one tree');
  return {
    trainedAt: doc.trained_at === undefined ? '' : readString(doc.trained_at, at('trained_at')),
    space,
    outcomes,
    forest: { classes: outcomes.length, features: width, trees },
    training: (doc.training ?? {}) as Record<string, number>,
    evaluation: (doc.evaluation ?? null) as Evaluation | null,
  };
}

function readSpace(raw: unknown, at: Place): FeatureSpace {
  const m = readMapping(raw, at, ['words', 'codes', 'nodes', 'utc_offset_minutes'], ['words', 'codes', 'nodes', 'utc_offset_minutes']);
  const strings = (key: string) => readList(m[key], child(at, key)).map((v, i) => readString(v, child(child(at, key), i)));
  return {
    words: strings('words'),
    codes: strings('codes'),
    nodes: strings('nodes'),
    utcOffsetMinutes: readNumber(m.utc_offset_minutes, child(at, 'utc_offset_minutes'), { min: -720, max: 840, integer: true }),
  };
}

function readTree(raw: unknown, at: Place, width: number, classes: number): Tree {
  const m = readMapping(raw, at, ['feature', 'threshold', 'left', 'right', 'value'], ['feature', 'threshold', 'left', 'right', 'value']);
  const list = (key: string) => readList(m[key], child(at, key));
  const feature = list('feature');
  const n = feature.length;
  if (n === 0) fail(child(at, 'feature'), 'expected at least the root node');
  for (const key of ['threshold', 'left', 'right', 'value']) {
    if (list(key).length !== n) fail(child(at, key), `expected ${n} entries, one per node (as in feature); got ${list(key).length}`);
  }
  const tree: Tree = {
    feature: new Int32Array(n),
    threshold: new Float64Array(n),
    left: new Int32Array(n),
    right: new Int32Array(n),
    value: new Float32Array(n * classes),
  };
  const [threshold, left, right, value] = [list('threshold'), list('left'), list('right'), list('value')];
  for (let i = 0; i < n; i++) {
    const f = readNumber(feature[i], child(child(at, 'feature'), i), { min: -1, max: width - 1, integer: true });
    tree.feature[i] = f;
    if (f < 0) {
      const v = readList(value[i], child(child(at, 'value'), i));
      if (v.length !== classes) fail(child(child(at, 'value'), i), `a leaf needs ${classes} probabilities, one per outcome; got ${v.length}`);
      v.forEach((p, k) => (tree.value[i * classes + k] = readNumber(p, child(child(child(at, 'value'), i), k), { min: 0, max: 1 })));
      continue;
    }
    if (typeof threshold[i] !== 'number' || !Number.isFinite(threshold[i])) fail(child(child(at, 'threshold'), i), `expected a number; got ${describe(threshold[i])}`);
    tree.threshold[i] = threshold[i] as number;
    // Children come after their parent, so every walk from the root ends at a leaf.
    tree.left[i] = readNumber(left[i], child(child(at, 'left'), i), { min: i + 1, max: n - 1, integer: true });
    tree.right[i] = readNumber(right[i], child(child(at, 'right'), i), { min: i + 1, max: n - 1, integer: true });
  }
  return tree;
}
