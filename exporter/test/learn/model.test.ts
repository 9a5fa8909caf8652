// The forest, the model file round trip and its validation, and training on classified history.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '@ussdwatch/common/random.js';
import { fitForest, predictInto, type TrainingSet } from '../../src/learn/forest.js';
import { loadModelFile, modelJson, writeModelFile } from '../../src/learn/model-file.js';
import { SecondOpinion } from '../../src/learn/second-opinion.js';
import { trainModel } from '../../src/learn/train.js';
import { SPEC_CATALOGUE } from '../core/fixtures.js';
import { classifier, history, sampleOf, smallModel } from './history-fixture.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ussdwatch-learn-'));

/** Two features; the class is which quadrant (x > 0.5, y > 0.5) a point is in: no single split can tell. */
function quadrants(rows: number, seed: number): TrainingSet {
  const random = seededRandom(seed);
  const x = new Float64Array(rows * 2);
  const y = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    x[2 * r] = random();
    x[2 * r + 1] = random();
    y[r] = (x[2 * r] > 0.5 ? 1 : 0) + (x[2 * r + 1] > 0.5 ? 2 : 0);
  }
  return { x, y, rows, features: 2, classes: 4 };
}

describe('random forest', () => {
  const opts = { trees: 10, maxDepth: 8, minSplit: 2, seed: 3, featuresPerSplit: 2 };

  it('learns a target no single split can, and predicts unseen points', () => {
    const forest = fitForest(quadrants(2_000, 1), opts);
    const test = quadrants(500, 2);
    const p = new Float64Array(4);
    let right = 0;
    for (let r = 0; r < test.rows; r++) {
      predictInto(forest, test.x.subarray(2 * r, 2 * r + 2), p);
      expect(p.reduce((a, b) => a + b)).toBeCloseTo(1, 5);
      if (p.indexOf(Math.max(...p)) === test.y[r]) right++;
    }
    expect(right / test.rows).toBeGreaterThan(0.97);
  });

  it('fits the same forest for the same seed', () => {
    const a = fitForest(quadrants(500, 1), opts);
    const b = fitForest(quadrants(500, 1), opts);
    const c = fitForest(quadrants(500, 1), { ...opts, seed: 4 });
    expect(a.trees.map((t) => [...t.threshold])).toEqual(b.trees.map((t) => [...t.threshold]));
    expect(a.trees.map((t) => [...t.threshold])).not.toEqual(c.trees.map((t) => [...t.threshold]));
  });
});

describe('training on classified history', () => {
  it('agrees with the rules on held-out dialogs', () => {
    const e = smallModel().evaluation!;
    expect(e.rows).toBeGreaterThan(1_000);
    expect(e.accuracy).toBeGreaterThan(0.98);
    expect(e.outcomes.map((o) => o.outcome)).toEqual(expect.arrayContaining(['ok/ok', 'user/wrong_code', 'internal/routing', 'internal/slow_response']));
  });

  it('never learns from unclassified dialogs, and counts them', () => {
    const dialogs = history(2_000, 5, { FAILED_USSD_BUSY: 'NOT_IN_THE_MAP' });
    const unclassified = dialogs.filter((d) => classifier.classify(d).cls === 'unclassified').length;
    expect(unclassified).toBeGreaterThan(0);
    const m = trainModel(sampleOf(dialogs), { trees: 3, maxDepth: 8, minSplit: 4, seed: 1 });
    expect(m.outcomes).not.toContain('unclassified/unknown_status');
    expect(m.space.words).not.toContain('THE');
    expect(m.training.unclassified).toBe(unclassified);
  });
});

describe('model file', () => {
  it('round-trips: the loaded model guesses as the trained one', () => {
    const file = path.join(dir, 'model.json');
    writeModelFile(file, smallModel());
    const loaded = loadModelFile(file);
    const before = new SecondOpinion(smallModel(), SPEC_CATALOGUE);
    const after = new SecondOpinion(loaded, SPEC_CATALOGUE);
    for (const d of history(300, 9, { FAILED_DIALOG_TIMEOUT: 'DIALOG_TIMEOUT_EXPIRED' })) {
      const a = before.guess(d);
      const b = after.guess(d);
      expect(b.outcome).toBe(a.outcome);
      // Leaf probabilities are written to 4 decimals.
      expect(Math.abs(b.confidence - a.confidence)).toBeLessThan(1e-3);
    }
    expect(loaded.space).toEqual(smallModel().space);
  });

  interface Doc {
    format: unknown;
    version: unknown;
    outcomes: string[];
    trees: Array<{ feature: number[]; threshold: number[]; left: number[]; right: number[]; value: Array<number[] | null> }>;
  }
  const broken = (change: (doc: Doc) => void): string => {
    const doc = JSON.parse(JSON.stringify(modelJson(smallModel()))) as Doc;
    change(doc);
    const file = path.join(dir, 'broken.json');
    writeFileSync(file, JSON.stringify(doc));
    try {
      loadModelFile(file);
    } catch (err) {
      return (err as Error).message;
    }
    throw new Error('loaded');
  };
  const split = (doc: Doc) => doc.trees[0].feature.findIndex((f) => f >= 0);

  it.each([
    ['another version', (d: Doc) => (d.version = 2), 'version: this ussdwatch reads version 1; got 2'],
    ['another format', (d: Doc) => (d.format = 'onnx'), 'format: expected "ussdwatch-second-opinion"'],
    ['a class/cause the rules do not give', (d: Doc) => (d.outcomes[0] = 'ok/fine'), 'outcomes[0]: not a class/cause'],
    ['a child pointing back up (a loop)', (d: Doc) => (d.trees[0].left[split(d)] = 0), `trees[0].left[`],
    ['a feature past the last one', (d: Doc) => (d.trees[0].feature[split(d)] = 999), 'trees[0].feature['],
    ['a leaf without one probability per outcome', (d: Doc) => (d.trees[0].value[d.trees[0].value.findIndex((v) => v !== null)] = [1]), 'a leaf needs'],
    ['arrays of different lengths', (d: Doc) => d.trees[0].threshold.pop(), 'trees[0].threshold: expected'],
  ])('refuses %s, naming the file, the place and the fix', (_what, change, problem) => {
    const message = broken(change);
    expect(message).toContain(path.join(dir, 'broken.json'));
    expect(message).toContain(problem);
    expect(message).toContain('ussdwatch train --out');
  });

  it('refuses a file that is not JSON or cannot be read', () => {
    const file = path.join(dir, 'text.json');
    writeFileSync(file, 'not json');
    expect(() => loadModelFile(file)).toThrow(/text\.json.*not JSON.*ussdwatch train --out/);
    expect(() => loadModelFile(path.join(dir, 'absent.json'))).toThrow(/absent\.json.*ENOENT/);
    expect(readFileSync(path.join(dir, 'model.json'), 'utf8')).toMatch(/^\{"format":"ussdwatch-second-opinion","version":1,/);
  });
});
