import { describe, expect, it } from 'vitest';
import { causeCounts, errorsOf } from '../src/data/cause-counts.js';

describe('cause counts', () => {
  const counts = causeCounts(
    new Map([
      ['abandoned', new Map([['user', 30]])],
      ['app_timeout', new Map([['internal', 500]])],
      ['slow_response', new Map([['internal', 2]])],
    ]),
  );

  it('lists causes most first, with their class', () => {
    expect(counts.map((c) => [c.cause, c.cls, c.count])).toEqual([
      ['app_timeout', 'internal', 500],
      ['abandoned', 'user', 30],
      ['slow_response', 'internal', 2],
    ]);
  });

  it('counts user and internal errors apart', () => {
    expect([errorsOf(counts, 'internal'), errorsOf(counts, 'user')]).toEqual([502, 30]);
  });
});
