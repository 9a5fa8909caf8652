import { describe, expect, it } from 'vitest';
import { CAUSES, CAUSES_BY_CLASS, causeInfo, causeSentence, CLASSES, INTERNAL_CAUSES, USER_CAUSES } from '../src/causes.js';

describe('causes', () => {
  it('lists each cause of classification.md once, under its class', () => {
    expect(CAUSES).toEqual(['ok', ...USER_CAUSES, ...INTERNAL_CAUSES, 'unknown_status']);
    expect(new Set(CAUSES).size).toBe(CAUSES.length);
    for (const cls of CLASSES) for (const c of CAUSES_BY_CLASS[cls]) expect(causeInfo(c).cls).toBe(cls);
  });

  it('gives every cause its own words, usable inside a sentence and as one', () => {
    const texts = CAUSES.map((c) => causeInfo(c).text);
    expect(new Set(texts).size).toBe(CAUSES.length);
    for (const t of texts) expect(t).toMatch(/^[a-z][^.]*[a-z]$/);
    expect(causeSentence('app_timeout')).toBe('The application did not answer.');
  });

  it('shows a name that is not a cause as it is, unclassified', () => {
    expect(causeInfo('meteor')).toEqual({ cls: 'unclassified', text: 'meteor' });
  });
});
