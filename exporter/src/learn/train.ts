// Training as `ussdwatch train` runs it: sample the classified history, fit the forest on the
// training rows, score it on the held-out ones. Pure apart from the clock it reads for the
// timings it reports.
import { evaluate } from './evaluate.js';
import { fitForest, type ForestOptions } from './forest.js';
import type { HistorySample } from './history.js';
import type { Model } from './model-file.js';

export const DEFAULT_FOREST: ForestOptions = { trees: 30, maxDepth: 16, minSplit: 4, seed: 1 };

export function trainModel(sample: HistorySample, forestOptions: ForestOptions, now: () => number = performance.now.bind(performance)): Model {
  const t0 = now();
  const s = sample.build();
  if (s.train.rows === 0) throw new Error('no classified dialog to learn from: the logs hold only malformed or unclassified lines');
  const forest = fitForest(s.train, forestOptions);
  const t1 = now();
  const evaluation = s.heldOut.rows === 0 ? null : evaluate(forest, s.outcomes, s.heldOut);
  const dialogs = [...s.seen.values()].reduce((a, b) => a + b, 0);
  return {
    trainedAt: new Date().toISOString(),
    space: s.space,
    outcomes: s.outcomes,
    forest,
    training: {
      dialogs,
      unclassified: s.seen.get('unclassified/unknown_status') ?? 0,
      train_rows: s.train.rows,
      held_out_rows: s.heldOut.rows,
      trees: forestOptions.trees,
      fit_seconds: Math.round(t1 - t0) / 1000,
      evaluate_seconds: Math.round(now() - t1) / 1000,
    },
    evaluation,
  };
}
