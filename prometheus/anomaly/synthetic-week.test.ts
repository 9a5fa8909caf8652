// The week the false-page figures are measured over: its calendar, its weekend and its noise.
import { describe, expect, it } from 'vitest';
import { DAY_S, localWeekday, weekFactor, weekSeries } from './synthetic-week.js';

const last = (values: string) => Number(values.split(' ').at(-1));

describe('the synthetic week', () => {
  it("starts on a Thursday (promtool's epoch) and has Algeria's Friday-Saturday weekend", () => {
    expect([0, 1, 2, 3].map((d) => localWeekday(d * DAY_S + 3600))).toEqual([4, 5, 6, 0]);
    // Thursday and Sunday 21:00 alike; Friday 21:00 quieter.
    const at21 = (d: number) => weekFactor(d * DAY_S + 20 * 3600);
    expect(at21(0)).toBeCloseTo(at21(3), 6);
    expect(at21(1)).toBeLessThan(0.8 * at21(0));
  });

  it('draws Poisson counts around the curve, the same for the same seed, and applies faults', () => {
    const opts = { codes: ['*1#', '*2#'], peakRate: 10, days: 1, seed: 3, faults: [] };
    const a = weekSeries(opts);
    expect(a.map((s) => s.series)).toEqual([
      'ussd_dialogs_total{short_code="*1#",class="ok"}',
      'ussd_dialogs_total{short_code="*1#",class="user"}',
      'ussd_dialogs_total{short_code="*1#",class="internal"}',
      'ussd_dialogs_total{short_code="*2#",class="ok"}',
      'ussd_dialogs_total{short_code="*2#",class="user"}',
      'ussd_dialogs_total{short_code="*2#",class="internal"}',
    ]);
    expect(weekSeries(opts)).toEqual(a);
    // A day's expected dialogs: the curve's mean over the day, times the rate, split by popularity.
    let mean = 0;
    for (let m = 1; m <= 1440; m++) mean += weekFactor(m * 60) * 60;
    const total = last(a[0].values) + last(a[1].values) + last(a[2].values) + last(a[3].values) + last(a[4].values) + last(a[5].values);
    expect(total / (10 * mean)).toBeGreaterThan(0.97);
    expect(total / (10 * mean)).toBeLessThan(1.03);
    const halved = weekSeries({ ...opts, faults: [{ code: '*1#', from: 0, to: DAY_S, factor: 0.5 }] });
    expect(last(halved[0].values) / last(a[0].values)).toBeCloseTo(0.5, 1);
  });
});
