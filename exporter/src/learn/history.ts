// Classified history -> training and held-out rows. A million lines do not all need to be
// learned from: most are `ok`, and a tree learns nothing more from the millionth SUCCESS.
// So each dialog the rules classified goes, by a seeded draw, to the held-out share or to
// training, and each side keeps a reservoir sample (training: up to `perOutcome` dialogs of
// each class/cause, so rare internal causes are all kept; held out: up to `heldOutMax`
// dialogs, in their natural mix, which is what accuracy is measured on).
// Rows are stored as the fixed features plus the status; the status words become features
// at the end, once every status is known.
import type { Catalogue } from '../core/catalogue.js';
import { ALL_OUTCOMES, outcomeNamed } from '../core/outcome.js';
import type { Classification, Dialog } from '../core/types.js';
import { Featurizer, MAX_NODES, NUMERIC_COUNT, statusWords, writeNumeric, type FeatureSpace } from './features.js';
import { seededRandom } from '@ussdwatch/common/random.js';
import { type TrainingSet } from './forest.js';

export interface SampleOptions {
  /** Training dialogs kept per class/cause. */
  perOutcome: number;
  /** Share of dialogs held out for the accuracy report. */
  heldOutShare: number;
  heldOutMax: number;
  seed: number;
  utcOffsetMinutes: number;
}

export interface Sampled {
  readonly space: FeatureSpace;
  /** class/cause names, by class index of the training sets. */
  readonly outcomes: readonly string[];
  readonly train: TrainingSet;
  readonly heldOut: TrainingSet;
  /** Dialogs by the rules' class/cause, all of them (unclassified ones are counted, not learned from). */
  readonly seen: ReadonlyMap<string, number>;
}

/** Fixed features, then the status id, then the outcome id. */
const STRIDE = NUMERIC_COUNT + 2;

/** A reservoir sample of rows, grown as needed up to its capacity. */
class Reservoir {
  data = new Float64Array(0);
  size = 0;
  seen = 0;
  constructor(private readonly capacity: number) {}

  /** The slot a new row goes to, or -1 when the draw leaves it out. */
  slot(random: () => number): number {
    this.seen++;
    if (this.size < this.capacity) {
      if ((this.size + 1) * STRIDE > this.data.length) {
        const grown = new Float64Array(Math.min(this.capacity, Math.max(1024, this.size * 2)) * STRIDE);
        grown.set(this.data);
        this.data = grown;
      }
      return this.size++;
    }
    const j = Math.floor(random() * this.seen);
    return j < this.capacity ? j : -1;
  }
}

export class HistorySample {
  private readonly random: () => number;
  private readonly statusIds = new Map<string, number>();
  private readonly nodes = new Map<string, number>();
  private readonly codeIndex: Map<string, number>;
  private readonly training = new Map<number, Reservoir>();
  private readonly heldOut: Reservoir;
  private readonly counts = new Float64Array(ALL_OUTCOMES.length);
  /** Classifications are interned: one lookup per dialog finds its outcome id. */
  private readonly outcomeOf = new Map<Classification, number>();

  constructor(
    private readonly catalogue: Catalogue,
    private readonly opts: SampleOptions,
  ) {
    this.random = seededRandom(opts.seed);
    this.codeIndex = new Map(catalogue.entries.map((e, i) => [e.code, i]));
    this.heldOut = new Reservoir(opts.heldOutMax);
  }

  add(d: Dialog, c: Classification): void {
    let outcome = this.outcomeOf.get(c);
    if (outcome === undefined) this.outcomeOf.set(c, (outcome = outcomeNamed(`${c.cls}/${c.cause}`)!.id));
    this.counts[outcome]++;
    if (c.cls === 'unclassified') return;
    let target: Reservoir;
    if (this.random() < this.opts.heldOutShare) {
      target = this.heldOut;
    } else {
      target = this.training.get(outcome) ?? new Reservoir(this.opts.perOutcome);
      this.training.set(outcome, target);
    }
    const slot = target.slot(this.random);
    if (slot < 0) return;
    const at = slot * STRIDE;
    writeNumeric(d, this.catalogue, this.nodeId(d.node.trim()), this.codeIndex, this.opts.utcOffsetMinutes, target.data, at);
    target.data[at + NUMERIC_COUNT] = this.statusId(d.status.trim().toUpperCase());
    target.data[at + NUMERIC_COUNT + 1] = outcome;
  }

  build(): Sampled {
    const statuses = [...this.statusIds.keys()];
    const words = [...new Set(statuses.flatMap(statusWords))].sort();
    const space: FeatureSpace = {
      words,
      codes: this.catalogue.entries.map((e) => e.code),
      nodes: [...this.nodes.keys()],
      utcOffsetMinutes: this.opts.utcOffsetMinutes,
    };
    const outcomeIds = [...this.training.keys()].sort((a, b) => a - b);
    const classOf = new Map(outcomeIds.map((id, k) => [id, k]));
    const featurizer = new Featurizer(space, this.catalogue);
    const toSet = (parts: Reservoir[]): TrainingSet => {
      const rows = parts.reduce((n, p) => n + p.size, 0);
      const width = featurizer.width;
      const x = new Float64Array(rows * width);
      const y = new Uint8Array(rows);
      let r = 0;
      for (const p of parts) {
        for (let i = 0; i < p.size; i++) {
          const cls = classOf.get(p.data[i * STRIDE + NUMERIC_COUNT + 1]);
          // Held out but of a class/cause never drawn for training: the model cannot name it.
          if (cls === undefined) continue;
          x.set(p.data.subarray(i * STRIDE, i * STRIDE + NUMERIC_COUNT), r * width);
          featurizer.writeWords(statuses[p.data[i * STRIDE + NUMERIC_COUNT]], x, r * width);
          y[r++] = cls;
        }
      }
      return { x: x.subarray(0, r * width), y: y.subarray(0, r), rows: r, features: width, classes: outcomeIds.length };
    };
    const seen = new Map<string, number>();
    this.counts.forEach((n, id) => n > 0 && seen.set(ALL_OUTCOMES[id].name, n));
    return {
      space,
      outcomes: outcomeIds.map((id) => ALL_OUTCOMES[id].name),
      train: toSet([...this.training.values()]),
      heldOut: toSet([this.heldOut]),
      seen,
    };
  }

  private statusId(status: string): number {
    let id = this.statusIds.get(status);
    if (id === undefined) this.statusIds.set(status, (id = this.statusIds.size));
    return id;
  }

  private nodeId(node: string): number {
    const id = this.nodes.get(node);
    if (id !== undefined) return id;
    if (this.nodes.size >= MAX_NODES) return -1;
    this.nodes.set(node, this.nodes.size);
    return this.nodes.size - 1;
  }
}
