// The shape of USSD traffic: how busy the network is at a given time of day, and how
// dialogs spread over the short codes. Pure functions; the simulator scales them by --rate.
import { localHour } from './algiers-time.js';

// Two bumps over a night floor, in Algiers local time: a late-morning plateau and the
// evening peak (after work, when subscribers check balances and buy bundles).
const NIGHT_FLOOR = 0.06;
const BUMPS = [
  { hour: 11.5, width: 3.2, height: 0.55 },
  { hour: 20.8, width: 2.6, height: 1.0 },
];

function rawCurve(hour: number): number {
  let v = NIGHT_FLOOR;
  for (const b of BUMPS) {
    // Circular distance: 23:30 is half an hour from 00:00.
    let dh = Math.abs(hour - b.hour);
    if (dh > 12) dh = 24 - dh;
    v += b.height * Math.exp(-(dh * dh) / (2 * b.width * b.width));
  }
  return v;
}

const PEAK = Math.max(...Array.from({ length: 24 * 60 }, (_, m) => rawCurve(m / 60)));

/** Share of the peak rate at this instant: 1 at the evening peak, about 0.07 around 04:00. */
export function dailyFactor(tMs: number): number {
  return rawCurve(localHour(tMs)) / PEAK;
}

/** Zipf-like popularity: the code at rank r (catalogue order) gets weight 1/r^s. */
export function zipfWeights(n: number, s = 1.1): number[] {
  return Array.from({ length: n }, (_, i) => 1 / Math.pow(i + 1, s));
}
