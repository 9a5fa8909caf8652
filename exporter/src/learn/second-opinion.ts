// The model's guess for one dialog: the class/cause it finds most likely and how sure it is
// (the trees' mean probability for it). Used only for dialogs the rules leave unclassified.
import type { Catalogue } from '../core/catalogue.js';
import { outcomeNamed, type Outcome } from '../core/outcome.js';
import type { Dialog } from '../core/types.js';
import { Featurizer } from './features.js';
import { argmax, predictInto } from './forest.js';
import type { Model } from './model-file.js';

export interface Guess {
  readonly outcome: Outcome;
  /** 0 to 1. */
  readonly confidence: number;
}

export class SecondOpinion {
  private readonly featurizer: Featurizer;
  private readonly outcomes: Outcome[];
  private readonly row: Float64Array;
  private readonly p: Float64Array;

  constructor(
    readonly model: Model,
    catalogue: Catalogue,
  ) {
    this.featurizer = new Featurizer(model.space, catalogue);
    this.outcomes = model.outcomes.map((o) => outcomeNamed(o)!);
    this.row = new Float64Array(this.featurizer.width);
    this.p = new Float64Array(model.outcomes.length);
  }

  guess(d: Dialog): Guess {
    this.featurizer.encode(d, this.row);
    predictInto(this.model.forest, this.row, this.p);
    const best = argmax(this.p);
    return { outcome: this.outcomes[best.index], confidence: best.p };
  }
}
