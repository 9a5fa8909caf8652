// Thresholds in words, the same in an alert's description and in the documentation tables.
import type { Conditions, Duration, Minimum } from './slo.js';

/** 14.4 -> "14.4x". */
export const factor = (n: number) => `${n}x`;

/** 0.05 -> "5%", without the float noise of 0.07 * 100. */
export const percent = (ratio: number) => `${Number((ratio * 100).toPrecision(12))}%`;

/** "5m", "5m and 30m", "5m, 30m and 6h". */
export function list(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** `{1m: 14.4, 5m: 6}` -> "14.4x over 1m and 6x over 5m"; equal thresholds share one "over". */
export function conditions(conds: Conditions, threshold: (n: number) => string): string {
  const runs: Array<{ threshold: number; windows: string[] }> = [];
  for (const c of conds) {
    const last = runs[runs.length - 1];
    if (last && last.threshold === c.threshold) last.windows.push(c.window.text);
    else runs.push({ threshold: c.threshold, windows: [c.window.text] });
  }
  return runs.map((r) => `${threshold(r.threshold)} over ${list(r.windows)}`).join(' and ');
}

/** Alternatives, any of which is enough. */
export const anyOf = (alternatives: Conditions[], threshold: (n: number) => string) =>
  alternatives.map((a) => conditions(a, threshold)).join(', or ');

/** "10 internal errors in 5m". */
export const countIn = (m: Minimum, noun: string) => `${m.count} ${noun} in ${m.window.text}`;

export const atLeast = (m: Minimum, noun: string) => `at least ${countIn(m, noun)}`;

/** The window read as the end of a sentence: "minute", "5 minutes", "6 hours". */
export function lastWindow(d: Duration): string {
  const [, n, unit] = /^(\d+)(\w)$/.exec(d.text)!;
  const word = { s: 'second', m: 'minute', h: 'hour', d: 'day', w: 'week' }[unit]!;
  return n === '1' ? word : `${n} ${word}s`;
}

/** 1 -> "it", 2 -> "twice it", 3 -> "3 times it": a multiple of the code's threshold. */
export const times = (n: number) => (n === 1 ? 'it' : n === 2 ? 'twice it' : `${n} times it`);

/** 0.95 -> 95: the percentile a latency objective names. */
export const percentile = (objective: number) => Math.round(objective * 100);

/** 95 -> "95th". */
export function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  return `${n}${teen ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' }[n % 10] ?? 'th')}`;
}
