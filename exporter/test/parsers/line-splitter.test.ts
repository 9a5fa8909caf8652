import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/parsers/line-splitter.js';

function split(chunks: string[], max?: number): Array<string | null> {
  const s = new LineSplitter(max);
  const out: Array<string | null> = [];
  for (const c of chunks) s.push(c, (l) => out.push(l));
  s.end((l) => out.push(l));
  return out;
}

describe('LineSplitter', () => {
  it('splits across chunk borders, keeps blank lines and an unterminated last line', () => {
    expect(split(['a\nb', 'c\n\n', 'd\r\n', 'e'])).toEqual(['a', 'bc', '', 'd\r', 'e']);
    expect(split(['a\n'])).toEqual(['a']);
    expect(split([''])).toEqual([]);
  });

  it('drops an over-long line without holding it, and resumes after it', () => {
    expect(split(['ok\n12345', '6789', '0\nnext\n'], 8)).toEqual(['ok', null, 'next']);
    expect(split(['123456789'], 8)).toEqual([null]);
  });

  it('by default holds a line of exactly 64 KiB with its CRLF across chunks, and no more', () => {
    const max = 'x'.repeat(64 * 1024);
    expect(split([max.slice(0, 1000), `${max.slice(1000)}\r`, '\nnext'])).toEqual([`${max}\r`, 'next']);
    expect(split([max.slice(0, 1000), `${max.slice(1000)}xx`, '\nnext'])).toEqual([null, 'next']);
  });
});
