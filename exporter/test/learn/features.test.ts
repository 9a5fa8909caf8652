import { describe, expect, it } from 'vitest';
import { menuDepth, menuDepthBucket, MENU_DEPTHS } from '../../src/core/menu-depth.js';
import { Featurizer, featureNames, hourOfDay, NUMERIC_COUNT, statusWords } from '../../src/learn/features.js';
import { dialog, SPEC_CATALOGUE } from '../core/fixtures.js';

describe('menu depth', () => {
  it('counts the inputs typed, spaces and empty fields included', () => {
    expect([' ', '', '1', '1*2', ' 1*2*3 ', '1**2'].map(menuDepth)).toEqual([0, 0, 1, 2, 3, 3]);
  });
  it('buckets depths from 6 on as 6+', () => {
    expect([0, 5, 6, 40].map((d) => MENU_DEPTHS[menuDepthBucket(d)])).toEqual(['0', '5', '6+', '6+']);
  });
});

describe('features', () => {
  const space = { words: ['ABORT', 'APP', 'FAILED', 'TIMEOUT'], codes: ['*710#', '*720#'], nodes: ['gw01', 'gw02'], utcOffsetMinutes: 60 };
  const f = new Featurizer(space, SPEC_CATALOGUE);
  const row = (over: Parameters<typeof dialog>[0]) => {
    const out = new Float64Array(f.width);
    f.encode(dialog(over), out);
    return Object.fromEntries(featureNames(space).map((n, i) => [n, out[i]]));
  };

  it('splits a status into the words the rules would see', () => {
    expect(statusWords(' failed_app-timeout ')).toEqual(['FAILED', 'APP', 'TIMEOUT']);
    expect(statusWords('__')).toEqual([]);
  });

  it('encodes the fields the issue names, -1 where missing', () => {
    const r = row({ status: 'FAILED_APP_TIMEOUT', appMs: null, mapError: null, steps: 1, dialogMs: 25_000, node: 'gw02', ussd: '*720*9#', menu: '1*2', type: 'PUSH' });
    expect(r).toMatchObject({ map_error: -1, steps: 1, app_ms: -1, dialog_ms: 25_000, app_over_slow: -1, over_slow: -1, menu_depth: 2, push: 1, node: 1, short_code: 1, catalogued: 1 });
    expect([r['status_word:ABORT'], r['status_word:APP'], r['status_word:FAILED'], r['status_word:TIMEOUT']]).toEqual([0, 1, 1, 1]);
    expect(Object.keys(r)).toHaveLength(NUMERIC_COUNT + 4);
  });

  it("measures the app time against the code's own slow threshold", () => {
    // *710# is slow above 2000 ms, *720# above the default 3000 ms.
    expect(row({ ussd: '*710#', appMs: 2500 })).toMatchObject({ app_over_slow: 1.25, over_slow: 1 });
    expect(row({ ussd: '*720#', appMs: 2500 })).toMatchObject({ over_slow: 0 });
  });

  it('gives unknown nodes, codes and words no position of their own', () => {
    const r = row({ node: 'gw77', ussd: '*999#', status: 'BRAND_NEW' });
    expect(r).toMatchObject({ node: -1, short_code: -1, catalogued: 0 });
    expect(Object.entries(r).filter(([k, v]) => k.startsWith('status_word:') && v !== 0)).toEqual([]);
  });

  it('takes the hour of day in the configured time zone', () => {
    expect(hourOfDay(Date.UTC(2026, 10, 21, 23, 30), 60)).toBe(0);
    expect(hourOfDay(Date.UTC(2026, 10, 21, 0, 30), -120)).toBe(22);
  });
});
