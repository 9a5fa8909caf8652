// The simulator's baseline traffic, read back with the exporter's real parsers and
// classifier: every line parses, and the classifier agrees with the truth file on
// every line (class, cause, short code, near code).
import { afterAll, describe, expect, it } from 'vitest';
import { agreement, cleanRuns, countBy, readTruth, simulateFast, START_MS } from './helpers.js';

afterAll(cleanRuns);

describe('baseline traffic', () => {
  it('parses with the real parsers and is classified exactly as the truth says', async () => {
    const r = await simulateFast(['--rate', '400'], { duration: 120 });
    const a = agreement(r);
    expect(a.mismatches).toEqual([]);
    expect(a.agree).toBe(a.total);
    expect(a.total).toBeGreaterThan(40_000);

    const malformed = a.verdicts.filter((v) => v.class === 'malformed');
    expect(malformed).toEqual([]);
    // Timestamps: wall-clock style, inside the simulated span, in order per node.
    for (const node of ['gw01', 'gw02', 'gw03', 'gw04']) {
      const ts = a.verdicts.filter((v) => v.node === node).map((v) => v.dialog!.ts);
      expect(ts.length).toBeGreaterThan(5000);
      expect(ts[0]).toBeGreaterThanOrEqual(START_MS);
      expect(ts[ts.length - 1]).toBeLessThan(START_MS + 120_000);
      expect(ts.every((t, i) => i === 0 || t >= ts[i - 1])).toBe(true);
    }
  });

  it('has the realistic mix: a few percent user errors, well under 1% internal', async () => {
    const r = await simulateFast(['--rate', '400'], { duration: 120, seed: 9 });
    const { verdicts } = agreement(r);
    const byClass = countBy(verdicts, (v) => v.class);
    const n = verdicts.length;
    expect(byClass.user / n).toBeGreaterThan(0.02);
    expect(byClass.user / n).toBeLessThan(0.07);
    expect(byClass.internal / n).toBeGreaterThan(0.0005);
    expect(byClass.internal / n).toBeLessThan(0.01);
    const userCauses = countBy(verdicts.filter((v) => v.class === 'user'), (v) => v.cause);
    for (const cause of ['wrong_code', 'invalid_input', 'abandoned', 'subscriber']) expect(userCauses[cause]).toBeGreaterThan(10);
    // Typos sit near the popular codes, *710# first.
    const near = countBy(verdicts.filter((v) => v.cause === 'wrong_code'), (v) => v.near_code!);
    const top = Object.entries(near).sort((x, y) => y[1] - x[1])[0][0];
    expect(top).toBe('*710#');
    expect(near.none).toBeGreaterThan(0);
    // Popularity: the first catalogue code is the busiest, the last among the quietest.
    const codes = countBy(verdicts.filter((v) => v.class === 'ok'), (v) => v.short_code!);
    expect(codes['*710#']).toBeGreaterThan(3 * codes['*606#']);
  });

  it('follows the daily curve: far fewer dialogs at 04:00 than at 21:00 (Algiers time)', async () => {
    const night = await simulateFast(['--start', '2026-11-21T04:00:00+01:00'], { duration: 60 });
    const evening = await simulateFast(['--start', '2026-11-21T21:00:00+01:00'], { duration: 60 });
    const n = readTruth(night.truth).length;
    const e = readTruth(evening.truth).length;
    expect(e).toBeGreaterThan(10_000); // about 200/s at the peak
    expect(n / e).toBeLessThan(0.2);
    expect(n).toBeGreaterThan(100);
  });
});
