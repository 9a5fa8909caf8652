// DPSS feed freshness: one DPSS file carries every code's period, so the codes usually share
// one age. Codes of the same age are one row, not fifteen identical ones.

export interface DpssGroup {
  codes: string[];
  /** Seconds since the latest period of these codes ended. */
  ageSeconds: number;
}

/** short_code -> age of its latest period, grouped by age (to the second), stalest first. */
export function dpssGroups(ages: Map<string, number>): DpssGroup[] {
  const byAge = new Map<number, string[]>();
  for (const [code, age] of ages) {
    const key = Math.round(age);
    const codes = byAge.get(key);
    if (codes) codes.push(code);
    else byAge.set(key, [code]);
  }
  return [...byAge.entries()].map(([ageSeconds, codes]) => ({ codes: codes.sort(), ageSeconds })).sort((a, b) => b.ageSeconds - a.ageSeconds);
}
