// How well the model agrees with the rules on dialogs it never trained on: overall, by
// class, by class/cause (recall and precision), and the most frequent confusions. The
// rules' label is the truth here: the model is only ever a second opinion.
import { argmax, predictInto, type Forest, type TrainingSet } from './forest.js';

export interface OutcomeScore {
  outcome: string;
  /** Held-out dialogs the rules gave this class/cause. */
  support: number;
  /** Of those, the share the model also gave it. */
  recall: number;
  /** Of the dialogs the model gave it, the share the rules agree with (1 when it gave it to none). */
  precision: number;
}

export interface Evaluation {
  rows: number;
  /** Share of held-out dialogs whose class/cause the model predicts as the rules do. */
  accuracy: number;
  /** The same for the class alone (ok, user, internal). */
  classAccuracy: number;
  outcomes: OutcomeScore[];
  /** The largest disagreements, rules' class/cause first. */
  confusions: Array<{ truth: string; predicted: string; count: number }>;
}

const CONFUSIONS_SHOWN = 10;

export function evaluate(forest: Forest, outcomes: readonly string[], set: TrainingSet): Evaluation {
  const k = outcomes.length;
  const matrix = new Float64Array(k * k);
  const p = new Float64Array(k);
  for (let r = 0; r < set.rows; r++) {
    predictInto(forest, set.x.subarray(r * set.features, (r + 1) * set.features), p);
    matrix[set.y[r] * k + argmax(p).index]++;
  }
  const classOf = outcomes.map((o) => o.split('/')[0]);
  let correct = 0;
  let classCorrect = 0;
  const scores: OutcomeScore[] = [];
  const confusions: Evaluation['confusions'] = [];
  for (let t = 0; t < k; t++) {
    let support = 0;
    let predicted = 0;
    for (let q = 0; q < k; q++) {
      const n = matrix[t * k + q];
      support += n;
      predicted += matrix[q * k + t];
      if (classOf[t] === classOf[q]) classCorrect += n;
      if (q !== t && n > 0) confusions.push({ truth: outcomes[t], predicted: outcomes[q], count: n });
    }
    const hit = matrix[t * k + t];
    correct += hit;
    scores.push({ outcome: outcomes[t], support, recall: support === 0 ? 1 : hit / support, precision: predicted === 0 ? 1 : hit / predicted });
  }
  confusions.sort((a, b) => b.count - a.count);
  const rows = set.rows;
  return {
    rows,
    accuracy: rows === 0 ? 0 : correct / rows,
    classAccuracy: rows === 0 ? 0 : classCorrect / rows,
    outcomes: scores,
    confusions: confusions.slice(0, CONFUSIONS_SHOWN),
  };
}

const pct = (x: number) => `${(100 * x).toFixed(2)} %`;

/** The report `ussdwatch train` prints. */
export function formatEvaluation(e: Evaluation): string {
  const lines = [
    `held-out dialogs: ${e.rows}; agreement with the rules: class/cause ${pct(e.accuracy)}, class ${pct(e.classAccuracy)}`,
    '',
    `  ${'class/cause'.padEnd(28)} ${'held out'.padStart(9)} ${'recall'.padStart(9)} ${'precision'.padStart(9)}`,
    ...e.outcomes.map((s) => `  ${s.outcome.padEnd(28)} ${String(s.support).padStart(9)} ${pct(s.recall).padStart(9)} ${pct(s.precision).padStart(9)}`),
    '',
    e.confusions.length === 0 ? 'no confusions' : 'largest confusions (rules -> model):',
    ...e.confusions.map((c) => `  ${c.truth} -> ${c.predicted}: ${c.count}`),
  ];
  return lines.join('\n');
}
