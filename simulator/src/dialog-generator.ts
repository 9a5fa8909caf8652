// The stream of dialogs: Poisson arrivals shaped by the daily curve, spread over the
// codes by popularity, each given an outcome from the baseline mix and then from the
// faults in force. One seeded random stream, consumed in arrival order, makes the
// sequence depend only on the seed and options, not on how often the caller drains it.
import type { Catalogue } from '@ussdwatch/exporter/core/catalogue.js';
import { UNKNOWN_CODE } from '@ussdwatch/exporter/core/types.js';
import { codeVariants, farTypos, nearTypos, type Typo } from './dialed-strings.js';
import type { FaultSet } from './faults.js';
import { BASELINE_MIX, FAR_WRONG_CODE_SHARE, OUTCOMES, WRONG_CODE_SHARE, type Outcome, type Truth } from './outcomes.js';
import { Rng, WeightedPicker } from './random.js';
import { dailyFactor, zipfWeights } from './traffic-shape.js';

/** What happens to the dialog's log line: written, not written (node silent), or written corrupted. */
export type LineFault = 'none' | 'silent' | 'malformed';

/** One generated dialog. The generator reuses a single instance: copy what you keep. */
export interface SimDialog {
  /** End of the dialog, epoch ms. */
  t: number;
  nodeIndex: number;
  /** Index into the catalogue, or -1 for a wrong code. */
  codeIndex: number;
  shortCode: string;
  nearCode: string | null;
  ussd: string;
  type: string;
  menu: string;
  status: string;
  mapError: number | null;
  steps: number;
  appMs: number | null;
  dialogMs: number;
  session: string;
  msisdn: string;
  truth: Truth;
  lineFault: LineFault;
  /** Uniform in [0, 1): where to cut or which garbage to write, for a malformed line. */
  corruption: number;
}

export interface GeneratorOptions {
  catalogue: Catalogue;
  nodeCount: number;
  /** Dialogs per second at the evening peak (or always, without the daily curve). */
  ratePerS: number;
  dailyCurve: boolean;
  seed: number;
  startMs: number;
  faults: FaultSet;
}

const VALID_MENUS = ['', '1', '1', '2', '1*1', '1*2', '3', '2*1'];
const INVALID_MENUS = ['9', '1*9', '0', '7*7'];
const MSISDN_POOL = 50_000;
const TYPO_CODES = 5;
const TYPOS_PER_CODE = 6;

export class DialogGenerator {
  private readonly rng: Rng;
  private readonly catalogue: Catalogue;
  private readonly faults: FaultSet;
  private readonly codePicker: WeightedPicker;
  private readonly variants: { dialed: string[]; picker: WeightedPicker }[];
  private readonly slowMs: number[];
  private readonly outcomePicker: WeightedPicker;
  private readonly outcomes: Outcome[];
  private readonly nearTypos: Typo[];
  private readonly nearTypoPicker: WeightedPicker;
  private readonly farTypos: Typo[];
  private readonly msisdns: string[];
  private readonly sessionBase: number[];
  private readonly sessionCount: number[];
  private factorSecond = NaN;
  private factor = 1;
  /** Time of the next arrival (fractional ms). */
  private next: number;
  readonly dialog: SimDialog;

  constructor(private readonly opts: GeneratorOptions) {
    this.rng = new Rng(opts.seed);
    this.catalogue = opts.catalogue;
    this.faults = opts.faults;
    const entries = opts.catalogue.entries;
    this.codePicker = new WeightedPicker(zipfWeights(entries.length));
    this.variants = codeVariants(opts.catalogue).map((v) => ({ dialed: v.dialed, picker: new WeightedPicker(v.weights) }));
    this.slowMs = entries.map((e) => e.slowMs);
    const okShare = 1 - BASELINE_MIX.reduce((s, [, w]) => s + w, 0);
    this.outcomes = [OUTCOMES.ok, ...BASELINE_MIX.map(([o]) => o)];
    this.outcomePicker = new WeightedPicker([okShare, ...BASELINE_MIX.map(([, w]) => w)]);
    // Typos of popular codes are common in proportion to the code's popularity, and
    // within a code the likeliest slip first.
    const groups = nearTypos(opts.catalogue, TYPO_CODES, TYPOS_PER_CODE);
    this.nearTypos = groups.flat();
    this.nearTypoPicker = new WeightedPicker(
      groups.flatMap((g, gi) => zipfWeights(g.length, 1.3).map((w) => w / Math.pow(gi + 1, 1.1))),
    );
    this.farTypos = farTypos(opts.catalogue, opts.seed, 8);
    this.msisdns = Array.from({ length: MSISDN_POOL }, () => `2137${this.rng.between(7, 9)}${String(this.rng.int(10_000_000)).padStart(7, '0')}`);
    this.sessionBase = Array.from({ length: opts.nodeCount }, () => this.rng.int(0x7fffffff));
    this.sessionCount = new Array<number>(opts.nodeCount).fill(0);
    this.next = opts.startMs;
    this.dialog = {
      t: 0, nodeIndex: 0, codeIndex: -1, shortCode: UNKNOWN_CODE, nearCode: null, ussd: '', type: 'PULL', menu: '',
      status: '', mapError: null, steps: 0, appMs: null, dialogMs: 0, session: '', msisdn: '', truth: OUTCOMES.ok.truth,
      lineFault: 'none', corruption: 0,
    };
    this.advanceClock();
  }

  /** Time (epoch ms) of the dialog the next call to produce() returns. */
  get nextTime(): number {
    return Math.floor(this.next);
  }

  /** Generates the next dialog into `this.dialog` and returns it. */
  produce(): SimDialog {
    const rng = this.rng;
    const d = this.dialog;
    d.t = Math.floor(this.next);
    const state = this.faults.stateAt(d.t);
    d.nodeIndex = rng.int(this.opts.nodeCount);
    const nodeFaults = state.nodes[d.nodeIndex];

    let outcome: Outcome;
    let slowApp = false;
    if (state.stormShare > 0 && rng.chance(state.stormShare / (1 + state.stormShare))) {
      this.wrongCode(pickStorm(state.storms, state.stormShares, state.stormShare, rng));
      outcome = OUTCOMES.wrongCode;
    } else if (rng.chance(WRONG_CODE_SHARE)) {
      const far = rng.chance(FAR_WRONG_CODE_SHARE) && this.farTypos.length > 0;
      this.wrongCode(far ? this.farTypos[rng.int(this.farTypos.length)] : this.nearTypos[this.nearTypoPicker.pick(rng)]);
      outcome = OUTCOMES.wrongCode;
    } else {
      const ci = this.codePicker.pick(rng);
      const v = this.variants[ci];
      d.codeIndex = ci;
      d.shortCode = this.catalogue.entries[ci].code;
      d.nearCode = null;
      d.ussd = v.dialed[v.picker.pick(rng)];
      d.type = rng.chance(0.03) ? 'PUSH' : 'PULL';
      outcome = this.outcomes[this.outcomePicker.pick(rng)];
      const f = state.codes[ci];
      if (f) {
        if (f.routing > 0 && rng.chance(f.routing)) outcome = OUTCOMES.routing;
        else if (f.connector > 0 && rng.chance(f.connector)) outcome = rng.chance(0.5) ? OUTCOMES.transportError : OUTCOMES.providerAbort;
        else if (f.down > 0 && rng.chance(f.down)) outcome = OUTCOMES.appTimeout;
        else if (f.slow > 0 && outcome.answered && rng.chance(f.slow)) {
          slowApp = true;
          if (outcome === OUTCOMES.ok) outcome = OUTCOMES.slow;
        }
      }
    }
    // An overloaded node turns the dialog away before routing or the application see it.
    if (nodeFaults.overload > 0 && rng.chance(nodeFaults.overload)) {
      outcome = OUTCOMES.overloaded;
      d.nearCode = null;
    }
    this.fill(outcome, slowApp || outcome.slow === true);
    d.truth = outcome.truth;

    const n = d.nodeIndex;
    d.session = (this.sessionBase[n] + this.sessionCount[n]++).toString(16).padStart(8, '0');
    d.msisdn = this.msisdns[rng.int(MSISDN_POOL)];
    d.lineFault = nodeFaults.silent ? 'silent' : nodeFaults.malformed > 0 && rng.chance(nodeFaults.malformed) ? 'malformed' : 'none';
    d.corruption = d.lineFault === 'malformed' ? rng.next() : 0;
    this.advanceClock();
    return d;
  }

  private wrongCode(t: Typo): void {
    const d = this.dialog;
    d.codeIndex = -1;
    d.shortCode = UNKNOWN_CODE;
    d.nearCode = t.near;
    d.ussd = t.ussd;
    d.type = 'PULL';
  }

  /** Fills the record's fields from the outcome (the same fields a gateway would write). */
  private fill(outcome: Outcome, slow: boolean): void {
    const rng = this.rng;
    const d = this.dialog;
    d.status = outcome.status;
    d.mapError = outcome.mapError;
    if (!outcome.answered) {
      d.menu = '';
      d.steps = 0;
      d.appMs = null;
      d.dialogMs = rng.between(outcome.dialogMs![0], outcome.dialogMs![1]);
      return;
    }
    const menus = outcome.invalidMenu ? INVALID_MENUS : VALID_MENUS;
    d.menu = menus[rng.int(menus.length)];
    d.steps = d.menu === '' ? 1 : d.menu.split('*').length;
    const slowMs = this.slowMs[d.codeIndex];
    d.appMs = slow
      ? slowMs + 1 + Math.floor(rng.next() * slowMs * 1.5)
      : Math.max(15, Math.min(slowMs, Math.round(rng.logNormal(Math.min(slowMs * 0.2, 600), 0.5))));
    // The subscriber reads each screen and types: seconds per step, on top of the application's time.
    d.dialogMs = outcome.dialogMs ? rng.between(outcome.dialogMs[0], outcome.dialogMs[1]) : d.appMs + d.steps * rng.between(1_500, 6_000);
  }

  private advanceClock(): void {
    const second = Math.floor(this.next / 1000);
    if (second !== this.factorSecond) {
      this.factorSecond = second;
      this.factor = this.opts.dailyCurve ? dailyFactor(second * 1000) : 1;
    }
    const storm = this.faults.stateAt(Math.floor(this.next)).stormShare;
    this.next += this.rng.exponential(1000 / (this.opts.ratePerS * this.factor * (1 + storm)));
  }
}

function pickStorm(storms: Typo[], shares: number[], total: number, rng: Rng): Typo {
  let x = rng.next() * total;
  for (let i = 0; i < storms.length - 1; i++) {
    x -= shares[i];
    if (x < 0) return storms[i];
  }
  return storms[storms.length - 1];
}
