// A fresh install's traffic, minute by minute, as promtool input series: the simulator's
// daily curve and code popularity, Algeria's Friday-Saturday weekend, Poisson noise, and
// optional faults (a code's traffic multiplied for a while). Pure and seeded: the same
// options give the same series.
import { seededRandom } from '@ussdwatch/common/random.js';
import { dailyFactor, zipfWeights } from '@ussdwatch/simulator/traffic-shape.js';

export const MINUTE_S = 60;
export const DAY_S = 86_400;
/** Algiers is UTC+01:00 all year. */
const ALGIERS_S = 3600;

/** promtool's clock starts at the epoch, a Thursday (01:00 in Algiers). */
export function localWeekday(t: number): number {
  return (4 + Math.floor((t + ALGIERS_S) / DAY_S)) % 7;
}

/**
 * Friday and Saturday: the weekend starts later and stays quieter (the morning and the
 * evening bumps 90 minutes later, three quarters of a weekday's traffic). An assumption of
 * this measurement; the simulator itself draws every day alike.
 */
export const WEEKEND = { shiftS: 5400, factor: 0.75 };

export function weekFactor(t: number): number {
  const weekend = localWeekday(t) === 5 || localWeekday(t) === 6;
  return weekend ? WEEKEND.factor * dailyFactor((t - WEEKEND.shiftS) * 1000) : dailyFactor(t * 1000);
}

/** The share of dialogs of each class, in the manner of the simulator's baseline mix. */
export const CLASS_SHARES: Record<string, number> = { ok: 0.9727, user: 0.0243, internal: 0.003 };

export interface Fault {
  code: string;
  /** Seconds from the start. */
  from: number;
  to: number;
  /** Traffic multiplied by: 0.5 a drop, 3 a surge. */
  factor: number;
}

export interface WeekOptions {
  codes: readonly string[];
  /** Dialogs per second over all codes at the weekday evening peak. */
  peakRate: number;
  days: number;
  seed: number;
  faults: readonly Fault[];
}

/** Knuth's method for small means, the normal approximation for large ones. */
function poisson(mean: number, rnd: () => number): number {
  if (mean <= 0) return 0;
  if (mean > 50) {
    const z = Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * z));
  }
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = rnd(); p > limit; p *= rnd()) k++;
  return k;
}

/** `ussd_dialogs_total` per code and class, one cumulative value a minute, as promtool input series. */
export function weekSeries(opts: WeekOptions): Array<{ series: string; values: string }> {
  const rnd = seededRandom(opts.seed);
  const weights = zipfWeights(opts.codes.length);
  const total = weights.reduce((a, b) => a + b, 0);
  const steps = (opts.days * DAY_S) / MINUTE_S;
  const out: Array<{ series: string; values: string }> = [];
  opts.codes.forEach((code, i) => {
    const perCode = (opts.peakRate * weights[i]) / total;
    for (const [cls, share] of Object.entries(CLASS_SHARES)) {
      const values: number[] = [0];
      let sum = 0;
      for (let step = 1; step <= steps; step++) {
        const t = step * MINUTE_S;
        const fault = opts.faults.find((f) => f.code === code && t > f.from && t <= f.to);
        sum += poisson(perCode * share * weekFactor(t) * (fault?.factor ?? 1) * MINUTE_S, rnd);
        values.push(sum);
      }
      out.push({ series: `ussd_dialogs_total{short_code="${code}",class="${cls}"}`, values: values.join(' ') });
    }
  });
  return out;
}
