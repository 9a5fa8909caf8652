// Reads a file's lines from its end, a chunk at a time: the journal's start-up reads its
// newest entries first and stops as soon as it has what it keeps, whatever the file's size.
import { open } from 'node:fs/promises';

/**
 * Yields the lines of `path`, newest (last) first, in batches of one chunk. Lines are
 * decoded one by one: a newline byte never occurs inside a UTF-8 character, so a line
 * split across two chunks is joined before it is decoded. Empty lines are skipped.
 */
export async function* linesFromEnd(path: string, chunkBytes = 1 << 20): AsyncGenerator<string[]> {
  const fh = await open(path, 'r');
  try {
    let pos = (await fh.stat()).size;
    // The start of the file's text not yet split: the tail of a line whose beginning is further back.
    let rest = Buffer.alloc(0);
    while (pos > 0) {
      const n = Math.min(chunkBytes, pos);
      pos -= n;
      const chunk = Buffer.allocUnsafe(n);
      for (let got = 0; got < n; ) {
        const { bytesRead } = await fh.read(chunk, got, n - got, pos + got);
        if (bytesRead === 0) throw new Error(`${path} shrank while being read`);
        got += bytesRead;
      }
      const data = rest.length ? Buffer.concat([chunk, rest]) : chunk;
      const lines: string[] = [];
      let end = data.length;
      for (let nl = data.lastIndexOf(10, end - 1); nl >= 0; nl = nl > 0 ? data.lastIndexOf(10, nl - 1) : -1) {
        if (end > nl + 1) lines.push(data.toString('utf8', nl + 1, end));
        end = nl;
      }
      rest = data.subarray(0, end);
      if (lines.length) yield lines;
    }
    if (rest.length) yield [rest.toString('utf8')];
  } finally {
    await fh.close();
  }
}
