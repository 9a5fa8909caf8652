// A random forest classifier (bagged CART trees, Gini impurity, a random subset of features
// per split), written here rather than taken from npm: ml-random-forest, the kept JavaScript
// one, took 37 s to fit 10 trees on 1,000 rows of 40 features (its splitter re-sorts and
// re-filters plain arrays for every candidate threshold) and did not finish 4,000 rows in
// 5 minutes, where `ussdwatch train` must fit 100,000 rows in seconds.
//
// Speed comes from binning: each feature's values are cut once into at most MAX_BINS bins
// (its distinct values, or quantiles), so finding a node's best split is one pass over its
// rows per feature filling a bins x classes histogram, and rows are partitioned in place.
// Prediction walks flat typed arrays and averages the leaves' class distributions.
import { seededRandom } from '@ussdwatch/common/random.js';

/** One fitted tree, as flat arrays indexed by node; node 0 is the root. */
export interface Tree {
  /** The feature a split node tests, -1 for a leaf. */
  readonly feature: Int32Array;
  /** A row goes left when its feature value is below the threshold. */
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** For leaves, the class distribution of the training rows that reached it: node * classes + class. */
  readonly value: Float32Array;
}

export interface Forest {
  readonly classes: number;
  readonly features: number;
  readonly trees: readonly Tree[];
}

export interface ForestOptions {
  trees: number;
  maxDepth: number;
  /** A node with fewer rows is a leaf. */
  minSplit: number;
  /**
   * Features tried per split; default a third of them. With the usual sqrt(features), most
   * nodes never saw map_error, and 22 % of FAILED_MAP_ERROR_COMPONENT/34 dialogs of a
   * million-line simulated history went to user/subscriber (none with a third).
   */
  featuresPerSplit?: number;
  seed: number;
}

export const MAX_BINS = 256;

/** Training rows: `x` is row-major, rows x features; `y` the class of each row, 0 to classes - 1. */
export interface TrainingSet {
  readonly x: Float64Array;
  readonly y: Uint8Array;
  readonly rows: number;
  readonly features: number;
  readonly classes: number;
}

export function fitForest(set: TrainingSet, opts: ForestOptions): Forest {
  if (set.rows === 0) throw new Error('no training rows');
  const random = seededRandom(opts.seed);
  const binned = binFeatures(set);
  const perSplit = Math.max(1, Math.min(set.features, opts.featuresPerSplit ?? Math.round(set.features / 3)));
  const trees: Tree[] = [];
  for (let t = 0; t < opts.trees; t++) {
    const rows = new Uint32Array(set.rows);
    for (let i = 0; i < rows.length; i++) rows[i] = Math.floor(random() * set.rows);
    trees.push(new TreeBuilder(set, binned, perSplit, opts, random).build(rows));
  }
  return { classes: set.classes, features: set.features, trees };
}

/** Each feature's bin edges and every row's bin: bin b holds values in [edges[b-1], edges[b]). */
interface Binned {
  readonly edges: Float64Array[];
  /** Column-major: feature * rows + row. */
  readonly bins: Uint8Array;
}

function binFeatures(set: TrainingSet): Binned {
  const { rows, features, x } = set;
  const bins = new Uint8Array(rows * features);
  const edges: Float64Array[] = [];
  const column = new Float64Array(rows);
  for (let f = 0; f < features; f++) {
    for (let r = 0; r < rows; r++) column[r] = x[r * features + f];
    const e = cutPoints(column);
    edges.push(e);
    for (let r = 0; r < rows; r++) bins[f * rows + r] = binOf(e, column[r]);
  }
  return { edges, bins };
}

/** Up to MAX_BINS - 1 cut points: between distinct values, or at quantiles when there are more. */
function cutPoints(column: Float64Array): Float64Array {
  const sorted = Float64Array.from(column).sort();
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]);
  const cuts: number[] = [];
  if (distinct.length <= MAX_BINS) {
    for (let i = 1; i < distinct.length; i++) cuts.push((distinct[i - 1] + distinct[i]) / 2);
  } else {
    for (let q = 1; q < MAX_BINS; q++) {
      const i = Math.floor((q * sorted.length) / MAX_BINS);
      const hi = sorted[i];
      // The cut sits just above the largest value below `hi`, so equal values stay together.
      let j = i;
      while (j > 0 && sorted[j - 1] === hi) j--;
      if (j === 0) continue;
      const cut = (sorted[j - 1] + hi) / 2;
      if (cuts.length === 0 || cut > cuts[cuts.length - 1]) cuts.push(cut);
    }
  }
  return Float64Array.from(cuts);
}

function binOf(edges: Float64Array, v: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (v < edges[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

class TreeBuilder {
  private readonly feature: number[] = [];
  private readonly threshold: number[] = [];
  private readonly left: number[] = [];
  private readonly right: number[] = [];
  private readonly value: number[] = [];
  private readonly hist: Float64Array;
  private readonly counts: Float64Array;
  private readonly leftCounts: Float64Array;
  private readonly order: Int32Array;

  constructor(
    private readonly set: TrainingSet,
    private readonly binned: Binned,
    private readonly perSplit: number,
    private readonly opts: ForestOptions,
    private readonly random: () => number,
  ) {
    this.hist = new Float64Array(MAX_BINS * set.classes);
    this.counts = new Float64Array(set.classes);
    this.leftCounts = new Float64Array(set.classes);
    this.order = Int32Array.from({ length: set.features }, (_, i) => i);
  }

  build(rows: Uint32Array): Tree {
    this.grow(rows, 0, rows.length, 0);
    return {
      feature: Int32Array.from(this.feature),
      threshold: Float64Array.from(this.threshold),
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      value: Float32Array.from(this.value),
    };
  }

  /** Grows the subtree of rows[start, end) and returns its node index. */
  private grow(rows: Uint32Array, start: number, end: number, depth: number): number {
    const { classes } = this.set;
    const node = this.feature.length;
    this.feature.push(-1);
    this.threshold.push(0);
    this.left.push(-1);
    this.right.push(-1);
    for (let k = 0; k < classes; k++) this.value.push(0);

    const counts = this.counts.fill(0);
    const y = this.set.y;
    for (let i = start; i < end; i++) counts[y[rows[i]]]++;
    const n = end - start;
    let pure = false;
    for (let k = 0; k < classes; k++) if (counts[k] === n) pure = true;
    const split = pure || n < this.opts.minSplit || depth >= this.opts.maxDepth ? null : this.bestSplit(rows, start, end);
    if (split === null) {
      for (let k = 0; k < classes; k++) this.value[node * classes + k] = counts[k] / n;
      return node;
    }
    // Partition in place: rows whose bin is at most split.bin first.
    const column = split.feature * this.set.rows;
    const bins = this.binned.bins;
    let mid = start;
    for (let i = start; i < end; i++) {
      const r = rows[i];
      if (bins[column + r] <= split.bin) {
        rows[i] = rows[mid];
        rows[mid++] = r;
      }
    }
    this.feature[node] = split.feature;
    this.threshold[node] = this.binned.edges[split.feature][split.bin];
    this.left[node] = this.grow(rows, start, mid, depth + 1);
    this.right[node] = this.grow(rows, mid, end, depth + 1);
    return node;
  }

  /** The split of rows[start, end) that lowers Gini impurity most, among a random subset of features. */
  private bestSplit(rows: Uint32Array, start: number, end: number): { feature: number; bin: number } | null {
    const { classes, rows: total, y } = this.set;
    const n = end - start;
    const counts = this.counts;
    let parentSq = 0;
    for (let k = 0; k < classes; k++) parentSq += counts[k] * counts[k];
    // Minimising weighted child impurity is maximising sum over children of (sum of squared counts) / size.
    let best = parentSq / n + 1e-12;
    let bestFeature = -1;
    let bestBin = -1;
    const order = this.order;
    const bins = this.binned.bins;
    for (let f = 0; f < this.perSplit; f++) {
      // A partial Fisher-Yates shuffle picks the features to try.
      const j = f + Math.floor(this.random() * (order.length - f));
      const feature = order[j];
      order[j] = order[f];
      order[f] = feature;
      const cuts = this.binned.edges[feature].length;
      if (cuts === 0) continue;
      const hist = this.hist.fill(0, 0, (cuts + 1) * classes);
      const column = feature * total;
      for (let i = start; i < end; i++) {
        const r = rows[i];
        hist[bins[column + r] * classes + y[r]]++;
      }
      const leftCounts = this.leftCounts.fill(0);
      let leftN = 0;
      for (let b = 0; b < cuts; b++) {
        for (let k = 0; k < classes; k++) {
          const c = hist[b * classes + k];
          leftCounts[k] += c;
          leftN += c;
        }
        if (leftN === 0) continue;
        const rightN = n - leftN;
        if (rightN === 0) break;
        let leftSq = 0;
        let rightSq = 0;
        for (let k = 0; k < classes; k++) {
          const l = leftCounts[k];
          const rc = counts[k] - l;
          leftSq += l * l;
          rightSq += rc * rc;
        }
        const score = leftSq / leftN + rightSq / rightN;
        if (score > best) {
          best = score;
          bestFeature = feature;
          bestBin = b;
        }
      }
    }
    return bestFeature < 0 ? null : { feature: bestFeature, bin: bestBin };
  }
}

/**
 * The mean of the trees' leaf distributions for one row, written into `out` (length
 * forest.classes). Allocates nothing: the serve path calls it per unclassified dialog.
 */
export function predictInto(forest: Forest, row: ArrayLike<number>, out: Float64Array): void {
  out.fill(0);
  const classes = forest.classes;
  for (const tree of forest.trees) {
    let node = 0;
    while (tree.feature[node] >= 0) node = row[tree.feature[node]] < tree.threshold[node] ? tree.left[node] : tree.right[node];
    const base = node * classes;
    for (let k = 0; k < classes; k++) out[k] += tree.value[base + k];
  }
  const n = forest.trees.length;
  for (let k = 0; k < classes; k++) out[k] /= n;
}

/** The class with the highest mean probability, and that probability. */
export function argmax(p: Float64Array): { index: number; p: number } {
  let index = 0;
  for (let k = 1; k < p.length; k++) if (p[k] > p[index]) index = k;
  return { index, p: p[index] };
}
