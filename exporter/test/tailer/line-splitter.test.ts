import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/tailer/line-splitter.js';

function split(chunks: (string | Buffer)[], max = 65536): { lines: string[]; pending: number; splitter: LineSplitter } {
  const splitter = new LineSplitter(max);
  const lines: string[] = [];
  for (const c of chunks) splitter.push(typeof c === 'string' ? Buffer.from(c) : c, lines);
  return { lines, pending: splitter.pendingBytes, splitter };
}

describe('LineSplitter', () => {
  it('delivers complete lines and holds a partial one across chunks', () => {
    const { lines, pending } = split(['a1\nb', '2\nc3', '\nd4']);
    expect(lines).toEqual(['a1', 'b2', 'c3']);
    expect(pending).toBe(2);
  });

  it('leaves \\r for the parser and keeps empty lines', () => {
    expect(split(['x\r\n\n\r\ny\r\n']).lines).toEqual(['x\r', '', '\r', 'y\r']);
  });

  it('decodes UTF-8 split across chunks, invalid bytes as U+FFFD', () => {
    const e = Buffer.from('é\n');
    const { lines } = split([e.subarray(0, 1), e.subarray(1), Buffer.from([0xff, 0x41, 0x0a, 0x00, 0x0a])]);
    expect(lines).toEqual(['é', '\uFFFDA', '\u0000']);
  });

  it('cuts a line over the limit to limit + 1 bytes, inside one chunk or across many', () => {
    const long = 'x'.repeat(50);
    expect(split([`${long}\nok\n`], 10).lines).toEqual(['x'.repeat(11), 'ok']);
    const { lines, splitter } = split(['xxxx', 'xxxx', 'xxxxxx', 'xxx\nok\n'], 10);
    expect(lines).toEqual(['x'.repeat(11), 'ok']);
    expect(splitter.pendingBytes).toBe(0);
  });

  it('counts dropped bytes of a long line as pending, so a restart resumes at its start', () => {
    const { pending } = split(['y\n', 'x'.repeat(30), 'x'.repeat(30)], 10);
    expect(pending).toBe(60);
  });

  it('flushes the held partial line once the file is drained', () => {
    const { lines, splitter } = split(['a\nlast']);
    splitter.flush(lines);
    expect(lines).toEqual(['a', 'last']);
    expect(splitter.pendingBytes).toBe(0);
  });

  it('drops the rest of a line whose beginning was not read', () => {
    const splitter = new LineSplitter(100);
    splitter.discardCurrentLine();
    const lines: string[] = [];
    splitter.push(Buffer.from('tail of it\nnext\n'), lines);
    expect(lines).toEqual(['next']);
  });
});
