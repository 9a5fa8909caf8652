import { describe, expect, it } from 'vitest';
import { compareHealth, hasBand, healthView } from '../src/data/health.js';
import { healthBand } from '../src/queries/causes.js';

describe('health score', () => {
  it('names the lowest part of a score under 100, none at full marks', () => {
    const parts = new Map([
      ['errors', 100],
      ['latency', 42],
      ['anomaly', 70],
      ['incident', 100],
    ]);
    const h = healthView(42, parts);
    expect(h.worst).toBe('latency');
    expect(h.parts.map((p) => p.part)).toEqual(['errors', 'latency', 'anomaly', 'incident']);
    expect(healthView(100, new Map([['errors', 100]])).worst).toBeUndefined();
  });

  it('has no score (and no part) without the health rules', () => {
    const h = healthView(undefined, new Map());
    expect(Number.isNaN(h.score)).toBe(true);
    expect(h.worst).toBeUndefined();
    expect(h.parts.every((p) => Number.isNaN(p.value))).toBe(true);
  });

  it('sorts codes without a score below every score', () => {
    expect([50, NaN, 0, 100].sort(compareHealth)).toEqual([NaN, 0, 50, 100]);
  });

  it('colours scores in bands: healthy, degraded from 90 down, unhealthy under 50', () => {
    expect([100, 90, 89, 50, 49, 0].map((s) => healthBand(s)?.label)).toEqual(['healthy', 'healthy', 'degraded', 'degraded', 'unhealthy', 'unhealthy']);
    expect(healthBand(NaN)).toBeUndefined();
  });

  it('tells a band from the bare series during warm-up', () => {
    const s = (series: string) => ({ labels: { series }, times: [], values: [] });
    expect(hasBand([s('now')])).toBe(false);
    expect(hasBand([s('now'), s('expected'), s('band lower'), s('band upper')])).toBe(true);
  });
});
