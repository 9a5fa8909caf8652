import { describe, expect, it } from 'vitest';
import { dpssGroups } from '../src/data/dpss.js';

describe('DPSS freshness', () => {
  it('shows codes of the same period once, stalest first', () => {
    const ages = new Map([
      ['*720#', 181.2],
      ['*710#', 180.9],
      ['*730#', 1200],
    ]);
    expect(dpssGroups(ages)).toEqual([
      { codes: ['*730#'], ageSeconds: 1200 },
      { codes: ['*710#', '*720#'], ageSeconds: 181 },
    ]);
    expect(dpssGroups(new Map())).toEqual([]);
  });
});
